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


def _busy_project(world, title):
    """A project with something in every column: a readiness check answered, a pulse with a
    response, a decision from a lived-experience member, an input answered and an overdue
    action."""
    project = ProjectFactory(title=title, organisations=[world["org"]])
    member = person_with_user()
    MembershipFactory(project=project, person=member, perspective="lived_experience")
    round_ = measure_actions.open_readiness_round(by=None, project=project, notify=False)
    measure_actions.answer_readiness(
        by=None,
        round=round_,
        person=member,
        ratings={item.key: 2 for item in round_.criteria.items.all()},
    )
    pulse = measure_actions.open_pulse(
        by=None,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        notify=False,
    )
    measure_actions.respond_to_pulse(
        by=None,
        pulse=pulse,
        person=member,
        rung="consultation",
        agreements={item.key: 3 for item in pulse.principles.items.all()},
    )
    decision_actions.propose_decision(
        by=member.user,
        project=project,
        proposer=member,
        title="Evening clinics",
        proposal="Two evenings.",
        method="consent",
        notify=False,
    )
    said = report_actions.record_input(
        by=member.user,
        project=project,
        text="Parking is hard.",
        source="member",
        contributor=member,
        said_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    report_actions.add_action(
        by=None,
        input=said,
        description="Ask the car park.",
        owner_label="Estates",
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    return project


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_organisation_comparison_query_count_same_with_twice_the_busy_projects(world, client_for):
    load_frameworks(by=None)
    client = client_for(world["lead"])
    path = reverse("reports:organisation", args=[world["org"].slug])
    for i in range(4):
        _busy_project(world, f"Project {i:02}")
    small = _count_queries(client, path)
    for i in range(4, 8):
        _busy_project(world, f"Project {i:02}")
    assert _count_queries(client, path) == small


def test_comparison_rows_match_each_project_dashboard(world):
    from coproduce.decisions import selectors as decision_selectors
    from coproduce.reports import dashboard, selectors

    load_frameworks(by=None)
    busy = _busy_project(world, "Busy")
    _pulse_with_gap(world)
    projects = [busy, world["project"]]
    rows = dashboard.comparison_rows(projects)
    for project, row in zip(projects, rows, strict=True):
        readiness = dashboard.readiness_summary(project)
        pulse = dashboard.pulse_summary(project)
        power = decision_selectors.power_sharing(project)["overall"]
        chain = selectors.chain_counts(project)
        assert row == {
            "project": project,
            "recommendation": readiness.rung_label if readiness else None,
            "gap": pulse.result.gap.rung if pulse else None,
            "gap_text": pulse.gap_text if pulse else None,
            "lived_proposals": power.proposals,
            "outside": power.outside.numerator,
            "responded_pct": chain["responded_pct"],
            "overdue_actions": chain["overdue_actions"],
        }
    assert (rows[0]["lived_proposals"].numerator, rows[0]["lived_proposals"].denominator) == (1, 1)
    assert (rows[0]["gap"], rows[0]["responded_pct"], rows[0]["overdue_actions"]) == (None, 0, 1)
    assert (rows[1]["gap"], rows[1]["responded_pct"], rows[1]["overdue_actions"]) == (-2.0, None, 0)
