"""Pulse distributions and the perception gap, on hand-made answers (no database)."""

from coproduce.measures import summaries
from coproduce.measures.pulse import Gap, PrincipleFigures, combine

RUNGS = [
    "coercion",
    "educating",
    "informing",
    "consultation",
    "engagement",
    "co_design",
    "co_production",
]
PRINCIPLES = ["assets", "mutuality"]


def row(perspective, rung, assets=4, mutuality=4):
    return (perspective, rung, {"assets": assets, "mutuality": mutuality})


def test_pulse_perception_gap_rungs():
    rows = [
        row("lived_experience", "consultation"),
        row("carer", "informing"),
        row("lived_experience", "engagement"),
        row("professional", "co_production"),
        row("professional", "co_design"),
        row("professional", "co_production"),
    ]
    result = combine(RUNGS, PRINCIPLES, rows)
    assert result.groups["lived"].rung_median == 4.0
    assert result.groups["professional"].rung_median == 7.0
    assert result.gap.rung == -3.0
    assert result.groups["professional"].rung_counts == {
        "coercion": 0,
        "educating": 0,
        "informing": 0,
        "consultation": 0,
        "engagement": 0,
        "co_design": 1,
        "co_production": 2,
    }
    assert result.overall.n == 6
    assert result.overall.rung_median == 5.5
    assert summaries.rung_gap(result.gap) == (
        "Lived-experience members place the project 3 rungs lower than professional members "
        "(median)."
    )


def test_pulse_perception_gap_even_count_gives_half():
    rows = [row("lived_experience", r) for r in ("informing", "consultation", "engagement")]
    rows += [row("lived_experience", "co_design")]
    rows += [row("professional", r) for r in ("co_design", "co_design", "co_production")]
    result = combine(RUNGS, PRINCIPLES, rows)
    assert result.groups["lived"].rung_median == 4.5
    assert result.gap.rung == -1.5
    assert summaries.rung_gap(result.gap) == (
        "Lived-experience members place the project 1.5 rungs lower than professional members "
        "(median)."
    )


def test_pulse_perception_gap_tie_is_zero():
    rows = [row("lived_experience", "co_design")] * 3 + [row("professional", "co_design")] * 3
    result = combine(RUNGS, PRINCIPLES, rows)
    assert result.gap.rung == 0.0
    assert result.gap.principles == {"assets": 0.0, "mutuality": 0.0}
    assert summaries.rung_gap(result.gap) == (
        "Lived-experience and professional members place the project on the same rung (median)."
    )
    assert summaries.principle_gap(result.gap, {"assets": "Assets"}) == (
        "Lived-experience and professional members agree equally with every principle."
    )


def test_pulse_perception_gap_principles_with_dont_know():
    rows = [
        row("lived_experience", "engagement", assets=1, mutuality=2),
        row("lived_experience", "engagement", assets=2, mutuality=2),
        row("carer", "engagement", assets=None, mutuality=3),
        row("lived_experience", "engagement", assets=None, mutuality=None),
        row("professional", "co_design", assets=4, mutuality=4),
        row("professional", "co_design", assets=5, mutuality=5),
        row("professional", "co_design", assets=4, mutuality=4),
    ]
    result = combine(RUNGS, PRINCIPLES, rows)
    lived = result.groups["lived"]
    assert lived.principles["assets"] == PrincipleFigures(
        counts={1: 1, 2: 1, 3: 0, 4: 0, 5: 0}, dont_know=2, median=None
    )
    assert lived.principles["mutuality"].median == 2.0
    assert result.gap.principles == {"assets": None, "mutuality": -2.0}
    assert result.gap.largest_principle() == ("mutuality", -2.0)
    assert summaries.principle_gap(result.gap, {"mutuality": "Mutuality"}) == (
        "The widest gap is on Mutuality: lived-experience members agree 2 points less than "
        "professional members (median)."
    )


def test_pulse_group_below_three_suppressed():
    rows = [row("lived_experience", "consultation")] * 3 + [
        row("professional", "co_production")
    ] * 2
    result = combine(RUNGS, PRINCIPLES, rows)
    professional = result.groups["professional"]
    assert (professional.n, professional.shown, professional.withheld) == (2, False, "too_few")
    assert professional.rung_counts == {}
    assert professional.principles == {}
    # Everyone (5) minus lived experience (3) would be the 2 professionals, so lived experience
    # is hidden too, to protect them; the gap cannot be shown.
    lived = result.groups["lived"]
    assert (lived.shown, lived.withheld, lived.rung_counts) == (False, "protects", {})
    assert result.gap == Gap(
        rung=None, principles={"assets": None, "mutuality": None}, protects=True
    )
    assert summaries.rung_gap(result.gap) == (
        "The gap cannot be shown: one of the two perspectives is hidden so that a smaller "
        "perspective cannot be worked out from “Everyone”."
    )
    assert summaries.principle_gap(result.gap, {}) == ""
    # Still counted overall.
    assert result.overall.n == 5
    assert result.overall.rung_counts["co_production"] == 2
    assert (result.groups["community"].shown, result.groups["community"].withheld) == (False, "")


def test_pulse_everyone_below_three_shows_nothing():
    result = combine(RUNGS, PRINCIPLES, [row("community", "co_design")] * 2)
    assert result.respondents == 2
    assert result.overall.shown is False
    assert result.overall.rung_median is None


def test_pulse_largest_principle_tie_takes_first():
    gap = Gap(rung=None, principles={"assets": 1.0, "mutuality": -1.0, "networks": None})
    assert gap.largest_principle() == ("assets", 1.0)


def test_trend_summary_narrowing():
    from types import SimpleNamespace

    from coproduce.measures import summaries

    def row(gap):
        return (None, SimpleNamespace(gap=SimpleNamespace(rung=gap)))

    assert summaries.trend([row(-3.0), row(None), row(-1.5)]) == (
        "The perception gap has narrowed, from -3 to -1.5 rungs, over 2 pulses."
    )
    assert summaries.trend([row(-2.0)]).startswith("A trend needs at least two pulses")
