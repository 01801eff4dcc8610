"""Pure figures: money for time, and timeliness (days from activity to payment)."""

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .models import Unit

CENT = Decimal("0.01")
MINUTES = {Unit.HALF_DAY: 240, Unit.DAY: 480}


def amount_for(minutes: int, unit: str, rate: Decimal) -> Decimal:
    """Hours are paid to the minute; half days and days are whole units started (a 5-hour day
    on a half-day rate is two half days); an item is one payment whatever the time."""
    if unit == Unit.HOUR:
        value = rate * Decimal(minutes) / Decimal(60)
    elif unit in MINUTES:
        value = rate * max(1, math.ceil(minutes / MINUTES[unit]))
    else:
        value = rate
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: list[int], p: int) -> float | None:
    """Linear interpolation between closest ranks (the default of numpy and spreadsheets)."""
    if not values:
        return None
    ordered = sorted(values)
    # Fractions keep the interpolation exact (34.1, not 34.099999999999994).
    position = Fraction((len(ordered) - 1) * p, 100)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def timeliness(days: list[int]) -> dict:
    return {"count": len(days), "median": median(days), "p90": percentile(days, 90)}


def _ranked(counts: dict[int, int]):
    """value_at(i): the i-th (from 0) of the values counted in `counts` ({value: how many}),
    in order, without listing them one by one."""
    steps = []
    total = 0
    for value in sorted(counts):
        if counts[value] > 0:
            total += counts[value]
            steps.append((total, value))

    def value_at(index: int) -> int:
        return next(value for upto, value in steps if index < upto)

    return total, value_at


def timeliness_of_counts(counts: dict[int, int]) -> dict:
    """`timeliness` of the values counted in `counts` ({days: how many items}): the same median
    and 90th percentile as `timeliness` of the full list."""
    n, value_at = _ranked(counts)
    if not n:
        return {"count": 0, "median": None, "p90": None}
    mid = n // 2
    middle = float(value_at(mid)) if n % 2 else (value_at(mid - 1) + value_at(mid)) / 2
    position = Fraction((n - 1) * 90, 100)
    low = math.floor(position)
    high = min(low + 1, n - 1)
    p90 = float(value_at(low) + (value_at(high) - value_at(low)) * (position - low))
    return {"count": n, "median": middle, "p90": p90}
