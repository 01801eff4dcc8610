import datetime

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.projects.models import Attendance, Meeting, Membership, Paper, Project

from ..factories import PersonFactory

PROJECT = {
    "title": "Carers' café",
    "purpose": "A café run with carers.",
    "scale": "team",
    "stage": "co_deliver",
    "status": "active",
}


def _meeting_data(days=14, **extra):
    day = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    return {
        "title": "Planning",
        "date": day,
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "Library",
        **extra,
    }


def test_project_create_happy_path(world, client_for):
    data = dict(PROJECT, organisations=[world["org"].pk])
    response = client_for(world["lead"]).post(reverse("projects:create"), data)
    project = Project.objects.get(title="Carers' café")
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert list(project.organisations.all()) == [world["org"]]


def test_project_create_without_organisation_redisplays(world, client_for):
    response = client_for(world["lead"]).post(reverse("projects:create"), PROJECT)
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert not Project.objects.filter(title="Carers' café").exists()


def test_project_update_by_lived_experience_cochair(world, client_for):
    project = world["project"]
    data = dict(PROJECT, title="Diabetes clinic (phase 2)", organisations=[world["org"].pk])
    response = client_for(world["cochair"]).post(
        reverse("projects:update", args=[project.pk]), data
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Diabetes clinic (phase 2)"


def test_project_list_shows_only_visible(world, client_for):
    body = client_for(world["other_lead"]).get(reverse("projects:list")).content.decode()
    assert "Diabetes clinic" not in body
    body = client_for(world["member"]).get(reverse("projects:list")).content.decode()
    assert "Diabetes clinic" in body


def test_member_add_search_and_create(world, client_for):
    newcomer = PersonFactory(full_name="Huw Newcomer")
    client = client_for(world["cochair"])
    url = reverse("projects:member_create", args=[world["project"].pk])
    assert "Huw Newcomer" in client.get(url, {"q": "Huw"}).content.decode()
    response = client.post(
        url, {"person": newcomer.pk, "perspective": "lived_experience", "role": "co_chair"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=newcomer)
    assert (membership.role, membership.perspective) == ("co_chair", "lived_experience")


def test_member_update_leaving(world, client_for):
    membership = Membership.objects.get(person=world["member"])
    response = client_for(world["lead"]).post(
        reverse("projects:member_update", args=[membership.pk]),
        {"perspective": "carer", "role": "member", "left_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.perspective, membership.left_on) == ("carer", timezone.localdate())


def test_meeting_create_emails_members(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world["cochair"]).post(
            reverse("projects:meeting_create", args=[world["project"].pk]), _meeting_data()
        )
    meeting = Meeting.objects.get(title="Planning")
    assert response["Location"] == reverse("projects:meeting", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).hour == 10
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world["cochair"].email, world["member"].email]
    )


def test_meeting_create_without_place_redisplays(world, client_for):
    response = client_for(world["cochair"]).post(
        reverse("projects:meeting_create", args=[world["project"].pk]), _meeting_data(place="")
    )
    assert response.status_code == 200
    assert "Give a place, an online link, or both." in response.content.decode()
    assert not Meeting.objects.filter(title="Planning").exists()


def test_meeting_update_moves_and_notifies(world, client_for, django_capture_on_commit_callbacks):
    meeting = world["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world["lead"]).post(
            reverse("projects:meeting_update", args=[meeting.pk]), _meeting_data(days=21)
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert [m.subject for m in mail.outbox] == ["Meeting moved: Planning"] * 2


def test_paper_upload_and_download(world, client_for):
    meeting = world["meeting"]
    response = client_for(world["cochair"]).post(
        reverse("projects:paper_create", args=[meeting.pk]),
        {"title": "Agenda", "file": SimpleUploadedFile("agenda.txt", b"1. Welcome\n")},
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    download = client_for(world["member"]).get(reverse("projects:paper", args=[paper.pk]))
    assert b"".join(download.streaming_content) == b"1. Welcome\n"
    assert "attachment" in download["Content-Disposition"]


def test_paper_upload_bad_type_redisplays(world, client_for):
    response = client_for(world["cochair"]).post(
        reverse("projects:paper_create", args=[world["meeting"].pk]),
        {"title": "Bad", "file": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert response.status_code == 200
    assert "The paper must be a PDF" in response.content.decode()
    assert Paper.objects.count() == 0


def test_attendance_records_statuses(world, client_for):
    meeting = world["meeting"]
    response = client_for(world["cochair"]).post(
        reverse("projects:attendance", args=[meeting.pk]),
        {f"person_{world['member'].pk}": "present", f"person_{world['cochair'].pk}": "apologies"},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("person_id", "status")) == {
        world["member"].pk: "present",
        world["cochair"].pk: "apologies",
    }
    assert AuditEvent.objects.filter(action="attendance.record").count() == 2


def test_calendar_file(world, client_for):
    meeting = world["meeting"]
    response = client_for(world["member"]).get(reverse("projects:calendar", args=[meeting.pk]))
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar"
    assert f"UID:{meeting.uid}@coproduce" in body
    assert "SUMMARY:Diabetes clinic: " + meeting.title in body


def test_home_shows_upcoming_meetings_and_papers(world, client_for):
    world["meeting"].papers.create(
        title="Minutes", file="papers/m.txt", content_type="text/plain", size=1
    )
    body = client_for(world["member"]).get(reverse("home")).content.decode()
    assert world["meeting"].title in body
    assert "Minutes" in body
    assert reverse("projects:calendar", args=[world["meeting"].pk]) in body
