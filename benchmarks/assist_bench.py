"""Time and score code suggestions (issue 5). Results and the choice they led to:
docs/decisions/0004-suggestion-backend.md.

    python /work/shared/bench/taguette/gen_corpus.py /tmp/assist/corpus 560 60
    .venv/bin/python benchmarks/assist_bench.py /tmp/assist/corpus [--backend tfidf]
        [--train 10000] [--predict 100000] [--eval-units 10000] [--folds 5]
        [--compare "tfidf,baseline-svm,tfidf:char=false;C=1"] [--seeds FOLDER] [--no-django]

The corpus's sentences are random words, so its labels are made here: every code of the
corpus's codebook.csv is given one to four cue word pairs (chosen with a fixed seed), and a
sentence carries the code when a cue pair stands next to each other in it. Like human coders,
the labels are noisy: 10% of such sentences are left uncoded and 0.3% of all sentences get a code
at random. Polarity comes from the code's name (".../barrier").

The corpus folder (first argument) is written by the Taguette bench's gen_corpus.py, which lives
outside this repository (on the bench machines, /work/shared/bench/taguette/).
`--seeds FOLDER` compares the backends on real prose instead (a folder of plain-text papers, such
as the seed texts cited in docs/domain.md §14, kept outside the repository; coded by stem
lexicons, see SEED_CODES). `--compare` takes backend names with options after a colon.
`--no-django` runs without Django (for the embeddings backend in a Python 3.11 venv with torch).

Prints one JSON object: seconds and peak memory (ru_maxrss) to train on `--train` units and to
suggest for `--predict` units, and the cross-validated scores of each backend in `--compare`,
all under the same folds. Synthetic cues favour n-gram models; the figures measure speed and
compare backends, not the quality to expect on real interviews (for that, run
`coproduce insight autocode-eval` on a coded project).
"""

