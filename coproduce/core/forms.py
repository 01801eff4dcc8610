"""Form pieces every app shares.

- `DateField`: the NHS.UK date input, three text boxes (day, month, year), one Tab stop each
  and no browser date picker. Its cleaned value is a `datetime.date`, as Django's was.
- `TimeField`: one text box for a 24-hour time ("09:30", "9.30", "930", "2:30pm"), whatever the
  browser's locale; a native time input in a 12-hour locale leaves the time empty until AM/PM is
  typed. Its cleaned value is a `datetime.time`.
- `error_messages` and `error_href`: what the error summary (templates/includes/forms.html)
  says about a field and where it links, following the NHS.UK pattern: every message names its
  field ("Enter title", "Choose stage") and links to the field's first input.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DATE_PARTS = ("day", "month", "year")
CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.Select, forms.FileInput)
GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)

# Month names people type instead of numbers: English (full or the first three letters) and Welsh.
MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "ionawr"),
            ("february", "feb", "chwefror"),
            ("march", "mar", "mawrth"),
            ("april", "apr", "ebrill"),
            ("may", "mai"),
            ("june", "jun", "mehefin"),
            ("july", "jul", "gorffennaf"),
            ("august", "aug", "awst"),
            ("september", "sep", "sept", "medi"),
            ("october", "oct", "hydref"),
            ("november", "nov", "tachwedd"),
            ("december", "dec", "rhagfyr"),
        ],
        start=1,
    )
    for name in names
}

INCOMPLETE = {
    ("day",): _("%(label)s must include a day"),
    ("month",): _("%(label)s must include a month"),
    ("year",): _("%(label)s must include a year"),
    ("day", "month"): _("%(label)s must include a day and month"),
    ("day", "year"): _("%(label)s must include a day and year"),
    ("month", "year"): _("%(label)s must include a month and year"),
}


def lower_first(label: str) -> str:
    """ "Date said" -> "date said"; "NHS number" and "BSL" keep their capitals."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def required_message(field: forms.Field, label) -> str:
    """ "Enter <label>" for boxes people type into, "Choose <label>" for options and files."""
    if isinstance(field.widget, forms.CheckboxInput):
        return gettext("Tick “%(label)s”") % {"label": label}
    params = {"label": lower_first(str(label))}
    if isinstance(field.widget, CHOICE_WIDGETS):
        return gettext("Choose %(label)s") % params
    return gettext("Enter %(label)s") % params


def error_messages(bound_field) -> list[str]:
    """The field's errors as shown beside it and in the summary. Django's bare "This field is
    required." becomes "Enter <label>" or "Choose <label>"; a form that sets its own required
    message (where the label does not read well after "Enter") keeps it."""
    default = str(forms.Field.default_error_messages["required"])
    messages = []
    for error in bound_field.errors.as_data():
        for message in error.messages:
            if error.code == "required" and message == default:
                message = required_message(bound_field.field, bound_field.label)
            messages.append(message)
    return messages


def error_href(bound_field) -> str:
    """The error summary's link: the first input of a radio or tick-box group (its id is the
    field's), the date box that is wrong, or the field's own input."""
    widget = bound_field.field.widget
    auto_id = bound_field.auto_id
    if isinstance(widget, DateWidget):
        parts = error_parts(bound_field)
        return f"#{auto_id}_{parts[0] if parts else 'day'}"
    if isinstance(widget, GROUP_WIDGETS):
        return f"#{auto_id}"
    return f"#{bound_field.id_for_label or auto_id}"


def error_parts(bound_field) -> list[str]:
    """The date boxes an error is about, to mark them red (all three when it is the whole date)."""
    parts = []
    for error in bound_field.errors.as_data():
        params = error.params if isinstance(error.params, dict) else {}
        for part in params.get("parts", ()):
            if part not in parts:
                parts.append(part)
    return [p for p in DATE_PARTS if p in parts]


