"""Server time and query count of every main page, for a coproduction lead, a project member and
a finance officer, against generated data (coproduce.site.generate).

    .venv/bin/python benchmarks/at_scale.py                       # generates --scale small
    .venv/bin/python benchmarks/at_scale.py --data var/wales      # a folder generated before
    .venv/bin/python benchmarks/at_scale.py --database-url postgres://...  [--compare-database-url
        postgres://.../other]                                     # PostgreSQL

Each page is requested in-process through Django's test Client, signed in with the demo
password: once to warm caches, then --runs times. Time is time.perf_counter() around the
request (the whole request and response in this process: routing, middleware, view, template,
database; no network or server overhead), and time.process_time() beside it (CPU time, steadier
on a busy machine; on SQLite it includes the database's work). Queries are counted with
CaptureQueriesContext. p50 and p95 are over the runs. Target: p95 <= 150 ms on every page.

Queries should not grow with the data: --compare SCALE (default tiny) measures the same pages
on a second database generated at that scale (a temporary SQLite folder, or --compare-data or
--compare-database-url holding it already) in a subprocess, and each page reports whether its
query counts are equal. Compare two scales at which every list fills its first page (small
and up): below that a page of 20 rows shows fewer. Prints one JSON document.
"""

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MS = 150
ROLES = {
    "lead": "lead@demo.coproduce.test",
    "member": "member@demo.coproduce.test",
    "finance": "finance@demo.coproduce.test",
}