import argparse
import csv
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("COPRODUCE_DEMO", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")


def _stub_django():
    """`--no-django`: run the engine where Django cannot be installed (the embeddings comparison
    runs in a Python 3.11 venv, the only Python with a local CPU build of torch here). The engine
    needs only ValidationError and gettext from Django."""
    import types

    class ValidationError(Exception):
        pass

    modules = {
        name: types.ModuleType(name)
        for name in ("django", "django.core", "django.core.exceptions", "django.utils")
    }
    modules["django.utils.translation"] = types.ModuleType("django.utils.translation")
    modules["django.core.exceptions"].ValidationError = ValidationError
    modules["django.utils.translation"].gettext = lambda text: text
    sys.modules.update(modules)


if "--no-django" in sys.argv:
    _stub_django()
else:
    import django

    django.setup()

from coproduce.insight.assist import backends, evaluate, units  # noqa: E402


def labelled_corpus(corpus: str, limit: int, seed: int = 5) -> evaluate.Dataset:
    with open(os.path.join(corpus, "codebook.csv"), encoding="utf-8") as fp:
        codebook = list(csv.DictReader(fp))
    words = sorted(
        {w.lower() for f in os.listdir(os.path.join(corpus, "txt"))[:3] for w in _words(corpus, f)}
    )
    rng = random.Random(seed)
    cues = {}
    for j in range(len(codebook)):
        cues[j] = {(rng.choice(words), rng.choice(words)) for _ in range(rng.randint(1, 4))}
    codes = [
        {"key": row["tag"], "name": row["tag"], "definition": row["description"]}
        for row in codebook
    ]
    data = evaluate.Dataset(codes=codes)
    noise = random.Random(seed + 1)
    for name in sorted(os.listdir(os.path.join(corpus, "txt"))):
        with open(os.path.join(corpus, "txt", name), encoding="utf-8") as f:
            text = f.read()
        for unit in units.sentences(text):
            tokens = [w.strip(".,").lower() for w in unit.text.split()]
            pairs = set(zip(tokens, tokens[1:], strict=False))
            labels = {j for j, cue in cues.items() if cue & pairs}
            labels = {j for j in labels if noise.random() >= 0.10}
            if noise.random() < 0.003:
                labels.add(noise.randrange(len(codes)))
            polarity = None
            if labels:
                kinds = [codes[j]["name"].rsplit("/", 1)[-1] for j in labels]
                counts = {k: kinds.count(k) for k in ("barrier", "facilitator")}
                polarity = (
                    "barrier"
                    if counts["barrier"] > counts["facilitator"]
                    else "facilitator"
                    if counts["facilitator"] > counts["barrier"]
                    else "neutral"
                )
            data.texts.append(unit.text)
            data.groups.append(name)
            data.labels.append(frozenset(labels))
            data.polarity.append(polarity)
            data.spans.append((unit.start, unit.end))
            if len(data.texts) >= limit:
                return data
    return data


# Real prose (the coproduction papers given with --seeds), coded by stem lexicons: a sentence
# carries a code when it has a word starting with one of the code's stems. Stems match inflections
# the training data may never show ("train" → "trained", "trainers"), which is what character
# n-grams are for; the same noise as above is added.
SEED_CODES = {
    "Capability/Psychological": ["knowledg", "skill", "understand", "train", "learn", "expert"],
    "Opportunity/Social": ["communit", "relationship", "trust", "partner", "network", "peer"],
    "Opportunity/Physical": ["fund", "resourc", "time", "cost", "money", "budget", "staff"],
    "Motivation/Reflective": ["believ", "value", "commit", "benefit", "outcome", "priorit"],
    "Motivation/Automatic": ["feel", "emotion", "anxi", "confiden", "fear", "enjoy"],
    "Power": ["power", "control", "decision", "democra", "equal", "authorit"],
    "Participation": ["involv", "engag", "particip", "consult", "citizen", "voice"],
    "Organisation": ["organi", "institut", "servic", "professional", "provider", "manag"],
}


def seed_corpus(folder: str, seed: int = 5) -> evaluate.Dataset:
    codes = [
        {"key": name, "name": name, "definition": "Talk about " + ", ".join(stems[:2])}
        for name, stems in SEED_CODES.items()
    ]
    data = evaluate.Dataset(codes=codes)
    noise = random.Random(seed + 1)
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            # The papers were extracted from PDFs with hard line breaks: rejoin lines.
            text = " ".join(f.read().split())
        for unit in units.sentences(text):
            words = [w.strip(".,;:()[]'\"’“”").lower() for w in unit.text.split()]
            labels = {
                j
                for j, stems in enumerate(SEED_CODES.values())
                if any(w.startswith(stem) for w in words for stem in stems)
            }
            labels = {j for j in labels if noise.random() >= 0.10}
            if noise.random() < 0.003:
                labels.add(noise.randrange(len(codes)))
            data.texts.append(unit.text)
            data.groups.append(name)
            data.labels.append(frozenset(labels))
            data.polarity.append("neutral" if labels else None)
            data.spans.append((unit.start, unit.end))
    return data


def _words(corpus, name):
    with open(os.path.join(corpus, "txt", name), encoding="utf-8") as f:
        return [w.strip(".,:") for w in f.read().split() if w.strip(".,:").isalpha()]


def _value(text: str):
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return float(text)
    except ValueError:
        return text


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--backend", default=backends.DEFAULT)
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--predict", type=int, default=100_000)
    parser.add_argument("--eval-units", type=int, default=10_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--compare", default="tfidf,baseline-svm")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--no-django", action="store_true", help="see _stub_django")
    parser.add_argument("--seeds", help="folder of seed texts: compare backends on them instead")
    args = parser.parse_args()
    options = {k: _value(v) for k, v in (item.split("=", 1) for item in args.option)}
    started = time.perf_counter()
    data = labelled_corpus(args.corpus, max(args.train + args.predict, args.eval_units))
    result = {
        "load_avg_start": os.getloadavg(),
        "corpus_units": len(data.texts),
        "coded_units": sum(1 for labels in data.labels if labels),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    if args.train:
        Y = data.matrix(range(args.train))
        model = backends.get(args.backend, **options)
        started = time.perf_counter()
        model.fit(
            data.texts[: args.train],
            Y,
            polarity=data.polarity[: args.train],
            definitions=data.definitions(),
            groups=data.groups[: args.train],
        )
        result["train_units"] = args.train
        result["train_seconds"] = round(time.perf_counter() - started, 2)
        result["peak_rss_mib_after_train"] = peak_mib()
        texts = data.texts[args.train : args.train + args.predict]
        started = time.perf_counter()
        model.predict(texts)
        result["predict_units"] = len(texts)
        result["predict_seconds"] = round(time.perf_counter() - started, 2)
        result["peak_rss_mib_after_predict"] = peak_mib()
    comparison = {}
    if args.seeds:
        subset = seed_corpus(args.seeds)
        result["seed_units"] = len(subset.texts)
        result["seed_coded_units"] = sum(1 for labels in subset.labels if labels)
    else:
        subset = evaluate.Dataset(
            codes=data.codes,
            texts=data.texts[: args.eval_units],
            groups=data.groups[: args.eval_units],
            labels=data.labels[: args.eval_units],
            polarity=data.polarity[: args.eval_units],
            spans=data.spans[: args.eval_units],
        )
    for spec in [n for n in args.compare.split(",") if n]:
        # "name" or "name:key=value;key=value" (e.g. "tfidf:char=false;C=1")
        name, _sep, rest = spec.partition(":")
        spec_options = dict(item.split("=", 1) for item in rest.split(";") if item)
        spec_options = {k: _value(v) for k, v in spec_options.items()}
        try:
            report = evaluate.evaluate(
                subset, backend=name, folds=args.folds, seed=0, backend_options=spec_options
            )
        except backends.BackendUnavailable as exc:
            comparison[spec] = {"skipped": str(exc)}
            continue
        comparison[spec] = {
            "macro_f1": round(report["macro_f1"], 4),
            "micro_f1": round(report["micro_f1"], 4),
            "fold_macro_f1": [round(v, 4) for v in report["fold_macro_f1"]],
            "codes_scored": report["codes_scored"],
            "polarity": report["polarity"],
            "throughput": report["throughput"],
            "settings": report["settings"],
        }
    result["comparison"] = comparison
    result["peak_rss_mib"] = peak_mib()
    result["load_avg_end"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
