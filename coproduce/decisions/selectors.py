"""Reads of decisions that cross relations, with bounded query counts, and the power-sharing
figures."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from coproduce.projects.models import Project
from coproduce.projects.selectors import visible_projects

from .models import (
    LIVED_PERSPECTIVES,
    OBJECTING,
    SUPPORTIVE,
    Amendment,
    Decision,
    DecisionStatus,
    Method,
    Outcome,
    Position,
)

ADOPTED = (Outcome.ADOPTED, Outcome.AMENDED)
DECIDED = (Outcome.ADOPTED, Outcome.AMENDED, Outcome.NOT_ADOPTED)


def project_decisions(project: Project, ids: Iterable[int] | None = None) -> QuerySet[Decision]:
    decisions = Decision.objects.filter(project=project)
    if ids is not None:
        decisions = decisions.filter(pk__in=list(ids))
    return decisions.select_related("proposer", "outside_organisation").order_by(
        "-created_at", "-id"
    )


def latest_decisions(project: Project, limit: int = 5) -> list[Decision]:
    return list(Decision.objects.filter(project=project).order_by("-created_at", "-id")[:limit])


def decision_detail(pk: int) -> Decision:
    return Decision.objects.select_related(
        "project", "proposer", "decider", "meeting", "outside_organisation"
    ).get(pk=pk)


def decision_positions(decision: Decision) -> list[Position]:
    return list(decision.positions.select_related("person").order_by("person__full_name", "id"))


def decision_amendments(decision: Decision) -> list[Amendment]:
    return list(decision.amendments.select_related("position__person"))


def due_for_review(subject, today: datetime.date | None = None) -> QuerySet[Decision]:
    """Closed decisions (not withdrawn) whose review date has come, for a project or for every
    project a user can see, earliest first."""
    today = today or timezone.localdate()
    decisions = Decision.objects.filter(
        status=DecisionStatus.CLOSED, review_date__lte=today
    ).exclude(outcome=Outcome.WITHDRAWN)
    if isinstance(subject, Project):
        decisions = decisions.filter(project=subject)
    else:
        decisions = decisions.filter(project__in=visible_projects(subject).values("pk"))
    return decisions.select_related("project").order_by("review_date", "id")


# --- Power-sharing figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int
    ids: tuple[int, ...]  # the decisions counted in the numerator, for links
    base_ids: tuple[int, ...] = ()  # the decisions counted in the denominator

    @property
    def percent(self) -> int | None:
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator)


@dataclass(frozen=True)
class DecisionFacts:
    """What the figures need to know about one decision."""

    pk: int
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    method: str
    outcome: str
    proposer_perspective: str
    taken_outside_group: bool
    lived_support: bool = False  # a lived-experience member took a supportive stance
    lived_change: bool = False  # amended because a lived-experience objection was resolved


@dataclass(frozen=True)
class PowerFigures:
    proposals: Figure
    supported: Figure
    changed: Figure
    outside: Figure


def _figure(numerator: list[DecisionFacts], base: list[DecisionFacts]) -> Figure:
    return Figure(
        numerator=len(numerator),
        denominator=len(base),
        ids=tuple(sorted(d.pk for d in numerator)),
        base_ids=tuple(sorted(d.pk for d in base)),
    )


def figures(facts: Iterable[DecisionFacts]) -> PowerFigures:
    """The four power-sharing figures. "Lived experience" means the perspective lived_experience
    or carer, as recorded on the row when it was written.

    (a) proposals: of the decisions proposed in the group (not those taken outside it), how many
        a lived-experience member proposed.
    (b) supported: of the decisions adopted in the group (outcome adopted or adopted with changes)
        by consent, consensus or vote, how many at least one lived-experience member supported:
        their current position is consent, agree or yes. Advice-process decisions are left out
        because advice is not a vote of support.
    (c) changed: of the decisions decided in the group (adopted, adopted with changes, or not
        adopted), how many were adopted with changes where a change to the proposal resolved an
        objection or block raised by a lived-experience member.
    (d) outside: of all decisions taken (decided in the group, or taken outside it by an
        organisation alone), how many were taken outside the group.
    Withdrawn proposals count only in (a).
    """
    facts = list(facts)
    in_group = [d for d in facts if not d.taken_outside_group]
    proposed_by_lived = [d for d in in_group if d.proposer_perspective in LIVED_PERSPECTIVES]
    adopted = [d for d in in_group if d.outcome in ADOPTED and d.method != Method.ADVICE]
    decided = [d for d in in_group if d.outcome in DECIDED]
    taken = decided + [d for d in facts if d.taken_outside_group]
    return PowerFigures(
        proposals=_figure(proposed_by_lived, in_group),
        supported=_figure([d for d in adopted if d.lived_support], adopted),
        changed=_figure(
            [d for d in decided if d.outcome == Outcome.AMENDED and d.lived_change], decided
        ),
        outside=_figure([d for d in taken if d.taken_outside_group], taken),
    )


def decision_facts(project: Project) -> list[DecisionFacts]:
    """Three queries, however many decisions the project has."""
    return decision_facts_by_project([project.pk])[project.pk]


def decision_facts_by_project(project_ids) -> dict[int, list[DecisionFacts]]:
    """`decision_facts` of each of these projects: three queries however many projects."""
    ids = list(project_ids)
    supported = set(
        Position.objects.filter(
            decision__project_id__in=ids,
            perspective__in=LIVED_PERSPECTIVES,
            stance__in=SUPPORTIVE,
        ).values_list("decision_id", flat=True)
    )
    changed = set(
        Amendment.objects.filter(
            decision__project_id__in=ids,
            objector_perspective__in=LIVED_PERSPECTIVES,
            objection_stance__in=OBJECTING,
        ).values_list("decision_id", flat=True)
    )
    facts: dict[int, list[DecisionFacts]] = {pk: [] for pk in ids}
    for project_id, *row in Decision.objects.filter(project_id__in=ids).values_list(
        "project_id",
        "pk",
        "created_at",
        "decided_at",
        "method",
        "outcome",
        "proposer_perspective",
        "taken_outside_group",
    ):
        facts[project_id].append(
            DecisionFacts(*row, lived_support=row[0] in supported, lived_change=row[0] in changed)
        )
    return facts


def quarter_of(moment: datetime.datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, (local.month - 1) // 3 + 1


def figures_by_quarter(
    facts: Iterable[DecisionFacts],
) -> list[tuple[tuple[int, int], PowerFigures]]:
    """The figures for each quarter, oldest first. A decision falls in the quarter it was decided
    (for proposals: the quarter it was proposed), so one decision can count in (a) in one quarter
    and in (b)-(d) in a later one."""
    facts = list(facts)
    by_proposal: dict[tuple[int, int], list[DecisionFacts]] = {}
    by_decision: dict[tuple[int, int], list[DecisionFacts]] = {}
    for d in facts:
        by_proposal.setdefault(quarter_of(d.created_at), []).append(d)
        if d.decided_at is not None:
            by_decision.setdefault(quarter_of(d.decided_at), []).append(d)
    result = []
    for quarter in sorted(set(by_proposal) | set(by_decision)):
        proposed = figures(by_proposal.get(quarter, []))
        decided = figures(by_decision.get(quarter, []))
        result.append(
            (
                quarter,
                PowerFigures(
                    proposals=proposed.proposals,
                    supported=decided.supported,
                    changed=decided.changed,
                    outside=decided.outside,
                ),
            )
        )
    return result


def power_sharing(project: Project) -> dict:
    facts = decision_facts(project)
    return {"overall": figures(facts), "quarters": figures_by_quarter(facts)}
