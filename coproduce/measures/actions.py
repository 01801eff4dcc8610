"""Writes for frameworks and measures."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit
from coproduce.projects.models import Membership

from . import frameworks
from .models import (
    Framework,
    FrameworkItem,
    Pulse,
    PulseAgreement,
    PulseRespondent,
    PulseResponse,
    ReadinessAnswer,
    ReadinessResponse,
    ReadinessRound,
)
from .pulse import respondent_keys
from .rules import ANSWERING_ROLES


@transaction.atomic
def load_frameworks(*, by, directory: Path = frameworks.DATA_DIR) -> list[Framework]:
    """Load every framework file whose (key, version) is new; returns the versions added.

    A version already loaded must be byte-for-byte the same file: changing a loaded version would
    change what earlier answers mean, so it is refused and a new version is needed instead.
    """
    files = frameworks.read_all(directory)  # every file is checked before anything is saved
    added = []
    for file in files:
        data = file.data
        existing = Framework.objects.filter(key=data["key"], version=data["version"]).first()
        if existing is not None:
            if existing.checksum != file.checksum:
                raise ValidationError(
                    f"{file.path.name}: version {data['version']} of {data['key']} is already "
                    "loaded with different content; give the changes a new version number"
                )
            continue
        notes = data.get("notes") or {}
        framework = Framework(
            key=data["key"],
            version=data["version"],
            kind=data["kind"],
            title_en=data["title"]["en"],
            title_cy=data["title"]["cy"],
            notes_en=notes.get("en", ""),
            notes_cy=notes.get("cy", ""),
            citation=" ".join(data["citation"].split()),
            source_url=data.get("source_url", ""),
            licence=" ".join(data["licence"].split()),
            checksum=file.checksum,
        )
        framework.full_clean()
        framework.save()
        items = []
        for position, item in enumerate(data["items"], start=1):
            description = item.get("description") or {}
            items.append(
                FrameworkItem(
                    framework=framework,
                    key=item["key"],
                    position=position,
                    band=item.get("band", ""),
                    group=item.get("group", ""),
                    label_en=item["label"]["en"],
                    label_cy=item["label"]["cy"],
                    description_en=description.get("en", ""),
                    description_cy=description.get("cy", ""),
                    cells=item.get("cells") or {},
                )
            )
        FrameworkItem.objects.bulk_create(items)
        audit.record(
            by=by,
            action="framework.load",
            obj=framework,
            changes={"items": [None, len(items)], "checksum": [None, file.checksum]},
        )
        added.append(framework)
    return added


# ---------------------------------------------------------------------------------------------
# Readiness check and pulse

READINESS_FRAMEWORK = "readiness-criteria"
LADDER_FRAMEWORK = "tlap-ladder"
PRINCIPLES_FRAMEWORK = "nef-principles"
READINESS_RATINGS = frozenset({0, 1, 2, 3})
AGREEMENT_RATINGS = frozenset({1, 2, 3, 4, 5})


def _newest(key: str) -> Framework:
    framework = Framework.objects.filter(key=key).order_by("-version").first()
    if framework is None:
        raise ValidationError(_("The frameworks have not been loaded yet."))
    return framework


def _check_closing_date(closes_on, *, required: bool) -> None:
    if closes_on is None:
        if required:
            raise ValidationError({"closes_on": _("Enter a closing date.")})
        return
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing date cannot be in the past.")})


def _answering_membership(project, person) -> Membership:
    membership = (
        Membership.objects.filter(project=project, person=person, left_on__isnull=True)
        .only("role", "perspective")
        .first()
    )
    if membership is None or membership.role not in ANSWERING_ROLES or person.erased_at:
        raise ValidationError(_("Only current members and co-chairs of the project can answer."))
    return membership


def _notify(kind: str, pk: int) -> None:
    from .tasks import notify_opened

    transaction.on_commit(lambda: notify_opened.enqueue(kind, pk))


@transaction.atomic
def open_readiness_round(
    *, by, project, closes_on=None, notify: bool = True, opened_at=None
) -> ReadinessRound:
    """Open a round on the newest criteria and ladder. One round is open at a time. opened_at
    records a round held earlier (for example, from paper); notify=False e-mails no one."""
    _check_closing_date(closes_on, required=False)
    open_rounds = ReadinessRound.objects.filter(project=project, closed_at__isnull=True)
    if any(r.is_open for r in open_rounds):
        raise ValidationError(_("A readiness check is already open. Close it first."))
    round_ = ReadinessRound(
        project=project,
        criteria=_newest(READINESS_FRAMEWORK),
        ladder=_newest(LADDER_FRAMEWORK),
        closes_on=closes_on,
        opened_at=opened_at or timezone.now(),
    )
    round_.full_clean()
    round_.save()
    audit.record(
        by=by,
        action="readiness.open",
        obj=round_,
        changes={
            "criteria": [None, str(round_.criteria)],
            "closes_on": [None, audit.snapshot(round_, ["closes_on"])["closes_on"]],
        },
    )
    if notify:
        _notify("readiness", round_.pk)
    return round_


@transaction.atomic
def answer_readiness(
    *, by, round: ReadinessRound, person, ratings: dict, comments: dict | None = None
) -> ReadinessResponse:
    """Save (or replace) one member's answers: ratings maps every criterion key to 0-3 or None
    ("don't know"); comments maps criterion keys to optional text. All or nothing."""
    comments = {k: (v or "").strip() for k, v in (comments or {}).items()}
    if not round.is_open:
        raise ValidationError(_("This readiness check has closed."))
    membership = _answering_membership(round.project, person)
    criteria = {item.key: item for item in round.criteria.items.all()}
    unknown = (set(ratings) | set(comments)) - set(criteria)
    if unknown:
        raise ValidationError(
            _("Unknown criterion: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    missing = set(criteria) - set(ratings)
    if missing:
        raise ValidationError(_("Answer every criterion (“don’t know” is an answer)."))
    if any(r is not None and r not in READINESS_RATINGS for r in ratings.values()):
        raise ValidationError(_("Ratings go from 0 (not met) to 3 (fully met)."))

    now = timezone.now()
    response = ReadinessResponse.objects.filter(round=round, person=person).first()
    before = {}
    if response is None:
        response = ReadinessResponse(
            round=round, person=person, perspective=membership.perspective, answered_at=now
        )
    else:
        before = {a.criterion.key: a.rating for a in response.answers.select_related("criterion")}
        response.perspective = membership.perspective
    response.updated_at = now
    response.save()
    response.answers.all().delete()
    ReadinessAnswer.objects.bulk_create(
        [
            ReadinessAnswer(
                response=response,
                criterion=item,
                rating=ratings[key],
                comment=comments.get(key, ""),
            )
            for key, item in criteria.items()
        ]
    )
    audit.record(
        by=by,
        action="readiness.answer",
        obj=response,
        changes=audit.diff(before, {key: ratings[key] for key in criteria}),
    )
    return response


@transaction.atomic
def close_readiness_round(*, by, round: ReadinessRound) -> ReadinessRound:
    if round.closed_at is not None:
        raise ValidationError(_("This readiness check is already closed."))
    round.closed_at = timezone.now()
    round.save(update_fields=["closed_at"])
    audit.record(
        by=by,
        action="readiness.close",
        obj=round,
        changes={"closed_at": [None, round.closed_at.isoformat()]},
    )
    return round


@transaction.atomic
def open_pulse(*, by, project, closes_on, notify: bool = True, opened_at=None) -> Pulse:
    """Open a pulse on the newest ladder and principles, until closes_on. One at a time.
    opened_at back-dates a pulse entered later (for example, one first run on paper)."""
    _check_closing_date(closes_on, required=True)
    if any(p.is_open for p in Pulse.objects.filter(project=project, closed_at__isnull=True)):
        raise ValidationError(_("A pulse is already open. Close it first."))
    pulse = Pulse(
        project=project,
        ladder=_newest(LADDER_FRAMEWORK),
        principles=_newest(PRINCIPLES_FRAMEWORK),
        closes_on=closes_on,
        opened_at=opened_at or timezone.now(),
    )
    pulse.full_clean()
    pulse.save()
    audit.record(
        by=by,
        action="pulse.open",
        obj=pulse,
        changes={"closes_on": [None, closes_on.isoformat()]},
    )
    if notify:
        _notify("pulse", pulse.pk)
    return pulse


@transaction.atomic
def respond_to_pulse(
    *, by, pulse: Pulse, person, rung: str, agreements: dict, more_equal: str = ""
) -> PulseResponse:
    """Save (or replace) one member's pulse answers: rung is a ladder key, agreements maps every
    principle key to 1-5 or None ("don't know"). All or nothing.

    The audit event names the pulse, never the response, and holds no answers: who responded is
    known (to stop duplicates), what they said is not linked to them anywhere a person can read.
    """
    if not pulse.is_open:
        raise ValidationError(_("This pulse has closed."))
    membership = _answering_membership(pulse.project, person)
    rungs = {item.key: item for item in pulse.ladder.items.all()}
    principles = {item.key: item for item in pulse.principles.items.all()}
    if rung not in rungs:
        raise ValidationError({"rung": _("Choose a rung of the ladder.")})
    unknown = set(agreements) - set(principles)
    if unknown:
        raise ValidationError(
            _("Unknown principle: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    if set(principles) - set(agreements):
        raise ValidationError(_("Answer every principle (“don’t know” is an answer)."))
    if any(a is not None and a not in AGREEMENT_RATINGS for a in agreements.values()):
        raise ValidationError(_("Agreement goes from 1 (strongly disagree) to 5 (strongly agree)."))

    keys = respondent_keys(pulse.pk, person.pk)
    respondent = PulseRespondent.objects.filter(pulse=pulse, person=person).first()
    response = PulseResponse.objects.filter(pulse=pulse, respondent_key__in=keys).first()
    if respondent is None:
        PulseRespondent.objects.create(pulse=pulse, person=person)
    if response is None:
        response = PulseResponse(pulse=pulse)
    response.respondent_key = keys[0]
    response.perspective = membership.perspective
    response.rung = rungs[rung]
    response.more_equal = more_equal.strip()
    response.save()
    response.agreements.all().delete()
    PulseAgreement.objects.bulk_create(
        [
            PulseAgreement(response=response, principle=item, agreement=agreements[key])
            for key, item in principles.items()
        ]
    )
    audit.record(by=by, action="pulse.respond", obj=pulse)
    return response


@transaction.atomic
def close_pulse(*, by, pulse: Pulse) -> Pulse:
    if pulse.closed_at is not None:
        raise ValidationError(_("This pulse is already closed."))
    pulse.closed_at = timezone.now()
    pulse.save(update_fields=["closed_at"])
    audit.record(
        by=by,
        action="pulse.close",
        obj=pulse,
        changes={"closed_at": [None, pulse.closed_at.isoformat()]},
    )
    return pulse
