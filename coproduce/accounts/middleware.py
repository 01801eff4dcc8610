"""Organisations can require two-factor authentication for anyone in a staff role."""

from allauth.mfa.models import Authenticator
from django.shortcuts import redirect

from coproduce.people.roles import roles_for

# Pages that must stay reachable while setting up two-factor (or leaving).
EXEMPT_PREFIXES = ("/accounts/", "/language/", "/static/", "/healthz")


def requires_mfa(user) -> bool:
    roles = roles_for(user)
    staff_orgs = roles.admin_orgs | roles.lead_orgs | roles.staff_orgs | roles.finance_orgs
    if not staff_orgs & roles.mfa_orgs:
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and requires_mfa(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
