"""Suggesting codes for a study's uncoded units: the computation only (reads, no writes).

`compute_suggestions` learns from the study's human codings — every coder whose Coder row is not
a suggestion coder; a unit carries a code when any of them applied it (units.label_units) — and
the codebook's definitions, then predicts codes for the units no human coding touches at all.

- Training units: all units of the sources that have at least one human coding; their units
  without a code are the negative examples.
- Units suggested for: units of the chosen sources (default all) that no human coding overlaps
  by even one character, so a suggestion never sits on top of a person's work.
- Codes with fewer than `min_examples` coded units are not suggested (and listed in
  `too_few_examples`, for the pages to warn about).

`coproduce.insight.actions.suggest_codes` stores the result as Coding rows of a suggestion Coder
with a SuggestionRun (provenance) and a Suggestion (confidence, status) for each.
"""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Prefetch
from django.utils import timezone

from ..models import Code, Coding, Source, Turn
from . import backends, units
from .evaluate import MIN_EXAMPLES

SUGGESTION_CODER_NAME = "Suggested codes ({backend})"


@dataclass
class Suggested:
    source_id: int
    start: int
    end: int
    codes: list  # [(code id, confidence)]
    polarity: str


@dataclass
class SuggestionResult:
    backend: str
    model_version: str
    unit: str
    settings: dict
    training_units: int
    created_at: datetime.datetime
    items: list = field(default_factory=list)
    too_few_examples: list = field(default_factory=list)  # code ids

    @property
    def count(self) -> int:
        return sum(len(item.codes) for item in self.items)


def _sources(study):
    human = Coding.objects.filter(coder__is_suggestion=False).only(
        "source_id", "code_id", "start", "end", "polarity"
    )
    rows = Source.objects.filter(study=study).prefetch_related(
        Prefetch("codings", queryset=human, to_attr="human_codings"),
        Prefetch(
            "turns", queryset=Turn.objects.order_by("index").only("source", "index", "start", "end")
        ),
    )
    return list(rows)


def code_texts(codes) -> list[tuple[int, str]]:
    """Each code's name, definition and "use when" note as one weak training example."""
    return [
        (j, ". ".join(p.strip() for p in (c.name, c.definition, c.inclusion) if p and p.strip()))
        for j, c in enumerate(codes)
    ]


@dataclass
class TrainingData:
    codes: list
    texts: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # per unit: the column numbers of its codes
    polarity: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    targets: list = field(default_factory=list)  # (source, unit) with no human coding at all

    def matrix(self) -> np.ndarray:
        Y = np.zeros((len(self.texts), len(self.codes)), dtype=bool)
        for i, cols in enumerate(self.rows):
            Y[i, cols] = True
        return Y


def training_data(study, unit: str = "sentence", source_ids=None) -> TrainingData:
    codes = list(Code.objects.filter(study=study).order_by("order", "pk"))
    column = {c.pk: j for j, c in enumerate(codes)}
    data = TrainingData(codes=codes)
    for source in _sources(study):
        pieces = units.split(source.text, unit, [(t.start, t.end) for t in source.turns.all()])
        spans = [units.Span(c.start, c.end, c.code_id, c.polarity) for c in source.human_codings]
        if spans:
            for piece, (labels, pol) in zip(pieces, units.label_units(pieces, spans), strict=True):
                data.texts.append(piece.text)
                data.rows.append([column[c] for c in labels])
                data.polarity.append(pol)
                data.groups.append(source.pk)
        if source_ids is not None and source.pk not in source_ids:
            continue
        starts = sorted((s.start, s.end) for s in spans)
        for piece in pieces:
            if not any(s < piece.end and e > piece.start for s, e in starts):
                data.targets.append((source, piece))
    return data


def examples_per_code(study, unit: str = "sentence") -> dict[int, int]:
    """{code id: units carrying it} — what the pages show to warn that a code has too few
    examples (fewer than MIN_EXAMPLES) to be suggested."""
    data = training_data(study, unit)
    counts = data.matrix().sum(axis=0) if data.texts else np.zeros(len(data.codes), dtype=int)
    return {c.pk: int(n) for c, n in zip(data.codes, counts, strict=True)}


def compute_suggestions(
    study,
    *,
    unit: str = "sentence",
    backend: str = backends.DEFAULT,
    source_ids=None,
    seed: int = 0,
    min_examples: int = MIN_EXAMPLES,
) -> SuggestionResult:
    data = training_data(study, unit, source_ids)
    codes, texts, polarity, groups, targets = (
        data.codes,
        data.texts,
        data.polarity,
        data.groups,
        data.targets,
    )
    Y = data.matrix()
    positives = Y.sum(axis=0)
    too_few = [c.pk for j, c in enumerate(codes) if positives[j] < min_examples]
    model = backends.get(backend)
    result = SuggestionResult(
        backend=model.name,
        model_version=model.version,
        unit=unit,
        settings={},
        training_units=len(texts),
        created_at=timezone.now(),
        too_few_examples=too_few,
    )
    if not Y.any():
        return result
    model.fit(texts, Y, polarity=polarity, definitions=code_texts(codes), groups=groups, seed=seed)
    result.settings = {
        **backends.describe(model),
        "seed": seed,
        "min_examples": min_examples,
        "too_few_examples": too_few,
        "coded_training_units": int(Y.any(axis=1).sum()),
        "codes": [c.pk for c in codes],
    }
    if not targets:
        return result
    prediction = model.predict([piece.text for _source, piece in targets])
    allowed = positives >= min_examples
    for i, (source, piece) in enumerate(targets):
        chosen = np.flatnonzero(prediction.labels[i] & allowed)
        if chosen.size:
            result.items.append(
                Suggested(
                    source_id=source.pk,
                    start=piece.start,
                    end=piece.end,
                    codes=[(codes[j].pk, round(float(prediction.proba[i, j]), 4)) for j in chosen],
                    polarity=prediction.polarity[i] or "neutral",
                )
            )
    return result
