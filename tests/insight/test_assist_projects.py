"""The evaluator on whole projects: the demo study's own QDPX export, and a QDPX built from a
synthetic interview corpus the way another tool would write it (issue 5's evaluation tests; the
corpus and the project are made in tests/insight/corpus.py)."""

import json

import pytest

from coproduce import cli
from coproduce.insight import exchange
from coproduce.insight.models import Study

from . import corpus
from .test_demo import _load_all


def _evaluate(capsys, path, *extra):
    status = cli.main(["insight", "autocode-eval", str(path), *extra])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out)


@pytest.mark.slow
@pytest.mark.django_db
def test_autocode_eval_demo_study_export_turn_units(tmp_path, capsys):
    _load_all()
    path = tmp_path / "demo.qdpx"
    with path.open("wb") as fp:
        exchange.export_qdpx(Study.objects.get(slug="coproduction-barriers-wales"), fp)
    report = _evaluate(capsys, path, "--unit", "turn")
    # 266 speaker turns, 139 of them coded by a person, in 28 sources; 18 codes in the codebook.
    assert (report["units"], report["coded_units"], report["sources"], report["codes"]) == (
        266,
        139,
        28,
        18,
    )
    assert report["folds"] == 5
    assert 0.0 <= report["macro_f1"] <= 1.0
    assert report["codes_scored"] == 12
    # Same seed, same folds, same answer.
    assert _evaluate(capsys, path, "--unit", "turn")["macro_f1"] == report["macro_f1"]


def test_autocode_eval_other_tool_corpus(tmp_path, capsys):
    path = tmp_path / "other-tool.qdpx"
    counts = corpus.build_qdpx(corpus.make_corpus(12, 20), 600, path)
    assert (counts["sources"], counts["selections"], counts["codings"]) == (12, 600, 794)
    assert counts["highlighted_turns"] == 120
    # Distinct turns carrying each of the 20 leaf codes.
    support = [24, 24, 24, 27, 30, 30, 33, 33, 33, 33, 33, 34, 34, 35, 35, 38, 38, 42, 44, 45]
    assert counts["support"] == support
    report = _evaluate(capsys, path, "--unit", "paragraph", "--folds", "3")
    # 12 transcripts of 20 turns; the 600 highlights land on all 120 participant turns of the 240;
    # 30 codes (20 leaves under 10 parents), the 20 leaves with enough examples to score.
    assert (report["units"], report["coded_units"], report["codes"], report["codes_scored"]) == (
        240,
        120,
        30,
        20,
    )
    assert report["sources"] == 12
    assert report["folds"] == 3
    # The selections' positions, counted in "\r\n" text, land on the same turns once read: each
    # code labels exactly the turns it was applied to (the parents label none).
    assert sorted(row["support"] for row in report["per_code"]) == [0] * 10 + support
    assert 0.0 < report["macro_f1"] <= 1.0
