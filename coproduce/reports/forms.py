from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import DateField
from coproduce.people.models import Person
from coproduce.projects.models import Meeting

from .models import Decision, FeedbackMethod, SourceKind
from .selectors import STATUS_FILTERS


def _members(project):
    """People who can be named in the chain: current members of the project (see
    actions._check_project_person)."""
    return Person.objects.filter(
        memberships__project=project,
        memberships__left_on__isnull=True,
        erased_at__isnull=True,
    ).order_by("full_name", "id")


class InputForm(forms.Form):
    text = forms.CharField(
        label=_("What was said"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In the words used, as far as you can."),
    )
    source = forms.ChoiceField(
        label=_("Where it came from"), choices=SourceKind.choices, widget=forms.RadioSelect
    )
    contributor = forms.ModelChoiceField(
        label=_("Project member who said it"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Not a project member"),
    )
    contributor_label = forms.CharField(
        label=_("Who said it, in words"),
        max_length=200,
        required=False,
        help_text=_(
            "For example: Carers' café participants. This is shown on the public page, so do not "
            "put a person's name here."
        ),
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting where it was said"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Not at a meeting"),
    )
    said_on = DateField(label=_("Date said"), initial=timezone.localdate)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributor"].queryset = _members(project)
        self.fields["meeting"].queryset = Meeting.objects.filter(project=project).order_by(
            "-starts_at", "-id"
        )


class ResponseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Response"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why not, or what could not be changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Needed unless fully adopted. Say plainly what could not be changed and why; this is "
            "what the people who said it will read."
        ),
    )
    responded_on = DateField(label=_("Date of response"), initial=timezone.localdate)


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(
        label=_("Project member who will do it"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Not a project member"),
    )
    owner_label = forms.CharField(
        label=_("Who will do it, in words"),
        max_length=200,
        required=False,
        help_text=_("For example: Clinic manager. Needed if no project member is chosen."),
    )
    due_on = DateField(label=_("Due date"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(project)


class MeasureForm(forms.Form):
    name = forms.CharField(
        label=_("What will be measured"),
        max_length=200,
        help_text=_("For example: Missed appointments per month."),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=50,
        required=False,
        help_text=_("For example: %, people, days."),
    )
    baseline_value = forms.DecimalField(label=_("Baseline value"), max_digits=12, decimal_places=2)
    baseline_on = DateField(label=_("Baseline date"), initial=timezone.localdate)


class FollowUpForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    measured_on = DateField(label=_("Date measured"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedbackForm(forms.Form):
    sent_on = DateField(label=_("Date sent"), initial=timezone.localdate)
    method = forms.ChoiceField(
        label=_("How it was sent"), choices=FeedbackMethod.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: who it went to. Not shown on the public page."),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("Everything"))] + STATUS_FILTERS,
        required=False,
    )
