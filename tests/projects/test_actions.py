import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.projects import actions
from coproduce.projects.models import Attendance, Paper

from ..factories import MembershipFactory, PersonFactory

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres


def _times(days=7):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(hours=2)}


def test_add_member_twice_refused(world):
    lead = world["lead"].user
    with pytest.raises(ValidationError):
        actions.add_member(
            by=lead,
            project=world["project"],
            person=world["member"],
            perspective="carer",
            role="member",
        )


def test_schedule_meeting_emails_members_in_their_language(
    world, django_capture_on_commit_callbacks
):
    world["member"].preferred_language = "cy"
    world["member"].save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = actions.schedule_meeting(
            by=world["cochair"].user,
            project=world["project"],
            title="Planning",
            place="Hall",
            **_times(),
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world["member"].email, world["cochair"].email]
    )
    welsh = next(m for m in mail.outbox if m.to[0] == world["member"].email)
    assert welsh.subject != "Meeting scheduled: Planning"
    assert welsh.attachments[0][0] == "meeting.ics"
    assert (
        b"SEQUENCE:0" in welsh.attachments[0][1].encode()
        if isinstance(welsh.attachments[0][1], str)
        else b"SEQUENCE:0" in welsh.attachments[0][1]
    )
    assert (
        AuditEvent.objects.filter(action="meeting.schedule", object_id=str(meeting.pk)).count() == 1
    )


def test_move_meeting_bumps_sequence_and_emails(world, django_capture_on_commit_callbacks):
    meeting = world["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_meeting(by=world["lead"].user, meeting=meeting, **_times(days=9))
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject.startswith("Meeting moved")


def test_meeting_must_end_after_start(world):
    times = _times()
    with pytest.raises(ValidationError):
        actions.schedule_meeting(
            by=world["lead"].user,
            project=world["project"],
            title="Bad",
            place="Hall",
            starts_at=times["ends_at"],
            ends_at=times["starts_at"],
        )


@pytest.mark.parametrize(
    "name,content",
    [("virus.exe", b"MZ..."), ("fake.pdf", b"not a pdf"), ("empty.txt", b"")],
)
def test_add_paper_refuses_bad_files(world, name, content):
    with pytest.raises(ValidationError):
        actions.add_paper(
            by=world["lead"].user,
            meeting=world["meeting"],
            title="x",
            upload=SimpleUploadedFile(name, content),
        )
    assert Paper.objects.count() == 0
    assert AuditEvent.objects.filter(action="paper.add").count() == 0


def test_add_paper_too_large(world, settings):
    settings.PAPER_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        actions.add_paper(
            by=world["lead"].user,
            meeting=world["meeting"],
            title="x",
            upload=SimpleUploadedFile("big.txt", b"x" * 11),
        )


def test_add_paper_pdf(world):
    paper = actions.add_paper(
        by=world["lead"].user,
        meeting=world["meeting"],
        title="",
        upload=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 test"),
    )
    assert (paper.title, paper.content_type, paper.size) == ("minutes.pdf", "application/pdf", 13)


def test_record_attendance_keeps_perspective(world):
    meeting = world["meeting"]
    actions.record_attendance(
        by=world["cochair"].user,
        meeting=meeting,
        statuses={world["member"].pk: "present", world["cochair"].pk: "apologies"},
    )
    rows = {a.person_id: (a.status, a.perspective) for a in Attendance.objects.all()}
    assert rows == {
        world["member"].pk: ("present", "lived_experience"),
        world["cochair"].pk: ("apologies", "lived_experience"),
    }


def test_record_attendance_refuses_non_members(world):
    stranger = PersonFactory()
    with pytest.raises(ValidationError):
        actions.record_attendance(
            by=world["cochair"].user, meeting=world["meeting"], statuses={stranger.pk: "present"}
        )
    assert Attendance.objects.count() == 0


def test_membership_leave_date_before_join_refused(world):
    m = MembershipFactory(project=world["project"], joined_on=datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError):
        actions.update_membership(
            by=world["lead"].user,
            membership=m,
            perspective="carer",
            role="member",
            left_on=datetime.date(2026, 4, 1),
        )
