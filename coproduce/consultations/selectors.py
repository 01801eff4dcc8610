"""Reads for the dashboards, calibration and exports. Every figure goes through scoring.py and
respects the organisation's minimum number of complete responses."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from coproduce.core.agreement import cohen_kappa, icc_2_1

from . import instruments, scoring
from .actions import minimum_for
from .models import Consultation, MemberRole, Observation, Response, SurveyLink, TeamMember

# Linear weights: the checklist's three points (and OPTION5's five) are ordered, and a
# one-step difference is a smaller disagreement than two steps.
KAPPA_WEIGHTS = "linear"


@dataclass(frozen=True)
class InstrumentFigures:
    instrument: instruments.Instrument
    overall: scoring.GroupFigure
    months: list  # [(first day of month, GroupFigure)], newest first


def _answer_rows(instrument, responses) -> list[list[int | None]]:
    return [[r.answers.get(i.key) for i in instrument.items] for r in responses]


def _figure(instrument, responses, minimum):
    return scoring.group_figure(
        instrument.scoring,
        _answer_rows(instrument, responses),
        maximum=instrument.maximum_value,
        minimum=minimum,
    )


def patient_figures(responses, minimum: int) -> list[InstrumentFigures]:
    """responses: a Response queryset (or list) for one group."""
    by_instrument = defaultdict(list)
    for response in responses:
        by_instrument[response.instrument].append(response)
    result = []
    for key in sorted(by_instrument):
        instrument = instruments.get(key)
        rows = by_instrument[key]
        months = defaultdict(list)
        for r in rows:
            months[r.received_on.replace(day=1)].append(r)
        result.append(
            InstrumentFigures(
                instrument=instrument,
                overall=_figure(instrument, rows, minimum),
                months=[
                    (month, _figure(instrument, months[month], minimum))
                    for month in sorted(months, reverse=True)
                ],
            )
        )
    return result


def responses_for(*, organisation=None, team=None, clinician=None):
    qs = Response.objects.all()
    if clinician is not None:
        qs = qs.filter(link__clinician=clinician)
    elif team is not None:
        qs = qs.filter(link__team=team)
    else:
        qs = qs.filter(link__team__organisation=organisation)
    return qs.only("instrument", "answers", "received_on")


def consultations_for(*, organisation=None, team=None, clinician=None):
    qs = Consultation.objects.all()
    if clinician is not None:
        qs = qs.filter(clinician=clinician)
    elif team is not None:
        qs = qs.filter(team=team)
    else:
        qs = qs.filter(team__organisation=organisation)
    return qs


@dataclass(frozen=True)
class ProfileRow:
    item: instruments.Item
    mean_percent: float | None  # mean rating as a percentage of the item's maximum
    rated: int  # observations where the item applied
    least: bool  # among the least coproductive items


def profile(consultations, instrument_key="coproductive-consultation-checklist", lowest=3):
    """The task-by-task profile: for each item, the mean rating over every observation."""
    instrument = instruments.get(instrument_key)
    observations = Observation.objects.filter(
        consultation__in=consultations, consultation__instrument=instrument_key
    ).only("ratings")
    sums, counts = defaultdict(int), defaultdict(int)
    total = 0
    for obs in observations:
        total += 1
        for item in instrument.items:
            value = obs.ratings.get(item.key)
            if value is not None:
                sums[item.key] += value
                counts[item.key] += 1
    means = {k: 100 * sums[k] / (counts[k] * instrument.maximum_value) for k in counts if counts[k]}
    ranked = sorted(means, key=lambda k: (means[k], k))[:lowest]
    rows = [
        ProfileRow(
            item=item,
            mean_percent=means.get(item.key),
            rated=counts[item.key],
            least=item.key in ranked,
        )
        for item in instrument.items
    ]
    return {"instrument": instrument, "observations": total, "rows": rows}


def clinician_rows(team, minimum: int):
    """Each clinician in the team with their overall figures (for leads and admins only)."""
    rows = []
    for member in team.members.filter(role=MemberRole.CLINICIAN).select_related("person"):
        rows.append((member, patient_figures(responses_for(clinician=member), minimum)))
    return rows


def dashboard(*, organisation, team=None, clinician=None) -> dict:
    minimum = minimum_for(organisation)
    consultations = consultations_for(organisation=organisation, team=team, clinician=clinician)
    return {
        "minimum": minimum,
        "figures": patient_figures(
            responses_for(organisation=organisation, team=team, clinician=clinician), minimum
        ),
        "profile": profile(consultations),
        "observed": consultations.count(),
    }


# Agreement between two raters


def _pairs(consultations):
    """(consultation, first observation, second observation) for consultations rated twice;
    the first two ratings by time are compared."""
    result = []
    for consultation in consultations.prefetch_related("observations__rater"):
        observations = sorted(consultation.observations.all(), key=lambda o: o.pk)
        if len(observations) >= 2:
            result.append((consultation, observations[0], observations[1]))
    return result


def agreement(team, instrument_key: str) -> dict:
    instrument = instruments.get(instrument_key)
    pairs = _pairs(team.consultations.filter(instrument=instrument_key))
    items = []
    for item in instrument.items:
        first = [a.ratings.get(item.key) for _c, a, _b in pairs]
        second = [b.ratings.get(item.key) for _c, _a, b in pairs]
        kappa = (
            cohen_kappa(first, second, weights=KAPPA_WEIGHTS, categories=instrument.values)
            if pairs
            else None
        )
        same = sum(1 for a, b in zip(first, second, strict=True) if a == b)
        items.append({"item": item, "kappa": kappa, "same": same, "pairs": len(pairs)})
    totals = [
        [
            scoring.score_one(
                instrument.scoring,
                [a.ratings.get(i.key) for i in instrument.items],
                maximum=instrument.maximum_value,
            ),
            scoring.score_one(
                instrument.scoring,
                [b.ratings.get(i.key) for i in instrument.items],
                maximum=instrument.maximum_value,
            ),
        ]
        for _c, a, b in pairs
    ]
    differences = []
    for consultation, a, b in pairs:
        differing = [
            (item, a.ratings.get(item.key), b.ratings.get(item.key))
            for item in instrument.items
            if a.ratings.get(item.key) != b.ratings.get(item.key)
        ]
        differences.append(
            {"consultation": consultation, "first": a, "second": b, "items": differing}
        )
    return {
        "instrument": instrument,
        "pairs": len(pairs),
        "items": items,
        "icc": icc_2_1(totals) if len(totals) >= 2 else None,
        "totals": totals,
        "differences": differences,
        "weights": KAPPA_WEIGHTS,
    }


def observer_instruments_used(team) -> list:
    keys = sorted(set(team.consultations.values_list("instrument", flat=True)))
    return [instruments.get(k) for k in keys]


def team_links(team, clinician=None):
    qs = SurveyLink.objects.filter(team=team).select_related("clinician__person")
    if clinician is not None:
        qs = qs.filter(clinician=clinician)
    return qs


def my_clinician_roles(person_id):
    return TeamMember.objects.filter(person_id=person_id).select_related(
        "team__organisation", "person"
    )


def export_rows(organisation):
    """The dashboard figures (never individual responses), honouring the minimum: one row per
    group, questionnaire and month, plus an "all" row for each group and questionnaire."""
    minimum = minimum_for(organisation)
    groups = [("organisation", organisation.name, responses_for(organisation=organisation))]
    for team in organisation.consultation_teams.all():
        groups.append(("team", team.name, responses_for(team=team)))
        for member in team.members.filter(role=MemberRole.CLINICIAN).select_related("person"):
            groups.append(
                (
                    "clinician",
                    f"{member.person.full_name} ({team.name})",
                    responses_for(clinician=member),
                )
            )
    for level, name, responses in groups:
        for figures in patient_figures(responses, minimum):
            for month, figure in [(None, figures.overall), *figures.months]:
                yield {
                    "level": level,
                    "name": name,
                    "instrument": figures.instrument,
                    "month": month,
                    "figure": figure,
                }


def month_label(month: datetime.date | None) -> str:
    return month.strftime("%Y-%m") if month else ""
