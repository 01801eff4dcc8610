"""Whoever starts a project is in it (a co-chair, unless they untick the box), so it and its
meetings are on their home page; confirmations say what will really be e-mailed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from coproduce.core.models import AuditEvent
from coproduce.projects.models import Membership, Project

from ..factories import (
    MeetingFactory,
    MembershipFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)
from ..state import snapshot

PROJECT = {
    "title": "Carers' café",
    "purpose": "A café run with carers.",
    "scale": "team",
    "stage": "co_deliver",
    "status": "active",
}


def test_project_create_form_offers_creator_as_co_chair(world, client_for):
    body = client_for(world["lead"]).get(reverse("projects:create")).content.decode()
    assert 'name="join_as_co_chair" type="checkbox" value="on" checked' in body
    assert 'name="co_chair_perspective" type="radio" value="professional" checked' in body


def test_project_create_adds_creator_as_co_chair(world, client_for):
    data = dict(
        PROJECT,
        organisations=[world["org"].pk],
        join_as_co_chair="on",
        co_chair_perspective="professional",
    )
    client = client_for(world["lead"])
    response = client.post(reverse("projects:create"), data, follow=True)
    project = Project.objects.get(title="Carers' café")
    membership = Membership.objects.get(project=project)
    assert (membership.person, membership.role, membership.perspective) == (
        world["lead"],
        "co_chair",
        "professional",
    )
    assert "Project created. You are its co-chair." in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="membership.add", object_id=str(membership.pk)).count()
        == 1
    )
    home = client.get("/").content.decode()
    assert (
        f'href="/projects/{project.pk}/">Carers&#39; café</a> <span class="nhsuk-body-s">(Co-chair)'
        in home
    )


def test_project_create_unticked_adds_nobody(world, client_for):
    data = dict(PROJECT, organisations=[world["org"].pk])
    client_for(world["lead"]).post(reverse("projects:create"), data)
    assert not Membership.objects.filter(project__title="Carers' café").exists()


def test_project_create_join_without_perspective_changes_nothing(world, client_for):
    client = client_for(world["lead"])
    before = snapshot("projects", "core")
    response = client.post(
        reverse("projects:create"),
        dict(PROJECT, organisations=[world["org"].pk], join_as_co_chair="on"),
    )
    assert response.status_code == 200
    assert "Choose your perspective in this project." in response.content.decode()
    assert snapshot("projects", "core") == before


def _schedule(client, project):
    day = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    return client.post(
        reverse("projects:meeting_create", args=[project.pk]),
        {
            "title": "Planning",
            "date": day,
            "start_time": "10:00",
            "end_time": "12:00",
            "place": "Library",
        },
        follow=True,
    ).content.decode()


def test_meeting_create_no_members_says_nobody_emailed(world, client_for):
    project = ProjectFactory(title="Empty project", organisations=[world["org"]])
    body = _schedule(client_for(world["lead"]), project)
    assert "Meeting scheduled. No members to e-mail yet." in body
    assert "Members will be emailed" not in body


def test_meeting_create_counts_members_emailed(world, client_for):
    body = _schedule(client_for(world["lead"]), world["project"])  # co-chair and member
    assert "Meeting scheduled. 2 members will be e-mailed." in body


def test_meeting_create_one_member_singular(world, client_for):
    project = ProjectFactory(title="Small project", organisations=[world["org"]])
    MembershipFactory(project=project, person=world["member"])
    body = _schedule(client_for(world["lead"]), project)
    assert "Meeting scheduled. 1 member will be e-mailed." in body


def test_home_meetings_with_same_title_named_apart(world, client_for):
    other = ProjectFactory(title="Falls prevention", organisations=[world["org"]])
    MembershipFactory(project=other, person=world["member"])
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    for project in (world["project"], other):
        MeetingFactory(
            project=project,
            title="Group meeting 3",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
    body = client_for(world["member"]).get("/").content.decode()
    assert '>Group meeting 3<span class="nhsuk-u-visually-hidden"> (Diabetes clinic, ' in body
    assert '>Group meeting 3<span class="nhsuk-u-visually-hidden"> (Falls prevention, ' in body


def test_home_lead_creator_sees_meeting(world, client_for):
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=world["org"], role="lead")
    client = client_for(lead)
    client.post(
        reverse("projects:create"),
        dict(
            PROJECT,
            organisations=[world["org"].pk],
            join_as_co_chair="on",
            co_chair_perspective="professional",
        ),
    )
    project = Project.objects.get(title="Carers' café")
    body = _schedule(client, project)
    assert "Meeting scheduled. 1 member will be e-mailed." in body
    home = client.get("/").content.decode()
    assert (
        f'href="/meetings/{Membership.objects.get(person=lead).project.meetings.get().pk}/"' in home
    )
