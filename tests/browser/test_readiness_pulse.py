"""Readiness check and pulse journeys, by a real browser, with an accessibility scan on every
page."""

import datetime

import pytest
from django.utils import formats, timezone
from playwright.sync_api import expect

from coproduce.measures import actions
from coproduce.measures.models import PulseResponse, ReadinessAnswer

from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    person_with_user,
)
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRITERIA = [
    "Authority",
    "Shared aims",
    "The right scale",
    "Clear, measurable outcomes",
    "Resources, time and support",
    "Everyone in delivery and evaluation",
]
PRINCIPLES = [
    "Assets",
    "Capacity",
    "Mutuality",
    "Networks",
    "Blurring distinctions",
    "Facilitating rather than delivering",
]


@pytest.fixture
def setting():
    actions.load_frameworks(by=None)
    org = OrganisationFactory(name="Dyffryn Teg Health Board")
    project = ProjectFactory(title="Diabetes clinic", organisations=[org])
    cochair = person_with_user(full_name="Cerys Cochair")
    MembershipFactory(
        project=project, person=cochair, role="co_chair", perspective="lived_experience"
    )
    member = person_with_user(full_name="Mo Member")
    MembershipFactory(project=project, person=member, role="member", perspective="carer")
    return {"project": project, "cochair": cochair, "member": member}


def _open_project(page, axe_check, project):
    page.get_by_role("link", name="Projects", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name=project.title).click()
    page.wait_for_url(f"**/projects/{project.pk}/")
    axe_check(page)


def test_journey_member_answers_readiness_check(page, axe_check, setting):
    project, member = setting["project"], setting["member"]
    round_ = actions.open_readiness_round(by=None, project=project, notify=False)
    sign_in(page, axe_check, member.email, check_home=True)
    _open_project(page, axe_check, project)
    page.get_by_role("link", name="Is coproduction right here? The readiness check").click()
    page.wait_for_url("**/readiness/")
    axe_check(page)
    page.get_by_role("link", name="Answer the readiness check").click()
    page.wait_for_url(f"**/readiness/{round_.pk}/answer/")
    axe_check(page)

    page.get_by_role("button", name="Save my answers").click()  # nothing chosen: errors
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    axe_check(page)
    assert ReadinessAnswer.objects.count() == 0

    # The first answer by keyboard alone: focus the radio, choose it with Space.
    page.get_by_role("group", name="Authority").get_by_label("Fully met").focus()
    page.keyboard.press("Space")
    for label in CRITERIA[1:-1]:
        page.get_by_role("group", name=label).get_by_label("Mostly met").check()
    page.get_by_role("group", name=CRITERIA[-1]).get_by_label("Don’t know").check()
    page.get_by_label("Comment on Resources, time and support (optional)").fill(
        "Meetings are squeezed into clinic time."
    )
    page.get_by_role("button", name="Save my answers").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/readiness/{round_.pk}/")
    axe_check(page)
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    ratings = dict(ReadinessAnswer.objects.values_list("criterion__key", "rating"))
    assert ratings == {
        "authority": 3,
        "shared_aims": 2,
        "right_scale": 2,
        "measurable_outcomes": 2,
        "resources": 2,
        "everyone_delivers": None,
    }


def test_journey_member_answers_pulse(page, axe_check, setting):
    project, member = setting["project"], setting["member"]
    pulse = actions.open_pulse(
        by=None,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        notify=False,
    )
    sign_in(page, axe_check, member.email, check_home=True)
    _open_project(page, axe_check, project)
    page.get_by_role("link", name="Coproduction pulse: how equal the project feels").click()
    page.wait_for_url("**/pulse/")
    axe_check(page)
    page.get_by_role("link", name="Respond to the pulse").click()
    page.wait_for_url(f"**/pulse/{pulse.pk}/respond/")
    axe_check(page)
    page.get_by_label("Consultation:").check()
    for label in PRINCIPLES:
        page.get_by_role("group", name=label).get_by_label("Disagree", exact=True).check()
    page.get_by_label("What would make this more equal? (optional)").fill("Share the budget.")
    page.get_by_role("button", name="Save my response").click()
    page.wait_for_url(f"**/pulse/{pulse.pk}/")
    axe_check(page)
    expect(page.get_by_role("link", name="Change your response")).to_be_visible()
    response = PulseResponse.objects.get()
    assert (response.rung.key, response.more_equal) == ("consultation", "Share the budget.")
    assert set(response.agreements.values_list("agreement", flat=True)) == {2}


def test_journey_cochair_sees_results(page, axe_check, setting):
    project, cochair = setting["project"], setting["cochair"]
    round_ = actions.open_readiness_round(by=None, project=project, notify=False)
    pulse = actions.open_pulse(
        by=None,
        project=project,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        notify=False,
    )
    for perspective, rung, rating, agreement in [
        ("lived_experience", "consultation", 1, 2),
        ("professional", "co_production", 3, 5),
    ]:
        for _ in range(3):
            person = person_with_user()
            MembershipFactory(project=project, person=person, perspective=perspective)
            actions.answer_readiness(
                by=None,
                round=round_,
                person=person,
                ratings={
                    k: rating
                    for k in [
                        "authority",
                        "shared_aims",
                        "right_scale",
                        "measurable_outcomes",
                        "resources",
                        "everyone_delivers",
                    ]
                },
            )
            actions.respond_to_pulse(
                by=None,
                pulse=pulse,
                person=person,
                rung=rung,
                agreements={
                    k: agreement
                    for k in [
                        "assets",
                        "capacity",
                        "mutuality",
                        "networks",
                        "blurring_roles",
                        "catalysts",
                    ]
                },
                more_equal="Pay people for their time." if perspective != "professional" else "",
            )
    sign_in(page, axe_check, cochair.email, check_home=True)
    _open_project(page, axe_check, project)
    page.get_by_role("link", name="Is coproduction right here? The readiness check").click()
    page.wait_for_url("**/readiness/")
    axe_check(page)
    page.get_by_role("link", name="See the full result of the check").click()
    page.wait_for_url(f"**/readiness/{round_.pk}/")
    axe_check(page)
    expect(page.get_by_text("Perspectives disagree on 6 criteria.")).to_be_visible()
    page.get_by_text("Each member’s answers").click()  # open the managers' details
    axe_check(page)

    page.goto(f"/projects/{project.pk}/pulse/")
    axe_check(page)
    opened = formats.date_format(timezone.localtime(pulse.opened_at), "j F Y")
    page.get_by_role("link", name=opened).click()
    page.wait_for_url(f"**/pulse/{pulse.pk}/")
    axe_check(page)
    expect(
        page.get_by_text(
            "Lived-experience members place the project 3 rungs lower than professional "
            "members (median)."
        )
    ).to_be_visible()
    expect(page.get_by_text("Pay people for their time.")).to_have_count(3)
    assert len(axe_check.scanned) >= 9
