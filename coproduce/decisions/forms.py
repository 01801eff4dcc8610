from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import DateField
from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Meeting

from .models import Method, Outcome


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    proposal = forms.CharField(
        label=_("Proposal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you propose, in plain language, and why."),
    )
    method = forms.ChoiceField(
        label=_("How will the group decide?"),
        choices=Method.choices,
        widget=forms.RadioSelect,
        initial=Method.CONSENT,
        help_text=_(
            "Consent: adopted unless someone objects. Consensus: everyone agrees, abstains or "
            "blocks. Advice process: one person decides after asking for advice. Vote: a simple "
            "majority of those voting."
        ),
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Not at a meeting"),
    )
    respond_by = DateField(
        label=_("Positions wanted by"),
        required=False,
        help_text=_("Members who have not taken a position are reminded two days before."),
    )
    decider = forms.ModelChoiceField(
        label=_("Decider (advice process only)"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("The person proposing"),
        help_text=_("Who decides after seeking advice. Leave as it is for other methods."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(project=project).order_by(
            "-starts_at"
        )
        self.fields["decider"].queryset = Person.objects.filter(
            memberships__project=project, memberships__left_on__isnull=True
        ).order_by("full_name")


class PositionForm(forms.Form):
    stance = forms.ChoiceField(label=_("Your position"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Your reason or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed if you object, block or give advice."),
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stance"].choices = decision.stance_choices


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("How was it resolved?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    amended_proposal = forms.CharField(
        label=_("Proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Change the text if the proposal was amended to resolve the objection."),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    statement = forms.CharField(
        label=_("Outcome statement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was decided, in words everyone can understand."),
    )
    advice_notes = forms.CharField(
        label=_("How the advice was weighed (advice process only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = DateField(
        label=_("Review date"),
        required=False,
        help_text=_("When the group will look at this decision again."),
    )


class OutsideDecisionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    decision_text = forms.CharField(
        label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 4})
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation that decided"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    reason = forms.CharField(
        label=_("Why it was decided outside the group"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statement = forms.CharField(
        label=_("What the group was told"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = DateField(label=_("Review date"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = project.organisations.all()
