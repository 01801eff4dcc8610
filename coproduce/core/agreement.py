"""Inter-rater agreement statistics shared by insight studies (coders) and consultation
observations (raters).

Written here rather than taken from a library because each is a short closed formula, the
product needs exact control over missing data and units, and the libraries that offer all three
(pingouin, statsmodels) bring pandas and SciPy into every install. Each function is checked in
tests against values worked by hand.

References: Cohen J. (1960, 1968) for kappa and weighted kappa; Krippendorff K. Computing
Krippendorff's alpha-reliability (2011) for alpha via the coincidence matrix; Shrout PE, Fleiss JL
(1979) for ICC(2,1), two-way random effects, absolute agreement, single rater.
"""

from collections import Counter
from collections.abc import Hashable, Sequence
from itertools import permutations


def cohen_kappa(
    first: Sequence[Hashable],
    second: Sequence[Hashable],
    *,
    weights: str | None = None,
    categories: Sequence[Hashable] | None = None,
) -> float | None:
    """Cohen's kappa between two raters' paired ratings (None ratings drop the pair).

    `weights` None gives the unweighted kappa; "linear" or "quadratic" give weighted kappa over
    `categories` in order (default: the sorted values seen). Returns None when it is undefined
    (no pairs, or chance agreement is already perfect).
    """
    pairs = [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]
    if not pairs:
        return None
    if categories is None:
        categories = sorted({v for pair in pairs for v in pair})
    position = {c: i for i, c in enumerate(categories)}
    size = len(categories)
    if size < 2:
        return None

    def disagreement(i: int, j: int) -> float:
        if weights is None:
            return 0.0 if i == j else 1.0
        distance = abs(i - j) / (size - 1)
        if weights == "linear":
            return distance
        if weights == "quadratic":
            return distance**2
        raise ValueError(weights)

    n = len(pairs)
    observed = Counter((position[a], position[b]) for a, b in pairs)
    rows = Counter(position[a] for a, _ in pairs)
    cols = Counter(position[b] for _, b in pairs)
    observed_d = sum(count * disagreement(i, j) for (i, j), count in observed.items()) / n
    expected_d = sum(rows[i] * cols[j] * disagreement(i, j) for i in rows for j in cols) / n / n
    if expected_d == 0:
        return None
    return 1 - observed_d / expected_d


def krippendorff_alpha(
    units: Sequence[Sequence[Hashable | None]], *, level: str = "nominal"
) -> float | None:
    """Krippendorff's alpha for any number of coders with missing values.

    `units` holds one sequence per unit with each coder's value (None where a coder gave none).
    `level` is "nominal" or "interval". Units with fewer than two values are not pairable and are
    left out, as the method prescribes. Returns None when undefined (no variation at all).
    """
    coincidences: Counter = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(values, 2):
            coincidences[(a, b)] += 1 / (m - 1)
    if not coincidences:
        return None
    totals: Counter = Counter()
    for (a, _b), weight in coincidences.items():
        totals[a] += weight
    n = sum(totals.values())

    if level == "nominal":

        def delta(a, b) -> float:
            return 0.0 if a == b else 1.0
    elif level == "interval":

        def delta(a, b) -> float:
            return float(a - b) ** 2
    else:
        raise ValueError(level)

    observed = sum(w * delta(a, b) for (a, b), w in coincidences.items())
    expected = sum(totals[a] * totals[b] * delta(a, b) for a in totals for b in totals)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def icc_2_1(ratings: Sequence[Sequence[float]]) -> float | None:
    """ICC(2,1): two-way random effects, absolute agreement, single rater (Shrout and Fleiss).

    `ratings` has one row per subject (e.g. consultation) and one column per rater; subjects with
    a missing rating are left out. Returns None with fewer than two complete subjects or two raters,
    or when every rating is the same.
    """
    rows = [list(r) for r in ratings if r and all(v is not None for v in r)]
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    n, k = len(rows), len(rows[0])
    if any(len(r) != k for r in rows):
        raise ValueError("every subject needs the same number of raters")
    grand = sum(map(sum, rows)) / (n * k)
    row_means = [sum(r) / k for r in rows]
    col_means = [sum(r[j] for r in rows) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((v - grand) ** 2 for r in rows for v in r)
    ss_error = ss_total - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    if denominator == 0:
        return None
    return (ms_rows - ms_error) / denominator
