"""Reads of frameworks and measures."""

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from . import pulse as pulse_figures
from . import readiness
from .models import (
    Framework,
    FrameworkItem,
    Pulse,
    PulseAgreement,
    PulseRespondent,
    PulseResponse,
    ReadinessAnswer,
    ReadinessRound,
)


def current_frameworks() -> list[Framework]:
    """The newest version of each framework, with its items."""
    newest: dict[str, Framework] = {}
    for framework in Framework.objects.prefetch_related(
        Prefetch("items", queryset=FrameworkItem.objects.order_by("position"))
    ).order_by("key", "-version"):
        newest.setdefault(framework.key, framework)
    return list(newest.values())


def current(key: str) -> Framework:
    """The newest loaded version of one framework."""
    return Framework.objects.filter(key=key).order_by("-version").first()


def framework_versions(key: str) -> QuerySet[Framework]:
    return Framework.objects.filter(key=key).order_by("-version")


# ---------------------------------------------------------------------------------------------
# Readiness check and pulse: each read runs a fixed number of queries whatever the number of
# respondents (tests/measures/test_query_counts.py).


def project_rounds(project) -> list[ReadinessRound]:
    """Every readiness round of a project, newest first, with its criteria and ladder items."""
    return list(
        ReadinessRound.objects.filter(project=project)
        .select_related("criteria", "ladder")
        .prefetch_related(
            Prefetch("criteria__items", queryset=FrameworkItem.objects.order_by("position")),
            Prefetch("ladder__items", queryset=FrameworkItem.objects.order_by("position")),
        )
        .annotate(response_count=Count("responses"))
        .order_by("-opened_at", "-id")
    )


def round_detail(pk: int) -> ReadinessRound:
    return (
        ReadinessRound.objects.select_related("project", "criteria", "ladder")
        .prefetch_related(
            "project__organisations",
            Prefetch("criteria__items", queryset=FrameworkItem.objects.order_by("position")),
            Prefetch("ladder__items", queryset=FrameworkItem.objects.order_by("position")),
        )
        .get(pk=pk)
    )


def round_results(rounds: list[ReadinessRound]) -> dict[int, readiness.RoundResult]:
    """The result of each round, from one query over all their answers."""
    answers: dict[int, dict[int, tuple[str, dict]]] = {r.pk: {} for r in rounds}
    for round_id, response_id, perspective, key, rating in ReadinessAnswer.objects.filter(
        response__round__in=[r.pk for r in rounds]
    ).values_list(
        "response__round_id", "response_id", "response__perspective", "criterion__key", "rating"
    ):
        answers[round_id].setdefault(response_id, (perspective, {}))[1][key] = rating
    return {
        r.pk: readiness.combine(
            [item.key for item in r.criteria.items.all()], answers[r.pk].values()
        )
        for r in rounds
    }


def my_readiness_answers(round_: ReadinessRound, person_id: int | None) -> dict:
    """criterion key -> ReadinessAnswer of this person (empty when they have not answered)."""
    if person_id is None:
        return {}
    return {
        a.criterion.key: a
        for a in ReadinessAnswer.objects.filter(
            response__round=round_, response__person_id=person_id
        ).select_related("criterion")
    }


def individual_readiness_answers(round_: ReadinessRound) -> list[dict]:
    """For managers only: each member's ratings and comments, by name."""
    rows: dict[int, dict] = {}
    for answer in (
        ReadinessAnswer.objects.filter(response__round=round_)
        .select_related("response__person", "criterion")
        .order_by("response__person__full_name", "response_id", "criterion__position")
    ):
        row = rows.setdefault(
            answer.response_id,
            {"response": answer.response, "person": answer.response.person, "answers": {}},
        )
        row["answers"][answer.criterion.key] = answer
    return list(rows.values())


def open_round(project) -> ReadinessRound | None:
    return next(
        (
            r
            for r in ReadinessRound.objects.filter(project=project, closed_at__isnull=True)
            if r.is_open
        ),
        None,
    )


def project_pulses(project) -> list[Pulse]:
    return list(
        Pulse.objects.filter(project=project)
        .annotate(response_count=Count("responses"))
        .order_by("-opened_at", "-id")
    )


def pulse_detail(pk: int) -> Pulse:
    return (
        Pulse.objects.select_related("project", "ladder", "principles")
        .prefetch_related(
            "project__organisations",
            Prefetch("ladder__items", queryset=FrameworkItem.objects.order_by("position")),
            Prefetch("principles__items", queryset=FrameworkItem.objects.order_by("position")),
        )
        .get(pk=pk)
    )


def pulse_result(pulse: Pulse) -> tuple[pulse_figures.PulseResult, list[str]]:
    """The combined figures and the free-text answers, without names, in respondent_key order
    (effectively random, stable between visits, and unrelated to who answered when)."""
    rows: dict = {}
    texts = []
    for pk, perspective, rung, text in (
        PulseResponse.objects.filter(pulse=pulse)
        .order_by("respondent_key")
        .values_list("pk", "perspective", "rung__key", "more_equal")
    ):
        rows[pk] = (perspective, rung, {})
        if text:
            texts.append(text)
    for response_id, key, agreement in PulseAgreement.objects.filter(
        response__pulse=pulse
    ).values_list("response_id", "principle__key", "agreement"):
        rows[response_id][2][key] = agreement
    result = pulse_figures.combine(
        [item.key for item in pulse.ladder.items.all()],
        [item.key for item in pulse.principles.items.all()],
        rows.values(),
    )
    return result, texts