class DateWidget(forms.MultiWidget):
    """Day, month and year boxes, posted as <name>_day, <name>_month and <name>_year. Rendered
    by the NHS.UK dateInput macro in includes/forms.html."""

    def __init__(self, attrs=None):
        boxes = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS}
        super().__init__(boxes, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        if name in data and not any(f"{name}_{part}" in data for part in DATE_PARTS):
            # One ISO date (2026-03-27), as API-style clients and older tests post it.
            value = str(data.get(name) or "").strip()
            match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
            if match:
                year, month, day = match.groups()
                return [day, month, year]
            return [value, "", ""] if value else ["", "", ""]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class DateField(forms.MultiValueField):
    """A date typed into three boxes; cleans to `datetime.date` (or None when optional)."""

    widget = DateWidget

    def __init__(self, **kwargs):
        kwargs.pop("widget", None)
        boxes = tuple(forms.CharField(required=False) for _part in DATE_PARTS)
        super().__init__(fields=boxes, require_all_fields=False, widget=DateWidget, **kwargs)

    def _parts(self, value) -> tuple[str, str, str]:
        if isinstance(value, datetime.date):
            value = self.widget.decompress(value)
        elif isinstance(value, str):
            value = self.widget.value_from_datadict({"date": value}, {}, "date")
        values = list(value or [])[:3] + [""] * 3
        return tuple(str(v if v is not None else "").strip() for v in values[:3])

    def _error(self, message, parts):
        return ValidationError(
            message, code="invalid", params={"label": self._label(), "parts": tuple(parts)}
        )

    def _label(self):
        return self.label or gettext("Date")

    def clean(self, value):
        day, month, year = self._parts(value)
        if not (day or month or year):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = tuple(p for p, v in zip(DATE_PARTS, (day, month, year), strict=True) if not v)
        if missing:
            raise self._error(INCOMPLETE.get(missing, INCOMPLETE[("year",)]), missing)
        month_number = MONTH_NAMES.get(month.lower().rstrip("."), month)
        if not (day.isdigit() and str(month_number).isdigit() and year.isdigit()):
            raise self._error(_("%(label)s must be a real date"), DATE_PARTS)
        if len(year) != 4:
            raise ValidationError(
                _("%(label)s must include a year with 4 numbers, like %(year)s"),
                code="invalid",
                params={
                    "label": self._label(),
                    "parts": ("year",),
                    "year": timezone.localdate().year,
                },
            )
        try:
            cleaned = datetime.date(int(year), int(month_number), int(day))
        except ValueError:
            raise self._error(_("%(label)s must be a real date"), DATE_PARTS) from None
        self.run_validators(cleaned)
        return cleaned

    def validate(self, value):
        """The checks are in clean(); MultiValueField's own would look for a list."""

    def compress(self, data_list):
        return data_list

    def prepare_value(self, value):
        """{"day": "27", "month": "3", "year": "2026"} for the template, from a date (the
        initial value) or the boxes as typed."""
        if callable(value):
            value = value()
        return dict(zip(DATE_PARTS, self._parts(value), strict=True))

    def has_changed(self, initial, data):
        initial_parts = self._parts(initial() if callable(initial) else initial)
        return initial_parts != self._parts(data)

    def example(self) -> str:
        """The hint's example, today's date as it would be typed: "27 3 2026"."""
        today = timezone.localdate()
        return f"{today.day} {today.month} {today.year}"


TIME = re.compile(
    r"(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2})|(?P<packed>\d{2}))?"
    r"(?:\s*(?P<half>[ap])\.?\s*m\.?)?",
    re.IGNORECASE,
)


def parse_time(value: str) -> datetime.time | None:
    """ "09:30", "9:30", "9.30", "0930", "930", "9", "14h30", "2:30pm", "2 pm" -> a time; None
    when it is not one."""
    match = TIME.fullmatch(value.strip())
    if not match:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or match["packed"] or 0)
    half = (match["half"] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class TimeWidget(forms.TextInput):
    """A text box: no browser time picker, so the same 24-hour entry in every locale."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})


class TimeField(forms.Field):
    """A time typed as hours and minutes; cleans to `datetime.time` (or None when optional)."""

    widget = TimeWidget
    default_error_messages = {
        "invalid": _("%(label)s must be a time in the 24-hour clock, like 09:30 or 14:00"),
    }

    def __init__(self, **kwargs):
        kwargs.pop("widget", None)
        kwargs.setdefault("help_text", _("Use the 24-hour clock, for example 09:30 or 14:00."))
        super().__init__(widget=TimeWidget, **kwargs)

    def to_python(self, value):
        if isinstance(value, datetime.time):
            return value
        value = str(value or "").strip()
        if not value:
            return None
        parsed = parse_time(value)
        if parsed is None:
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"label": self.label or gettext("Time")},
            )
        return parsed

    def prepare_value(self, value):
        if callable(value):
            value = value()
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return value
