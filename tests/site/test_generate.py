"""The synthetic dataset (coproduce.site.generate) at its tiny scale."""

import datetime
import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.db.models.functions import Substr

from coproduce.core.demo import PASSWORD
from coproduce.core.models import AuditEvent
from coproduce.decisions.models import Decision, Position
from coproduce.insight import search
from coproduce.insight.models import Coding, SearchPassage, Source, Study, Turn
from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Attendance, Meeting, Membership, Project
from coproduce.recognition.models import Claim, Contribution
from coproduce.site import demo
from coproduce.site.generate import GenerateError, generate, generated
from tests.state import snapshot

# Counts depend on the engine only if the generator is wrong; search is engine-specific.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

AS_OF = datetime.date(2026, 6, 1)
TINY = {
    "people.Organisation": 50,
    "people.Person": 100,
    "projects.Project": 5,
    "projects.Meeting": 50,
    "decisions.Decision": 200,
    "recognition.Contribution": 1000,
    "insight.Study": 1,
    "insight.Source": 10,
    "insight.Coding": 1000,
}


@pytest.fixture
def tiny(db):
    return generate(scale="tiny", as_of=AS_OF, stream=None)


def test_generate_tiny_counts(tiny):
    assert {label: tiny[label] for label in TINY} == TINY
    assert tiny == {
        "account.EmailAddress": 8,
        "accounts.User": 8,
        "decisions.Decision": 200,
        "decisions.Position": 859,
        "insight.Attribute": 9,
        "insight.Code": 20,
        "insight.Coder": 5,
        "insight.Coding": 1000,
        "insight.Participant": 10,
        "insight.SearchPassage": 414,
        "insight.Source": 10,
        "insight.Source_participants": 10,
        "insight.Study": 1,
        "insight.StudyMember": 5,
        "insight.Turn": 414,
        "measures.Pulse": 4,
        "measures.PulseAgreement": 174,
        "measures.PulseRespondent": 29,
        "measures.PulseResponse": 29,
        "measures.ReadinessAnswer": 66,
        "measures.ReadinessResponse": 11,
        "measures.ReadinessRound": 4,
        "people.AccessNeed": 58,
        "people.Consent": 97,
        "people.Organisation": 50,
        "people.OrganisationLink": 165,
        "people.Person": 100,
        "people.Perspective": 103,
        "projects.Attendance": 405,
        "projects.Meeting": 50,
        "projects.Membership": 59,
        "projects.Project": 5,
        "projects.Project_organisations": 12,
        "recognition.Account": 13,
        "recognition.Claim": 190,
        "recognition.Contribution": 1000,
        "recognition.Expense": 22,
        "recognition.Movement": 540,
        "recognition.PaymentChoice": 22,
        "recognition.Rate": 161,
        "recognition.Settings": 7,
        "recognition.Transfer": 270,
    }


def test_generate_tiny_rows_in_database(tiny):
    models = [Organisation, Person, Project, Meeting, Decision, Contribution, Study, Source, Coding]
    assert {m._meta.label: m.objects.count() for m in models} == TINY
    assert Position.objects.count() == tiny["decisions.Position"]
    assert SearchPassage.objects.count() == tiny["insight.SearchPassage"]
    assert generated()["scale"] == "tiny"
    assert generated()["as_of"] == "2026-06-01"


def test_generate_every_claim_status(tiny):
    statuses = Claim.objects.order_by().values_list("status", flat=True).distinct()
    assert sorted(statuses) == ["approved", "paid", "queried", "submitted"]


def _fresh_database() -> None:
    """Every table emptied and its ids restarted (PostgreSQL sequences are not rolled back with
    an earlier test's transaction), and the search index emptied too."""
    # PostgreSQL checks foreign keys at commit: run those checks now, or TRUNCATE refuses.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    search.rebuild()


def test_generate_same_rows_twice(db):
    tables = [Person, Membership, Meeting, Attendance, Decision, Position, Claim, Contribution]
    tables += [Source, Turn, Coding, SearchPassage]
    _fresh_database()
    generate(scale="tiny", as_of=AS_OF, stream=None)
    first = snapshot(*tables)
    _fresh_database()
    assert Person.objects.count() == 0
    generate(scale="tiny", as_of=AS_OF, stream=None)
    assert snapshot(*tables) == first


def test_generate_foreign_keys_hold(tiny):
    # Rows are written with the ids the generator chose: every reference must find its row.
    connection.check_constraints()
    assert Coding.objects.exclude(code__study=F("source__study")).count() == 0


def test_generate_into_full_database_refused(tiny):
    with pytest.raises(GenerateError):
        generate(scale="tiny", as_of=AS_OF, stream=None)
    assert Person.objects.count() == 100


def test_generate_codings_inside_participant_turns(tiny):
    turns = {}
    for turn in Turn.objects.filter(participant__isnull=False):
        turns.setdefault(turn.source_id, []).append((turn.start, turn.end))
    texts = dict(Source.objects.values_list("pk", "text"))
    outside, untidy = [], []
    for coding in Coding.objects.annotate(
        quote=Substr(F("source__text"), F("start") + 1, F("end") - F("start"))
    ):
        if not any(s <= coding.start < coding.end <= e for s, e in turns[coding.source_id]):
            outside.append(coding.pk)
        # The database reads the same code points as Python: a quote is text[start:end].
        quote = texts[coding.source_id][coding.start : coding.end]
        if coding.quote != quote or quote != quote.strip() or quote[-1] not in ".!?":
            untidy.append(coding.pk)
    assert outside == []
    assert untidy == []


def test_generate_search_finds_passages(tiny):
    study = Study.objects.get()
    hits, total = search.search(study, "bus")
    assert total == 30
    assert hits[0].source_name == "Interview P01"
    assert "<mark>bus</mark> only runs twice a day." in hits[0].snippet
    # Accents folded: "ty" finds "tŷ", in the index either engine keeps.
    welsh, total_welsh = search.search(study, "ty coffi")
    assert total_welsh == 30
    assert "The <mark>tŷ</mark> <mark>coffi</mark> in Aberteg" in welsh[0].snippet


def test_generate_demo_sign_in_opens_project(tiny, client):
    assert client.login(username="lead@demo.coproduce.test", password=PASSWORD)
    project = (
        Membership.objects.filter(person__email="cochair@demo.coproduce.test", role="co_chair")
        .first()
        .project
    )
    response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    assert project.title in response.content.decode()


def test_generate_then_demo_load_changes_nothing(tiny):
    before = snapshot(Person, Project, AuditEvent)
    assert demo.load() is False
    assert snapshot(Person, Project, AuditEvent) == before


def _cli(*args, data_dir):
    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "COPRODUCE_DEMO")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["COPRODUCE_DATA"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "coproduce.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _counts(db) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [
            conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("people_person", "projects_project", "core_auditevent", "accounts_user")
        ]


@pytest.mark.slow
def test_cli_data_generate_then_demo_keeps_data(tmp_path):
    made = _cli("data", "generate", "--scale", "tiny", data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "rows (tiny scale)" in made.stdout
    assert "insight" in made.stderr  # progress, section by section
    counts = _counts(tmp_path / "coproduce.sqlite3")
    assert counts[:2] == [100, 5]
    shown = _cli("demo", "--no-serve", data_dir=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Generated data (tiny scale) present: demo data not loaded." in shown.stdout
    assert _counts(tmp_path / "coproduce.sqlite3") == counts