def _setup(args) -> None:
    os.environ["COPRODUCE_DEMO"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "coproduce.settings"
    # No collectstatic here: asset URLs unhashed.
    os.environ["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["COPRODUCE_DATA"] = args.data
    import django

    django.setup()


def _prepare(scale: str) -> dict:
    from django.core.management import call_command

    from coproduce.site.generate import generate, generated

    call_command("migrate", verbosity=0)
    call_command("load_frameworks", verbosity=0)
    made = generated()
    if made is None:
        generate(scale=scale)
        made = generated()
    return made


def _pages() -> dict:
    """The pages to measure, with the objects they show chosen from the data the same way at
    every scale: the demo sign-ins' project, its latest past meeting, its decision with the
    most positions, the demo study and its first transcript."""
    from django.db.models import Count
    from django.utils import timezone

    from coproduce.decisions.models import Decision
    from coproduce.insight.models import Source, StudyMember
    from coproduce.measures.models import Pulse
    from coproduce.people.models import Organisation, Person
    from coproduce.projects.models import Meeting, Membership

    member = Person.objects.get(email=ROLES["member"])
    project = (
        Membership.objects.filter(person__email="cochair@demo.coproduce.test", role="co_chair")
        .order_by("project_id")
        .first()
        .project
    )
    meeting = (
        Meeting.objects.filter(project=project, starts_at__lt=timezone.now(), cancelled=False)
        .order_by("-starts_at")
        .first()
    )
    decision = (
        Decision.objects.filter(project=project)
        .annotate(n=Count("positions"))
        .order_by("-n", "id")
        .first()
    )
    pulse = Pulse.objects.filter(project=project).order_by("-opened_at").first()
    study = StudyMember.objects.filter(person=member).order_by("study_id").first().study
    source = Source.objects.filter(study=study).order_by("id").first()
    board = Organisation.objects.order_by("id").first()
    p, s = project.pk, study.slug
    return {
        "home": "/",
        "register list": "/people/",
        "register search": "/people/?q=Jones",
        "a person": f"/people/{member.pk}/",
        "projects list": "/projects/",
        "a project": f"/projects/{p}/",
        "a meeting": f"/meetings/{meeting.pk}/",
        "decisions list": f"/projects/{p}/decisions/",
        "a decision": f"/decisions/{decision.pk}/",
        "power sharing": f"/projects/{p}/power/",
        "readiness": f"/projects/{p}/readiness/",
        "pulse list": f"/projects/{p}/pulse/",
        "a pulse": f"/pulse/{pulse.pk}/",
        "project dashboard": f"/projects/{p}/dashboard/",
        "organisation dashboard": f"/organisations/{board.slug}/projects/",
        "recognition my time": "/recognition/",
        "finance queue": f"/organisations/{board.slug}/finance/",
        "insight studies": "/insight/",
        "a study": f"/insight/{s}/",
        "transcript coding page": f"/insight/{s}/sources/{source.pk}/",
        "insight search": f"/insight/{s}/search/?q=meeting",
    }


def _percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _measure(client, path: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, HTTP_HOST="127.0.0.1")  # warm: caches, first compile
    if response.status_code != 200:
        return {"status": response.status_code}
    times, cpu, queries = [], [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries.add(len(captured.captured_queries))
    p95 = _percentile(times, 95)
    return {
        "status": 200,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        # This process's CPU time: on SQLite the database works in-process too, so this is the
        # request's own work, whatever else the machine is doing (not so on PostgreSQL).
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(_percentile(cpu, 95), 1),
        "queries": max(queries),
        "queries_vary": len(queries) > 1,
        "over_target": p95 > TARGET_MS,
    }


def measure_all(runs: int, only=None) -> dict:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from coproduce.core.demo import PASSWORD
    from coproduce.people.models import Person

    setup_test_environment()
    # Refusals (a finance officer on a project page) are expected: not worth a traceback each.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    pages = _pages()
    if only:
        pages = {name: path for name, path in pages.items() if name in only}
    results = {}
    for role, email in ROLES.items():
        client = Client()
        assert client.login(username=email, password=PASSWORD), f"{email} cannot sign in"
        own = Person.objects.get(email=email).pk
        # "A person" is the demo member's record: the lead's register entry to look at, the
        # member's own; a finance officer sees only their own.
        if role == "finance":
            pages["a person"] = f"/people/{own}/"
        results[role] = {
            name: _measure(client, path, runs) | {"path": path} for name, path in pages.items()
        }
    return results


def reachable() -> dict:
    """For each role, the pages it may open (the load run's page mix): {role: {name: path}}."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    from coproduce.core.demo import PASSWORD

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    pages = _pages()
    out = {}
    for role, email in ROLES.items():
        client = Client()
        assert client.login(username=email, password=PASSWORD), f"{email} cannot sign in"
        out[role] = {
            name: path
            for name, path in pages.items()
            if client.get(path, HTTP_HOST="127.0.0.1").status_code == 200
        }
    return out


def _compare(args) -> dict | None:
    if args.compare == "none":
        return None
    out = Path(tempfile.mkdtemp(prefix="coproduce-at-scale-")) / "compare.json"
    command = [sys.executable, __file__, "--runs", "2", "--compare", "none", "--json", str(out)]
    command += ["--scale", args.compare]
    if args.compare_database_url:
        command += ["--database-url", args.compare_database_url]
    elif args.compare_data:
        command += ["--data", args.compare_data]
    elif args.database_url:
        return None  # PostgreSQL needs a second database to compare with
    else:
        command += ["--data", str(out.parent / "data")]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="a data folder (SQLite) holding generated data")
    parser.add_argument("--database-url", help="a PostgreSQL database holding generated data")
    parser.add_argument("--scale", default="small", help="generate at this scale if empty")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--compare", default="tiny", help="scale to compare query counts with")
    parser.add_argument("--compare-database-url", help="PostgreSQL database for --compare")
    parser.add_argument("--compare-data", help="data folder for --compare (SQLite)")
    parser.add_argument("--json", help="also write the result to this file")
    parser.add_argument("--list", action="store_true", help="only list each role's pages")
    parser.add_argument("--pages", help="only these pages (names, comma-separated)")
    args = parser.parse_args()
    if not args.database_url and not args.data:
        args.data = tempfile.mkdtemp(prefix="coproduce-at-scale-")
    _setup(args)
    from django.db import connection

    started = time.perf_counter()
    made = _prepare(args.scale)
    prepared = time.perf_counter() - started
    if args.list:
        text = json.dumps({"scale": made["scale"], "pages": reachable()}, indent=1)
        if args.json:
            Path(args.json).write_text(text)
        print(text)
        return 0
    pages = measure_all(args.runs, only=args.pages.split(",") if args.pages else None)
    result = {
        "engine": connection.vendor,
        "scale": made["scale"],
        "rows": sum(made["rows"].values()),
        "prepare_s": round(prepared, 1),
        "runs": args.runs,
        "target_p95_ms": TARGET_MS,
        "pages": pages,
    }
    other = _compare(args)
    if other is not None:
        result["compared_with"] = other["scale"]
        for role, rows in pages.items():
            for name, row in rows.items():
                theirs = other["pages"][role][name]
                if "queries" in row and "queries" in theirs:
                    row["queries_at_" + other["scale"]] = theirs["queries"]
                    row["queries_constant"] = row["queries"] == theirs["queries"]
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.json:
        Path(args.json).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
