from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import DateField
from coproduce.people.models import Person

from . import instruments
from .models import MemberRole, Mode, TeamMember


class SettingsForm(forms.Form):
    minimum_responses = forms.IntegerField(
        label=_("Minimum complete responses before a figure is shown"),
        min_value=1,
        max_value=1000,
        help_text=_(
            "The published guidance for CollaboRATE and the CARE measure is at least 25. Below "
            "the minimum a dashboard says only that there are not enough responses yet."
        ),
    )


class PermissionForm(forms.Form):
    granted_by = forms.CharField(label=_("Who granted permission"), max_length=200)
    granted_on = DateField(label=_("Date permission was granted"))
    reference = forms.CharField(
        label=_("Reference or note"),
        max_length=300,
        required=False,
        help_text=_("For example, the licence number or where the letter is kept."),
    )
    wording_en = forms.CharField(
        label=_("English wording, one item a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    wording_cy = forms.CharField(
        label=_("Welsh wording, one item a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        if instrument.licence_status == "verbatim":
            # The English is fixed by the licence; only a permitted Welsh version may be entered.
            del self.fields["wording_en"]
            self.fields["wording_cy"].required = True


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=200)


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A clinician gets survey links and their own dashboard. An observer rates "
            "consultations and enters paper forms."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.filter(organisation_links__organisation=organisation, erased_at=None)
            .distinct()
            .order_by("full_name", "id")
        )


def _instrument_choices(reporter, usable):
    language = get_language() or "en"
    return [
        (i.key, i.title_in(language)) for i in instruments.for_reporter(reporter) if i.key in usable
    ]


class LinkForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"), choices=())
    clinician = forms.ModelChoiceField(
        label=_("Clinician"),
        queryset=TeamMember.objects.none(),
        required=False,
        empty_label=_("The whole team"),
    )
    valid_from = DateField(label=_("Open from"), initial=timezone.localdate)
    valid_to = DateField(
        label=_("Open until"),
        help_text=_(
            "Patients answer best within 24 to 48 hours of the consultation: hand out the link "
            "or card at the end of it."
        ),
    )
    one_use = forms.BooleanField(
        label=_("Only with one-use codes (each printed card can be used once)"), required=False
    )

    def __init__(self, *args, team, usable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices("patient", usable)
        self.fields["clinician"].queryset = team.members.filter(
            role=MemberRole.CLINICIAN
        ).select_related("person")
        self.fields["clinician"].label_from_instance = lambda m: m.person.full_name


class TokenForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many one-use codes to print"), min_value=1, max_value=200, initial=20
    )


class ConsultationForm(forms.Form):
    clinician = forms.ModelChoiceField(label=_("Clinician"), queryset=TeamMember.objects.none())
    instrument = forms.ChoiceField(label=_("Checklist"), choices=())
    reference = forms.CharField(
        label=_("Reference"),
        max_length=60,
        help_text=_("For example, the recording's number. Never the patient's name or NHS number."),
    )
    occurred_on = DateField(label=_("Date of the consultation"), initial=timezone.localdate)
    mode = forms.ChoiceField(
        label=_("How it was seen"), choices=Mode.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, team, usable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices("observer", usable)
        self.fields["clinician"].queryset = team.members.filter(
            role=MemberRole.CLINICIAN
        ).select_related("person")
        self.fields["clinician"].label_from_instance = lambda m: m.person.full_name


class AnswersForm(forms.Form):
    """One radio group per item. Validation of the answers is the action's (so the survey,
    the paper form and the rating share it); here every item is optional."""

    def __init__(self, *args, instrument, language, wording=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.items = []
        options = instrument.options(language)
        choices = [("na" if o.value is None else str(o.value), o.label) for o in options]
        for item in instrument.items:
            text, lang = instrument.item_text(item, language, wording)
            self.fields[item.key] = forms.ChoiceField(
                label=text, choices=choices, required=False, widget=forms.RadioSelect
            )
            self.items.append({"item": item, "text": text, "lang": lang, "field": self[item.key]})
        self.options = options

    def answers(self):
        return {item.key: self.cleaned_data.get(item.key) for item in self.instrument.items}


class SurveyForm(AnswersForm):
    token = forms.CharField(label=_("Code from your card"), max_length=20, required=False)


class PaperForm(AnswersForm):
    received_on = DateField(label=_("Date on the form"), initial=timezone.localdate)
    language = forms.ChoiceField(
        label=_("Language of the form"),
        choices=[("en", _("English")), ("cy", _("Welsh"))],
        widget=forms.RadioSelect,
        initial="en",
    )


class RatingForm(AnswersForm):
    notes = forms.CharField(
        label=_("Notes for calibration"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write anything that could identify the patient."),
    )
