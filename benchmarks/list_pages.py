"""Time the list pages against a large register: how long one request takes and how many
queries it runs, with 10,000 people, 1,000 projects and 1,000 meetings.

    COPRODUCE_DEMO=1 COPRODUCE_DATA=$(mktemp -d) .venv/bin/python benchmarks/list_pages.py

Uses its own throwaway SQLite database (or DATABASE_URL) and prints one JSON line per page.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("COPRODUCE_DEMO", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
# No collectstatic here: serve asset URLs unhashed.
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "1000"))


def build():
    """Bulk rows for scale (a benchmark fixture, not product data: the product writes through
    actions, which audit one change at a time)."""
    from coproduce.accounts import actions as account_actions
    from coproduce.people import actions as people_actions
    from coproduce.people.models import AccessNeed, OrganisationLink, Person
    from coproduce.projects.models import Meeting, Membership, Project

    org = people_actions.create_organisation(
        by=None, name="Bench board", slug="bench", kind="health_board"
    )
    lead = people_actions.create_person(by=None, full_name="Bench Lead", email="lead@bench.test")
    people_actions.link_organisation(by=None, person=lead, organisation=org, role="lead")
    account_actions.create_account(
        by=None, person=lead, email="lead@bench.test", password="bench-password-1"
    )
    people = Person.objects.bulk_create(
        [Person(full_name=f"Person {i}", email=f"p{i}@bench.test") for i in range(PEOPLE)],
        batch_size=2000,
    )
    AccessNeed.objects.bulk_create(
        [AccessNeed(person=p, code="bsl") for p in people[::3]], batch_size=2000
    )
    OrganisationLink.objects.bulk_create(
        [OrganisationLink(person=p, organisation=org, role="member") for p in people],
        batch_size=2000,
    )
    projects = Project.objects.bulk_create(
        [
            Project(title=f"Project {i}", purpose="x", scale="service", stage="co_design")
            for i in range(PROJECTS)
        ]
    )
    Project.organisations.through.objects.bulk_create(
        [Project.organisations.through(project=p, organisation=org) for p in projects]
    )
    big = projects[0]
    Membership.objects.bulk_create(
        [
            Membership(project=big, person=p, perspective="lived_experience", role="member")
            for p in people[:2000]
        ]
        + [Membership(project=big, person=lead, perspective="professional", role="co_chair")],
        batch_size=2000,
    )
    from django.utils import timezone

    now = timezone.now()
    Meeting.objects.bulk_create(
        [
            Meeting(project=big, title=f"M{i}", starts_at=now, ends_at=now, place="x")
            for i in range(1000)
        ]
    )
    return big


def measure(client, path, runs=5):
    times, queries = [], None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx.captured_queries)
    return {
        "page": path,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "queries": queries,
    }


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    big = build()
    client = Client()
    assert client.login(username="lead@bench.test", password="bench-password-1")
    for path in [
        "/",
        "/projects/",
        f"/projects/{big.pk}/",
        "/people/",
        "/people/?q=Person+99",
        "/people/?access_need=bsl&page=50",
    ]:
        print(json.dumps(measure(client, path) | {"people": PEOPLE, "projects": PROJECTS}))


if __name__ == "__main__":
    main()
