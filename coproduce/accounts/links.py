"""Links into the account pages that are sent or printed rather than clicked on the site."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse


def password_set_url(user) -> str:
    """allauth's password-reset link for the account: it works until the password changes (so
    once) and for PASSWORD_RESET_TIMEOUT (three days)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path
