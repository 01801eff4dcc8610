"""Every write about consultations, each in one transaction with its audit event.

An anonymous survey response is recorded as by the system (`by=None`) and its audit event holds
only the instrument, the link and the answers: nothing about who answered.
"""

import datetime
from dataclasses import astuple

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import audit

from . import bursts, instruments
from .models import (
    Consultation,
    InstrumentPermission,
    MemberRole,
    Observation,
    Response,
    Settings,
    Source,
    SurveyLink,
    Team,
    TeamMember,
    Token,
)

MAX_TOKENS = 200
MAX_WINDOW_DAYS = 366


def _today(day=None):
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return day


def _instrument(key, reporter=None):
    try:
        instrument = instruments.get(key)
    except KeyError:
        raise ValidationError(_("Choose a questionnaire or checklist from the list.")) from None
    if reporter and instrument.reporter != reporter:
        raise ValidationError(_("Choose a questionnaire or checklist from the list."))
    return instrument


def permission_for(organisation, instrument) -> InstrumentPermission | None:
    return InstrumentPermission.objects.filter(
        organisation=organisation, instrument=instrument.key
    ).first()


def _require_usable(organisation, instrument):
    if instrument.needs_permission and permission_for(organisation, instrument) is None:
        raise ValidationError(
            _(
                "%(title)s can be used only after the organisation records that it holds "
                "permission and enters the wording."
            )
            % {"title": instrument.title_in("en")}
        )


# Settings and permissions


@transaction.atomic
def set_minimum(*, by, organisation, minimum_responses: int) -> Settings:
    if minimum_responses < 1 or minimum_responses > 1000:
        raise ValidationError({"minimum_responses": _("Enter a whole number from 1 to 1000.")})
    settings, _created = Settings.objects.get_or_create(organisation=organisation)
    before = audit.snapshot(settings, ["minimum_responses"])
    settings.minimum_responses = minimum_responses
    settings.save()
    audit.record(
        by=by,
        action="consultations.minimum_set",
        obj=settings,
        changes=audit.diff(before, audit.snapshot(settings, ["minimum_responses"])),
    )
    return settings


def minimum_for(organisation) -> int:
    settings = Settings.objects.filter(organisation=organisation).first()
    return settings.minimum_responses if settings else 25


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@transaction.atomic
def record_permission(
    *,
    by,
    organisation,
    instrument: str,
    granted_by: str,
    granted_on: datetime.date,
    reference: str = "",
    wording_en: str = "",
    wording_cy: str = "",
) -> InstrumentPermission:
    """Record permission to use an instrument's wording, and the wording itself: English for a
    structure-only instrument (required), Welsh optional. For a verbatim instrument the English is
    fixed, so only a Welsh version (the permitted translation) may be entered."""
    item = _instrument(instrument)
    if item.licence_status == "ours":
        raise ValidationError(_("This checklist is ours and needs no permission."))
    errors = {}
    if not granted_by.strip():
        errors["granted_by"] = _("Enter who granted permission.")
    if granted_on > timezone.localdate():
        errors["granted_on"] = _("The date cannot be in the future.")
    english, welsh = _lines(wording_en), _lines(wording_cy)
    count = len(item.items)
    if item.licence_status == "verbatim":
        if english:
            errors["wording_en"] = _(
                "The English wording of this questionnaire is fixed by its licence and cannot be "
                "changed."
            )
        if len(welsh) != count:
            errors["wording_cy"] = _("Enter exactly %(count)s lines, one for each item.") % {
                "count": count
            }
    else:
        if len(english) != count:
            errors["wording_en"] = _("Enter exactly %(count)s lines, one for each item.") % {
                "count": count
            }
        if welsh and len(welsh) != count:
            errors["wording_cy"] = _("Enter exactly %(count)s lines, one for each item.") % {
                "count": count
            }
    if errors:
        raise ValidationError(errors)
    wording = {"en": english} if english else {}
    if welsh:
        wording["cy"] = welsh
    permission, created = InstrumentPermission.objects.update_or_create(
        organisation=organisation,
        instrument=item.key,
        defaults={
            "granted_by": granted_by.strip(),
            "granted_on": granted_on,
            "reference": reference.strip(),
            "wording": wording,
            "recorded_at": timezone.now(),
        },
    )
    audit.record(
        by=by,
        action="consultations.permission_recorded",
        obj=permission,
        changes=audit.created(
            permission, ["organisation", "instrument", "granted_by", "granted_on", "reference"]
        ),
    )
    return permission


# Teams


@transaction.atomic
def create_team(*, by, organisation, name: str) -> Team:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the team's name.")})
    if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": _("There is already a team with this name.")})
    team = Team.objects.create(organisation=organisation, name=name)
    audit.record(
        by=by,
        action="consultations.team_created",
        obj=team,
        changes=audit.created(team, ["organisation", "name"]),
    )
    return team


