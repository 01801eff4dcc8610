"""Background work for measures: run by the task worker, never inside a request."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from coproduce.projects.models import Membership

from .models import Pulse, ReadinessRound
from .rules import ANSWERING_ROLES


@task()
def notify_opened(kind: str, pk: int) -> int:
    """E-mail every current member who can answer (members and co-chairs with an address) that a
    readiness round or pulse has opened, each in their preferred language. Observers are not
    asked, because they do not answer. Returns the number sent."""
    model = ReadinessRound if kind == "readiness" else Pulse
    check = model.objects.select_related("project").get(pk=pk)
    members = (
        Membership.objects.filter(
            project=check.project, left_on__isnull=True, role__in=ANSWERING_ROLES
        )
        .exclude(person__email="")
        .filter(person__erased_at__isnull=True)
        .select_related("person")
    )
    site = settings.SITE_URL.rstrip("/")
    answer_url = "measures:readiness_answer" if kind == "readiness" else "measures:pulse_respond"
    link = site + reverse(answer_url, args=[check.pk])
    sent = 0
    for membership in members:
        person = membership.person
        with translation.override(person.preferred_language):
            if kind == "readiness":
                subject = _("Is coproduction right here? %(project)s") % {
                    "project": check.project.title
                }
                opening = _(
                    "The members of %(project)s are asked to judge, separately, whether "
                    "coproduction is right for the project now. It takes about five minutes."
                )
                privacy = _(
                    "Your answers are seen only by you and the people who manage the project; "
                    "other members see only totals."
                )
            else:
                subject = _("Coproduction pulse: %(project)s") % {"project": check.project.title}
                opening = _(
                    "How equal does %(project)s feel to you now? The pulse has three short "
                    "questions."
                )
                privacy = _(
                    "Your answers are anonymous: no one sees your name next to them, and groups "
                    "of fewer than three people are never shown."
                )
            lines = [
                _("Dear %(name)s,") % {"name": person.display_name},
                "",
                opening % {"project": check.project.title},
                privacy,
            ]
            if check.closes_on:
                lines.append(
                    _("You can answer, and change your answers, until %(date)s.")
                    % {"date": formats.date_format(check.closes_on, "j F Y")}
                )
            lines += ["", _("Answer here: %(url)s") % {"url": link}]
        EmailMessage(subject=subject, body="\n".join(lines), to=[person.email]).send()
        sent += 1
    return sent
