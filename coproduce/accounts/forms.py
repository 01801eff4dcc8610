"""allauth's forms with our own labels, so every word on the sign-in pages is in our catalogue."""

from allauth.account import forms as account_forms
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as BaseActivateTOTPForm
from django import forms
from django.utils.translation import gettext_lazy as _


def _relabel(form, labels: dict, autocomplete: dict | None = None) -> None:
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs.pop("placeholder", None)
    for name, value in (autocomplete or {}).items():
        if name in form.fields:
            form.fields[name].widget.attrs["autocomplete"] = value


class LoginForm(account_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "login": _("Email address"),
                "password": _("Password"),
                "remember": _("Keep me signed in on this device"),
            },
            {"login": "email", "password": "current-password"},
        )
        self.fields["password"].help_text = ""


class SignupForm(account_forms.SignupForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "email": _("Email address"),
                "password1": _("Password"),
                "password2": _("Password (again)"),
            },
            {
                "email": "email",
                "password1": "new-password",
                "password2": "new-password",
                "full_name": "name",
            },
        )
        self.fields["password1"].help_text = _(
            "At least 8 characters. Avoid common passwords and ones that are all numbers."
        )


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, {"email": _("Email address")}, {"email": "email"})


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {"password1": _("New password"), "password2": _("New password (again)")},
            {"password1": "new-password", "password2": "new-password"},
        )


class MFAAuthenticateForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, {"code": _("Code from your authenticator app, or a recovery code")})


class ActivateTOTPForm(BaseActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, {"code": _("Code from your authenticator app")})


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        widget=forms.RadioSelect,
        initial="en",
        help_text=_("If they are on the register already, their own preferred language is used."),
    )

    def __init__(self, *args, roles=(), **kwargs):
        from coproduce.people.models import Language, OrganisationRole

        super().__init__(*args, **kwargs)
        labels = dict(OrganisationRole.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in roles]
        self.fields["language"].choices = Language.choices
        _relabel(self, {}, {"email": "off", "full_name": "off"})


class AcceptInvitationForm(forms.Form):
    """For someone with no account yet: their name and a password."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=_("At least 8 characters. Avoid common passwords and ones that are all numbers."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data
