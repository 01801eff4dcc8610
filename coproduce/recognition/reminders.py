"""What recognition waits for (see coproduce.core.reminders): a queried claim waits for its
contributor; claims waiting longer than the organisation's target remind its finance officers."""

import datetime

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from coproduce.core.reminders import Pending, Reminder
from coproduce.people.models import OrganisationLink, OrganisationRole

from .models import Claim, ClaimStatus, Settings

DEFAULT_TARGET_DAYS = 30


def pending_for(person) -> list[Pending]:
    return [
        Pending(
            title=_("Claim queried: %(organisation)s") % {"organisation": c.organisation.name},
            url=reverse("recognition:claim", args=[c.pk]),
            closes_at=None,
        )
        for c in Claim.objects.filter(person=person, status=ClaimStatus.QUERIED).select_related(
            "organisation"
        )[:20]
    ]


def due(now):
    today = now.date()
    targets = dict(Settings.objects.values_list("organisation_id", "target_days"))
    waiting = Claim.objects.filter(
        status__in=[ClaimStatus.SUBMITTED, ClaimStatus.APPROVED]
    ).select_related("organisation", "person")
    officers: dict[int, list] = {}
    for claim in waiting:
        target = targets.get(claim.organisation_id, DEFAULT_TARGET_DAYS)
        if claim.submitted_on + datetime.timedelta(days=target) >= today:
            continue
        if claim.organisation_id not in officers:
            officers[claim.organisation_id] = [
                link.person
                for link in OrganisationLink.objects.filter(
                    organisation_id=claim.organisation_id, role=OrganisationRole.FINANCE
                ).select_related("person")
            ]
        for person in officers[claim.organisation_id]:
            yield Reminder(
                kind="claim_overdue",
                object_key=f"claim:{claim.pk}",
                person=person,
                url=reverse("recognition:claim", args=[claim.pk]),
                wording=_overdue_wording(claim, target),
            )


def _overdue_wording(claim, target):
    def wording():
        return (
            _("A claim is waiting longer than %(days)s days") % {"days": target},
            _(
                "The claim by %(name)s to %(organisation)s, sent %(date)s, has waited longer "
                "than the target of %(days)s days."
            )
            % {
                "name": claim.person.full_name,
                "organisation": claim.organisation.name,
                "date": formats.date_format(claim.submitted_on, "j F Y"),
                "days": target,
            },
        )

    return wording
