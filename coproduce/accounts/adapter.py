"""Connects allauth to the register and gives its messages our (translated) wording."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coproduce.accounts import actions
from coproduce.core.views import set_language_cookie
from coproduce.people.models import Person

# allauth names each flash message by template; we say the same things in our own words so they
# are in our Welsh catalogue.
MESSAGES = {
    "account/messages/logged_in.txt": _("You are signed in."),
    "account/messages/logged_out.txt": _("You have signed out."),
    "account/messages/email_confirmed.txt": _("Your email address is confirmed."),
    "account/messages/email_confirmation_sent.txt": _(
        "We have sent you an email. Follow the link in it to confirm your address."
    ),
    "account/messages/password_changed.txt": _("Your password has been changed."),
    "account/messages/password_set.txt": _("Your password has been set."),
    "account/messages/email_deleted.txt": _("The email address has been removed."),
    "account/messages/primary_email_set.txt": _("Your main email address has been changed."),
    "account/messages/cannot_delete_primary_email.txt": _(
        "You cannot remove your main email address."
    ),
    "account/messages/email_confirmation_failed.txt": _(
        "This email address is already confirmed by another account."
    ),
    "account/messages/unverified_primary_email.txt": _(
        "Your main email address must be confirmed first."
    ),
    "mfa/messages/totp_activated.txt": _("Two-factor authentication is now on."),
    "mfa/messages/totp_deactivated.txt": _("Two-factor authentication is now off."),
    "mfa/messages/recovery_codes_generated.txt": _("New recovery codes have been made."),
}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "email_password_mismatch": _("The email address or password is not correct."),
        "too_many_login_attempts": _(
            "Too many failed attempts to sign in. Wait 5 minutes and try again."
        ),
        "email_taken": _("An account already uses this email address."),
        "invalid_or_expired_key": _("This link is not valid or has expired."),
        "invalid_password_reset": _("This password reset link is not valid or has expired."),
        "incorrect_code": _("The code is not correct."),
        "rate_limited": _("Too many requests. Wait a minute and try again."),
        "unknown_email": _("No account uses this email address."),
        "account_inactive": _("This account is not active."),
        "unverified_primary_email": _("Confirm your email address first."),
        "enter_current_password": _("Enter your current password."),
        "incorrect_password": _("The password is not correct."),
    }

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ):
        text = message or MESSAGES.get(message_template)
        if text:
            messages.add_message(request, level, text, extra_tags=extra_tags)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the per-account limit ("5/300s/key") by the e-mail alone, so anyone who
        # knew an address could lock its owner out. With the client's address in the key, the
        # stranger locks out only themself; the per-address limit still caps their guesses.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{ratelimit.get_ip(request)}"

    def is_open_for_signup(self, request):
        # Invite-only by default in production (settings.SIGNUP): people join through an
        # invitation (accounts/views.py), which gives them their organisation role too.
        return settings.SIGNUP == "open"

    def post_login(self, request, user, **kwargs):
        """Signing in switches pages to the person's preferred language on the register: a
        Welsh speaker who is written to in Welsh gets Welsh pages too, from the first page,
        without having to find the switch. (allauth's hook, not a signal: this is behaviour,
        not an audit of allauth's own writes.)"""
        language = (
            Person.objects.filter(user_id=user.pk, erased_at__isnull=True)
            .values_list("preferred_language", flat=True)
            .first()
        )
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        if language:
            set_language_cookie(response, language)
        return response

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        return actions.complete_signup(
            by=None, user=user, full_name=form.cleaned_data.get("full_name", "")
        )


class MFAAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {
        "incorrect_code": _("The code is not correct."),
        "unverified_email": _(
            "Confirm your email address before turning on two-factor authentication."
        ),
        "add_email_blocked": _(
            "You cannot add an email address while two-factor authentication is on."
        ),
        "cannot_delete_authenticator": _("You cannot turn off two-factor authentication."),
        "cannot_generate_recovery_codes": _(
            "Turn on two-factor authentication before making recovery codes."
        ),
    }
