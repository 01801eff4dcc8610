import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import DateField, TimeField
from coproduce.people.models import Organisation, Person, PerspectiveCode

from .models import AttendanceStatus, MemberRole, Scale, Stage, Status


class ProjectForm(forms.Form):
    # The error summary's generic "Enter title" reads better naming the project.
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter the project’s title")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        error_messages={"required": _("Enter the project’s purpose")},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the project exists, in plain language."),
    )
    shared_aims = forms.CharField(
        label=_("Shared aims"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What everyone involved has agreed to work towards."),
    )
    scale = forms.ChoiceField(
        label=_("Scale"),
        choices=Scale.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the project’s scale")},
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the project’s stage")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.RadioSelect,
        initial=Status.PLANNING,
        error_messages={"required": _("Choose the project’s status")},
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations involved"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one organisation involved")},
    )


class ProjectCreateForm(ProjectForm):
    """Starting a project: whoever starts it joins it as a co-chair unless they untick the box,
    so it (and its meetings) are on their home page from the start."""

    join_as_co_chair = forms.BooleanField(
        label=_("Add me to the project as a co-chair"),
        required=False,
        initial=True,
        help_text=_("Untick this if you are starting the project for someone else."),
    )
    co_chair_perspective = forms.ChoiceField(
        label=_("Your perspective in this project"),
        choices=PerspectiveCode.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Needed if you join the project."),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is None:  # an account with no register entry cannot be a member
            del self.fields["join_as_co_chair"]
            del self.fields["co_chair_perspective"]

    def clean(self):
        data = super().clean()
        if data.get("join_as_co_chair") and not data.get("co_chair_perspective"):
            self.add_error("co_chair_perspective", _("Choose your perspective in this project."))
        return data


class MembershipForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.filter(erased_at__isnull=True),
        help_text=_("People on the involvement register."),
    )
    perspective = forms.ChoiceField(
        label=_("Perspective in this project"),
        choices=PerspectiveCode.choices,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        initial=MemberRole.MEMBER,
        help_text=_("Co-chairs have the same powers whatever their perspective."),
    )


class MembershipUpdateForm(forms.Form):
    perspective = forms.ChoiceField(
        label=_("Perspective in this project"),
        choices=PerspectiveCode.choices,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, widget=forms.RadioSelect)
    left_on = DateField(
        label=_("Date they left"),
        required=False,
        help_text=_("Leave blank while they are still a member."),
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = DateField(label=_("Date"))
    start_time = TimeField(label=_("Start time"))
    end_time = TimeField(label=_("End time"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    accessibility = forms.CharField(
        label=_("Accessibility arrangements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: step-free entrance, hearing loop, BSL interpreter booked, "
            "papers in easy read."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    cancelled = forms.BooleanField(label=_("This meeting is cancelled"), required=False)

    def meeting_fields(self) -> dict:
        data = dict(self.cleaned_data)
        tz = timezone.get_current_timezone()
        day = data.pop("date")
        data["starts_at"] = datetime.datetime.combine(day, data.pop("start_time"), tzinfo=tz)
        data["ends_at"] = datetime.datetime.combine(day, data.pop("end_time"), tzinfo=tz)
        return data


class PaperForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("If you leave this blank, the file name is used."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, OpenDocument, Excel, PowerPoint, text, PNG or JPEG; up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.odt,.txt,.png,.jpg,.jpeg"}
        ),
    )


ATTENDANCE_CHOICES = [("", _("Not recorded"))] + AttendanceStatus.choices


class AttendanceForm(forms.Form):
    """One radio group per member, built from the attendance sheet."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            person = row["person"]
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=f"{person.display_name} ({row['perspective_label']})",
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=row["status"],
            )

    def statuses(self) -> dict[int, str]:
        return {
            int(name.removeprefix("person_")): value
            for name, value in self.cleaned_data.items()
            if value
        }
