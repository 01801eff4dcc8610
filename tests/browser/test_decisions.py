"""A lived-experience co-chair runs a consent decision in a real browser; a lived-experience
member's objection is resolved by amending the proposal, and the power-sharing page shows it.
Every page visited is scanned with axe."""

import pytest
from playwright.sync_api import expect

from coproduce.decisions import actions
from coproduce.decisions.models import Decision

from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page, axe_check):
    page.goto("/accounts/logout/")
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")


def test_journey_consent_objection_amends_outcome(page, axe_check):
    org = OrganisationFactory(name="Dyffryn Teg Health Board")
    project = ProjectFactory(title="Diabetes clinic", organisations=[org])
    cochair = person_with_user(full_name="Alun Bevan")
    MembershipFactory(
        project=project, person=cochair, role="co_chair", perspective="lived_experience"
    )
    member = person_with_user(full_name="Ceri Watkins")
    MembershipFactory(project=project, person=member, role="member", perspective="lived_experience")

    # The co-chair proposes, by consent.
    sign_in(page, axe_check, cochair.email)
    page.goto(f"/projects/{project.pk}/")
    axe_check(page)
    page.get_by_role("link", name="All decisions").click()
    page.wait_for_url(f"**/projects/{project.pk}/decisions/")
    axe_check(page)
    page.get_by_role("link", name="Make a proposal").click()
    axe_check(page)
    page.get_by_role("button", name="Open the proposal").click()  # empty: errors, nothing saved
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    axe_check(page)
    assert Decision.objects.count() == 0
    page.get_by_label("Title").fill("Evening clinics")
    page.get_by_label("Proposal").fill("Open the clinic from 5pm to 8pm on Tuesdays.")
    page.get_by_label("By consent", exact=True).check()
    page.get_by_role("button", name="Open the proposal").click()
    page.wait_for_url("**/decisions/*/")
    axe_check(page)
    decision = Decision.objects.get()
    detail = f"/decisions/{decision.pk}/"
    sign_out(page, axe_check)

    # A lived-experience member objects, with a reason.
    sign_in(page, axe_check, member.email)
    page.goto(detail)
    axe_check(page)
    page.get_by_label("I object").check()
    page.get_by_label("Your reason or comment").fill("The last bus leaves at 6.15pm.")
    page.get_by_role("button", name="Save my position").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_text("Stands", exact=True)).to_be_visible()
    axe_check(page)
    sign_out(page, axe_check)

    # The co-chair resolves it by amending the proposal, then records the outcome.
    sign_in(page, axe_check, cochair.email)
    page.goto(detail)
    axe_check(page)
    page.get_by_role("link", name="Resolve the objection from Ceri Watkins").click()
    page.wait_for_url("**/positions/*/resolve/")
    axe_check(page)
    page.get_by_label("How was it resolved?").fill("Finish at 6pm; taxi vouchers after that.")
    page.get_by_label("Proposal").fill("Open the clinic from 3pm to 6pm on Tuesdays.")
    page.get_by_role("button", name="Mark as resolved").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_text("Resolved", exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Record the outcome").click()
    page.wait_for_url("**/close/")
    axe_check(page)
    page.get_by_label("Adopted", exact=True).check()
    page.get_by_label("Outcome statement").fill("Tuesday clinics from 3pm to 6pm.")
    page.get_by_role("button", name="Record the outcome").click()
    # The proposal was amended, so plain "adopted" is refused with a reason.
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("adopted with changes")
    axe_check(page)
    page.get_by_label("Adopted with changes").check()
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_url(f"**{detail}")
    axe_check(page)
    decision.refresh_from_db()
    assert (decision.outcome, decision.proposal) == (
        "amended",
        "Open the clinic from 3pm to 6pm on Tuesdays.",
    )

    # The power-sharing page counts the changed outcome and links to it.
    page.goto(f"/projects/{project.pk}/power/")
    axe_check(page)
    expect(
        page.get_by_text(
            "1 of 1 decisions was adopted with changes that resolved an objection or block "
            "from a member with lived experience."
        )
    ).to_be_visible()
    page.get_by_role("table", name="Power-sharing figures, all time").get_by_role(
        "row", name="Outcomes changed by a lived-experience objection"
    ).get_by_role("link", name="See them").click()
    page.wait_for_url(f"**/decisions/?ids={decision.pk}")
    axe_check(page)
    expect(page.get_by_role("link", name="Evening clinics")).to_be_visible()
    assert page.blocked_requests == [] or all(
        "assets.nhs.uk" in url for url in page.blocked_requests
    )
    assert len(axe_check.scanned) >= 20


def test_decision_pages_pass_axe_for_a_lead(page, axe_check):
    org = OrganisationFactory(name="Dyffryn Teg Health Board")
    project = ProjectFactory(title="Diabetes clinic", organisations=[org])
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    staff = person_with_user(full_name="Priya Nair")
    MembershipFactory(project=project, person=staff, role="co_chair", perspective="professional")
    advice = actions.propose_decision(
        by=None,
        project=project,
        proposer=staff,
        title="New leaflet",
        proposal="Use the easy-read leaflet.",
        method="advice",
        notify=False,
    )
    actions.set_position(
        by=None, decision=advice, person=staff, stance="advice", comment="Test it first."
    )
    outside = actions.record_outside_decision(
        by=None,
        project=project,
        organisation=org,
        title="Clinic moves",
        decision_text="The clinic moves site.",
        reason="Estates timetable.",
    )
    sign_in(page, axe_check, lead.email)
    for path in [
        f"/projects/{project.pk}/decisions/outside/",
        f"/projects/{project.pk}/decisions/new/",
        f"/decisions/{advice.pk}/",
        f"/decisions/{advice.pk}/close/",
        f"/decisions/{outside.pk}/",
        f"/projects/{project.pk}/power/",
        "/decisions/review/",
    ]:
        page.goto(path)
        expect(page.locator("h1")).to_have_count(1)
        axe_check(page)
    page.goto(f"/projects/{project.pk}/decisions/outside/")
    page.get_by_role("button", name="Record the decision").click()  # empty: errors
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    axe_check(page)
