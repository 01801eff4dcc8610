"""The main user journeys, by a real browser, with an accessibility scan on every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.projects.models import Attendance, Meeting, Membership, Project

from ..factories import (
    OrganisationFactory,
    OrganisationLinkFactory,
    PersonFactory,
    person_with_user,
)
from .helpers import fill_date, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_lead_runs_a_project(page, axe_check, tmp_path):
    org = OrganisationFactory(name="Dyffryn Teg Health Board")
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    PersonFactory(full_name="Alun Bevan", email="alun@example.org")

    sign_in(page, axe_check, lead.email)
    axe_check(page)

    # Create a project.
    page.get_by_role("link", name="Projects", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="Start a project").click()
    axe_check(page)
    page.get_by_role("button", name="Save project").click()  # empty: errors, nothing saved
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    # The NHS.UK script moves focus to the summary so screen readers announce it.
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    axe_check(page)
    assert Project.objects.count() == 0
    page.get_by_label("Title").fill("Better diabetes reviews")
    page.get_by_label("Purpose").fill("Reviews that start from what matters to the person.")
    page.get_by_label("Service").check()
    page.get_by_label("Co-design").check()
    page.get_by_label("Active").check()
    page.get_by_label("Dyffryn Teg Health Board").check()
    page.get_by_role("button", name="Save project").click()
    page.wait_for_url("**/projects/*/")
    axe_check(page)
    project = Project.objects.get()

    # Add a lived-experience co-chair.
    page.get_by_role("link", name="Add a member").click()
    axe_check(page)
    page.get_by_label("Find someone on the involvement register").fill("Alun")
    page.get_by_role("button", name="Search").click()
    axe_check(page)
    page.get_by_label("Alun Bevan (alun@example.org)").check()
    page.get_by_label("Lived experience").check()
    page.get_by_label("Co-chair").check()
    page.get_by_role("button", name="Add to project").click()
    page.wait_for_url(f"**/projects/{project.pk}/")
    axe_check(page)
    membership = Membership.objects.get(project=project, person__full_name="Alun Bevan")
    assert (membership.role, membership.perspective) == ("co_chair", "lived_experience")
    # Whoever started the project joined it as a co-chair (the box is ticked by default).
    creator = Membership.objects.get(project=project, person=lead)
    assert (creator.role, creator.perspective) == ("co_chair", "professional")

    # Schedule a meeting, then add a paper.
    page.get_by_role("link", name="Schedule a meeting").click()
    axe_check(page)
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    page.get_by_label("Title").fill("First meeting")
    fill_date(page, "Date", day)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Place").fill("Canolfan Gymunedol")
    page.get_by_label("Accessibility arrangements").fill("Hearing loop; step-free entrance.")
    page.get_by_role("button", name="Save meeting").click()
    page.wait_for_url("**/meetings/*/")
    axe_check(page)
    expect(page.get_by_text("Meeting scheduled. 2 members will be e-mailed.")).to_be_visible()
    meeting = Meeting.objects.get()
    page.get_by_role("link", name="Add a paper").click()
    axe_check(page)
    paper = tmp_path / "agenda.txt"
    paper.write_text("Agenda\n1. Welcome\n")
    page.get_by_label("File").set_input_files(str(paper))
    page.get_by_role("button", name="Upload paper").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    expect(page.get_by_role("link", name="agenda.txt")).to_be_visible()

    # Record attendance by keyboard alone.
    page.get_by_role("link", name="Record attendance").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/attendance/")
    axe_check(page)
    page.get_by_role("group", name="Alun Bevan (Lived experience)").get_by_label("Present").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save attendance").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    axe_check(page)
    assert Attendance.objects.get().status == "present"

    # The project and its meeting are on the lead's home page.
    page.get_by_role("link", name="Home", exact=True).click()
    page.wait_for_url("**/")
    expect(page.get_by_role("link", name="Better diabetes reviews", exact=True)).to_be_visible()
    meeting_link = re.compile(r"^First meeting\s+\(Better diabetes reviews, ")
    expect(page.get_by_role("link", name=meeting_link)).to_be_visible()
    page.goto(f"/meetings/{meeting.pk}/")

    # Switch to Cymraeg: the same page, in Welsh.
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    assert page.locator("html").get_attribute("lang") == "cy"
    expect(page.get_by_role("link", name="English")).to_be_visible()
    axe_check(page)
    assert page.blocked_requests == [] or all(
        "assets.nhs.uk" in url for url in page.blocked_requests
    )
    assert len(axe_check.scanned) >= 15


def test_journey_keyboard_only_sign_in_and_switch_language(page, axe_check):
    person = person_with_user(full_name="Keyboard User")
    page.goto("/accounts/login/")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#maincontent")).to_be_focused()
    # Tab into the form and sign in without a mouse.
    while page.evaluate("document.activeElement.id") != "id_login":
        page.keyboard.press("Tab")
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    axe_check(page)
    # Reach the language link by keyboard; the same page comes back in Welsh.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Cymraeg":
            break
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/")
    assert page.locator("html").get_attribute("lang") == "cy"
    axe_check(page)
