from decimal import Decimal

from coproduce.recognition.figures import (
    amount_for,
    median,
    percentile,
    timeliness,
    timeliness_of_counts,
)


def test_amount_for_hour_exact_minutes():
    assert amount_for(150, "hour", Decimal("27.50")) == Decimal("68.75")


def test_amount_for_half_day_counts_started_half_days():
    assert amount_for(300, "half_day", Decimal("82.50")) == Decimal("165.00")
    assert amount_for(30, "half_day", Decimal("82.50")) == Decimal("82.50")


def test_amount_for_item_ignores_time():
    assert amount_for(600, "item", Decimal("10.00")) == Decimal("10.00")


def test_median_even_and_odd():
    assert median([3, 1, 2]) == 2.0
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


def test_percentile_90_interpolates_exactly():
    assert percentile(list(range(1, 11)), 90) == 9.1
    assert percentile([5], 90) == 5.0
    assert percentile([], 90) is None


def test_timeliness_figures():
    assert timeliness([10, 20, 30, 40]) == {"count": 4, "median": 25.0, "p90": 37.0}


def test_timeliness_of_counts_figures():
    assert timeliness_of_counts({10: 1, 20: 1, 30: 1, 40: 1}) == {
        "count": 4,
        "median": 25.0,
        "p90": 37.0,
    }
    assert timeliness_of_counts({}) == {"count": 0, "median": None, "p90": None}


def test_timeliness_of_counts_same_as_full_list():
    import collections
    import random

    draw = random.Random(15)
    for _ in range(500):
        days = [draw.randint(-2, 70) for _ in range(draw.randint(1, 60))]
        assert timeliness_of_counts(collections.Counter(days)) == timeliness(days)