@transaction.atomic
def add_member(*, by, team, person, role: str) -> TeamMember:
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if person.erased_at is not None:
        raise ValidationError({"person": _("This person's record has been erased.")})
    if TeamMember.objects.filter(team=team, person=person, role=role).exists():
        raise ValidationError({"person": _("This person already has this role in the team.")})
    member = TeamMember.objects.create(team=team, person=person, role=role)
    audit.record(
        by=by,
        action="consultations.member_added",
        obj=member,
        changes=audit.created(member, ["team", "person", "role"]),
    )
    return member


# Survey links and tokens


@transaction.atomic
def create_link(
    *,
    by,
    team,
    instrument: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    clinician=None,
    one_use: bool = False,
) -> SurveyLink:
    item = _instrument(instrument, "patient")
    _require_usable(team.organisation, item)
    errors = {}
    if valid_to < valid_from:
        errors["valid_to"] = _("The closing date must be on or after the opening date.")
    elif (valid_to - valid_from).days > MAX_WINDOW_DAYS:
        errors["valid_to"] = _("A link can be open for a year at most.")
    if clinician is not None and (
        clinician.team_id != team.pk or clinician.role != MemberRole.CLINICIAN
    ):
        errors["clinician"] = _("Choose a clinician in this team.")
    if errors:
        raise ValidationError(errors)
    link = SurveyLink.objects.create(
        team=team,
        clinician=clinician,
        instrument=item.key,
        valid_from=valid_from,
        valid_to=valid_to,
        one_use=one_use,
    )
    audit.record(
        by=by,
        action="consultations.link_created",
        obj=link,
        changes=audit.created(
            link, ["team", "clinician", "instrument", "valid_from", "valid_to", "one_use"]
        ),
    )
    return link


@transaction.atomic
def create_tokens(*, by, link, count: int) -> list[Token]:
    if count < 1 or count > MAX_TOKENS:
        raise ValidationError(
            {"count": _("Enter a number from 1 to %(max)s.") % {"max": MAX_TOKENS}}
        )
    tokens = []
    for _n in range(count):
        # A clash of 8 random characters is very unlikely; retry rather than fail.
        for _attempt in range(5):
            token = Token(link=link)
            if not Token.objects.filter(code=token.code).exists():
                token.save()
                tokens.append(token)
                break
    audit.record(
        by=by, action="consultations.tokens_created", obj=link, changes={"tokens": [0, count]}
    )
    return tokens


def link_is_open(link, day=None) -> bool:
    day = day or timezone.localdate()
    return link.valid_from <= day <= link.valid_to


def check_token(link, code: str) -> Token:
    """The unused token `code` of `link`, or a ValidationError saying why not."""
    code = (code or "").strip().upper().replace(" ", "")
    if not code:
        raise ValidationError({"token": _("Enter the code printed on your card.")})
    token = Token.objects.filter(link=link, code=code).first()
    if token is None:
        raise ValidationError(
            {"token": _("This code was not recognised. Check it against your card.")}
        )
    if token.used_on is not None:
        raise ValidationError(
            {
                "token": _(
                    "This code has already been used. Each code can be used only once, so these "
                    "answers cannot be sent again."
                )
            }
        )
    return token


def _clean_answers(instrument, answers: dict, *, required: bool) -> dict:
    allowed = set(instrument.values)
    clean, errors = {}, {}
    for item in instrument.items:
        value = answers.get(item.key)
        if value in ("", None):
            value = None
        elif value == "na" and instrument.allows_not_applicable:
            value = None
        else:
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = -1
            if value not in allowed:
                errors[item.key] = _("Choose one of the answers.")
                continue
        if (
            value is None
            and required
            and not (instrument.allows_not_applicable and answers.get(item.key) == "na")
        ):
            errors[item.key] = _("Choose an answer for this question.")
        clean[item.key] = value
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def submit_response(
    *,
    link,
    answers: dict,
    language: str = "en",
    token: str = "",
    day=None,
    arrived_at: float | None = None,
) -> Response:
    """An anonymous patient's answers, through the link. Recorded as by the system.

    arrived_at: when the answers came in over the web (time.time()). With it, they are checked
    for a burst of identical answers (bursts.py) and the whole burst is flagged; answers loaded
    in bulk (the demo) have no arrival time and are not checked."""
    day = day or timezone.localdate()
    if not link_is_open(link, day):
        raise ValidationError(_("This questionnaire is closed."))
    if arrived_at is not None:
        # One answer through a link at a time, so the burst check sees every earlier arrival.
        SurveyLink.objects.select_for_update().filter(pk=link.pk).exists()
    item = _instrument(link.instrument, "patient")
    used = None
    if link.one_use:
        used = check_token(link, token)
        # Lock the row so two submissions with the same code cannot both succeed.
        used = Token.objects.select_for_update().get(pk=used.pk)
        if used.used_on is not None:
            check_token(link, token)
    clean = _clean_answers(item, answers, required=True)
    response = Response.objects.create(
        link=link,
        instrument=item.key,
        answers=clean,
        language="cy" if language == "cy" else "en",
        source=Source.ONLINE,
        received_on=day,
    )
    if used is not None:
        used.used_on = day
        used.save(update_fields=["used_on"])
    audit.record(
        by=None,
        action="consultations.response_received",
        obj=response,
        changes=audit.created(response, ["link", "instrument", "answers", "language", "source"]),
    )
    flagged = _flag_bursts(link, response, arrived_at) if arrived_at is not None else []
    if flagged:
        audit.record(
            by=None,
            action="consultations.burst_flagged",
            obj=link,
            changes={"burst": [[], flagged]},
        )
        response.refresh_from_db(fields=["burst"])
    return response