def has_responded(pulse: Pulse, person_id: int | None) -> bool:
    return (
        person_id is not None
        and PulseRespondent.objects.filter(pulse=pulse, person_id=person_id).exists()
    )


def my_pulse_response(pulse: Pulse, person_id: int | None) -> PulseResponse | None:
    """The person's own response, for them to change while the pulse is open."""
    if person_id is None:
        return None
    return (
        PulseResponse.objects.filter(
            pulse=pulse, respondent_key__in=pulse_figures.respondent_keys(pulse.pk, person_id)
        )
        .prefetch_related(
            Prefetch("agreements", queryset=PulseAgreement.objects.select_related("principle"))
        )
        .select_related("rung")
        .first()
    )


def pulse_trend(project, limit: int = 12) -> list[tuple[Pulse, pulse_figures.PulseResult]]:
    """The latest `limit` pulses of a project, oldest first, each with its combined result, from
    three queries whatever the number of responses."""
    pulses = list(
        Pulse.objects.filter(project=project)
        .select_related("ladder", "principles")
        .prefetch_related(
            Prefetch("ladder__items", queryset=FrameworkItem.objects.order_by("position")),
            Prefetch("principles__items", queryset=FrameworkItem.objects.order_by("position")),
        )
        .order_by("-opened_at", "-id")[:limit]
    )
    rows: dict[int, dict] = {p.pk: {} for p in pulses}
    for pulse_id, pk, perspective, rung in PulseResponse.objects.filter(
        pulse__in=pulses
    ).values_list("pulse_id", "pk", "perspective", "rung__key"):
        rows[pulse_id][pk] = (perspective, rung, {})
    for pulse_id, response_id, key, agreement in PulseAgreement.objects.filter(
        response__pulse__in=pulses
    ).values_list("response__pulse_id", "response_id", "principle__key", "agreement"):
        rows[pulse_id][response_id][2][key] = agreement
    return [
        (
            pulse,
            pulse_figures.combine(
                [item.key for item in pulse.ladder.items.all()],
                [item.key for item in pulse.principles.items.all()],
                rows[pulse.pk].values(),
            ),
        )
        for pulse in reversed(pulses)
    ]


# ---------------------------------------------------------------------------------------------
# Many projects at once (the organisation's comparison page): a fixed number of queries for a
# page of projects, whatever each project holds.


def latest_readiness(project_ids) -> dict[int, tuple[ReadinessRound, readiness.RoundResult]]:
    """For each project that has one, its latest readiness round with responses (as in
    `project_rounds`) and that round's result. Four queries however many projects."""
    latest: dict[int, ReadinessRound] = {}
    for round_ in (
        ReadinessRound.objects.filter(project_id__in=list(project_ids))
        .annotate(response_count=Count("responses"))
        .filter(response_count__gt=0)
        .select_related("criteria", "ladder")
        .order_by("project_id", "-opened_at", "-id")
    ):
        latest.setdefault(round_.project_id, round_)
    rounds = list(latest.values())
    prefetch_related_objects(
        rounds,
        Prefetch("criteria__items", queryset=FrameworkItem.objects.order_by("position")),
        Prefetch("ladder__items", queryset=FrameworkItem.objects.order_by("position")),
    )
    results = round_results(rounds)
    return {r.project_id: (r, results[r.pk]) for r in rounds}


def latest_pulses(project_ids) -> dict[int, tuple[Pulse, pulse_figures.PulseResult]]:
    """For each project that has one, its latest pulse (as in `project_pulses`, with or without
    responses) and its combined result (as in `pulse_result`). Five queries however many
    projects."""
    latest: dict[int, Pulse] = {}
    for pulse in (
        Pulse.objects.filter(project_id__in=list(project_ids))
        .select_related("ladder", "principles")
        .order_by("project_id", "-opened_at", "-id")
    ):
        latest.setdefault(pulse.project_id, pulse)
    pulses = list(latest.values())
    prefetch_related_objects(
        pulses,
        Prefetch("ladder__items", queryset=FrameworkItem.objects.order_by("position")),
        Prefetch("principles__items", queryset=FrameworkItem.objects.order_by("position")),
    )
    rows: dict[int, dict] = {p.pk: {} for p in pulses}
    for pulse_id, pk, perspective, rung in (
        PulseResponse.objects.filter(pulse__in=pulses)
        .order_by("pulse_id", "respondent_key")
        .values_list("pulse_id", "pk", "perspective", "rung__key")
    ):
        rows[pulse_id][pk] = (perspective, rung, {})
    for pulse_id, response_id, key, agreement in PulseAgreement.objects.filter(
        response__pulse__in=pulses
    ).values_list("response__pulse_id", "response_id", "principle__key", "agreement"):
        rows[pulse_id][response_id][2][key] = agreement
    return {
        pulse.project_id: (
            pulse,
            pulse_figures.combine(
                [item.key for item in pulse.ladder.items.all()],
                [item.key for item in pulse.principles.items.all()],
                rows[pulse.pk].values(),
            ),
        )
        for pulse in pulses
    }
