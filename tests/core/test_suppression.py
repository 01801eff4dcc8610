"""The suppression rule on hand-worked tables (no database)."""

from itertools import product

from coproduce.core.suppression import TOTAL, protect, suppress


def test_suppress_one_small_group_hides_next_smallest():
    # {A: 10, B: 2, C: 7}, threshold 3, total 19 shown. B is under 3: primary. Alone it would be
    # 19 - 10 - 7 = 2, so the hidden groups must hold 3 or more together: the next-smallest
    # shown group, C (7), is hidden too. Now 19 - 10 = 9 is B and C pooled, and B cannot be
    # taken out of it.
    result = suppress({"A": 10, "B": 2, "C": 7}, threshold=3)
    assert result.primary == frozenset({"B"})
    assert result.secondary == frozenset({"C"})
    assert result.hidden == frozenset({"B", "C"})
    assert result.total_shown is True
    assert [result.reason(g) for g in ("A", "B", "C")] == ["", "too_few", "protects"]


def test_suppress_nothing_small_hides_nothing():
    result = suppress({"A": 10, "B": 3, "C": 7}, threshold=3)
    assert (result.primary, result.secondary, result.total_shown) == (
        frozenset(),
        frozenset(),
        True,
    )


def test_suppress_two_small_groups_summing_to_threshold_need_no_more():
    # {A: 10, B: 1, C: 2}: both primary; 13 - 10 = 3 is B and C pooled, itself 3 people.
    result = suppress({"A": 10, "B": 1, "C": 2}, threshold=3)
    assert result.primary == frozenset({"B", "C"})
    assert result.secondary == frozenset()


def test_suppress_two_small_groups_under_threshold_hide_a_third():
    # {A: 10, B: 1, C: 1, D: 5}: B and C primary, pooled 2 < 3, so the smallest shown group, D,
    # goes too: 17 - 10 = 7 is B, C and D pooled.
    result = suppress({"A": 10, "B": 1, "C": 1, "D": 5}, threshold=3)
    assert result.primary == frozenset({"B", "C"})
    assert result.secondary == frozenset({"D"})


def test_suppress_ties_take_the_first_in_order():
    # {A: 4, B: 4, C: 1}: A and B tie as next-smallest; the first given (A) is hidden.
    assert suppress({"A": 4, "B": 4, "C": 1}, threshold=3).secondary == frozenset({"A"})
    assert suppress({"B": 4, "A": 4, "C": 1}, threshold=3).secondary == frozenset({"B"})


def test_suppress_empty_group_neither_hidden_nor_cover():
    # {A: 10, B: 0, C: 2}: C is primary. B has no one to protect and protects no one (hiding
    # a 0 would leave 12 - 10 = 2, still C), so A, the only other group with people, is hidden;
    # only the total, 12, is shown.
    result = suppress({"A": 10, "B": 0, "C": 2}, threshold=3)
    assert result.primary == frozenset({"C"})
    assert result.secondary == frozenset({"A"})
    assert "B" not in result.hidden
    assert result.total_shown is True


def test_suppress_total_too_small_is_hidden_with_its_groups():
    # {A: 1, B: 1}, total 2: everything is under 3, the total included.
    result = suppress({"A": 1, "B": 1}, threshold=3)
    assert result.primary == frozenset({"A", "B", TOTAL})
    assert result.total_shown is False


def test_suppress_total_with_people_in_no_group_counts_them_as_cover():
    # {A: 10, B: 2} in a total of 40: 28 people are in no shown group, so 40 - 10 = 30 is B
    # and those 28 pooled; nothing more needs hiding.
    result = suppress({"A": 10, "B": 2}, threshold=3, total=40)
    assert result.primary == frozenset({"B"})
    assert result.secondary == frozenset()


def _another_table(counts, relations, hidden, cell):
    """An attacker's view: another table with the same shown figures (every total still the sum
    of its parts, nothing negative) in which `cell` is different, moving each hidden cell by -1,
    0 or +1. Returns the other value of `cell`, or None if there is none."""
    free = sorted((c for c in hidden if counts.get(c, 0) > 0), key=repr)
    for moves in product((-1, 0, 1), repeat=len(free)):
        step = dict(zip(free, moves, strict=True))
        if not step[cell] or any(counts[c] + d < 0 for c, d in step.items()):
            continue
        if all(
            step.get(total, 0) == sum(step.get(p, 0) for p in parts) for total, parts in relations
        ):
            return counts[cell] + step[cell]
    return None