def _flag_bursts(link, response, now: float) -> list[int]:
    """Note this answer's arrival and flag every response of the link in a burst; the ids newly
    flagged. Arrival times live only in the cache, for one window: the responses never hold
    the time of day. The database cache takes part in the caller's transaction."""
    key = f"consultations:arrivals:{link.pk}"
    arrivals = [
        bursts.Arrival(*arrival)
        for arrival in cache.get(key, [])
        if now - arrival[1] <= bursts.WINDOW_SECONDS
    ]
    arrivals.append(bursts.Arrival(response.pk, now, bursts.fingerprint(response.answers)))
    cache.set(key, [astuple(a) for a in arrivals], bursts.WINDOW_SECONDS)
    members = bursts.burst_members(arrivals)
    if not members:
        return []
    flagged = sorted(
        Response.objects.filter(link=link, pk__in=members, burst=False).values_list("pk", flat=True)
    )
    Response.objects.filter(pk__in=flagged).update(burst=True)
    return flagged


@transaction.atomic
def enter_paper_response(
    *, by, link, answers: dict, received_on: datetime.date, language: str = "en"
) -> Response:
    """Staff type in a paper form. Unanswered items are kept as missing, as on the paper, so
    the scoring can drop the incomplete encounter as published."""
    item = _instrument(link.instrument, "patient")
    received_on = _today(received_on)
    clean = _clean_answers(item, answers, required=False)
    if all(v is None for v in clean.values()):
        raise ValidationError(_("Enter at least one answer from the paper form."))
    response = Response.objects.create(
        link=link,
        instrument=item.key,
        answers=clean,
        language="cy" if language == "cy" else "en",
        source=Source.PAPER,
        received_on=received_on,
    )
    audit.record(
        by=by,
        action="consultations.paper_entered",
        obj=response,
        changes=audit.created(
            response, ["link", "instrument", "answers", "language", "source", "received_on"]
        ),
    )
    return response


# Observations


@transaction.atomic
def add_consultation(
    *,
    by,
    team,
    clinician,
    instrument: str,
    reference: str,
    occurred_on: datetime.date,
    mode: str,
) -> Consultation:
    item = _instrument(instrument, "observer")
    _require_usable(team.organisation, item)
    occurred_on = _today(occurred_on)
    errors = {}
    if clinician.team_id != team.pk or clinician.role != MemberRole.CLINICIAN:
        errors["clinician"] = _("Choose a clinician in this team.")
    if not reference.strip():
        errors["reference"] = _(
            "Enter a reference for the recording, such as its number. Do not use the patient's "
            "name or NHS number."
        )
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        team=team,
        clinician=clinician,
        instrument=item.key,
        reference=reference.strip(),
        occurred_on=occurred_on,
        mode=mode,
    )
    audit.record(
        by=by,
        action="consultations.consultation_added",
        obj=consultation,
        changes=audit.created(
            consultation, ["team", "clinician", "instrument", "reference", "occurred_on", "mode"]
        ),
    )
    return consultation


@transaction.atomic
def rate_consultation(*, by, consultation, rater, ratings: dict, notes: str = "") -> Observation:
    """A rater's ratings; rating again replaces their earlier ones (audited as a change)."""
    item = _instrument(consultation.instrument, "observer")
    clean = _clean_answers(item, ratings, required=True)
    observation = Observation.objects.filter(consultation=consultation, rater=rater).first()
    if observation is None:
        observation = Observation.objects.create(
            consultation=consultation, rater=rater, ratings=clean, notes=notes
        )
        audit.record(
            by=by,
            action="consultations.rated",
            obj=observation,
            changes=audit.created(observation, ["consultation", "rater", "ratings", "notes"]),
        )
        return observation
    before = audit.snapshot(observation, ["ratings", "notes"])
    observation.ratings, observation.notes = clean, notes
    observation.save()
    audit.record(
        by=by,
        action="consultations.rating_changed",
        obj=observation,
        changes=audit.diff(before, audit.snapshot(observation, ["ratings", "notes"])),
    )
    return observation
