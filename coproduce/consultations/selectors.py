"""Reads for the dashboards, calibration and exports. Every figure goes through scoring.py and
respects the organisation's minimum number of complete responses.

The minimum alone does not stop a figure being worked out: the organisation's figure is the sum
of its teams', a team's is the sum of its clinicians' (and of its team-wide links'), and a
group's all-months figure is the sum of its months'. With counts published, a hidden clinician's
mean is (team total - the other clinicians' totals) / their count. So the figures of a whole
organisation are worked out together and coproduce.core.suppression hides, besides every group
under the minimum, the next-smallest group wherever the hidden ones would otherwise be
recoverable from a total. Every dashboard and export reads from that one pattern.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from coproduce.core.agreement import cohen_kappa, icc_2_1
from coproduce.core.suppression import protect

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


ORGANISATION = ("organisation",)
ALL_MONTHS = None


def team_unit(team_id: int) -> tuple:
    return ("team", team_id)


def clinician_unit(member_id: int) -> tuple:
    return ("clinician", member_id)


def _team_wide(team_id: int) -> tuple:
    # Responses through a team link with no clinician: part of the team's figure, never shown
    # on their own, so they count as hidden cover for a small clinician.
    return ("team_wide", team_id)


def _instrument_figures(instrument, rows, minimum) -> dict:
    """rows: (team id, clinician member id or None, month, answers) for one instrument. Returns
    unit -> InstrumentFigures, every figure already suppressed."""
    cells: dict = defaultdict(list)
    teams: dict = defaultdict(set)  # team id -> clinician units
    months = set()
    for team_id, clinician_id, month, answers in rows:
        part = _team_wide(team_id) if clinician_id is None else clinician_unit(clinician_id)
        teams[team_id].add(part)
        months.add(month)
        for unit in (ORGANISATION, team_unit(team_id), part):
            for period in (ALL_MONTHS, month):
                cells[(unit, period)].append(answers)
    figures = {
        cell: scoring.group_figure(
            instrument.scoring,
            answer_rows,
            maximum=instrument.maximum_value,
            minimum=minimum,
        )
        for cell, answer_rows in cells.items()
    }
    periods = [ALL_MONTHS, *sorted(months)]
    relations = []
    for period in periods:
        relations.append(((ORGANISATION, period), [(team_unit(t), period) for t in sorted(teams)]))
        for t, parts in sorted(teams.items()):
            relations.append(((team_unit(t), period), [(u, period) for u in sorted(parts)]))
    units = {unit for unit, _period in cells}
    for unit in sorted(units):
        relations.append(
            ((unit, ALL_MONTHS), [(unit, m) for m in sorted(months) if (unit, m) in cells])
        )
    hide = protect(
        {cell: figure.count for cell, figure in figures.items()},
        relations,
        threshold=minimum,
        unpublished=[cell for cell in cells if cell[0][0] == "team_wide"],
    )
    for cell, figure in figures.items():
        if figure.shown and not hide.shown(cell):
            figures[cell] = figure.withhold("protects")
    return {
        unit: InstrumentFigures(
            instrument=instrument,
            overall=figures[(unit, ALL_MONTHS)],
            months=[
                (m, figures[(unit, m)]) for m in sorted(months, reverse=True) if (unit, m) in cells
            ],
        )
        for unit in units
    }


def organisation_figures(organisation, minimum: int | None = None) -> dict:
    """unit (ORGANISATION, team_unit(id), clinician_unit(id)) -> [InstrumentFigures] in
    instrument order, for every group in the organisation from one query, with small groups and
    the groups that would give them away hidden."""
    if minimum is None:
        minimum = minimum_for(organisation)
    by_instrument = defaultdict(list)
    # A burst of identical answers (bursts.py) never reaches a figure or an export.
    for key, answers, received_on, team_id, clinician_id in Response.objects.filter(
        link__team__organisation=organisation, burst=False
    ).values_list("instrument", "answers", "received_on", "link__team_id", "link__clinician_id"):
        by_instrument[key].append((team_id, clinician_id, received_on.replace(day=1), answers))
    result: dict = defaultdict(list)
    for key in sorted(by_instrument):
        instrument = instruments.get(key)
        answer_rows = [
            (t, c, month, [answers.get(i.key) for i in instrument.items])
            for t, c, month, answers in by_instrument[key]
        ]
        for unit, figures in _instrument_figures(instrument, answer_rows, minimum).items():
            result[unit].append(figures)
    return dict(result)


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


def clinician_rows(team, minimum: int, figures: dict | None = None):
    """Each clinician in the team with their overall figures (for leads and admins only).
    figures: organisation_figures(), when the caller has them already."""
    if figures is None:
        figures = organisation_figures(team.organisation, minimum)
    return [
        (member, figures.get(clinician_unit(member.pk), []))
        for member in team.members.filter(role=MemberRole.CLINICIAN).select_related("person")
    ]


def dashboard(*, organisation, team=None, clinician=None) -> dict:
    minimum = minimum_for(organisation)
    consultations = consultations_for(organisation=organisation, team=team, clinician=clinician)
    if clinician is not None:
        unit = clinician_unit(clinician.pk)
    elif team is not None:
        unit = team_unit(team.pk)
    else:
        unit = ORGANISATION
    return {
        "minimum": minimum,
        "figures": organisation_figures(organisation, minimum).get(unit, []),
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
        # "Same rating" counts the pairs kappa counts: both observers gave a rating. A pair where
        # either said "not applicable" (None) is left out of both, and the page says how many;
        # counting two "not applicable"s as agreement would report more agreement than kappa's.
        rated = [
            (a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None
        ]
        both_na = sum(1 for a, b in zip(first, second, strict=True) if a is None and b is None)
        items.append(
            {
                "item": item,
                "kappa": kappa,
                "same": sum(1 for a, b in rated if a == b),
                "rated": len(rated),
                "both_not_applicable": both_na,
                "one_not_applicable": len(pairs) - len(rated) - both_na,
                "pairs": len(pairs),
            }
        )
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
    by_unit = organisation_figures(organisation, minimum)
    groups = [("organisation", organisation.name, ORGANISATION)]
    for team in organisation.consultation_teams.all():
        groups.append(("team", team.name, team_unit(team.pk)))
        for member in team.members.filter(role=MemberRole.CLINICIAN).select_related("person"):
            groups.append(
                ("clinician", f"{member.person.full_name} ({team.name})", clinician_unit(member.pk))
            )
    for level, name, unit in groups:
        for figures in by_unit.get(unit, []):
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


def burst_counts(team) -> dict[int, int]:
    """link id -> how many of its responses were left out as part of a burst (bursts.py)."""
    rows = (
        Response.objects.filter(link__team=team, burst=True)
        .values_list("link_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def burst_responses(link):
    """The responses of a link left out of the figures as part of a burst, newest first."""
    return link.responses.filter(burst=True).order_by("-received_on", "-id")