def _clinic_months(rows):
    """counts and relations of a small table: rows {unit: [month counts]}, with each unit's
    all-months total and a team total of the units, month by month and overall."""
    months = [f"m{i}" for i in range(len(next(iter(rows.values()))))]
    counts = {}
    for unit, values in rows.items():
        counts.update({(unit, m): v for m, v in zip(months, values, strict=True)})
        counts[(unit, "all")] = sum(values)
    for period in [*months, "all"]:
        counts[("team", period)] = sum(counts[(u, period)] for u in rows)
    relations = [(("team", p), [(u, p) for u in rows]) for p in [*months, "all"]]
    relations += [((u, "all"), [(u, m) for m in months]) for u in [*rows, "team"]]
    return counts, relations


def test_protect_two_way_table_no_hidden_cell_alone_beside_a_total():
    # Two clinicians over two months, threshold 5:
    #          m0   m1   all
    #   x       2   10    12
    #   y       8    9    17
    #   team   10   19    29
    # x-m0 (2) is primary. Month m0: team - y would give it, so y-m0 (8) goes (pool 10). Row x:
    # x-all - x-m1 would give it, so x-m1 (10) goes (pool 12). Now month m1 has x-m1 hidden
    # alone: team-m1 - y-m1 = 10 would give x-m1, then x-m0 = 12 - 10 = 2. So y-m1 goes too.
    # The four month cells are hidden, the totals shown: x-m0 could be 1, 2, 3, ...
    counts, relations = _clinic_months({"x": [2, 10], "y": [8, 9]})
    result = protect(counts, relations, threshold=5)
    assert result.primary == frozenset({("x", "m0")})
    assert result.secondary == frozenset({("y", "m0"), ("x", "m1"), ("y", "m1")})
    assert _another_table(counts, relations, result.hidden, ("x", "m0")) in (1, 3)


def test_protect_audit_catches_a_small_cell_worked_out_from_several_totals():
    # Threshold 5:
    #          m0   m1   m2   all
    #   u0      0   10    0    10
    #   u1      8    0    1     9
    #   u2      2    3    0     5
    #   team   10   13    1    24
    # Taking the next-smallest cell beside each total is not enough here. It leaves team-m1
    # (13), team-all (24) and u1-all (9) shown, and then team-m0 + team-m2 = 24 - 13 = 11,
    # which is u1's two months plus u2-m0; u1's months are 9, so u2-m0 = 11 - 9 = 2. The audit
    # solves the totals together, finds that, and hides u1-all as well.
    counts, relations = _clinic_months({"u0": [0, 10, 0], "u1": [8, 0, 1], "u2": [2, 3, 0]})
    result = protect(counts, relations, threshold=5)
    assert result.primary == frozenset({("u1", "m2"), ("u2", "m0"), ("u2", "m1"), ("team", "m2")})
    assert result.secondary == frozenset(
        {("team", "m0"), ("u0", "all"), ("u0", "m1"), ("u1", "all"), ("u1", "m0"), ("u2", "all")}
    )
    shown = {cell: n for cell, n in counts.items() if cell not in result.hidden and n}
    assert shown == {("team", "m1"): 13, ("team", "all"): 24}
    for cell in result.primary:
        assert _another_table(counts, relations, result.hidden, cell) is not None


def test_protect_hidden_total_beside_shown_parts_hides_a_part():
    # t = a + b with t hidden (it is a part elsewhere) and a, b both shown: t would be a + b.
    result = protect(
        {"t": 30, "a": 10, "b": 20, "g": 40, "s": 10},
        [("t", ["a", "b"]), ("g", ["t", "s"])],
        threshold=12,
    )
    # a (10) and s (10) are primary. In g = t + s, s alone (10 < 12) needs t hidden (30, pool
    # 40). In t = a + b, a is hidden beside shown b: pool 10 < 12, so b goes too.
    assert result.primary == frozenset({"a", "s"})
    assert result.secondary == frozenset({"t", "b"})


def test_protect_unpublished_cell_is_cover():
    # A team-wide link's 30 responses are never shown on their own: with them pooled, one small
    # clinician needs no other hidden.
    result = protect(
        {"team": 70, "a": 38, "b": 2, "w": 30},
        [("team", ["a", "b", "w"])],
        threshold=25,
        unpublished=["w"],
    )
    assert result.primary == frozenset({"b"})
    assert result.secondary == frozenset()
    assert result.shown("a") and not result.shown("w")
    assert result.reason("w") == "protects"
