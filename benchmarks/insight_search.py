"""Time full-text search (coproduce.insight.search) on a study of 10,000 sources.

    COPRODUCE_DATA=$(mktemp -d) .venv/bin/python benchmarks/insight_search.py [--sources 10000]
    # on PostgreSQL:
    bash scripts/with-postgres.sh .venv/bin/python benchmarks/insight_search.py

Uses its own throwaway database (SQLite in COPRODUCE_DATA, or DATABASE_URL). The corpus is made
here, deterministically, shaped like the Taguette bench corpus (its gen_corpus.py, which this
script does not read: 60 alternating interviewer/participant turns of 1-6 sentences of 8-22 words),
but its words follow Zipf's law over a 20,000-word vocabulary, as real text does, so queries
range from words in most passages to words in a handful. Sources, turns, participants and
codings are written in bulk (as the QDPX import does); then the index is built and timed.

Prints one JSON line: index build seconds, passages, median and p95 latency of 50 searches
(first page of 25 hits with the total), the worst query, the results page's server time and
query count, and "find similar" latency. With --tfidf, also the time to fit TF-IDF over every
passage (the alternative to the index-based "find similar"). Target: results page < 200 ms.
"""

import argparse
import json
import os
import random
import statistics
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PASSWORD = "bench-password-1"
COMMON = (
    "time appointment workload guideline training confidence patient family funding staff "
    "waiting list referral knowledge habit routine belief priority system software access cost "
    "trust colleague culture reminder pathway capacity evidence outcome risk benefit worry"
).split()
WELSH = ["tŷ", "gofal", "meddyg", "cymorth", "iechyd", "amser", "teulu", "ysbyty", "Siân", "ŵyr"]
ROLES = ["GP", "practice nurse", "community pharmacist", "aged 65+", "ICB manager"]


def vocabulary(rng, size=20_000):
    letters = "abcdefghijklmnoprstuwy"
    words = list(COMMON) + WELSH
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(letters) for _ in range(rng.randint(3, 10)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def zipf_sampler(rng, words):
    weights = [1 / (rank + 1) for rank in range(len(words))]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w / total
        cumulative.append(acc)

    def pick(k):
        return rng.choices(words, cum_weights=cumulative, k=k)

    return pick


def document(rng, pick, i, turns=60):
    paragraphs = []
    for t in range(turns):
        speaker = "Interviewer" if t % 2 == 0 else f"P{i:05d}"
        sentences = []
        for _ in range(rng.randint(1, 6)):
            sentences.append(" ".join(pick(rng.randint(8, 22))).capitalize() + ".")
        paragraphs.append(f"{speaker}: " + " ".join(sentences))
    text = "\n\n".join(paragraphs) + "\n"
    spans, position = [], 0
    for paragraph in paragraphs:
        spans.append((paragraph.split(":", 1)[0], position, position + len(paragraph)))
        position += len(paragraph) + 2
    return text, spans


def build(n_sources: int, seed: int = 42):
    from coproduce.accounts import actions as account_actions
    from coproduce.insight import actions
    from coproduce.insight.models import Coder, Coding, Participant, Source, StudyRole, Turn
    from coproduce.people import actions as people_actions

    org = people_actions.create_organisation(
        by=None, name="Bench board", slug="bench", kind="health_board"
    )
    person = people_actions.create_person(by=None, full_name="Bench Coder", email="c@bench.test")
    account_actions.create_account(by=None, person=person, email="c@bench.test", password=PASSWORD)
    study = actions.create_study(by=None, organisation=org, title="Bench study", slug="bench")
    actions.set_member(by=None, study=study, person=person, role=StudyRole.CODER)
    coder = actions.coder_for(study=study, person=person)
    other = Coder.objects.create(study=study, name="Imported coder")
    codes = list(study.codes.all())
    rng = random.Random(seed)
    words = vocabulary(rng)
    pick = zipf_sampler(rng, words)
    with transaction.atomic():
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    study=study,
                    identifier=f"P{i:05d}",
                    attributes={"role": ROLES[i % 5], "sample_group": f"site{i % 7}"},
                )
                for i in range(n_sources)
            ],
            batch_size=1000,
        )
        for start in range(0, n_sources, 500):
            batch, spans = [], []
            for i in range(start, min(n_sources, start + 500)):
                text, turns = document(rng, pick, i)
                batch.append(Source(study=study, name=f"T{i:05d}", text=text))
                spans.append(turns)
            Source.objects.bulk_create(batch)
            turn_rows, coding_rows, links = [], [], []
            for source, turns in zip(batch, spans, strict=True):
                participant = participants[int(source.name[1:])]
                links.append(Source.participants.through(source=source, participant=participant))
                for index, (speaker, a, b) in enumerate(turns):
                    turn_rows.append(
                        Turn(
                            source=source,
                            index=index,
                            speaker=speaker,
                            participant=participant if speaker != "Interviewer" else None,
                            start=a,
                            end=b,
                        )
                    )
                    if index % 6 == 1:
                        coding_rows.append(
                            Coding(
                                source=source,
                                code=rng.choice(codes),
                                coder=rng.choice([coder, other]),
                                start=a,
                                end=b,
                            )
                        )
            Turn.objects.bulk_create(turn_rows, batch_size=2000)
            Coding.objects.bulk_create(coding_rows, batch_size=2000)
            Source.participants.through.objects.bulk_create(links, batch_size=2000)
    return study, codes, coder, words


