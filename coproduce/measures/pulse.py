"""Combining coproduction pulse responses into distributions and the perception gap.

Pure functions over plain values. The perception gap between lived-experience and professional
members is the headline figure (docs/domain.md §4).

Definitions:

- A rung is measured by its position on the ladder version the pulse used (TLAP: 1 coercion ...
  7 co-production). Agreement with a principle is 1 strongly disagree ... 5 strongly agree;
  "don't know" (None) is counted but left out of medians.
- Groups are those of the readiness check (readiness.GROUPS): lived experience (lived_experience
  and carer), professional, community. A group with fewer than 3 respondents is suppressed: none
  of its figures are returned, only that it is too small. Because "Everyone" is shown beside the
  groups, hiding one small group is not enough (Everyone minus the shown groups would be that
  group), so the next-smallest group is hidden too whenever the hidden groups hold fewer than 3
  people between them (coproduce.core.suppression). A median needs at least 3 values.
- **Perception gap** = median of the lived-experience group minus median of the professional
  group: for the rung, and for each principle. Negative means lived-experience members see the
  project as less equal (a lower rung, less agreement) than professionals. It is None when either
  group is suppressed (for being small or to protect a small group) or has fewer than 3 values
  for that measure. Medians of an even count are the mean of the middle two, so gaps can be
  halves.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from django.conf import settings
from django.utils.crypto import salted_hmac

from coproduce.core.suppression import suppress

from .readiness import GROUPS, MIN_SHOWN, group_of

AGREEMENT_VALUES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class PrincipleFigures:
    counts: dict  # 1..5 -> number
    dont_know: int
    median: float | None


@dataclass(frozen=True)
class GroupFigures:
    n: int
    shown: bool
    rung_counts: dict  # rung key -> number, in ladder order (empty when not shown)
    rung_median: float | None  # a ladder position
    principles: dict  # principle key -> PrincipleFigures (empty when not shown)
    # Why a group is not shown: "too_few" (under 3), "protects" (hidden so that a smaller
    # group cannot be worked out from Everyone), "" when shown or empty.
    withheld: str = ""


@dataclass(frozen=True)
class Gap:
    rung: float | None
    principles: dict  # principle key -> float | None
    # True when lived experience or professional is hidden only to protect a smaller group
    # (so the page can say why there is no gap although both have 3 or more respondents).
    protects: bool = False

    def largest_principle(self) -> tuple[str, float] | None:
        """The principle with the widest gap (first in order on ties), if any gap is known."""
        known = [(k, v) for k, v in self.principles.items() if v is not None]
        if not known:
            return None
        return max(known, key=lambda kv: abs(kv[1]))


@dataclass(frozen=True)
class PulseResult:
    respondents: int
    groups: dict  # group -> GroupFigures
    overall: GroupFigures
    gap: Gap


def _median(values: list[int]) -> float | None:
    return float(median(values)) if len(values) >= MIN_SHOWN else None


def _figures(
    rungs: Sequence[str], principles: Sequence[str], rows: list, withheld: str = ""
) -> GroupFigures:
    n = len(rows)
    if n < MIN_SHOWN or withheld:
        return GroupFigures(
            n=n, shown=False, rung_counts={}, rung_median=None, principles={}, withheld=withheld
        )
    position = {key: index for index, key in enumerate(rungs, start=1)}
    rung_counts = dict.fromkeys(rungs, 0)
    for rung, _agreements in rows:
        rung_counts[rung] += 1
    figures = {}
    for key in principles:
        values = [a.get(key) for _rung, a in rows]
        given = [v for v in values if v is not None]
        figures[key] = PrincipleFigures(
            counts={v: given.count(v) for v in AGREEMENT_VALUES},
            dont_know=len(values) - len(given),
            median=_median(given),
        )
    return GroupFigures(
        n=n,
        shown=True,
        rung_counts=rung_counts,
        rung_median=_median([position[r] for r, _a in rows]),
        principles=figures,
    )


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def combine(
    rungs: Sequence[str], principles: Sequence[str], responses: Iterable[tuple[str, str, dict]]
) -> PulseResult:
    """rungs, principles: keys in framework order. responses: (perspective, rung key,
    {principle key: 1-5 or None}). Unknown rung keys are refused by the action, not here."""
    rows = {g: [] for g in GROUPS}
    everyone = []
    for perspective, rung, agreements in responses:
        rows[group_of(perspective)].append((rung, agreements))
        everyone.append((rung, agreements))
    hide = suppress({g: len(rows[g]) for g in GROUPS}, threshold=MIN_SHOWN)
    groups = {g: _figures(rungs, principles, rows[g], hide.reason(g)) for g in GROUPS}
    lived, professional = groups["lived"], groups["professional"]
    gap = Gap(
        rung=_difference(lived.rung_median, professional.rung_median),
        principles={
            key: _difference(
                lived.principles[key].median if lived.shown else None,
                professional.principles[key].median if professional.shown else None,
            )
            for key in principles
        },
        protects="protects" in (lived.withheld, professional.withheld),
    )
    return PulseResult(
        respondents=len(everyone),
        groups=groups,
        overall=_figures(rungs, principles, everyone),
        gap=gap,
    )


def respondent_keys(pulse_id: int, person_id: int) -> list[str]:
    """The keyed hash that finds a person's pulse response without storing who gave it (the one
    impure helper here: it needs the server's secret). Old secrets (SECRET_KEY_FALLBACKS) still
    find responses saved before a key rotation; the first key is the current one."""
    value = f"pulse:{pulse_id}:person:{person_id}"
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac("coproduce.measures.pulse", value, secret=s, algorithm="sha256").hexdigest()
        for s in secrets
    ]
