"""Assisted coding (issue 5): units, labels, the evaluator's scores and folds, the backends,
storing and deciding suggestions, and `coproduce insight autocode-eval`."""

import io
import json
import zipfile
from fractions import Fraction
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from coproduce import cli
from coproduce.core.models import AuditEvent
from coproduce.insight import actions
from coproduce.insight.assist import backends, evaluate, suggest, units
from coproduce.insight.models import (
    Coder,
    Coding,
    Suggestion,
    SuggestionRun,
    SuggestionStatus,
)

from .sweep import build

F = lambda n, d: float(Fraction(n, d))  # noqa: E731 - exact expected values, worked by hand


# -- Units ------------------------------------------------------------------------------------

TEXT = (
    "P01: Café’s fine 😀. Dr. Ní Bhriain said so!\nInterviewer: OK? Yes.\n\nP01: Cŵn – e.g. dogs."
)


def test_sentences_offsets_are_code_points_with_non_ascii():
    got = units.sentences(TEXT)
    assert got == [
        units.Unit(5, 19, "Café’s fine 😀."),
        units.Unit(20, 43, "Dr. Ní Bhriain said so!"),
        units.Unit(57, 60, "OK?"),
        units.Unit(61, 65, "Yes."),
        units.Unit(72, 88, "Cŵn – e.g. dogs."),
    ]
    assert all(TEXT[u.start : u.end] == u.text for u in got)


def test_sentences_keep_abbreviations_and_initials_together():
    text = "Mrs. Jones met J. Smith at St. Mary’s, approx. ten mins. Then she left."
    assert [u.text for u in units.sentences(text)] == [
        "Mrs. Jones met J. Smith at St. Mary’s, approx. ten mins.",
        "Then she left.",
    ]


def test_turns_from_speaker_labels():
    assert units.turns(TEXT) == [
        units.Unit(0, 43, "P01: Café’s fine 😀. Dr. Ní Bhriain said so!"),
        units.Unit(44, 65, "Interviewer: OK? Yes."),
        units.Unit(67, 88, "P01: Cŵn – e.g. dogs."),
    ]


def test_turns_from_turn_rows_trim_white_space():
    assert units.turns(TEXT, [(0, 44), (44, 66)]) == [
        units.Unit(0, 43, "P01: Café’s fine 😀. Dr. Ní Bhriain said so!"),
        units.Unit(44, 65, "Interviewer: OK? Yes."),
    ]


def test_paragraphs_blank_lines_or_else_lines():
    assert units.paragraphs(TEXT) == [
        units.Unit(0, 65, TEXT[:65]),
        units.Unit(67, 88, "P01: Cŵn – e.g. dogs."),
    ]
    assert units.paragraphs("one\r\n two \nthree") == [
        units.Unit(0, 3, "one"),
        units.Unit(6, 9, "two"),
        units.Unit(11, 16, "three"),
    ]


def test_label_units_half_of_unit_or_half_of_coding():
    pieces = [units.Unit(0, 10, "x" * 10), units.Unit(10, 30, "y" * 20)]
    spans = [
        units.Span(5, 10, "A", "barrier"),  # half of unit 0 exactly: labels it
        units.Span(9, 12, "B", "facilitator"),  # 2 of 3 characters in unit 1: half the coding
        units.Span(0, 4, "C", "barrier"),  # under half of unit 0 but all of the coding
        units.Span(26, 60, "D", "barrier"),  # 4 of 20 and 4 of 34: neither half
    ]
    assert units.label_units(pieces, spans) == [
        (frozenset({"A", "C"}), "barrier"),
        (frozenset({"B"}), "facilitator"),
    ]


def test_label_units_polarity_tie_is_neutral():
    pieces = [units.Unit(0, 10, "x" * 10)]
    spans = [units.Span(0, 10, "A", "barrier"), units.Span(0, 10, "B", "facilitator")]
    assert units.label_units(pieces, spans) == [(frozenset({"A", "B"}), "neutral")]


# -- Scores and folds -------------------------------------------------------------------------


