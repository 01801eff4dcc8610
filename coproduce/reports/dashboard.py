"""The project dashboard and the organisation's comparison of its projects.

Composes the other apps' selectors (reports is the reporting app, so it may read them all);
every figure here also has its own page with the detail behind it.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from coproduce.decisions import selectors as decision_selectors
from coproduce.measures import selectors as measure_selectors
from coproduce.measures import summaries
from coproduce.measures.readiness import GROUPS
from coproduce.projects.models import Project

from . import selectors


@dataclass(frozen=True)
class ReadinessSummary:
    round: object
    result: object
    rung_label: str | None
    holding_back: list  # criterion labels
    text: str


@dataclass(frozen=True)
class PulseSummary:
    pulse: object
    result: object
    # (group label, n or None when hidden, shown, median rung words, why hidden: "too_few",
    # "protects" or ""). The pulse's suppression decides `shown`, so this summary hides the same
    # groups as the pulse page and no hidden group is Everyone minus the shown ones.
    rows: list
    gap_text: str
    principle_text: str


def readiness_summary(project) -> ReadinessSummary | None:
    rounds = [r for r in measure_selectors.project_rounds(project) if r.response_count]
    if not rounds:
        return None
    latest = rounds[0]
    result = measure_selectors.round_results([latest])[latest.pk]
    ladder = {item.key: item.label for item in latest.ladder.items.all()}
    criteria = {item.key: item.label for item in latest.criteria.items.all()}
    rung = result.recommendation.rung
    return ReadinessSummary(
        round=latest,
        result=result,
        rung_label=ladder.get(rung) if rung else None,
        holding_back=[criteria[k] for k in result.recommendation.holding_back],
        text=summaries.readiness(result),
    )


def pulse_summary(project) -> PulseSummary | None:
    pulses = measure_selectors.project_pulses(project)
    if not pulses:
        return None
    latest = pulses[0]
    result, _texts = measure_selectors.pulse_result(latest)
    rungs = [item.label for item in latest.ladder.items.all()]
    principles = {item.key: item.label for item in latest.principles.items.all()}
    rows = []
    for group in GROUPS:
        figures = result.groups.get(group)
        if figures is None:
            continue
        rows.append(
            (
                summaries.group_label(group),
                figures.n if figures.shown else None,
                figures.shown,
                summaries.between(figures.rung_median, rungs) if figures.shown else "",
                figures.withheld,
            )
        )
    return PulseSummary(
        pulse=latest,
        result=result,
        rows=rows,
        gap_text=summaries.rung_gap(result.gap),
        principle_text=summaries.principle_gap(result.gap, principles),
    )


def project_dashboard(project) -> dict:
    return {
        "readiness": readiness_summary(project),
        "pulse": pulse_summary(project),
        "power": decision_selectors.power_sharing(project)["overall"],
        "reviews": list(decision_selectors.due_for_review(project)[:10]),
        "open_actions": list(selectors.open_actions(project)[:10]),
        "chain": selectors.chain_counts(project),
    }


def organisation_projects(organisation) -> QuerySet[Project]:
    return (
        Project.objects.filter(organisations=organisation)
        .prefetch_related("organisations")
        .order_by("title", "id")
    )


def comparison_rows(projects) -> list[dict]:
    """The rows of the organisation view for these projects (a page of them): each project's
    readiness, perception gap, power sharing and "you said, we did" figures, read for all of
    them together, so a page runs the same queries whatever its projects hold."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    readiness = measure_selectors.latest_readiness(ids)
    pulses = measure_selectors.latest_pulses(ids)
    facts = decision_selectors.decision_facts_by_project(ids)
    chain = selectors.chain_counts_by_project(ids)
    rows = []
    for project in projects:
        recommendation = None
        if project.pk in readiness:
            round_, result = readiness[project.pk]
            rung = result.recommendation.rung
            ladder = {item.key: item.label for item in round_.ladder.items.all()}
            recommendation = ladder.get(rung) if rung else None
        pulse = pulses[project.pk][1] if project.pk in pulses else None
        power = decision_selectors.figures(facts[project.pk])
        rows.append(
            {
                "project": project,
                "recommendation": recommendation,
                "gap": pulse.gap.rung if pulse else None,
                "gap_text": summaries.rung_gap(pulse.gap) if pulse else None,
                "lived_proposals": power.proposals,
                "outside": power.outside.numerator,
                "responded_pct": chain[project.pk]["responded_pct"],
                "overdue_actions": chain[project.pk]["overdue_actions"],
            }
        )
    return rows
