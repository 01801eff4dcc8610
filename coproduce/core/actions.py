"""Writes owned by the core app: reminder e-mails."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import audit
from .models import ReminderSent
from .reminders import Reminder


@transaction.atomic
def send_reminder(*, by, reminder: Reminder) -> bool:
    """E-mail one reminder in the person's language; False if it was sent before or the person
    has no e-mail address (they see it on their home page instead)."""
    person = reminder.person
    if not person.email or person.erased_at:
        return False
    sent, created = ReminderSent.objects.get_or_create(
        kind=reminder.kind, object_key=reminder.object_key, person=person
    )
    if not created:
        return False
    with translation.override(person.preferred_language):
        subject, opening = reminder.wording()
        body = "\n".join(
            [
                _("Dear %(name)s,") % {"name": person.display_name},
                "",
                opening,
                "",
                f"{settings.SITE_URL.rstrip('/')}{reminder.url}",
            ]
        )
    audit.record(by=by, action="reminder.send", obj=sent, changes={"kind": [None, reminder.kind]})
    email = person.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return True