def test_scores_match_hand_worked_fixture_exactly():
    truth = np.zeros((6, 3), dtype=bool)
    predicted = np.zeros((6, 3), dtype=bool)
    truth[[0, 1, 2, 3], 0] = True  # A: predicted 0, 1, 4 → TP 2, FP 1, FN 2
    predicted[[0, 1, 4], 0] = True
    truth[[2, 3, 5], 1] = True  # B: predicted 0, 2, 3, 5 → TP 3, FP 1, FN 0
    predicted[[0, 2, 3, 5], 1] = True
    truth[[1], 2] = True  # C: one example, none predicted → too few (min 3)
    got = evaluate.scores(truth, predicted, ["A", "B", "C"], min_examples=3)
    assert got["per_code"] == [
        {
            "code": "A",
            "precision": F(2, 3),
            "recall": F(1, 2),
            "f1": F(4, 7),
            "support": 4,
            "too_few_examples": False,
        },
        {
            "code": "B",
            "precision": F(3, 4),
            "recall": 1.0,
            "f1": F(6, 7),
            "support": 3,
            "too_few_examples": False,
        },
        {
            "code": "C",
            "precision": 0.0,
            "recall": 0.0,
            "f1": 0.0,
            "support": 1,
            "too_few_examples": True,
        },
    ]
    assert got["micro_precision"] == F(5, 7)
    assert got["micro_recall"] == F(5, 7)
    assert got["micro_f1"] == F(5, 7)
    assert got["macro_f1"] == F(5, 7)  # (4/7 + 6/7) / 2; C is left out
    assert got["codes_scored"] == 2


def test_group_folds_deterministic_for_a_seed_and_keep_sources_whole():
    groups = [f"s{i % 7}" for i in range(50)]
    first = evaluate.group_folds(groups, 3, seed=11)
    assert first == evaluate.group_folds(groups, 3, seed=11)
    assert sorted(row for fold in first for row in fold) == list(range(50))
    for fold in first:
        assert all(
            not ({groups[r] for r in fold} & {groups[r] for r in other})
            for other in first
            if other is not fold
        )
    sizes = sorted(len(f) for f in first)
    assert sizes[-1] - sizes[0] <= 8  # one source at most apart
    assert len(evaluate.group_folds(["a", "a", "b"], 5, seed=1)) == 2


class KeywordBackend(backends.Backend):
    """Suggests a code when its name is in the text: predictable, so scores can be worked out."""

    name = "keyword-test"
    version = "keyword-1"

    def fit(self, texts, Y, *, polarity=None, definitions=None, groups=None, seed=0):
        self.names = [text.split(".")[0].lower() for _j, text in definitions]
        return self

    def predict(self, texts):
        labels = np.array([[n in t.lower() for n in self.names] for t in texts], dtype=bool)
        return backends.Prediction(
            proba=labels.astype(float), labels=labels, polarity=["barrier"] * len(texts)
        )


@pytest.fixture
def keyword_backend():
    backends.REGISTRY["keyword-test"] = KeywordBackend
    yield "keyword-test"
    del backends.REGISTRY["keyword-test"]


def _hand_dataset():
    wait, cost = 0, 1
    rows = [
        ("s1", "the wait was long", {wait}),
        ("s1", "cost too high", {cost}),
        ("s1", "nothing", set()),
        ("s2", "wait and cost", {wait}),  # cost predicted: FP
        ("s2", "a long wait", set()),  # wait predicted: FP
        ("s2", "fine", {cost}),  # cost missed: FN
        ("s3", "cost again", {cost}),
        ("s3", "waiting", {wait}),
        ("s3", "hello", set()),
        ("s4", "no wait", {wait}),
        ("s4", "what cost", set()),  # cost predicted: FP
        ("s4", "queue", {wait}),  # wait missed: FN
    ]
    data = evaluate.Dataset(
        codes=[
            {"key": "w", "name": "wait", "definition": ""},
            {"key": "c", "name": "cost", "definition": ""},
        ]
    )
    for group, text, labels in rows:
        data.texts.append(text)
        data.groups.append(group)
        data.labels.append(frozenset(labels))
        data.polarity.append("barrier" if labels else None)
    return data


def test_evaluate_reproduces_hand_worked_scores(keyword_backend):
    report = evaluate.evaluate(_hand_dataset(), backend=keyword_backend, folds=2, min_examples=3)
    # wait: TP 4, FP 1, FN 1; cost: TP 2, FP 2, FN 1.
    assert [
        (c["code"], c["precision"], c["recall"], c["f1"], c["support"]) for c in report["per_code"]
    ] == [
        ("wait", F(4, 5), F(4, 5), F(4, 5), 5),
        ("cost", F(1, 2), F(2, 3), F(4, 7), 3),
    ]
    assert report["micro_precision"] == F(2, 3)
    assert report["micro_recall"] == F(3, 4)
    assert report["micro_f1"] == F(12, 17)
    assert report["macro_f1"] == F(24, 35)
    assert report["folds"] == 2
    assert report["units"] == 12
    assert report["coded_units"] == 8
    assert report["polarity"] == {"accuracy": 1.0, "macro_f1": 1.0, "support": 8}


