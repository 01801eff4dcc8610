"""Combining readiness answers into a round result and a recommendation (docs/domain.md §3).

Pure functions over plain values, so every rule can be checked with hand-made answers.

Decisions, in one place:

- Ratings are 0 not met, 1 partly met, 2 mostly met, 3 fully met; "don't know" (None) is left
  out of every median but counted and shown overall.
- The summary statistic is the **median**: ratings are ordered categories, and one outlier
  should not move the answer. With an even count it is the mean of the middle two (so 1.5 is
  possible).
- A criterion is **met** when the overall median is at least 2 ("mostly met"). The same
  threshold says whether a perspective group thinks it met.
- Perspective groups: lived experience (perspectives lived_experience and carer), professional,
  community. A group's figure is shown only when at least three of its members gave a rating
  for that criterion; otherwise it is "too few to show", so no one is singled out. Every rating
  still counts in the overall figure, which follows the same rule of three. Everyone's figure is
  shown beside the groups', so, as on every page with a total and its parts
  (coproduce.core.suppression), when the hidden groups hold fewer than 3 ratings between them
  the next-smallest group is hidden too: the shown groups and Everyone never differ by exactly
  one small group.
- **Disagreement** is flagged for a criterion when, among the groups shown, two medians differ by
  2 points or more, or one group's median says met and another's says not. Hidden groups never
  raise the flag (that would reveal them).
- The **recommendation** is a rung of the TLAP ladder chosen by RECOMMENDATION_RULES below.
  Where criteria are not met, a lower rung is the honest recommendation, with what would have
  to change to move up (docs/domain.md §3): each criterion holding it back comes with a
  plain-language sentence from WHAT_WOULD_CHANGE. A criterion with too few ratings to say is
  treated as not met, because the check cannot show it is.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

from django.utils.translation import gettext_lazy as _

from coproduce.core.suppression import suppress

MIN_SHOWN = 3
MET_AT = 2
DISAGREE_BY = 2

GROUPS = ("lived", "professional", "community")
GROUP_OF_PERSPECTIVE = {
    "lived_experience": "lived",
    "carer": "lived",
    "professional": "professional",
    "community": "community",
}
GROUP_LABELS = {
    "lived": _("Lived experience"),
    "professional": _("Professional or staff"),
    "community": _("Community"),
}

WHAT_WOULD_CHANGE = {
    "authority": _(
        "Senior leaders would need to take an active part, and everyone involved would need "
        "permission to work outside the usual way of doing things."
    ),
    "shared_aims": _(
        "The aims would need to be agreed together, so that they matter to everyone and no "
        "single organisation or person drives them."
    ),
    "right_scale": _(
        "The work would need to focus on a smaller area, such as a neighbourhood, practice or "
        "service, where power can really be shared."
    ),
    "measurable_outcomes": _(
        "Everyone would need to agree what should change, including knowledge, confidence, "
        "culture and behaviour, and how you will know it has."
    ),
    "resources": _(
        "There would need to be enough money, time and support for everyone to build "
        "relationships, meet often enough and take part fully."
    ),
    "everyone_delivers": _(
        "People would need a real part in delivering and evaluating the work, not only in "
        "designing it."
    ),
}
WHAT_WOULD_CHANGE_OTHER = _("This criterion would need to be met.")

FOUNDATIONS = frozenset({"authority", "shared_aims"})

# First matching rule wins. `unmet` is the set of criterion keys not met (or unknown).
# Authority and shared aims are the foundations: without them others still decide, so the
# honest rung is below co-design. With both in place, one or two missing conditions (scale,
# outcomes, resources, a part in delivery) still allow designing together; more than that and
# the organisation keeps control in practice.
RECOMMENDATION_RULES: list[tuple[str, object, str]] = [
    (
        "authority and shared aims both not met",
        lambda unmet: FOUNDATIONS <= unmet,
        "consultation",
    ),
    ("authority or shared aims not met", lambda unmet: bool(FOUNDATIONS & unmet), "engagement"),
    ("three or more other criteria not met", lambda unmet: len(unmet) >= 3, "engagement"),
    ("one or two other criteria not met", lambda unmet: bool(unmet), "co_design"),
    ("all criteria met", lambda unmet: True, "co_production"),
]


@dataclass(frozen=True)
class Cell:
    """One group's (or everyone's) figures for one criterion."""

    n: int  # ratings given (not counting "don't know")
    median: float | None  # None when too few to show
    shown: bool
    # True when hidden only so that a smaller group cannot be worked out from "Everyone".
    protects: bool = False

    @property
    def met(self) -> bool | None:
        return None if self.median is None else self.median >= MET_AT


@dataclass(frozen=True)
class CriterionResult:
    key: str
    overall: Cell
    groups: dict  # group -> Cell
    dont_know: int
    disagreement: bool

    @property
    def met(self) -> bool | None:
        """True, False, or None when too few ratings to say."""
        return self.overall.met


@dataclass(frozen=True)
class Recommendation:
    rung: str | None  # a TLAP ladder key, None when there are too few answers to recommend
    rule: str
    holding_back: list = field(default_factory=list)  # criterion keys, in criteria order


@dataclass(frozen=True)
class RoundResult:
    respondents: int
    respondents_by_group: dict  # group -> count (shown only as "fewer than 3" when small)
    criteria: list  # CriterionResult, in criteria order
    recommendation: Recommendation

    def criterion(self, key: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.key == key), None)

    @property
    def met_count(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def disagreement_count(self) -> int:
        return sum(1 for c in self.criteria if c.disagreement)


def group_of(perspective: str) -> str:
    return GROUP_OF_PERSPECTIVE.get(perspective, "community")


def _cell(ratings: list[int], reason: str = "") -> Cell:
    shown = len(ratings) >= MIN_SHOWN and not reason
    return Cell(
        n=len(ratings),
        median=float(median(ratings)) if shown else None,
        shown=shown,
        protects=reason == "protects",
    )


def _disagreement(cells: Iterable[Cell]) -> bool:
    medians = [c.median for c in cells if c.shown]
    if len(medians) < 2:
        return False
    if max(medians) - min(medians) >= DISAGREE_BY:
        return True
    return len({m >= MET_AT for m in medians}) > 1


def recommend(criteria: Sequence[str], met: dict) -> Recommendation:
    """met: criterion key -> True / False / None (too few to say)."""
    if not criteria or all(met.get(key) is None for key in criteria):
        return Recommendation(rung=None, rule="too few answers")
    unmet = {key for key in criteria if not met.get(key)}
    for rule, test, rung in RECOMMENDATION_RULES:
        if test(unmet):
            return Recommendation(
                rung=rung, rule=rule, holding_back=[k for k in criteria if k in unmet]
            )
    raise AssertionError("the last rule always matches")  # pragma: no cover


def combine(criteria: Sequence[str], responses: Iterable[tuple[str, dict]]) -> RoundResult:
    """criteria: the criterion keys in order. responses: (perspective, {key: rating or None})
    for each member who answered."""
    overall: dict[str, list[int]] = {key: [] for key in criteria}
    by_group = {g: {key: [] for key in criteria} for g in GROUPS}
    dont_know = dict.fromkeys(criteria, 0)
    respondents = dict.fromkeys(GROUPS, 0)
    total = 0
    for perspective, ratings in responses:
        group = group_of(perspective)
        respondents[group] += 1
        total += 1
        for key in criteria:
            rating = ratings.get(key)
            if rating is None:
                dont_know[key] += 1
                continue
            overall[key].append(rating)
            by_group[group][key].append(rating)
    results = []
    for key in criteria:
        hide = suppress({g: len(by_group[g][key]) for g in GROUPS}, threshold=MIN_SHOWN)
        cells = {g: _cell(by_group[g][key], hide.reason(g)) for g in GROUPS}
        results.append(
            CriterionResult(
                key=key,
                overall=_cell(overall[key]),
                groups=cells,
                dont_know=dont_know[key],
                disagreement=_disagreement(cells.values()),
            )
        )
    met = {r.key: r.met for r in results}
    return RoundResult(
        respondents=total,
        respondents_by_group=respondents,
        criteria=results,
        recommendation=recommend(criteria, met),
    )


def what_would_change(key: str) -> str:
    return WHAT_WOULD_CHANGE.get(key, WHAT_WOULD_CHANGE_OTHER)