def queries(rng, words, codes, coder):
    """50 searches: words from common to rare, phrases, prefixes, OR, and filtered searches."""
    out = []
    for rank in (0, 3, 10, 30, 100, 300, 1000, 3000, 10000, 19000):
        out.append((words[rank], {}))
    for q in ("tŷ", "Siân", "ty gofal", "ysbyty OR meddyg", '"waiting list"'):
        out.append((q, {}))
    for _ in range(10):
        a, b = rng.randrange(0, 200), rng.randrange(0, 2000)
        out.append((f'"{words[a]} {words[b]}"', {}))
    for _ in range(5):
        out.append((words[rng.randrange(50, 5000)][:3] + "*", {}))
    for _ in range(5):
        out.append((f"{words[rng.randrange(0, 500)]} {words[rng.randrange(0, 500)]}", {}))
    for rank in (0, 10, 100, 1000, 5000):
        out.append((words[rank], {"participant_filters": {"role": "GP"}}))
    for rank in (1, 20, 200, 2000, 8000):
        out.append(
            (words[rank], {"code_ids": [codes[rank % len(codes)].pk], "coder_ids": [coder.pk]})
        )
    for q in ('"(*', "AND OR NOT", "co-ordinate", "don’t"):
        out.append((q, {}))
    return out[:50]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--tfidf", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time searches on the study an earlier run left in the same database",
    )
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from coproduce.insight import search
    from coproduce.insight.models import Coder, SearchPassage, Study

    if args.reuse:
        study = Study.objects.get(slug="bench")
        codes = list(study.codes.all())
        coder = Coder.objects.get(study=study, person__isnull=False)
        words = vocabulary(random.Random(42))  # build() draws the vocabulary first
        built = index_seconds = vacuum_seconds = 0.0
        passages = SearchPassage.objects.filter(study=study).count()
        args.sources = study.sources.count()
    else:
        began = time.perf_counter()
        study, codes, coder, words = build(args.sources)
        built = time.perf_counter() - began

        began = time.perf_counter()
        passages = search.rebuild(study)
        index_seconds = time.perf_counter() - began
        # What the task worker does once a large import commits (search/tasks.py), run here
        # as the worker would, so searches are timed on the index as users will meet it.
        from coproduce.insight.search.tasks import vacuum_search_index

        began = time.perf_counter()
        vacuum_search_index.call()
        vacuum_seconds = time.perf_counter() - began

    rng = random.Random(3)
    timings = []
    for text, filters in queries(rng, words, codes, coder):
        start = time.perf_counter()
        hits, total = search.search(study, text, limit=25, **filters)
        elapsed = time.perf_counter() - start
        timings.append((elapsed, text, filters, total))
    latencies = [t[0] for t in timings]
    worst = max(timings, key=lambda t: t[0])

    client = Client()
    assert client.login(username="c@bench.test", password=PASSWORD)
    page_times, page_queries = [], 0
    page_queries_list = [words[0], words[300], words[5000], f'"{words[1]} {words[2]}"', "tŷ"]
    url = f"/insight/{study.slug}/search/"
    client.get(url, {"q": words[0]}, HTTP_HOST="127.0.0.1")  # warm caches
    for q in page_queries_list:
        for page in ("1", "3"):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url, {"q": q, "page": page}, HTTP_HOST="127.0.0.1")
                page_times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
            page_queries = max(page_queries, len(ctx.captured_queries))

    sample = list(
        SearchPassage.objects.filter(study=study)
        .order_by("?")
        .values_list("source_id", "start", "end")[:10]
    )
    from coproduce.insight.models import Source

    similar_times = []
    for source_id, a, b in sample:
        source = Source.objects.get(pk=source_id)
        start = time.perf_counter()
        search.similar(study, source, a, b)
        similar_times.append(time.perf_counter() - start)

    result = {
        "database": connection.vendor,
        "sources": args.sources,
        "passages": passages,
        "corpus_build_s": round(built, 1),
        "index_build_s": round(index_seconds, 1),
        "vacuum_s": round(vacuum_seconds, 1),
        "search_median_ms": round(statistics.median(latencies) * 1000, 1),
        "search_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "search_max_ms": round(worst[0] * 1000, 1),
        "worst_query": {"q": worst[1], "filters": bool(worst[2]), "total": worst[3]},
        "page_median_ms": round(statistics.median(page_times) * 1000, 1),
        "page_max_ms": round(max(page_times) * 1000, 1),
        "page_queries": page_queries,
        "similar_median_ms": round(statistics.median(similar_times) * 1000, 1),
        "similar_max_ms": round(max(similar_times) * 1000, 1),
        "target_ms": 200,
    }
    if args.tfidf:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = dict(Source.objects.filter(study=study).values_list("pk", "text"))
        bodies = [
            texts[s][a:b]
            for s, a, b in SearchPassage.objects.filter(study=study).values_list(
                "source_id", "start", "end"
            )
        ]
        start = time.perf_counter()
        TfidfVectorizer(analyzer=lambda t: [w for w, _s, _e in search.words(t)]).fit_transform(
            bodies
        )
        result["tfidf_fit_all_passages_s"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result))
    for elapsed, text, filters, total in sorted(timings, reverse=True)[:8]:
        print(f"  {elapsed * 1000:8.1f} ms  total={total:<6} filters={bool(filters)!s:<5} {text}")


if __name__ == "__main__":
    main()
