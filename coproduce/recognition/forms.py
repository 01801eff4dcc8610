from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import DateField
from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Project

from .models import ActivityType, Choice, ClaimStatus, ExpenseKind, Route, Unit
from .receipts import MAX_BYTES


def _receipt_hint() -> str:
    """Formatted when shown, so it is in the reader's language (not fixed at import)."""
    return gettext("A PDF, PNG or JPEG file, smaller than %(mb)s MB.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }


class ContributionForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Not for a project"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("The organisation that pays for the project's time"),
        help_text=_(
            "For time on a project, leave this as it is: your time goes to the project's "
            "organisation that pays for it, and we tell you which. For volunteering outside a "
            "project, choose the organisation."
        ),
    )
    activity_type = forms.ChoiceField(label=_("Activity"), choices=ActivityType.choices)
    date = DateField(label=_("Date"), initial=timezone.localdate)
    minutes = forms.IntegerField(
        label=_("Time given, in minutes"),
        min_value=0,
        max_value=24 * 60,
        help_text=_("For example: 120 for two hours."),
    )
    preparation_minutes = forms.IntegerField(
        label=_("Preparation time, in minutes"),
        min_value=0,
        max_value=24 * 60,
        initial=0,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects

    def clean(self):
        data = super().clean()
        if not data.get("project") and not data.get("organisation"):
            self.add_error("project", _("Choose the project or organisation."))
        data["preparation_minutes"] = data.get("preparation_minutes") or 0
        return data


class RecordForForm(ContributionForm):
    person = forms.ModelChoiceField(label=_("Who gave the time"), queryset=Person.objects.none())
    field_order = ["person"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, projects=Project.objects.filter(pk=project.pk), **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            memberships__project=project, memberships__left_on__isnull=True, erased_at__isnull=True
        ).order_by("full_name", "id")
        self.fields["project"].initial = project.pk
        self.fields["organisation"].queryset = project.organisations.order_by("name")


class ContributionEditForm(forms.Form):
    activity_type = forms.ChoiceField(label=_("Activity"), choices=ActivityType.choices)
    date = DateField(label=_("Date"))
    minutes = forms.IntegerField(label=_("Time given, in minutes"), min_value=0, max_value=1440)
    preparation_minutes = forms.IntegerField(
        label=_("Preparation time, in minutes"), min_value=0, max_value=1440, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        data["preparation_minutes"] = data.get("preparation_minutes") or 0
        return data


class ExpenseForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation paying"), queryset=Organisation.objects.order_by("name")
    )
    kind = forms.ChoiceField(
        label=_("Type of expense"), choices=ExpenseKind.choices, widget=forms.RadioSelect
    )
    date = DateField(label=_("Date"), initial=timezone.localdate)
    amount = forms.DecimalField(
        label=_("Amount in pounds"), max_digits=8, decimal_places=2, min_value=0
    )
    description = forms.CharField(
        label=_("What it was for"),
        max_length=300,
        help_text=_("For example: Bus fare to the meeting and back."),
    )
    upload = forms.FileField(
        label=_("Receipt"),
        required=False,
        help_text=lazy(_receipt_hint, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("How would you like to be recognised?"),
        choices=Choice.choices,
        widget=forms.RadioSelect,
    )
    route = forms.ChoiceField(
        label=_("How would you like to be paid?"),
        choices=[("", _("Not needed"))] + Route.choices,
        required=False,
        help_text=_("We never ask for your bank details here. Finance will contact you."),
    )
    benefits_acknowledged = forms.BooleanField(
        label=_("I have read the information about benefits and tax"),
        required=False,
    )


class ClaimForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation to claim from"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


DECISIONS = [
    ("approve", _("Approve")),
    ("query", _("Query")),
    ("paid", _("Mark as paid")),
]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Query"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to query a claim: say what needs to be checked."),
    )
    on = DateField(label=_("Date"), initial=timezone.localdate)


class RateForm(forms.Form):
    activity_type = forms.ChoiceField(label=_("Activity"), choices=ActivityType.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    amount = forms.DecimalField(
        label=_("Amount in pounds"), max_digits=8, decimal_places=2, min_value=0
    )
    valid_from = DateField(label=_("Valid from"))
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("For example: the policy this comes from.")
    )


class GiftForm(forms.Form):
    to_person = forms.ModelChoiceField(
        label=_("Give to a person"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    to_organisation = forms.ModelChoiceField(
        label=_("Or give to a community organisation"),
        queryset=Organisation.objects.filter(kind="community").order_by("name"),
        required=False,
        empty_label=_("None"),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_person"].queryset = people

    def clean(self):
        data = super().clean()
        if bool(data.get("to_person")) == bool(data.get("to_organisation")):
            self.add_error("to_person", _("Choose one person or one organisation."))
        return data


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("Claims that need action"))]
        + ClaimStatus.choices
        + [("all", _("All claims"))],
        required=False,
    )
