"""You said, we did: a lead follows one thing said through the whole chain and publishes it; an
anonymous visitor reads the public page in Welsh. Every page visited is scanned with axe."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.reports.models import Action, FeedbackSent, FollowUp, Input, OutcomeMeasure

from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)
from .helpers import fill_date, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_you_said_we_did(page, axe_check):
    org = OrganisationFactory(name="Dyffryn Teg Health Board")
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    member = person_with_user(full_name="Alun Bevan")
    project = ProjectFactory(
        title="Redesigning the diabetes clinic",
        purpose="Make the clinic work for the people who use it.",
        organisations=[org],
    )
    MembershipFactory(project=project, person=member, role="member")
    said_on = timezone.localdate() - datetime.timedelta(days=30)

    sign_in(page, axe_check, lead.email)
    page.goto(f"/projects/{project.pk}/")
    axe_check(page)
    page.get_by_role("link", name="What people said and what was done about it").click()
    page.wait_for_url(f"**/projects/{project.pk}/you-said-we-did/")
    axe_check(page)

    # Record what was said: empty first (errors, nothing saved), then properly.
    page.get_by_role("link", name="Record what was said").click()
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    axe_check(page)
    assert Input.objects.count() == 0
    page.get_by_label("What was said").fill("Evening clinics, please: we cannot take a day off.")
    page.get_by_label("Member", exact=True).check()
    page.get_by_label("Project member who said it").select_option(label="Alun Bevan")
    fill_date(page, "Date said", said_on)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/inputs/*/")
    axe_check(page)
    input = Input.objects.get()

    # Respond: partly adopted needs a reason.
    page.get_by_role("link", name="Respond").click()
    axe_check(page)
    page.get_by_label("Partly adopted").check()
    page.get_by_role("button", name="Save response").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    axe_check(page)
    page.get_by_label("Why not, or what could not be changed").fill(
        "The nurses work days only. We are trying one late clinic a month."
    )
    page.get_by_role("button", name="Save response").click()
    page.wait_for_url(f"**/inputs/{input.pk}/")
    axe_check(page)
    input.refresh_from_db()
    assert input.response.decision == "partly_adopted"

    # An action.
    page.get_by_role("link", name="Add an action").click()
    axe_check(page)
    page.get_by_label("What will be done").fill("Run a monthly late clinic")
    page.get_by_label("Who will do it, in words").fill("Clinic manager")
    fill_date(page, "Due date (optional)", timezone.localdate() + datetime.timedelta(days=30))
    page.get_by_role("button", name="Save action").click()
    page.wait_for_url(f"**/inputs/{input.pk}/")
    axe_check(page)
    assert Action.objects.get().owner_label == "Clinic manager"

    # An outcome measure with its baseline, then a follow-up.
    page.get_by_role("link", name="Add an outcome measure").click()
    axe_check(page)
    page.get_by_label("What will be measured").fill("Late appointments booked")
    page.get_by_label("Unit").fill("appointments")
    page.get_by_label("Baseline value").fill("0")
    fill_date(page, "Baseline date", said_on)
    page.get_by_role("button", name="Save measure").click()
    page.wait_for_url(f"**/inputs/{input.pk}/")
    axe_check(page)
    page.get_by_role("link", name="Add a follow-up").click()
    axe_check(page)
    page.get_by_label("Value").fill("11")
    fill_date(page, "Date measured", timezone.localdate())
    page.get_by_role("button", name="Save follow-up").click()
    page.wait_for_url(f"**/inputs/{input.pk}/")
    axe_check(page)
    assert (OutcomeMeasure.objects.count(), FollowUp.objects.get().value) == (1, 11)

    # Feedback sent to the people who said it.
    page.get_by_role("link", name="Record feedback sent").click()
    axe_check(page)
    fill_date(page, "Date sent", timezone.localdate())
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_url(f"**/inputs/{input.pk}/")
    axe_check(page)
    assert FeedbackSent.objects.get().method == "email"

    # Publish it.
    page.get_by_role("button", name="Show on the public page").click()
    page.wait_for_url(f"**/inputs/{input.pk}/")
    expect(page.get_by_role("button", name="Remove from the public page")).to_be_visible()
    axe_check(page)
    input.refresh_from_db()
    assert input.is_public is True

    # The action is done; the project's chain shows the whole picture.
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url(f"**/inputs/{input.pk}/")
    axe_check(page)
    assert Action.objects.get().done_on == timezone.localdate()
    page.get_by_role("link", name="You said, we did (and why not)").click()
    page.wait_for_url(f"**/projects/{project.pk}/you-said-we-did/")
    expect(page.get_by_text("1 of 1 (100%)").first).to_be_visible()
    axe_check(page)

    # Sign out; an anonymous visitor reads the public page, then switches to Welsh.
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    page.goto(f"/p/{project.pk}/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Redesigning the diabetes clinic")
    expect(page.get_by_text("Evening clinics, please: we cannot take a day off.")).to_be_visible()
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url(f"**/p/{project.pk}/")
    assert page.locator("html").get_attribute("lang") == "cy"
    axe_check(page)
    expect(page.get_by_text("Dywedoch chi, fe wnaethon ni (a pham lai)")).to_be_visible()
    expect(page.get_by_text("Wedi'i fabwysiadu'n rhannol")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Alun Bevan" not in body and "Lowri Lead" not in body
    assert page.blocked_requests == [] or all(
        "assets.nhs.uk" in url for url in page.blocked_requests
    )
    assert len(axe_check.scanned) >= 20
