"""Scoring exactly as published, as pure functions (no database).

An answer of None is missing (or, where the instrument allows it, "not applicable").

- CollaboRATE (Elwyn et al. 2013; Barr et al. 2014): an encounter counts only if all three items
  are answered. Top-box score: the percentage of complete encounters with every item at the
  scale's maximum (9 on the 0–9 version, 4 on the 0–4). Mean score: the mean, over complete
  encounters, of the encounter's total (the sum of its three items: 0–27 or 0–12), as published.
- SDM-Q-9 (Kriston et al. 2010): the raw sum of the nine items (0–45) × 20/9 gives 0–100. A
  response with any item missing is not scored here.
- Observer OPTION5 (Elwyn et al. 2013): the sum of the five items (0–20) × 5 gives 0–100.
- CARE (Mercer et al. 2004): the sum of the ten items (each 1–5) gives 10–50. Up to two items
  missing or "does not apply" are replaced by the average of the remaining items; the total is
  then rounded to a whole number (halves up). With three or more missing the response is invalid.
- Our checklist: each item 0 (not done), 1 (partly), 2 (done well) or not applicable; the score
  is the percentage of the possible points over the applicable items.

A group (a clinician, team or organisation) gets a figure only with at least the minimum number
of complete responses (25 for CollaboRATE and CARE by default); below it, no figure at all.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CARE_ITEMS = 10
CARE_MAX_MISSING = 2
SDM_Q9_ITEMS = 9
OPTION5_ITEMS = 5
DEFAULT_MINIMUM = 25


def _complete(answers: Sequence[int | None]) -> bool:
    return len(answers) > 0 and all(a is not None for a in answers)


@dataclass(frozen=True)
class CollaborateSummary:
    complete: int
    incomplete: int
    top_box: float | None  # percentage, 0–100
    mean_total: float | None


def collaborate(encounters: Sequence[Sequence[int | None]], *, maximum: int) -> CollaborateSummary:
    complete = [list(e) for e in encounters if _complete(e)]
    incomplete = len(encounters) - len(complete)
    if not complete:
        return CollaborateSummary(0, incomplete, None, None)
    top = sum(1 for e in complete if all(v == maximum for v in e))
    return CollaborateSummary(
        complete=len(complete),
        incomplete=incomplete,
        top_box=100 * top / len(complete),
        mean_total=sum(sum(e) for e in complete) / len(complete),
    )


def sdm_q9(answers: Sequence[int | None]) -> float | None:
    if len(answers) != SDM_Q9_ITEMS or not _complete(answers):
        return None
    return sum(answers) * 20 / 9


def option5(ratings: Sequence[int | None]) -> int | None:
    if len(ratings) != OPTION5_ITEMS or not _complete(ratings):
        return None
    return sum(ratings) * 5


def care(answers: Sequence[int | None]) -> int | None:
    if len(answers) != CARE_ITEMS:
        return None
    given = [a for a in answers if a is not None]
    missing = CARE_ITEMS - len(given)
    if missing > CARE_MAX_MISSING:
        return None
    total = Decimal(sum(given)) + Decimal(missing) * Decimal(sum(given)) / Decimal(len(given))
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def checklist(ratings: Sequence[int | None], *, maximum: int = 2) -> float | None:
    applicable = [r for r in ratings if r is not None]
    if not applicable:
        return None
    return 100 * sum(applicable) / (maximum * len(applicable))


def enough(count: int, minimum: int) -> bool:
    """Whether a group has enough complete responses for any figure to be shown."""
    return count >= minimum


def score_one(scoring: str, answers: Sequence[int | None], *, maximum: int = 0) -> float | None:
    """One response's or observation's score (None: incomplete or invalid)."""
    if scoring == "collaborate":
        return float(sum(answers)) if _complete(answers) else None
    if scoring == "sdm_q9":
        return sdm_q9(answers)
    if scoring == "option5":
        value = option5(answers)
        return None if value is None else float(value)
    if scoring == "care":
        value = care(answers)
        return None if value is None else float(value)
    if scoring == "checklist":
        return checklist(answers, maximum=maximum or 2)
    raise ValueError(scoring)


@dataclass(frozen=True)
class GroupFigure:
    """What a dashboard shows for one group: `shown` False means "not enough responses yet"."""

    count: int  # complete (scored) responses
    minimum: int
    shown: bool
    score: float | None  # mean score (CollaboRATE: mean total)
    top_box: float | None  # CollaboRATE only


def group_figure(
    scoring: str, responses: Sequence[Sequence[int | None]], *, maximum: int, minimum: int
) -> GroupFigure:
    if scoring == "collaborate":
        summary = collaborate(responses, maximum=maximum)
        shown = enough(summary.complete, minimum)
        return GroupFigure(
            count=summary.complete,
            minimum=minimum,
            shown=shown,
            score=summary.mean_total if shown else None,
            top_box=summary.top_box if shown else None,
        )
    scores = [
        s for s in (score_one(scoring, r, maximum=maximum) for r in responses) if s is not None
    ]
    shown = enough(len(scores), minimum)
    return GroupFigure(
        count=len(scores),
        minimum=minimum,
        shown=shown,
        score=sum(scores) / len(scores) if shown and scores else None,
        top_box=None,
    )
