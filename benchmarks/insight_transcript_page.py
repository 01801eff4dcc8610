"""Time the transcript coding page of a source that holds 500 codings: the server time of one
render (median of 20, through Django's test Client) and its query count.

    COPRODUCE_DEMO=1 .venv/bin/python benchmarks/insight_transcript_page.py

Uses its own throwaway SQLite database (COPRODUCE_DATA, a new temporary folder by default)
and a transcript from the Taguette bench corpus generator, which lives outside this repository:
its path is the BENCH_CORPUS environment variable (default
/work/shared/bench/taguette/gen_corpus.py). Target: under 200 ms. Prints one
JSON line; median_cpu_ms is this process's CPU time, less disturbed by a busy machine.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("COPRODUCE_DEMO", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
os.environ.setdefault("COPRODUCE_DATA", tempfile.mkdtemp(prefix="coproduce-bench-"))
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

CODINGS = int(os.environ.get("BENCH_CODINGS", "500"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
GENERATOR = Path(os.environ.get("BENCH_CORPUS", "/work/shared/bench/taguette/gen_corpus.py"))
PASSWORD = "bench-password-1"


def corpus(n_docs: int, turns: int = 60) -> Path:
    """The Taguette bench corpus (deterministic), written to a temporary folder."""
    out = Path(tempfile.mkdtemp(prefix="taguette-corpus-"))
    subprocess.run(
        [sys.executable, str(GENERATOR), str(out), str(n_docs), str(turns)],
        check=True,
        capture_output=True,
    )
    return out


def turns_of(text: str) -> list[tuple[str, int, int]]:
    """The corpus separates turns with blank lines and starts each with "Speaker: "."""
    turns, position = [], 0
    for paragraph in text.split("\n\n"):
        stripped = paragraph.rstrip("\n")
        if stripped:
            speaker = stripped.split(":", 1)[0]
            turns.append((speaker, position, position + len(stripped)))
        position += len(paragraph) + 2
    return turns


def build_study(n_docs: int):
    """A study (through the actions, as the product writes it) with the corpus's sources,
    participants and a coder who can sign in."""
    from coproduce.accounts import actions as account_actions
    from coproduce.insight import actions
    from coproduce.insight.models import StudyRole
    from coproduce.people import actions as people_actions

    org = people_actions.create_organisation(
        by=None, name="Bench board", slug="bench", kind="health_board"
    )
    person = people_actions.create_person(by=None, full_name="Bench Coder", email="c@bench.test")
    account_actions.create_account(by=None, person=person, email="c@bench.test", password=PASSWORD)
    study = actions.create_study(by=None, organisation=org, title="Bench study", slug="bench")
    actions.set_member(by=None, study=study, person=person, role=StudyRole.CODER)
    actions.seed_framework_codes(by=None, study=study, framework="tdf")
    folder = corpus(n_docs)
    sources = []
    for path in sorted((folder / "txt").glob("*.txt"))[:n_docs]:
        text = path.read_text(encoding="utf-8")
        identifier = "P" + path.stem[1:]
        actions.add_participant(by=None, study=study, identifier=identifier)
        sources.append(
            actions.add_source(
                by=None, study=study, name=path.stem, text=text, turns=turns_of(text)
            )
        )
    return study, sources, person


def random_span(rng, source_turns):
    speaker, start, end = rng.choice(source_turns)
    a = rng.randrange(start, end - 1)
    b = min(end, a + rng.randint(20, 400))
    return a, b


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from coproduce.insight import actions

    study, sources, person = build_study(1)
    source = sources[0]
    rng = random.Random(7)
    codes = list(study.codes.all())
    coder = actions.coder_for(study=study, person=person)
    spans = [(t.speaker, t.start, t.end) for t in source.turns.all()]
    for _ in range(CODINGS):
        a, b = random_span(rng, spans)
        actions.add_coding(
            by=None,
            source=source,
            codes=[rng.choice(codes)],
            start=a,
            end=b,
            polarity=rng.choice(["barrier", "facilitator", "neutral"]),
            coder=coder,
        )
    client = Client()
    assert client.login(username="c@bench.test", password=PASSWORD)
    path = f"/insight/{study.slug}/sources/{source.pk}/"
    client.get(path, HTTP_HOST="127.0.0.1")  # warm caches (templates, permissions)
    times, cpu = [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, response.status_code
    print(
        json.dumps(
            {
                "page": "insight:source",
                "codings": source.codings.count(),
                "characters": len(source.text),
                "turns": len(spans),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
                # CPU time of this process: less disturbed by other work on a shared machine.
                "median_cpu_ms": round(statistics.median(cpu) * 1000, 1),
                "queries": len(ctx.captured_queries),
                "bytes": len(response.content),
                "target_ms": 200,
            }
        )
    )


if __name__ == "__main__":
    main()
