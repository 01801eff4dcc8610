"""Scoring exactly as published, as pure functions (no database).

An answer of None is missing (or, where the instrument allows it, "not applicable").

- CollaboRATE (Elwyn et al. 2013; Barr et al. 2014; the authors' scoring page,
  glynelwyn.com/scoring-collaborate.html): an encounter counts only if all three items are
  answered. Top score ("top-box"), the method the authors recommend: the percentage of complete
  encounters with every item at the scale's maximum (9 on the 0–9 version, 4 on the 0–4), 0–100.
  Mean score: the mean of the encounter's three items, then the mean of that over complete
  encounters, so it runs 0–9 (0–4 on the 5-point version) like the items. The mean of the
  encounters' totals (0–27 or 0–12) is three times that; it is kept as `mean_total` for anyone
  who needs it but is not the published mean, and is never shown as "mean score".
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
from dataclasses import dataclass, replace
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
    mean_score: float | None  # the published mean: 0–9 (0–4 on the 5-point version)
    mean_total: float | None  # the mean of the three-item totals, 0–27 (0–12): 3 × mean_score


def collaborate(encounters: Sequence[Sequence[int | None]], *, maximum: int) -> CollaborateSummary:
    complete = [list(e) for e in encounters if _complete(e)]
    incomplete = len(encounters) - len(complete)
    if not complete:
        return CollaborateSummary(0, incomplete, None, None, None)
    top = sum(1 for e in complete if all(v == maximum for v in e))
    return CollaborateSummary(
        complete=len(complete),
        incomplete=incomplete,
        top_box=100 * top / len(complete),
        mean_score=sum(sum(e) / len(e) for e in complete) / len(complete),
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
        # The encounter's score on the published 0–9 (0–4) scale: the mean of its items.
        return sum(answers) / len(answers) if _complete(answers) else None
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
    score: float | None  # mean score, as published (CollaboRATE: 0–9, or 0–4)
    top_box: float | None  # CollaboRATE only
    # Why not shown: "too_few" (under the minimum), "protects" (hidden so that a smaller group's
    # figure cannot be worked out from a total; see selectors and coproduce.core.suppression).
    withheld: str = ""

    def withhold(self, reason: str) -> "GroupFigure":
        """The same figure with its scores removed."""
        return replace(self, shown=False, score=None, top_box=None, withheld=reason)


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
            score=summary.mean_score if shown else None,
            top_box=summary.top_box if shown else None,
            withheld="" if shown else "too_few",
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
        withheld="" if shown else "too_few",
    )
