"""The production path for background work: the database queue and its worker."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from coproduce.projects import actions

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


@pytest.fixture
def database_tasks(settings):
    # django.tasks rebuilds its backends when the setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_meeting_email_queued_then_sent_by_worker(world, database_tasks):
    from django_tasks_db.models import DBTaskResult

    start = timezone.now() + datetime.timedelta(days=3)
    actions.schedule_meeting(
        by=world["cochair"].user,
        project=world["project"],
        title="Queued",
        place="Hall",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    assert mail.outbox == []  # the request did not wait for the e-mails
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world["cochair"].email, world["member"].email]
    )