def test_evaluate_code_with_too_few_examples_left_out_of_macro(keyword_backend):
    report = evaluate.evaluate(_hand_dataset(), backend=keyword_backend, folds=2, min_examples=4)
    assert [c["too_few_examples"] for c in report["per_code"]] == [False, True]
    assert report["macro_f1"] == F(4, 5)
    assert report["micro_f1"] == F(4, 5)


def test_evaluate_no_codings_refused():
    data = _hand_dataset()
    data.labels = [frozenset()] * len(data.labels)
    with pytest.raises(ValidationError, match="no codings to learn from"):
        evaluate.evaluate(data)


# -- Backends ---------------------------------------------------------------------------------


def _learnable(n_sources=6, per_source=30):
    data = evaluate.Dataset(
        codes=[
            {"key": "bus", "name": "Transport", "definition": "Buses and trains"},
            {"key": "friend", "name": "Support", "definition": "Friends and family"},
        ]
    )
    fillers = ["the weather was mild", "we talked about the garden", "it was a tuesday"]
    for s in range(n_sources):
        for i in range(per_source):
            kind = i % 3
            text = [
                f"the bus never came on day {i}",
                f"my friend helped me again {i}",
                fillers[i % 3] + f" {i}",
            ][kind]
            data.texts.append(text)
            data.groups.append(f"s{s}")
            data.labels.append(frozenset([kind]) if kind < 2 else frozenset())
            data.polarity.append(["barrier", "facilitator", None][kind])
    return data


@pytest.mark.parametrize("name", ["tfidf", "baseline-svm"])
def test_backend_learns_a_clear_signal(name):
    report = evaluate.evaluate(_learnable(), backend=name, folds=3, seed=1)
    assert report["macro_f1"] == 1.0
    assert report["polarity"]["accuracy"] == 1.0
    assert report["throughput"]["train_units_per_s"] > 0


def test_tfidf_probabilities_and_thresholds_in_range():
    data = _learnable()
    model = backends.get("tfidf").fit(
        data.texts, data.matrix(), polarity=data.polarity, definitions=data.definitions()
    )
    prediction = model.predict(["the bus was late", "lovely garden"])
    assert prediction.proba.shape == (2, 2)
    assert ((prediction.proba >= 0) & (prediction.proba <= 1)).all()
    assert prediction.labels.tolist() == [[True, False], [False, False]]
    assert prediction.polarity[0] == "barrier"
    assert all(0.05 <= t <= 0.95 for t in model.thresholds)


def test_unknown_backend_clear_message():
    with pytest.raises(backends.BackendUnavailable, match="Choose one of: baseline-svm"):
        backends.get("nope")


def test_embeddings_backend_without_package_clear_message():
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(backends.BackendUnavailable, match=r"coproduce\[embeddings\]"):
            backends.get("embeddings")
    else:
        pytest.skip("sentence-transformers is installed here")


# -- Suggestions on a study -------------------------------------------------------------------

BUS = "The bus never comes on time."
FRIEND = "My friend drives me to the clinic."
OTHER = "We talked about the weather."


@pytest.fixture
def coded(world):
    objects = build(world)
    study = objects["study"]
    codes = list(study.codes.order_by("order")[:2])
    coder = actions.coder_for(study=study, person=world["member"])
    for s in range(3):
        text = " ".join([BUS, FRIEND, OTHER] * 4)
        source = actions.add_source(by=None, study=study, name=f"Interview {s}", text=text)
        for i in range(4):
            base = i * (len(BUS) + len(FRIEND) + len(OTHER) + 3)
            actions.add_coding(
                by=None,
                source=source,
                codes=[codes[0]],
                start=base,
                end=base + len(BUS),
                polarity="barrier",
                coder=coder,
            )
            start = base + len(BUS) + 1
            actions.add_coding(
                by=None,
                source=source,
                codes=[codes[1]],
                start=start,
                end=start + len(FRIEND),
                polarity="facilitator",
                coder=coder,
            )
    new = actions.add_source(
        by=None, study=study, name="Uncoded", text=f"{BUS} {OTHER}\n\n{FRIEND}"
    )
    objects.update(codes=codes, new=new)
    return objects


