"""Honest evaluation of code suggestions: k-fold cross-validation grouped by source.

Folds: the sources (transcripts) are shuffled with `random.Random(seed)` and each, in that
order, goes to the fold with the fewest units so far (ties: the lowest fold number). So all the
units of one transcript sit in one fold — never in training and test at once, which would flatter
the model with its own speaker's words — folds are about the same size, and the same seed
always gives the same folds. With fewer sources than folds, there are as many folds as sources.

Scores: the predictions of all test folds are pooled, then for each code
precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN), each 0 when
its denominator is 0, and support = TP + FN (units that carry the code). A code with fewer than
`min_examples` (default 5) positive units in the whole project is reported with
"too_few_examples": true and left out of micro and macro F1: no model learns a code from four
quotes, and counting it would measure luck. Macro F1 is the mean F1 of the remaining codes;
micro F1 pools their TP, FP and FN. Values are computed with exact fractions and then converted
to floats, so hand-worked figures match exactly.

Throughput: units trained on (summed over folds) per second of fitting, and units predicted per
second of prediction.
"""

import json
import random
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import backends, units

MIN_EXAMPLES = 5


@dataclass
class Dataset:
    """Units to learn from: texts, which source each came from, the codes each carries (as
    indexes into `codes`) and each one's polarity label."""

    codes: list[dict]  # {"key", "name", "definition"}
    texts: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    labels: list[frozenset] = field(default_factory=list)
    polarity: list = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def matrix(self, rows=None) -> np.ndarray:
        rows = range(len(self.texts)) if rows is None else rows
        Y = np.zeros((len(rows), len(self.codes)), dtype=bool)
        for i, row in enumerate(rows):
            for j in self.labels[row]:
                Y[i, j] = True
        return Y

    def definitions(self) -> list[tuple[int, str]]:
        return [
            (j, ". ".join(p for p in (c["name"], c.get("definition", "")) if p))
            for j, c in enumerate(self.codes)
        ]


def build_dataset(sources, codes, unit: str) -> Dataset:
    """`sources`: iterable of {"key", "text", "turns": [(start, end)] or None, "codings":
    [units.Span(start, end, code_key, polarity)]}; `codes`: [{"key", "name", "definition"}]."""
    data = Dataset(codes=list(codes))
    index = {c["key"]: j for j, c in enumerate(data.codes)}
    for source in sources:
        pieces = units.split(source["text"], unit, source.get("turns"))
        spans = [s for s in source["codings"] if s.code in index]
        for piece, (codes_of, polarity) in zip(
            pieces, units.label_units(pieces, spans), strict=True
        ):
            data.texts.append(piece.text)
            data.groups.append(str(source["key"]))
            data.labels.append(frozenset(index[c] for c in codes_of))
            data.polarity.append(polarity)
            data.spans.append((piece.start, piece.end))
    return data


def group_folds(groups, k: int, seed: int) -> list[list[int]]:
    """Row indexes of each fold (see module docstring)."""
    sizes = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    names = sorted(sizes)
    random.Random(seed).shuffle(names)
    k = max(1, min(k, len(names)))
    load = [0] * k
    fold_of = {}
    for name in names:
        target = min(range(k), key=lambda f: (load[f], f))
        fold_of[name] = target
        load[target] += sizes[name]
    folds = [[] for _ in range(k)]
    for row, g in enumerate(groups):
        folds[fold_of[g]].append(row)
    return folds


def _ratio(num: int, den: int) -> float:
    return float(Fraction(num, den)) if den else 0.0


