"""Invitation links: signed, expiring, for one invitation row; and who may invite whom."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from coproduce.people.models import OrganisationRole
from coproduce.people.roles import roles_for

from .models import Invitation

# The signature covers only the invitation's id: the link reveals nothing about the invitee (it
# ends up in proxy logs), and an accepted or withdrawn invitation's link stops working because
# the row says so.
SALT = "coproduce.accounts.invitation"
LEAD_MAY_INVITE = (OrganisationRole.LEAD, OrganisationRole.STAFF, OrganisationRole.MEMBER)


class InvitationUnusable(Exception):
    """Why an invitation link cannot be used: "invalid", "expired" or "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitable_roles(user, organisation) -> list[str]:
    """The roles `user` may invite people to `organisation` with: every role for its admins,
    and for its coproduction leads the roles that do not outrank theirs."""
    roles = roles_for(user)
    if organisation is None:
        return []
    if roles.superuser or organisation.pk in roles.admin_orgs:
        return list(OrganisationRole.values)
    if organisation.pk in roles.lead_orgs:
        return [str(role) for role in LEAD_MAY_INVITE]
    return []


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


def token_for(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=SALT)


def url_for(invitation: Invitation) -> str:
    path = reverse("accounts:invitation_accept", args=[token_for(invitation)])
    return settings.SITE_URL.rstrip("/") + path


def from_token(token: str) -> Invitation:
    """The open invitation a link is for, or InvitationUnusable saying why not."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise InvitationUnusable("expired") from None
    except signing.BadSignature:
        raise InvitationUnusable("invalid") from None
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if invitation is None:
        raise InvitationUnusable("invalid")
    if not invitation.is_open:
        raise InvitationUnusable("used")
    return invitation
