"""What accounts hold about a person beyond their sign-in: the invitations sent to them."""

from .models import Invitation


def export_for(person) -> dict:
    return {
        "invitations": [
            {
                "organisation": i.organisation.name,
                "email": i.email,
                "role": i.role,
                "sent_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
                "withdrawn_at": i.revoked_at.isoformat() if i.revoked_at else None,
            }
            for i in Invitation.objects.filter(person=person).select_related("organisation")
        ]
    }


def erase_for(person, pseudonym: str) -> None:
    # An invitation is only the address it went to and the role: nothing to keep once the
    # person is erased.
    Invitation.objects.filter(person=person).delete()
