from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessNeedCode,
    ConsentMethod,
    ConsentPurpose,
    ContactPreference,
    Language,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    PerspectiveCode,
)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    preferred_name = forms.CharField(
        label=_("Preferred name"),
        max_length=100,
        required=False,
        help_text=_("What they like to be called."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(
        label=_("Postal address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_preference = forms.ChoiceField(
        label=_("How they prefer to be contacted"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        initial=Language.ENGLISH,
    )
    interests = forms.CharField(
        label=_("Interests"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Services, conditions or topics they want to be involved in."),
    )
    special_category_consent = forms.BooleanField(
        label=_("They agree to us recording their access needs and perspectives"),
        required=False,
        help_text=_(
            "This information is optional. Only coproduction leads, organisation "
            "admins and the person themselves can see it."
        ),
    )
    access_needs = forms.MultipleChoiceField(
        label=_("Communication and access needs"),
        choices=AccessNeedCode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    access_needs_other = forms.CharField(
        label=_("Other access needs"), max_length=300, required=False
    )
    perspectives = forms.MultipleChoiceField(
        label=_("Perspectives they bring"),
        choices=PerspectiveCode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    on_behalf = forms.BooleanField(
        label=_("I am recording this on behalf of the person, who is here with me"),
        required=False,
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name, email or interest"), required=False)
    perspective = forms.ChoiceField(
        label=_("Perspective"),
        choices=[("", _("Any perspective"))] + PerspectiveCode.choices,
        required=False,
    )
    access_need = forms.ChoiceField(
        label=_("Access need"),
        choices=[("", _("Any access need"))] + AccessNeedCode.choices,
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("Any language"))] + Language.choices,
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Any organisation"),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What they agree to"), choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label=_("How they gave consent"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)
    on_behalf = forms.BooleanField(
        label=_("I am recording this on behalf of the person, who is here with me"),
        required=False,
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for erasure"),
        max_length=300,
        help_text=_("For example: request by email on 3 March 2026."),
    )
    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Confirm that you understand this cannot be undone.")},
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name for web addresses"),
        max_length=80,
        help_text=_("Lower-case letters, numbers and hyphens, for example cwm-taf-health-board."),
        error_messages={"invalid": _("Use only lower-case letters, numbers and hyphens.")},
    )
    kind = forms.ChoiceField(label=_("Type"), choices=OrganisationKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    require_mfa_for_staff = forms.BooleanField(
        label=_("Require two-factor authentication for staff roles"), required=False
    )


class OrganisationLinkForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), empty_label=None
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=OrganisationRole.choices, widget=forms.RadioSelect
    )
    job_title = forms.CharField(label=_("Job title or description"), max_length=200, required=False)


class LanguagePreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Your preferred language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        help_text=_("Pages come in this language when you sign in, and we write to you in it."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
