"""Shared form pieces (coproduce/core/forms.py) and how includes/forms.html renders them: the
NHS.UK date input, a typed 24-hour time, and error summaries whose every message names its field
and links to its first input (issue 16, points 4, 17, 18 and 20)."""

import datetime
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from coproduce.core.forms import (
    DateField,
    TimeField,
    error_href,
    error_messages,
    lower_first,
    parse_time,
)
from coproduce.projects.forms import MeetingForm, MembershipUpdateForm, ProjectForm

PACKAGE = Path(__file__).resolve().parents[2] / "coproduce"


class DateForm(forms.Form):
    on = DateField(label="Date said")
    until = DateField(label="Review date", required=False)


def _errors(form, name):
    return error_messages(form[name])


def test_date_field_cleans_day_month_year():
    form = DateForm({"on_day": "7", "on_month": "03", "on_year": "2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"on": datetime.date(2026, 3, 7), "until": None}


def test_date_field_accepts_month_names_in_english_and_welsh():
    english = DateForm({"on_day": "7", "on_month": "Mar", "on_year": "2026"})
    welsh = DateForm({"on_day": "7", "on_month": "Mawrth", "on_year": "2026"})
    assert (english.is_valid(), welsh.is_valid()) == (True, True)
    assert english.cleaned_data["on"] == welsh.cleaned_data["on"] == datetime.date(2026, 3, 7)


def test_date_field_accepts_one_iso_date():
    form = DateForm({"on": "2026-03-07"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2026, 3, 7)


def test_date_field_missing_month_names_field_and_links_to_month():
    form = DateForm({"on_day": "7", "on_month": "", "on_year": "2026"})
    assert not form.is_valid()
    assert _errors(form, "on") == ["Date said must include a month"]
    assert error_href(form["on"]) == "#id_on_month"


def test_date_field_missing_day_and_year():
    form = DateForm({"on_day": "", "on_month": "3", "on_year": ""})
    form.is_valid()
    assert _errors(form, "on") == ["Date said must include a day and year"]
    assert error_href(form["on"]) == "#id_on_day"


def test_date_field_impossible_date_is_not_real():
    form = DateForm({"on_day": "31", "on_month": "2", "on_year": "2026"})
    form.is_valid()
    assert _errors(form, "on") == ["Date said must be a real date"]
    assert error_href(form["on"]) == "#id_on_day"


def test_date_field_two_digit_year_asks_for_four():
    form = DateForm({"on_day": "7", "on_month": "3", "on_year": "26"})
    form.is_valid()
    year = timezone.localdate().year
    assert _errors(form, "on") == [f"Date said must include a year with 4 numbers, like {year}"]
    assert error_href(form["on"]) == "#id_on_year"


def test_date_field_empty_required_says_enter_label():
    form = DateForm({"on_day": "", "on_month": "", "on_year": ""})
    form.is_valid()
    assert _errors(form, "on") == ["Enter date said"]
    assert error_href(form["on"]) == "#id_on_day"


def test_date_field_keeps_typed_boxes_for_the_template():
    form = DateForm({"on_day": "7", "on_month": "", "on_year": "2026"})
    assert form["on"].value() == {"day": "7", "month": "", "year": "2026"}
    unbound = DateForm(initial={"on": datetime.date(2026, 3, 7)})
    assert unbound["on"].value() == {"day": "7", "month": "3", "year": "2026"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("09:30", datetime.time(9, 30)),
        ("9:30", datetime.time(9, 30)),
        ("9.30", datetime.time(9, 30)),
        ("930", datetime.time(9, 30)),
        ("1430", datetime.time(14, 30)),
        ("14h30", datetime.time(14, 30)),
        ("9", datetime.time(9, 0)),
        ("2:30pm", datetime.time(14, 30)),
        ("12 am", datetime.time(0, 0)),
        ("24:00", None),
        ("9:5", None),
        ("13pm", None),
        ("half nine", None),
    ],
)
def test_parse_time_cases(typed, expected):
    assert parse_time(typed) == expected


def test_time_field_invalid_says_how_to_type_it():
    class F(forms.Form):
        start = TimeField(label="Start time")

    form = F({"start": "9:30 in the morning"})
    assert not form.is_valid()
    assert _errors(form, "start") == [
        "Start time must be a time in the 24-hour clock, like 09:30 or 14:00"
    ]
    assert F(initial={"start": datetime.time(9, 5)})["start"].value() == "09:05"


def test_meeting_form_cleaned_values_unchanged():
    form = MeetingForm(
        {
            "title": "First meeting",
            "date_day": "5",
            "date_month": "6",
            "date_year": "2026",
            "start_time": "9:30",
            "end_time": "1100",
        }
    )
    assert form.is_valid(), form.errors
    assert (
        form.cleaned_data["date"],
        form.cleaned_data["start_time"],
        form.cleaned_data["end_time"],
    ) == (datetime.date(2026, 6, 5), datetime.time(9, 30), datetime.time(11, 0))


def test_lower_first_keeps_acronyms():
    assert (lower_first("Date said"), lower_first("NHS number")) == ("date said", "NHS number")


def test_error_messages_name_the_field():
    form = MembershipUpdateForm({})
    form.is_valid()
    assert (_errors(form, "perspective"), _errors(form, "role")) == (
        ["Choose perspective in this project"],
        ["Choose role"],
    )


def test_error_messages_project_form_overrides():
    form = ProjectForm({})
    form.is_valid()
    assert [m for f in form for m in error_messages(f)] == [
        "Enter the project’s title",
        "Enter the project’s purpose",
        "Choose the project’s scale",
        "Choose the project’s stage",
        "Choose the project’s status",
        "Choose at least one organisation involved",
    ]


def test_error_messages_in_welsh():
    class F(forms.Form):
        title = forms.CharField(label="Teitl")

    with translation.override("cy"):
        form = F({})
        form.is_valid()
        assert _errors(form, "title") == ["Rhowch ateb ar gyfer ‘teitl’"]


def test_error_href_radio_group_links_first_radio():
    form = ProjectForm({})
    form.is_valid()
    assert [error_href(form[name]) for name in ("title", "scale", "organisations")] == [
        "#id_title",
        "#id_scale",
        "#id_organisations",
    ]


def _summary(html):
    block = html.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return [
        (href, " ".join(text.split()))
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', block, re.S)
    ]


def test_project_form_error_summary_names_and_links_fields(client_for, world):
    response = client_for(world["lead"]).post(reverse("projects:create"), {})
    html = response.content.decode()
    items = _summary(html)
    assert items == [
        ("#id_title", "Enter the project’s title"),
        ("#id_purpose", "Enter the project’s purpose"),
        ("#id_scale", "Choose the project’s scale"),
        ("#id_stage", "Choose the project’s stage"),
        ("#id_status", "Choose the project’s status"),
        ("#id_organisations", "Choose at least one organisation involved"),
    ]
    # Every link goes to an input on the page; radios and tick boxes to the first of the group.
    found = [re.search(rf'<(input|textarea)[^>]*id="{href[1:]}"', html) for href, _t in items]
    assert [f is not None for f in found] == [True] * 6
    assert "This field is required." not in html


def test_meeting_form_error_summary_links_date_and_time(client_for, world):
    url = reverse("projects:meeting_create", args=[world["project"].pk])
    response = client_for(world["lead"]).post(
        url,
        {
            "title": "First meeting",
            "date_day": "5",
            "date_month": "",
            "date_year": "2026",
            "start_time": "half nine",
            "end_time": "",
        },
    )
    html = " ".join(response.content.decode().split())
    assert _summary(html) == [
        ("#id_date_month", "Date must include a month"),
        ("#id_start_time", "Start time must be a time in the 24-hour clock, like 09:30 or 14:00"),
        ("#id_end_time", "Enter end time"),
    ]
    # Only the missing box is marked; what was typed is kept.
    assert re.findall(r'<input class="([^"]*)" id="id_date_(\w+)"[^>]*value="([^"]*)"', html) == [
        ("nhsuk-input nhsuk-input--width-2 nhsuk-date-input__input", "day", "5"),
        (
            "nhsuk-input nhsuk-input--width-2 nhsuk-date-input__input nhsuk-input--error",
            "month",
            "",
        ),
        ("nhsuk-input nhsuk-input--width-4 nhsuk-date-input__input", "year", "2026"),
    ]


def test_meeting_form_uses_text_boxes_not_browser_pickers(client_for, world):
    url = reverse("projects:meeting_create", args=[world["project"].pk])
    html = " ".join(client_for(world["lead"]).get(url).content.decode().split())
    names = re.findall(r'<input[^>]*name="(date_\w+|start_time|end_time)"', html)
    assert names == ["date_day", "date_month", "date_year", "start_time", "end_time"]
    assert ('type="date"' in html, 'type="time"' in html) == (False, False)
    today = timezone.localdate()
    assert (
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" > Date </legend>' in html
    )
    assert f"For example, {today.day} {today.month} {today.year}" in html


def test_meeting_scheduled_message_is_a_success_banner(client_for, world):
    url = reverse("projects:meeting_create", args=[world["project"].pk])
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for(world["lead"]).post(
        url,
        {
            "title": "First meeting",
            "date_day": str(day.day),
            "date_month": str(day.month),
            "date_year": str(day.year),
            "start_time": "10:00",
            "end_time": "12:00",
            "place": "Canolfan Gymunedol",
        },
        follow=True,
    )
    html = response.content.decode()
    banner = html.split('class="nhsuk-notification-banner nhsuk-notification-banner--success"')[1]
    assert 'data-module="nhsuk-notification-banner"' in banner.split(">", 1)[0]
    assert 'role="alert"' in banner.split(">", 1)[0]
    assert "Meeting scheduled" in banner.split("</div>\n</div>", 1)[0]


def test_forms_post_back_without_the_skip_link_fragment():
    """A form without an action posts to the page's URL, fragment included: after the skip link
    that is …#maincontent, and the browser then moves focus away from the error summary."""
    missing = []
    for path in sorted((PACKAGE / "templates").rglob("*.html")):
        for tag in re.findall(r"<form\b[^>]*>", path.read_text()):
            if not re.search(r"\baction=", tag):
                missing.append(str(path.relative_to(PACKAGE)))
    assert missing == []


def test_forms_use_the_nhs_date_and_time_inputs():
    """No form falls back to Django's date or time fields (browser pickers, 12-hour locales)."""
    found = []
    for path in sorted(PACKAGE.rglob("forms*.py")) + sorted(PACKAGE.rglob("forms/*.py")):
        text = path.read_text()
        for name in ("forms.DateField", "forms.TimeField", "forms.DateTimeField", "DateInput"):
            if name in text:
                found.append((str(path.relative_to(PACKAGE)), name))
    assert found == []
