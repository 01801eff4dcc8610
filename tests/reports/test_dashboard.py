import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.decisions import actions as decision_actions
from coproduce.measures import actions as measure_actions
from coproduce.measures.actions import load_frameworks
from coproduce.reports import actions as report_actions

from ..factories import MembershipFactory, ProjectFactory, person_with_user


def _pulse_with_gap(world):
    """Three lived-experience and three professional respondents, two rungs apart."""
    load_frameworks(by=None)
    project = world["project"]
    lived = [world["member"], world["cochair"]] + [person_with_user()]
    MembershipFactory(project=project, person=lived[2], perspective="lived_experience")
    staff = [person_with_user() for _ in range(3)]
    for person in staff:
        MembershipFactory(project=project, person=person, perspective="professional")
    pulse = measure_actions.open_pulse(
        by=None,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        notify=False,
    )
    principles = [item.key for item in pulse.principles.items.all()]
    for people, rung in ((lived, "consultation"), (staff, "co_design")):
        for person in people:
            measure_actions.respond_to_pulse(
                by=None,
                pulse=pulse,
                person=person,
                rung=rung,
                agreements=dict.fromkeys(principles, 3),
            )
    return pulse


def test_dashboard_shows_every_part(world, client_for):
    _pulse_with_gap(world)
    decision_actions.propose_decision(
        by=world["member"].user,
        project=world["project"],
        proposer=world["member"],
        title="Evening clinics",
        proposal="Two evenings.",
        method="consent",
        notify=False,
    )
    report_actions.record_input(
        by=world["member"].user,
        project=world["project"],
        text="Parking is hard.",
        source="member",
        contributor=world["member"],
    )
    body = (
        client_for(world["member"])
        .get(reverse("reports:dashboard", args=[world["project"].pk]))
        .content.decode()
    )
    assert (
        "Lived-experience members place the project 2 rungs lower than professional members" in body
    )
    assert "1 of 1 proposals came from members with lived experience." in body
    assert "Things people said" in body
    assert "No readiness check has been answered yet." in body


def test_organisation_comparison_lists_projects(world, client_for):
    _pulse_with_gap(world)
    body = (
        client_for(world["lead"])
        .get(reverse("reports:organisation", args=[world["org"].slug]))
        .content.decode()
    )
    assert "Diabetes clinic" in body
    assert "The widest perception gap is in Diabetes clinic" in body


def test_organisation_comparison_query_count_bounded_per_page(world, client_for):
    client = client_for(world["lead"])
    path = reverse("reports:organisation", args=[world["org"].slug])
    for _ in range(25):
        ProjectFactory(organisations=[world["org"]])
    with CaptureQueriesContext(connection) as first:
        client.get(path)
    for _ in range(40):
        ProjectFactory(organisations=[world["org"]])
    with CaptureQueriesContext(connection) as second:
        client.get(path)
    assert len(second.captured_queries) == len(first.captured_queries)
