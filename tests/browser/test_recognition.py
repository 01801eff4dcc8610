"""Recognition: a member records time and an expense with a receipt and claims; a finance
officer approves and pays; the member reads their statement in Welsh. Axe on every page."""

import re

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from coproduce.recognition.models import Claim, Contribution, Expense

from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)
from ..recognition.helpers import PNG, choose, hourly_rate
from .helpers import fill_date, sign_in
from .test_decisions import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_recognition_claim_paid_statement_in_welsh(page, axe_check, tmp_path):
    org = OrganisationFactory(name="Dyffryn Teg Health Board", slug="dyffryn-teg")
    hourly_rate(org, amount="27.50")
    member = person_with_user(full_name="Ceri Watkins")
    finance = person_with_user(full_name="Rhodri Finch")
    OrganisationLinkFactory(person=finance, organisation=org, role="finance")
    project = ProjectFactory(title="Memory café partnership", organisations=[org])
    MembershipFactory(project=project, person=member, role="member")
    receipt = tmp_path / "bus-ticket.png"
    receipt.write_bytes(PNG)
    today = timezone.localdate().isoformat()

    # The member records two hours at a meeting from the project page.
    sign_in(page, axe_check, member.email)
    page.goto(f"/projects/{project.pk}/")
    axe_check(page)
    page.get_by_role("link", name="Record my time").click()
    page.wait_for_url("**/recognition/time/new/")
    axe_check(page)
    page.get_by_label("Project (optional)").select_option(label="Memory café partnership")
    page.get_by_label("Activity").select_option(label="Meeting")
    fill_date(page, "Date", today)
    page.get_by_label("Time given, in minutes").fill("120")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/recognition/")
    axe_check(page)
    assert Contribution.objects.get().total_minutes == 120

    # Their choice: payment, after reading about benefits.
    page.get_by_role("link", name="How you are recognised").click()
    axe_check(page)
    page.get_by_label("Accept payment").check()
    page.get_by_label("How would you like to be paid? (optional)").select_option(label="Payroll")
    page.get_by_label("I have read the information about benefits and tax").check()
    page.get_by_role("button", name="Save my choice").click()
    page.wait_for_url("**/recognition/")

    # An expense with a receipt.
    page.get_by_role("link", name="Claim an expense").click()
    axe_check(page)
    page.get_by_label("Organisation paying").select_option(label="Dyffryn Teg Health Board")
    page.get_by_label("Travel").check()
    fill_date(page, "Date", today)
    page.get_by_label("Amount in pounds").fill("4.50")
    page.get_by_label("What it was for").fill("Bus fare to the café and back")
    page.get_by_label("Receipt (optional)").set_input_files(str(receipt))
    page.get_by_role("button", name="Save expense").click()
    page.wait_for_url("**/recognition/")
    assert Expense.objects.get().receipt_type == "image/png"

    # Send the claim.
    page.get_by_role("link", name="Send a claim").click()
    axe_check(page)
    page.get_by_label("Organisation to claim from").select_option(label="Dyffryn Teg Health Board")
    page.get_by_role("button", name="Send claim").click()
    page.wait_for_url("**/recognition/claims/*/")
    axe_check(page)
    claim = Claim.objects.get()
    sign_out(page, axe_check)

    # Finance approves, then marks it paid.
    sign_in(page, axe_check, finance.email)
    page.goto("/organisations/dyffryn-teg/finance/")
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"Claim by Ceri Watkins, ")).click()
    page.wait_for_url(f"**/recognition/claims/{claim.pk}/")
    axe_check(page)
    for decision in ("Approve", "Mark as paid"):
        page.goto(f"/recognition/claims/{claim.pk}/decide/")
        axe_check(page)
        page.get_by_label(decision).check()
        page.get_by_role("button", name="Save decision").click()
        page.wait_for_url("**/organisations/dyffryn-teg/finance/")
        axe_check(page)
    claim.refresh_from_db()
    assert (claim.status, str(claim.total)) == ("paid", "59.50")
    sign_out(page, axe_check)

    # The member reads their statement in Welsh.
    sign_in(page, axe_check, member.email)
    page.goto("/recognition/")
    expect(page.get_by_text("£59.50").first).to_be_visible()
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url("**/recognition/")
    assert page.locator("html").get_attribute("lang") == "cy"
    with translation.override("cy"):
        heading = translation.gettext("My time and payments")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe_check(page)


