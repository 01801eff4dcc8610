"""Which figures to hide so that no small group can be seen, directly or by subtraction.

Pure functions over counts (no database), used by every page and export that shows a total
beside its parts: the pulse and readiness check (perspective groups and "Everyone"), the
consultation dashboards and exports (organisation, teams, clinicians; all months and each
month) and the project dashboard.

Hiding a small group is not enough on its own. When "Everyone" (n = 12) is shown beside two
groups (n = 8 and n = 3), the hidden third group is 12 - 8 - 3 = 1 person, and taking the two
shown distributions away from Everyone's gives that person's answers exactly. So the rule is the
standard primary and secondary cell suppression of statistical disclosure control:

1. **Primary**: a cell with fewer than `threshold` people (but at least one) is hidden.
2. **Secondary**, for every total and its parts (a total is the sum of its parts):
   - the hidden parts together must hold at least `threshold` people, so that "total minus the
     shown parts" is a pool at least as big as a group that would be shown;
   - no hidden cell may be the only hidden one beside its total (total minus the others would be
     it), and a hidden total needs a hidden part (or it is the sum of its shown parts).
   While either fails, the next-smallest shown part is hidden too (ties: the first in the order
   given); if no part is left to hide, the total is.
3. **Audit**: a cell can be part of several totals (a clinician's March is part of the team's
   March and of the clinician's all-months figure), and hidden cells can then be worked out by
   combining totals. Every total is written as a linear equation over the hidden cells and solved
   exactly (fractions); if any primary cell can be worked out, or a pool of them is smaller than
   `threshold`, more cells are hidden and the steps repeat.

Cells with a count of 0 have no one to protect and protect no one, so they are never hidden by
this rule (callers may still have nothing to show for them). A cell that is never shown on its
own (`unpublished`, e.g. the team-wide survey links with no clinician row) counts as hidden
cover; being worked out does it no harm unless it leads to a primary cell.

Everything additive that is broken down the same way is protected by the same pattern: counts
inside each group (people on each rung, agreement with each principle, "don't know"), sums
behind means and top-box shares. Counts that a page or export publishes anyway (such as the
number of responses) are part of the pattern's input, not what it hides.

What the audit does not do: bound hidden values by their ranges (a count cannot be negative, a
score cannot pass its maximum), as linear-programming audits do. It guarantees that no hidden
small cell can be worked out exactly, not that nothing can be narrowed down.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

TOTAL = "__total__"
_REST = "__rest__"


@dataclass(frozen=True)
class Suppression:
    """The cells to hide: `primary` (too few people), `secondary` (hidden so that a primary
    cell cannot be worked out) and `unpublished` (never shown anyway, but counted as hidden
    cover)."""

    primary: frozenset
    secondary: frozenset
    unpublished: frozenset = frozenset()

    @property
    def hidden(self) -> frozenset:
        return self.primary | self.secondary | self.unpublished

    def shown(self, cell: Hashable) -> bool:
        return cell not in self.hidden

    def reason(self, cell: Hashable) -> str:
        """ "" when shown, "too_few" (primary) or "protects" (secondary or unpublished)."""
        if cell in self.primary:
            return "too_few"
        if cell in self.secondary or cell in self.unpublished:
            return "protects"
        return ""

    @property
    def total_shown(self) -> bool:
        """For suppress(): whether the total may be shown."""
        return TOTAL not in self.hidden


class _Table:
    def __init__(self, counts, relations, threshold, unpublished):
        self.counts = counts
        self.relations = relations
        self.threshold = threshold
        self.primary = {cell for cell, n in counts.items() if 0 < n < threshold}
        self.unpublished = frozenset(unpublished)
        self.hidden = set(self.primary) | set(self.unpublished)
        self.secondary: set = set()

    def live(self, cell) -> bool:
        return self.counts.get(cell, 0) > 0

    def hide(self, cell) -> None:
        self.hidden.add(cell)
        if cell not in self.primary and cell not in self.unpublished:
            self.secondary.add(cell)

    def lone_is_harmless(self, cell) -> bool:
        # Working out a never-shown cell that is big enough does no harm by itself; the audit
        # catches it if it leads anywhere.
        return cell in self.unpublished and cell not in self.primary

    def smallest_shown(self, cells) -> Hashable | None:
        shown = [c for c in cells if self.live(c) and c not in self.hidden]
        return min(shown, key=lambda c: self.counts[c]) if shown else None  # first of ties

    def needs_more(self, total, parts, known) -> bool:
        """Whether this total gives away a hidden cell, `known` being what an attacker has."""
        if not self.live(total):
            return False
        unknown = [p for p in parts if self.live(p) and not known(p)]
        if known(total):
            if not unknown:
                return False
            if sum(self.counts[p] for p in unknown) < self.threshold and any(
                p in self.primary for p in unknown
            ):
                return True
            return len(unknown) == 1 and not self.lone_is_harmless(unknown[0])
        return not unknown and not self.lone_is_harmless(total)

    def cover(self) -> None:
        """Step 2, repeated over every total until nothing changes."""
        changed = True
        while changed:
            changed = False
            for total, parts in self.relations:
                if self.needs_more(total, parts, lambda c: c not in self.hidden):
                    cell = self.smallest_shown(parts)
                    if cell is None and total not in self.hidden:
                        cell = total
                    if cell is not None:  # None only if the parts do not add up to the total
                        self.hide(cell)
                        changed = True

    def determined(self) -> set:
        """Hidden cells that the shown ones pin down exactly: the totals as linear equations in
        the hidden cells, reduced (Gauss-Jordan, exact fractions); a cell is determined when a
        reduced row is that cell alone."""
        unknown = {c for c in self.hidden if self.live(c)}
        basis: dict = {}  # pivot cell -> row {cell: coefficient}, pivot coefficient 1
        for total, parts in self.relations:
            row: dict = {}
            for cell, sign in [(total, 1), *((p, -1) for p in parts)]:
                if cell in unknown:
                    row[cell] = row.get(cell, 0) + sign
            row = {c: Fraction(v) for c, v in row.items() if v}
            for pivot in [c for c in row if c in basis]:
                factor = row.get(pivot, 0)
                if factor:
                    for c, v in basis[pivot].items():
                        row[c] = row.get(c, 0) - factor * v
                    row = {c: v for c, v in row.items() if v}
            if not row:
                continue
            pivot = next(iter(row))
            scale = row[pivot]
            row = {c: v / scale for c, v in row.items()}
            for other in basis.values():
                factor = other.get(pivot, 0)
                if factor:
                    for c, v in row.items():
                        other[c] = other.get(c, 0) - factor * v
                    for c in [c for c, v in other.items() if not v]:
                        del other[c]
            basis[pivot] = row
        return {pivot for pivot, row in basis.items() if len(row) == 1}

    def audit(self) -> bool:
        """Step 3: hide more if the totals together give a small cell away. True if it did."""
        solved = self.determined()

        def known(c):
            return c not in self.hidden or c in solved

        leaking = [
            (total, parts)
            for total, parts in self.relations
            if any(c in self.primary for c in [total, *parts] if c in solved)
            or self.needs_more(total, parts, known)
        ]
        if not leaking:
            return False
        # Where a hidden cell is alone beside its total, hiding one more shown cell there breaks
        # the chain that works it out.
        extra = set()
        for total, parts in self.relations:
            cells = [c for c in [total, *parts] if self.live(c)]
            lone = [c for c in cells if c in self.hidden]
            if len(lone) == 1 and lone[0] in solved:
                cell = self.smallest_shown(parts)
                if cell is None:
                    cell = self.smallest_shown([total])
                if cell is not None:
                    extra.add(cell)
        if not extra:
            touched = {c for total, parts in leaking for c in [total, *parts]}
            near = [
                c
                for total, parts in self.relations
                if touched & {total, *parts}
                for c in [total, *parts]
            ]
            everything = [c for total, parts in self.relations for c in [total, *parts]]
            cell = self.smallest_shown(near)
            if cell is None:
                cell = self.smallest_shown(everything)
            if cell is None:
                return False
            extra.add(cell)
        for cell in extra:
            self.hide(cell)
        return True


def protect(
    counts: Mapping[Hashable, int],
    relations: Iterable[tuple[Hashable, Sequence[Hashable]]],
    *,
    threshold: int,
    unpublished: Iterable[Hashable] = (),
) -> Suppression:
    """counts: cell -> number of people (or responses) in it. relations: (total cell, its part
    cells), each total being the sum of its parts. Returns the cells to hide."""
    table = _Table(
        counts, [(total, list(parts)) for total, parts in relations], threshold, unpublished
    )
    table.cover()
    while table.audit():
        table.cover()
    return Suppression(
        primary=frozenset(table.primary),
        secondary=frozenset(table.secondary),
        unpublished=table.unpublished,
    )


def suppress(
    counts: Mapping[Hashable, int], *, threshold: int, total: int | None = None
) -> Suppression:
    """One table: groups and the total they add up to (by default the sum of the groups; pass
    `total` when it also holds people in no group). The total is the cell TOTAL."""
    cells = dict(counts)
    cells[TOTAL] = sum(counts.values()) if total is None else total
    unpublished = []
    remainder = cells[TOTAL] - sum(counts.values())
    if remainder:
        # People counted in the total but in no shown group: hidden cover, like a group.
        cells[_REST] = remainder
        unpublished.append(_REST)
    return protect(
        cells,
        [(TOTAL, [*counts, *unpublished])],
        threshold=threshold,
        unpublished=unpublished,
    )
