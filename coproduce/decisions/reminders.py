"""What decisions wait for from each person, and reminders (see coproduce.core.reminders)."""

import datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coproduce.core.reminders import Pending, Reminder
from coproduce.projects.models import MemberRole, Membership

from .models import Decision, DecisionStatus, Outcome, Position

# Members who take positions (observers watch, they do not take positions).
VOTING_ROLES = (MemberRole.CO_CHAIR, MemberRole.MEMBER)
REMIND_DAYS_BEFORE = 2


def _open_without_position(person):
    return (
        Decision.objects.filter(
            status=DecisionStatus.OPEN,
            taken_outside_group=False,
            project__memberships__person=person,
            project__memberships__left_on__isnull=True,
            project__memberships__role__in=VOTING_ROLES,
        )
        .exclude(positions__person=person)
        .select_related("project")
        .distinct()
    )


def pending_for(person) -> list[Pending]:
    items = [
        Pending(
            title=_("Proposal: %(title)s (%(project)s)")
            % {"title": d.title, "project": d.project.title},
            url=reverse("decisions:detail", args=[d.pk]),
            closes_at=d.respond_by,
        )
        for d in _open_without_position(person)[:20]
    ]
    today = timezone.localdate()
    reviews = (
        Decision.objects.filter(
            status=DecisionStatus.CLOSED, review_date__lte=today, positions__person=person
        )
        .exclude(outcome=Outcome.WITHDRAWN)
        .select_related("project")
        .distinct()[:20]
    )
    items += [
        Pending(
            title=_("Due for review: %(title)s (%(project)s)")
            % {"title": d.title, "project": d.project.title},
            url=reverse("decisions:detail", args=[d.pk]),
            closes_at=d.review_date,
            review_due=d.review_date,
        )
        for d in reviews
    ]
    return items


def due(now):
    today = now.date()
    soon = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    closing = Decision.objects.filter(
        status=DecisionStatus.OPEN, respond_by__gte=today, respond_by__lte=soon
    ).select_related("project")
    for decision in closing:
        answered = set(
            Position.objects.filter(decision=decision).values_list("person_id", flat=True)
        )
        members = Membership.objects.filter(
            project=decision.project, left_on__isnull=True, role__in=VOTING_ROLES
        ).select_related("person")
        for membership in members:
            if membership.person_id in answered:
                continue
            yield Reminder(
                kind="decision_closing",
                object_key=f"decision:{decision.pk}",
                person=membership.person,
                url=reverse("decisions:detail", args=[decision.pk]),
                wording=_closing_wording(decision),
            )
    reviews = Decision.objects.filter(status=DecisionStatus.CLOSED, review_date__lte=today).exclude(
        outcome=Outcome.WITHDRAWN
    )
    for decision in reviews.select_related("project"):
        for position in decision.positions.select_related("person"):
            yield Reminder(
                kind="decision_review",
                object_key=f"decision:{decision.pk}",
                person=position.person,
                url=reverse("decisions:detail", args=[decision.pk]),
                wording=_review_wording(decision),
            )


def _closing_wording(decision):
    def wording():
        return (
            _("Where do you stand? %(title)s") % {"title": decision.title},
            _(
                'The proposal "%(title)s" in %(project)s wants positions by %(date)s, and you '
                "have not taken one yet."
            )
            % {
                "title": decision.title,
                "project": decision.project.title,
                "date": formats.date_format(decision.respond_by, "j F Y"),
            },
        )

    return wording


def _review_wording(decision):
    def wording():
        return (
            _("Due for review: %(title)s") % {"title": decision.title},
            _('A decision you took part in, "%(title)s" in %(project)s, is due for review.')
            % {"title": decision.title, "project": decision.project.title},
        )

    return wording