def _fill_date(page, label, value):
    """The NHS.UK day, month and year boxes where a form has them, else a single date box."""
    if page.get_by_role("group", name=label, exact=True).count():
        fill_date(page, label, value)
    else:
        page.get_by_label(label, exact=True).fill(str(value))


def test_journey_member_claims_on_two_organisation_project(page, axe_check):
    """The project is run by a health board (rates, a finance officer) and a community charity
    (neither), which comes first by name: the member's time goes to the board, their claim can
    only go there, shows what it will pay, and is in the finance officer's queue."""
    board = OrganisationFactory(name="Dyffryn Teg Health Board", slug="dyffryn-teg")
    charity = OrganisationFactory(name="Cwm Community Charity", slug="cwm", kind="community")
    hourly_rate(board, amount="27.50")
    finance = person_with_user(full_name="Rhodri Finch")
    OrganisationLinkFactory(person=finance, organisation=board, role="finance")
    member = person_with_user(full_name="Nia Evans", preferred_name="Nia")
    project = ProjectFactory(title="Memory café partnership", organisations=[board, charity])
    MembershipFactory(project=project, person=member, role="member")
    choose(member, "payment")
    today = timezone.localdate()

    # The member records two hours, leaving the organisation as it is.
    sign_in(page, axe_check, member.email)
    page.goto("/recognition/time/new/")
    axe_check(page)
    page.get_by_label("Project (optional)").select_option(label="Memory café partnership")
    page.get_by_label("Activity").select_option(label="Meeting")
    _fill_date(page, "Date", today)
    page.get_by_label("Time given, in minutes").fill("120")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/recognition/")
    expect(
        page.get_by_text(
            "Your time has been recorded for Dyffryn Teg Health Board, which pays for time on "
            "Memory café partnership."
        )
    ).to_be_visible()
    axe_check(page)
    assert Contribution.objects.get().organisation == board

    # The claim can go only to the board, and says what it will pay.
    page.get_by_role("link", name="Send a claim").click()
    axe_check(page)
    choices = page.get_by_label("Organisation to claim from")
    expect(choices.locator("option")).to_have_text(["Choose an option", "Dyffryn Teg Health Board"])
    choices.select_option(label="Dyffryn Teg Health Board")
    page.get_by_role("button", name="Send claim").click()
    page.wait_for_url("**/recognition/claims/*/")
    axe_check(page)
    title = f"Claim by Nia Evans, {formats.date_format(today, 'j F Y')}"
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(
        page.get_by_text("Your claim has been sent to Dyffryn Teg Health Board.")
    ).to_be_visible()
    expect(page.locator(".nhsuk-summary-list__row", has_text="Expected total")).to_contain_text(
        "£55.00"
    )
    claim = Claim.objects.get()
    sign_out(page, axe_check)

    # The finance officer finds it at the top of their queue, by full name.
    sign_in(page, axe_check, finance.email)
    page.goto("/organisations/dyffryn-teg/finance/")
    axe_check(page)
    row = page.get_by_role("row").filter(has_text="Nia Evans")
    expect(row).to_contain_text("1 entry of time, no expenses")
    page.get_by_role("link", name=re.compile(title)).click()
    page.wait_for_url(f"**/recognition/claims/{claim.pk}/")
    axe_check(page)
    expect(page.get_by_role("link", name="Decide on this claim")).to_be_visible()
