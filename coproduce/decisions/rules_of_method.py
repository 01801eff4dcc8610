"""How each decision-making method turns positions into a result. Pure functions: no database.

- consent: adopted unless an objection stands (an unresolved "object"); standing aside is fine.
- consensus: adopted only if no block stands and more people agree than disagree (abstentions
  are not counted); otherwise not adopted.
- vote: adopted if more vote yes than no among those voting (abstentions excluded); a tie is not
  adopted.
- advice: the decider decides either way, but only once at least one piece of advice is recorded.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Method, Outcome, Stance

ADOPTING = frozenset({Outcome.ADOPTED, Outcome.AMENDED})


@dataclass(frozen=True)
class Tally:
    counts: Counter = field(default_factory=Counter)
    standing_objections: int = 0
    standing_blocks: int = 0

    def __getitem__(self, stance: str) -> int:
        return self.counts[stance]


def tally(positions: Iterable[tuple[str, bool]]) -> Tally:
    """positions: (stance, resolved) pairs."""
    counts: Counter = Counter()
    objections = blocks = 0
    for stance, resolved in positions:
        counts[stance] += 1
        if stance == Stance.OBJECT and not resolved:
            objections += 1
        elif stance == Stance.BLOCK and not resolved:
            blocks += 1
    return Tally(counts=counts, standing_objections=objections, standing_blocks=blocks)


@dataclass(frozen=True)
class Result:
    """adopted: True or False by the method's rule; None when someone decides (advice).
    ready: False when the decision cannot be closed yet. reason: a sentence for people."""

    adopted: bool | None
    ready: bool
    reason: str


def result(method: str, t: Tally) -> Result:
    if method == Method.CONSENT:
        if t.standing_objections:
            return Result(
                False,
                True,
                _("An objection still stands, so the proposal cannot be adopted by consent."),
            )
        return Result(True, True, _("No objection stands, so the proposal is adopted by consent."))
    if method == Method.CONSENSUS:
        if t.standing_blocks:
            return Result(False, True, _("A block still stands, so there is no consensus."))
        counts = {"agree": t[Stance.AGREE], "disagree": t[Stance.DISAGREE]}
        if t[Stance.AGREE] > t[Stance.DISAGREE]:
            return Result(
                True,
                True,
                _("No block stands and %(agree)s agree against %(disagree)s who disagree.")
                % counts,
            )
        return Result(
            False,
            True,
            _(
                "Consensus needs more people to agree than disagree: "
                "%(agree)s agree, %(disagree)s disagree."
            )
            % counts,
        )
    if method == Method.VOTE:
        counts = {"yes": t[Stance.YES], "no": t[Stance.NO]}
        if t[Stance.YES] > t[Stance.NO]:
            return Result(True, True, _("The vote is carried: %(yes)s yes, %(no)s no.") % counts)
        return Result(False, True, _("The vote is not carried: %(yes)s yes, %(no)s no.") % counts)
    if method == Method.ADVICE:
        if not t[Stance.ADVICE]:
            return Result(
                None, False, _("The decider can decide only after at least one piece of advice.")
            )
        return Result(None, True, _("Advice has been given; the decider decides."))
    raise ValueError(f"unknown method: {method}")


def outcome_error(method: str, t: Tally, outcome: str, *, amended: bool) -> str | None:
    """Why `outcome` contradicts the method's rule, or None if it may be recorded.
    amended: the proposal text was changed while the decision was open."""
    if outcome == Outcome.WITHDRAWN:
        return None
    r = result(method, t)
    if not r.ready:
        return r.reason
    if outcome in ADOPTING and r.adopted is False:
        return r.reason
    if outcome == Outcome.NOT_ADOPTED and r.adopted is True:
        hint = _("To drop the proposal anyway, record it as withdrawn.")
        return f"{r.reason} {hint}"
    if outcome == Outcome.ADOPTED and amended:
        return _("The proposal was amended while it was open: record it as adopted with changes.")
    return None
