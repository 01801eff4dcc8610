"""The evaluator on whole projects: the demo study's own QDPX export, and a QDPX built from the
Taguette bench corpus the way another tool would write it (issue 5's evaluation tests)."""

import json
from pathlib import Path

import pytest

from coproduce import cli
from coproduce.insight import exchange
from coproduce.insight.models import Study

from .test_demo import _load_all

# The Taguette bench lives beside the project on the machines that run CI (see CONTRIBUTING).
GEN_CORPUS = Path("/work/shared/bench/taguette/gen_corpus.py")


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


@pytest.mark.skipif(not GEN_CORPUS.exists(), reason="the Taguette bench corpus generator")
def test_autocode_eval_taguette_bench_corpus(tmp_path, capsys):
    from benchmarks.insight_bulk import build_qdpx, make_corpus

    make_corpus(str(GEN_CORPUS), tmp_path / "corpus", 12, 20)
    counts = build_qdpx(tmp_path / "corpus", 600, tmp_path / "bench.qdpx")
    assert counts["sources"] == 12
    report = _evaluate(capsys, tmp_path / "bench.qdpx", "--unit", "paragraph", "--folds", "3")
    # 12 transcripts of 20 turns; 600 highlights land on 120 of the 240 turns; 30 tags, 20 of
    # them with enough examples to score.
    assert (report["units"], report["coded_units"], report["codes"], report["codes_scored"]) == (
        240,
        120,
        30,
        20,
    )
    assert report["sources"] == 12
    assert 0.0 < report["macro_f1"] <= 1.0
