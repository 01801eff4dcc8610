import pytest
from django.core import mail
from django.core.management import call_command

from coproduce.core import reminders
from coproduce.core.models import AuditEvent, ReminderSent

from ..factories import PersonFactory, person_with_user
from . import fake_reminders


@pytest.fixture
def fake_provider(monkeypatch):
    monkeypatch.setattr(reminders, "_providers", lambda: [fake_reminders])
    yield fake_reminders
    fake_reminders.PEOPLE.clear()


def test_pending_for_sorted_by_closing(fake_provider, db):
    person = PersonFactory()
    titles = [p.title for p in reminders.pending_for(person)]
    assert titles == ["Sooner thing", "Later thing", "No deadline"]


def test_home_shows_waiting_items(fake_provider, client, db):
    person = person_with_user()
    client.force_login(person.user)
    body = client.get("/").content.decode()
    assert "Waiting for you" in body
    assert 'href="/soon/"' in body


def test_send_reminders_once_per_person(fake_provider, db, django_capture_on_commit_callbacks):
    with_email = PersonFactory(email="a@example.org")
    without_email = PersonFactory(email="")
    fake_provider.PEOPLE.extend([with_email, without_email])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
        call_command("send_reminders", verbosity=0)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["a@example.org"], "Closing soon")]
    assert ReminderSent.objects.count() == 1
    assert AuditEvent.objects.filter(action="reminder.send").count() == 1


def test_discovery_finds_app_modules_in_installed_order():
    from coproduce.core.discovery import app_modules

    # core's own registries are not providers; apps without the module are skipped.
    assert [m.__name__ for m in app_modules("reminders")] == [
        "coproduce.measures.reminders",
        "coproduce.decisions.reminders",
        "coproduce.recognition.reminders",
    ]
    assert [m.__name__ for m in app_modules("demo")] == [
        "coproduce.measures.demo",
        "coproduce.decisions.demo",
        "coproduce.reports.demo",
        "coproduce.recognition.demo",
        "coproduce.insight.demo",
        "coproduce.consultations.demo",
    ]
