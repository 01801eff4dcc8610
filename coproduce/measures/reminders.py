"""Readiness rounds and pulses waiting for each person, and reminders before they close
(see coproduce.core.reminders)."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coproduce.core.reminders import Pending, Reminder
from coproduce.projects.models import Membership

from .models import Pulse, PulseRespondent, ReadinessResponse, ReadinessRound
from .rules import ANSWERING_ROLES

REMIND_DAYS_BEFORE = 2


def _open_rounds():
    today = timezone.localdate()
    return ReadinessRound.objects.filter(closed_at__isnull=True).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    )


def _open_pulses():
    return Pulse.objects.filter(closed_at__isnull=True, closes_on__gte=timezone.localdate())


def _answering_projects(person):
    return Membership.objects.filter(
        person=person, left_on__isnull=True, role__in=ANSWERING_ROLES
    ).values("project_id")


def pending_for(person) -> list[Pending]:
    projects = _answering_projects(person)
    rounds = (
        _open_rounds()
        .filter(project__in=projects)
        .exclude(responses__person=person)
        .select_related("project")[:20]
    )
    pulses = (
        _open_pulses()
        .filter(project__in=projects)
        .exclude(respondents__person=person)
        .select_related("project")[:20]
    )
    return [
        Pending(
            title=_("Readiness check: %(project)s") % {"project": r.project.title},
            url=reverse("measures:readiness_answer", args=[r.pk]),
            closes_at=r.closes_on,
        )
        for r in rounds
    ] + [
        Pending(
            title=_("Coproduction pulse: %(project)s") % {"project": p.project.title},
            url=reverse("measures:pulse_respond", args=[p.pk]),
            closes_at=p.closes_on,
        )
        for p in pulses
    ]


def _non_responders(project_id, answered: set[int]):
    for membership in Membership.objects.filter(
        project_id=project_id, left_on__isnull=True, role__in=ANSWERING_ROLES
    ).select_related("person"):
        if membership.person_id not in answered:
            yield membership.person


def due(now):
    today = now.date()
    soon = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    for round_ in _open_rounds().filter(closes_on__lte=soon).select_related("project"):
        answered = set(
            ReadinessResponse.objects.filter(round=round_).values_list("person_id", flat=True)
        )
        for person in _non_responders(round_.project_id, answered):
            yield Reminder(
                kind="readiness_closing",
                object_key=f"readiness:{round_.pk}",
                person=person,
                url=reverse("measures:readiness_answer", args=[round_.pk]),
                wording=_wording("readiness", round_.project.title, round_.closes_on),
            )
    for pulse in _open_pulses().filter(closes_on__lte=soon).select_related("project"):
        answered = set(
            PulseRespondent.objects.filter(pulse=pulse).values_list("person_id", flat=True)
        )
        for person in _non_responders(pulse.project_id, answered):
            yield Reminder(
                kind="pulse_closing",
                object_key=f"pulse:{pulse.pk}",
                person=person,
                url=reverse("measures:pulse_respond", args=[pulse.pk]),
                wording=_wording("pulse", pulse.project.title, pulse.closes_on),
            )


def _wording(kind: str, project_title, closes_on):
    # Called inside the recipient's language (the sender activates it).
    def wording():
        what = _("Readiness check") if kind == "readiness" else _("Coproduction pulse")
        return (
            _("%(what)s closes soon: %(project)s") % {"what": what, "project": project_title},
            _("%(what)s for %(project)s closes on %(date)s. You have not answered yet.")
            % {
                "what": what,
                "project": project_title,
                "date": formats.date_format(closes_on, "j F Y"),
            },
        )

    return wording
