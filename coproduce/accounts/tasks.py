"""Background work for accounts: run by the task worker, never inside a request, so an
unreachable mail server delays an invitation instead of failing the page that sent it."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from . import invitations
from .models import Invitation


@task()
def send_invitation(invitation_id: int) -> bool:
    """E-mail the invitation's link in the invitee's language. False if it was withdrawn or
    accepted before the worker got to it."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by__person")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return False
    inviter = invitation.invited_by
    person = getattr(inviter, "person", None) if inviter is not None else None
    inviter_name = person.display_name if person is not None else getattr(inviter, "email", "")
    with translation.override(invitation.language):
        values = {
            "name": invitation.full_name,
            "inviter": inviter_name,
            "organisation": invitation.organisation.name,
            "role": invitation.get_role_display(),
            "url": invitations.url_for(invitation),
            "days": settings.INVITATION_MAX_AGE_DAYS,
        }
        subject = _("Invitation to join %(organisation)s on coproduce") % values
        lines = [
            (_("Dear %(name)s,") % values) if invitation.full_name else _("Hello,"),
            "",
            _("%(inviter)s has invited you to join %(organisation)s on coproduce as: %(role)s.")
            % values,
            "",
            _("To accept, open this link: %(url)s") % values,
            "",
            _(
                "The link works once, for %(days)s days. If you were not expecting this "
                "invitation, you can ignore this email."
            )
            % values,
        ]
    EmailMessage(subject=subject, body="\n".join(lines), to=[invitation.email]).send()
    return True