def _human(study):
    return list(
        Coding.objects.filter(source__study=study, coder__is_suggestion=False)
        .order_by("pk")
        .values_list(
            "pk", "source_id", "code_id", "coder_id", "start", "end", "polarity", "selection"
        )
    )


def test_suggestions_never_change_human_codings(coded, world):
    study, codes, new = coded["study"], coded["codes"], coded["new"]
    before = _human(study)
    run = actions.suggest_codes(by=world["admin"].user, study=study, unit="sentence")
    assert _human(study) == before
    assert run.coder.is_suggestion and run.coder.person_id is None
    assert run.backend == "tfidf"
    assert run.training_units == 38  # 3 × 12 sentences, and the sweep's coded source's 2
    made = {
        (s.coding.source_id, s.coding.start, s.coding.end, s.coding.code_id, s.coding.polarity)
        for s in run.suggestions.select_related("coding")
    }
    assert made == {
        (new.pk, 0, len(BUS), codes[0].pk, "barrier"),
        (new.pk, len(BUS) + len(OTHER) + 3, len(new.text), codes[1].pk, "facilitator"),
    }
    assert all(0 < s.confidence <= 1 for s in run.suggestions.all())
    # Deciding, in bulk and singly, and running again still leave human codings alone.
    first = run.suggestions.order_by("coding__start").first()
    actions.accept_suggestion(by=world["cochair"].user, suggestion=first)
    assert actions.decide_suggestions(by=world["cochair"].user, run=run, accept=False) == 1
    again = actions.suggest_codes(by=world["admin"].user, study=study, unit="sentence")
    assert _human(study) == before
    assert again.suggestions.count() == 0  # both spans were decided already
    first.refresh_from_db()
    assert first.status == SuggestionStatus.ACCEPTED
    assert first.decided_by == world["cochair"]
    assert first.coding.coder == run.coder
    assert Coder.objects.filter(study=study, is_suggestion=True).count() == 1


def test_new_run_replaces_only_pending_suggestions(coded, world):
    study = coded["study"]
    run = actions.suggest_codes(by=None, study=study, unit="sentence")
    assert run.suggestions.count() == 2
    again = actions.suggest_codes(by=None, study=study, unit="sentence")
    assert again.suggestions.count() == 2
    assert Suggestion.objects.filter(run__study=study).count() == 2
    assert AuditEvent.objects.filter(action="suggestion.run").count() == 2


def test_decide_suggestions_above_threshold(coded, world):
    run = actions.suggest_codes(by=None, study=coded["study"], unit="sentence")
    low, high = sorted(run.suggestions.values_list("confidence", flat=True))
    assert actions.decide_suggestions(by=None, run=run, accept=True, at_least=high) == (
        2 if low == high else 1
    )
    assert actions.decide_suggestions(by=None, run=run, accept=True, at_least=low) == (
        0 if low == high else 1
    )
    assert set(run.suggestions.values_list("status", flat=True)) == {"accepted"}
    with pytest.raises(ValidationError):
        actions.decide_suggestions(by=None, run=run, accept=True, at_least=2)


def test_suggest_codes_without_codings_refused(world):
    study = actions.create_study(by=None, organisation=world["org"], title="Empty")
    actions.add_source(by=None, study=study, name="One", text="Nothing coded here.")
    with pytest.raises(ValidationError, match="no codings to learn from"):
        actions.suggest_codes(by=None, study=study)
    assert not SuggestionRun.objects.filter(study=study).exists()


# -- The command ------------------------------------------------------------------------------

WAIT_GUID = "C1000000-0000-4000-8000-000000000001"
COST_GUID = "C1000000-0000-4000-8000-000000000002"
SENTENCES = [
    ("I waited weeks for the appointment.", WAIT_GUID, "barrier"),
    ("The prescription cost too much money.", COST_GUID, "barrier"),
    ("It was sunny.", None, None),
    ("The waiting list was long again.", WAIT_GUID, "barrier"),
]


