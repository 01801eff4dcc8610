"""Background work for decisions: run by the task worker, never inside a request."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.projects.models import Membership

from .models import Decision


@task()
def notify_decision(decision_id: int) -> int:
    """E-mail every current member with an address that a decision is open for positions, each
    in their preferred language. Returns the number sent."""
    decision = Decision.objects.select_related("project", "proposer").get(pk=decision_id)
    members = (
        Membership.objects.filter(project=decision.project, left_on__isnull=True)
        .exclude(person__email="")
        .filter(person__erased_at__isnull=True)
        .select_related("person")
    )
    sent = 0
    for membership in members:
        person = membership.person
        with translation.override(person.preferred_language):
            subject = _("Decision open: %(title)s") % {"title": decision.title}
            lines = [
                _("Dear %(name)s,") % {"name": person.display_name},
                "",
                _("%(project)s has a new proposal to decide %(method)s:")
                % {
                    "project": decision.project.title,
                    "method": decision.get_method_display().lower(),
                },
                "",
                decision.title,
                decision.proposal,
                "",
                _("Read it and say where you stand: %(url)s")
                % {"url": f"{settings.SITE_URL.rstrip('/')}/decisions/{decision.pk}/"},
            ]
        EmailMessage(subject=subject, body="\n".join(lines), to=[person.email]).send()
        sent += 1
    return sent