def scores(truth: np.ndarray, predicted: np.ndarray, names, *, min_examples=MIN_EXAMPLES) -> dict:
    """Per-code and pooled precision, recall and F1 (see module docstring)."""
    truth = np.asarray(truth, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    per_code = []
    totals = [0, 0, 0]
    f1s = []
    for j, name in enumerate(names):
        tp = int((truth[:, j] & predicted[:, j]).sum())
        fp = int((~truth[:, j] & predicted[:, j]).sum())
        fn = int((truth[:, j] & ~predicted[:, j]).sum())
        few = tp + fn < min_examples
        f1 = _ratio(2 * tp, 2 * tp + fp + fn)
        per_code.append(
            {
                "code": name,
                "precision": _ratio(tp, tp + fp),
                "recall": _ratio(tp, tp + fn),
                "f1": f1,
                "support": tp + fn,
                "too_few_examples": few,
            }
        )
        if not few:
            totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
            f1s.append(Fraction(2 * tp, 2 * tp + fp + fn) if 2 * tp + fp + fn else Fraction(0))
    tp, fp, fn = totals
    return {
        "per_code": per_code,
        "micro_precision": _ratio(tp, tp + fp),
        "micro_recall": _ratio(tp, tp + fn),
        "micro_f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "macro_f1": float(sum(f1s) / len(f1s)) if f1s else None,
        "codes_scored": len(f1s),
    }


def polarity_scores(truth, predicted) -> dict | None:
    """Accuracy and macro F1 of the polarity predicted for the units that carry a code, whether
    or not their codes were found (so code recall does not count twice); None when the project
    has no barrier or facilitator codings."""
    pairs = [(t, p) for t, p in zip(truth, predicted, strict=True) if t]
    if not any(t in ("barrier", "facilitator") for t, _p in pairs):
        return None
    classes = sorted({t for t, _p in pairs})
    f1s = []
    for c in classes:
        tp = sum(1 for t, p in pairs if t == c and p == c)
        fp = sum(1 for t, p in pairs if t != c and p == c)
        fn = sum(1 for t, p in pairs if t == c and p != c)
        f1s.append(Fraction(2 * tp, 2 * tp + fp + fn) if 2 * tp + fp + fn else Fraction(0))
    correct = sum(1 for t, p in pairs if t == p)
    return {
        "accuracy": _ratio(correct, len(pairs)),
        "macro_f1": float(sum(f1s) / len(f1s)),
        "support": len(pairs),
    }


def evaluate(
    data: Dataset,
    *,
    backend: str = backends.DEFAULT,
    folds: int = 5,
    seed: int = 0,
    min_examples: int = MIN_EXAMPLES,
    backend_options: dict | None = None,
) -> dict:
    if not any(data.labels):
        raise ValidationError(_("This project has no codings to learn from."))
    if len(set(data.groups)) < 2:
        raise ValidationError(_("Cross-validation needs at least two coded sources."))
    if folds < 2:
        raise ValidationError(_("Use at least two folds."))
    parts = group_folds(data.groups, folds, seed)
    Y = data.matrix()
    predicted = np.zeros_like(Y)
    polarity = [None] * len(data.texts)
    fit_seconds = predict_seconds = 0.0
    trained = 0
    fold_macro = []
    description = None
    for f, test in enumerate(parts):
        train = [row for g, part in enumerate(parts) if g != f for row in part]
        model = backends.get(backend, **(backend_options or {}))
        started = time.perf_counter()
        model.fit(
            [data.texts[i] for i in train],
            Y[train],
            polarity=[data.polarity[i] for i in train],
            definitions=data.definitions(),
            groups=[data.groups[i] for i in train],
            seed=seed,
        )
        fit_seconds += time.perf_counter() - started
        trained += len(train)
        started = time.perf_counter()
        result = model.predict([data.texts[i] for i in test])
        predict_seconds += time.perf_counter() - started
        predicted[test] = result.labels
        for row, value in zip(test, result.polarity, strict=True):
            polarity[row] = value
        fold = scores(Y[test], result.labels, range(Y.shape[1]), min_examples=0)
        fold_macro.append(fold["macro_f1"])
        if description is None:
            description = backends.describe(model)
            # Thresholds differ from fold to fold; the suggestion runs record their own.
            description.pop("thresholds", None)
    names = [c["name"] for c in data.codes]
    report = scores(Y, predicted, names, min_examples=min_examples)
    for row, code in zip(report["per_code"], data.codes, strict=True):
        row["key"] = str(code["key"])
    return {
        "backend": description.pop("backend"),
        "model_version": description.pop("version"),
        "settings": description,
        "folds": len(parts),
        "seed": seed,
        "units": len(data.texts),
        "coded_units": sum(1 for labels in data.labels if labels),
        "sources": len(set(data.groups)),
        "codes": len(data.codes),
        "min_examples": min_examples,
        **report,
        "fold_macro_f1": fold_macro,
        "polarity": polarity_scores(data.polarity, polarity),
        "throughput": {
            "train_seconds": round(fit_seconds, 3),
            "predict_seconds": round(predict_seconds, 3),
            "train_units_per_s": round(trained / fit_seconds, 1) if fit_seconds else None,
            "predict_units_per_s": round(len(data.texts) / predict_seconds, 1)
            if predict_seconds
            else None,
        },
    }


def _is_suggestion_user(name: str) -> bool:
    """Our QDPX exports include the suggestion coders' codings as users named like
    suggest.SUGGESTION_CODER_NAME; they are not human coding and must not be learnt from."""
    return name.startswith("Suggested codes (") and name.endswith(")")


def read_project(path) -> tuple[list[dict], list[dict]]:
    """(sources, codes) of a REFI-QDA project, read by exchange.read_qdpx (which also handles
    other tools' files: PlainTextContent or internal:// text, "\\r\\n" line ends)."""
    from .. import exchange

    parsed = exchange.read_qdpx(path)
    machine = {u["guid"] for u in parsed.users if _is_suggestion_user(u["name"])}
    codes = []
    for code in parsed.codes:
        meta = code.get("meta") or {}
        definition = " ".join(
            p.strip() for p in (code.get("description") or "", meta.get("inclusion") or "") if p
        )
        codes.append({"key": code["guid"], "name": code["name"], "definition": definition})
    sources = []
    for source in parsed.sources:
        turns = [(t[1], t[2]) for t in (source.get("meta") or {}).get("turns") or []]
        spans = [
            units.Span(selection["start"], selection["end"], coding["code"], selection["polarity"])
            for selection in source["selections"]
            for coding in selection["codings"]
            if coding["user"] not in machine
        ]
        sources.append(
            {"key": source["guid"], "text": source["text"], "turns": turns, "codings": spans}
        )
    return sources, codes


def cli_autocode_eval(args, out=sys.stdout) -> int:
    """`coproduce insight autocode-eval FILE.qdpx`: cross-validate suggestions, print JSON."""
    sources, codes = read_project(args.file)
    data = build_dataset(sources, codes, args.unit)
    try:
        report = evaluate(
            data,
            backend=args.backend,
            folds=args.folds,
            seed=args.seed,
            min_examples=args.min_examples,
        )
    except backends.BackendUnavailable as exc:
        raise ValidationError(str(exc)) from None
    report = {"file": str(args.file), "unit": args.unit, **report}
    json.dump(report, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return 0
