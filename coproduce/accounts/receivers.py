"""allauth does these writes itself (passwords, e-mail addresses, authenticators); it tells us
through its signals, and we put each one in the audit trail. This is the only use of signals:
to audit a library's writes that do not pass through our actions."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals

from . import actions


def _user_event(action):
    def receiver(sender, request=None, user=None, **kwargs):
        if user is not None:
            actions.record_account_event(by=user, action=action, obj=user)

    receiver.__name__ = f"audit_{action.replace('.', '_')}"
    return receiver


def _email_event(action):
    def receiver(sender, request=None, email_address=None, user=None, **kwargs):
        if email_address is not None:
            actor = user or email_address.user
            actions.record_account_event(
                by=actor, action=action, obj=actor, changes={"email": [None, email_address.email]}
            )

    receiver.__name__ = f"audit_{action.replace('.', '_')}"
    return receiver


def _authenticator_event(action):
    def receiver(sender, request=None, user=None, authenticator=None, **kwargs):
        if user is not None:
            kind = getattr(authenticator, "type", None)
            actions.record_account_event(
                by=user, action=action, obj=user, changes={"type": [None, kind]}
            )

    receiver.__name__ = f"audit_{action.replace('.', '_')}"
    return receiver


RECEIVERS = [
    (auth_signals.user_logged_in, _user_event("account.sign_in")),
    (auth_signals.user_logged_out, _user_event("account.sign_out")),
    (account_signals.password_changed, _user_event("account.password_change")),
    (account_signals.password_set, _user_event("account.password_set")),
    (account_signals.password_reset, _user_event("account.password_reset")),
    (account_signals.email_confirmed, _email_event("account.email_confirm")),
    (account_signals.email_added, _email_event("account.email_add")),
    (account_signals.email_removed, _email_event("account.email_remove")),
    (mfa_signals.authenticator_added, _authenticator_event("account.two_factor_add")),
    (mfa_signals.authenticator_removed, _authenticator_event("account.two_factor_remove")),
    (mfa_signals.authenticator_reset, _authenticator_event("account.two_factor_reset")),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, dispatch_uid=receiver.__name__)
