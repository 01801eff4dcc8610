"""Permission-sweep entries for invitations (see tests/test_permission_sweep.py)."""

from django.urls import reverse

from coproduce.accounts import invitations
from coproduce.accounts.models import Invitation

from ..roles import EVERYONE


def entries(world) -> dict:
    invitation = Invitation.objects.create(
        organisation=world["org"], email="invitee@example.org", role="member"
    )
    return {
        # The organisation's admins and coproduction leads; a lead of another organisation
        # may not.
        "accounts:invitations": (
            reverse("accounts:invitations", args=[world["org"].slug]),
            {"admin", "lead"},
            200,
        ),
        # POST only: allowed roles get 405 for a GET.
        "accounts:invitation_withdraw": (
            reverse("accounts:invitation_withdraw", args=[invitation.pk]),
            {"admin", "lead"},
            405,
        ),
        # Whoever holds the link: what they may do there depends on who they are.
        "accounts:invitation_accept": (
            reverse("accounts:invitation_accept", args=[invitations.token_for(invitation)]),
            EVERYONE,
            200,
        ),
    }


def writes() -> list[str]:
    return ["accounts:invitations", "accounts:invitation_withdraw"]
