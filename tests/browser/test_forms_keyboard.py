"""Forms by keyboard (issue 16, points 4, 17, 18 and 20): after the skip link a failed submit
puts focus on the error summary, whose every message names its field and links to it (radio
groups to their first radio); dates are three text boxes and times one, a Tab stop each; the
message after saving is announced and takes focus."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.projects.models import Meeting

from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationLinkFactory,
    ProjectFactory,
    person_with_user,
)
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _lead():
    org = OrganisationFactory(name="Dyffryn Teg Health Board")
    lead = person_with_user(full_name="Lowri Lead")
    OrganisationLinkFactory(person=lead, organisation=org, role="lead")
    return org, lead


def _focused(page):
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.id || e.className || e.tagName.toLowerCase(); })()"
    )


def _skip_to_main(page):
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.url.endswith("#maincontent")


def test_error_summary_after_skip_link_names_fields_and_takes_focus(page, axe_check):
    _org, lead = _lead()
    sign_in(page, axe_check, lead.email)
    page.goto("/projects/new/")
    _skip_to_main(page)
    page.get_by_role("button", name="Save project").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert not page.url.endswith("#maincontent")
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == [
        "Enter the project’s title",
        "Enter the project’s purpose",
        "Choose the project’s scale",
        "Choose the project’s stage",
        "Choose at least one organisation involved",
    ]
    axe_check(page)
    # Each link moves focus to its field: a radio group's to its first radio.
    summary.get_by_role("link", name="Choose the project’s scale").click()
    expect(page.locator("input[name=scale]").first).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "id_scale"
    summary.get_by_role("link", name="Choose at least one organisation involved").click()
    expect(page.get_by_label("Dyffryn Teg Health Board")).to_be_focused()
    summary.get_by_role("link", name="Enter the project’s title").click()
    expect(page.get_by_label("Title")).to_be_focused()


def test_meeting_by_keyboard_date_boxes_typed_time_and_announced_message(page, axe_check):
    org, lead = _lead()
    project = ProjectFactory(title="Diabetes clinic", organisations=[org])
    MembershipFactory(project=project, person=lead, role="co_chair", perspective="professional")
    sign_in(page, axe_check, lead.email)
    page.goto(f"/projects/{project.pk}/meetings/new/")
    day = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Title").focus()
    page.keyboard.type("First meeting")
    # Day, month, year, start time, end time: one Tab stop each, in that order.
    stops = []
    for typed in (str(day.day), str(day.month), str(day.year), "9.30", "1100"):
        page.keyboard.press("Tab")
        stops.append(_focused(page))
        page.keyboard.type(typed)
    assert stops == ["id_date_day", "id_date_month", "id_date_year", "id_start_time", "id_end_time"]
    page.get_by_label("Place").fill("Canolfan Gymunedol")
    # A start time the form cannot read says so, and links to the box.
    page.get_by_label("Start time").fill("half nine")
    page.get_by_label("Start time").press("Enter")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert summary.get_by_role("link").all_inner_texts() == [
        "Start time must be a time in the 24-hour clock, like 09:30 or 14:00"
    ]
    axe_check(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Start time")).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("9:30")
    page.keyboard.press("Enter")
    page.wait_for_url("**/meetings/*/")
    banner = page.get_by_role("alert").filter(has_text="Meeting scheduled")
    expect(banner).to_be_focused()
    axe_check(page)
    meeting = Meeting.objects.get()
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    assert (start.date(), start.time(), end.time()) == (
        day,
        datetime.time(9, 30),
        datetime.time(11, 0),
    )