def _qdpx(coded=True) -> bytes:
    """Four sources by hand: three with their text inline, one in sources/ with \\r\\n ends."""
    parts, files = [], {}
    for s in range(4):
        guid = f"S1000000-0000-4000-8000-00000000000{s}"
        newline = "\r\n" if s == 3 else " "
        text = newline.join(t for t, _c, _p in SENTENCES)
        selections = []
        for i, (sentence, code, polarity) in enumerate(SENTENCES):
            if code is None or not coded:
                continue
            start = text.index(sentence)
            selections.append(
                f'<PlainTextSelection guid="P1000000-0000-4000-8000-0000000{s}{i}000" '
                f'startPosition="{start}" endPosition="{start + len(sentence)}">'
                f"<Description>polarity: {polarity}</Description>"
                f'<Coding guid="G1000000-0000-4000-8000-0000000{s}{i}000">'
                f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
            )
        if s == 3:
            files[f"sources/{guid}.txt"] = text.encode("utf-8")
            parts.append(
                f'<TextSource guid="{guid}" name="Notes" plainTextPath="internal://{guid}.txt">'
                + "".join(selections)
                + "</TextSource>"
            )
        else:
            parts.append(
                f'<TextSource guid={quoteattr(guid)} name="Interview {s}">'
                f"<PlainTextContent>{escape(text)}</PlainTextContent>"
                + "".join(selections)
                + "</TextSource>"
            )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Tiny" origin="hand">'
        "<CodeBook><Codes>"
        f'<Code guid="{WAIT_GUID}" name="Waiting" isCodable="true">'
        "<Description>Waiting times and lists</Description></Code>"
        f'<Code guid="{COST_GUID}" name="Cost" isCodable="true"/>'
        "</Codes></CodeBook><Sources>" + "".join(parts) + "</Sources></Project>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("project.qde", xml)
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_autocode_eval_prints_json(tmp_path, capsys):
    path = tmp_path / "tiny.qdpx"
    path.write_bytes(_qdpx())
    status = cli.main(
        ["insight", "autocode-eval", str(path), "--folds", "2", "--min-examples", "2"]
    )
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert set(out) == {
        "file", "unit", "backend", "model_version", "settings", "folds", "seed", "units",
        "coded_units", "sources", "codes", "min_examples", "per_code", "micro_precision",
        "micro_recall", "micro_f1", "macro_f1", "codes_scored", "fold_macro_f1", "polarity",
        "throughput",
    }  # fmt: skip
    assert (out["unit"], out["backend"], out["folds"], out["seed"]) == ("sentence", "tfidf", 2, 0)
    assert (out["units"], out["coded_units"], out["sources"], out["codes"]) == (16, 12, 4, 2)
    assert [(c["code"], c["support"]) for c in out["per_code"]] == [("Waiting", 8), ("Cost", 4)]
    assert set(out["throughput"]) == {
        "train_seconds", "predict_seconds", "train_units_per_s", "predict_units_per_s"
    }  # fmt: skip
    assert out["polarity"]["support"] == 12


def test_autocode_eval_turn_units_and_baseline(tmp_path, capsys):
    path = tmp_path / "tiny.qdpx"
    path.write_bytes(_qdpx())
    status = cli.main(
        ["insight", "autocode-eval", str(path), "--unit", "paragraph", "--backend", "baseline-svm",
         "--folds", "3", "--seed", "4"]
    )  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    # Three sources are one line (one paragraph); the \r\n source has a line per sentence.
    assert (out["units"], out["backend"], out["folds"], out["seed"]) == (7, "baseline-svm", 3, 4)


def test_autocode_eval_no_codings_exits_2(tmp_path, capsys):
    path = tmp_path / "empty.qdpx"
    path.write_bytes(_qdpx(coded=False))
    status = cli.main(["insight", "autocode-eval", str(path)])
    captured = capsys.readouterr()
    assert status == 2
    assert "This project has no codings to learn from." in captured.err
    assert captured.out == ""


def test_autocode_eval_not_a_qdpx_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.qdpx"
    path.write_bytes(b"not a zip")
    assert cli.main(["insight", "autocode-eval", str(path)]) == 2
    assert "not a zip archive" in capsys.readouterr().err


def test_examples_per_code_counts_coded_units(coded):
    study, codes = coded["study"], coded["codes"]
    counts = suggest.examples_per_code(study)
    sweep_code = coded["code"].pk  # the sweep's one coding, a sentence of its own source
    assert counts[codes[0].pk] == 12 + (codes[0].pk == sweep_code)
    assert counts[codes[1].pk] == 12 + (codes[1].pk == sweep_code)
    assert sum(counts.values()) == 25
    assert len(counts) == study.codes.count()
