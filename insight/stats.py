"""Item and test statistics over plain arrays: no Django, no ORM (docs/item-statistics.md).

The formulas are Moodle's quiz statistics ("Quiz statistics calculations", Moodle developer
docs; `question/classes/statistics/questions/calculator.php` and
`mod/quiz/report/statistics/classes/calculator.php`), plus the classical upper-lower
discrimination index (Kelley's top and bottom 27 %) and per-option point-biserials.

Every figure that needs spread or a sample comes back as `None` when it cannot be computed
(too few responses, every score the same): a page shows "not enough data" or "no spread", never
a division by zero or a number made of noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Below this many responses an item's figures are noise: the page says "not enough data".
MIN_RESPONSES = 10
# Below this many attempts the test's reliability (alpha, SEM) is not computed.
MIN_ATTEMPTS = 10
# Kelley's groups: the top and bottom 27 % of the attempts, ranked by their total score.
GROUP_FRACTION = 0.27

Floats = NDArray[np.float64]


def as_floats(values: Sequence[float] | Floats) -> Floats:
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True)
class ItemStats:
    """One item (a question, a part or a rubric criterion) over the attempts that saw it.

    `facility`, `sd`, `discrimination` and `efficiency` are fractions (Moodle shows them
    as percentages); `r_rest` is a correlation in [-1, 1]."""

    n: int
    max_points: float
    mean: float | None  # mean points
    facility: float | None  # mean / max points
    sd: float | None  # sample standard deviation of the points / max points
    discrimination: float | None  # upper 27 % facility - lower 27 % facility
    r_rest: float | None  # point-biserial (Pearson) with the rest of the test
    efficiency: float | None  # covariance / its maximum for these marginals
    enough: bool  # n >= the minimum: the figures after facility are shown

    @property
    def variance(self) -> float | None:
        """Sample variance of the points (for the test's alpha)."""
        return None if self.sd is None else (self.sd * self.max_points) ** 2


@dataclass(frozen=True)
class OptionStats:
    """One option of a choice part: who chose it, and how they did on the rest of the test."""

    n: int  # attempts that saw the part
    chosen: int
    share: float | None  # chosen / n
    r_rest: float | None  # point-biserial of "chose it" with the rest of the test


@dataclass(frozen=True)
class ScoreStats:
    """The test's total scores (points) and their reliability."""

    n: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None  # Cronbach's alpha; KR-20 when every item is right/wrong
    error_ratio: float | None  # sqrt(1 - alpha)
    sem: float | None  # standard error of measurement, in points: sd * error ratio
    items_per_attempt: float | None


def sample_variance(x: Floats) -> float | None:
    """Σ(x - mean)² / (n - 1), or None for fewer than two values."""
    if len(x) < 2:
        return None
    return float(np.sum((x - x.mean()) ** 2) / (len(x) - 1))


def covariance(x: Floats, y: Floats) -> float | None:
    if len(x) < 2:
        return None
    return float(np.sum((x - x.mean()) * (y - y.mean())) / (len(x) - 1))


def correlation(x: Floats, y: Floats) -> float | None:
    """Pearson's r; None when either side has no spread (Moodle leaves it empty too)."""
    vx, vy, cov = sample_variance(x), sample_variance(y), covariance(x, y)
    if vx is None or vy is None or cov is None or vx * vy <= 0:
        return None
    r = cov / math.sqrt(vx * vy)
    return max(-1.0, min(1.0, r))


def _tiny(value: float) -> bool:
    return abs(value) < 1e-12


def upper_lower(points: Floats, totals: Floats, max_points: float) -> float | None:
    """Kelley's discrimination index: the facility in the top 27 % of attempts (ranked by total
    score) minus the facility in the bottom 27 %. Ties at the cut are broken by the order given
    (stable sort), so equal totals never depend on chance."""
    n = len(points)
    if n < 2 or max_points <= 0:
        return None
    size = max(1, round(GROUP_FRACTION * n))
    order = np.argsort(totals, kind="stable")
    low, high = order[:size], order[n - size :]
    return float((points[high].mean() - points[low].mean()) / max_points)


def efficiency(points: Floats, rest: Floats) -> float | None:
    """Moodle's discriminative efficiency: cov(x, rest) / cov_max, where cov_max pairs the
    sorted marks with the sorted rest-of-test marks (the largest covariance these two
    distributions allow)."""
    cov = covariance(points, rest)
    cov_max = covariance(np.sort(points), np.sort(rest))
    if cov is None or cov_max is None or _tiny(cov_max):
        return None
    return cov / cov_max


def item_stats(
    points: Sequence[float] | Floats,
    max_points: float,
    totals: Sequence[float] | Floats,
    min_responses: int = MIN_RESPONSES,
) -> ItemStats:
    """Statistics of one item. `points[i]` is what attempt i scored on the item and
    `totals[i]` that attempt's whole test score (the item included): the rest of the test is
    `totals - points`, as in Moodle."""
    x, t = as_floats(points), as_floats(totals)
    if x.shape != t.shape:
        raise ValueError("points and totals must have the same length")
    n = len(x)
    if n == 0:
        return ItemStats(0, max_points, None, None, None, None, None, None, False)
    mean = float(x.mean())
    facility = mean / max_points if max_points > 0 else None
    enough = n >= max(2, min_responses)
    if not enough:
        return ItemStats(n, max_points, mean, facility, None, None, None, None, False)
    rest = t - x
    variance = sample_variance(x)
    sd = math.sqrt(variance) / max_points if variance is not None and max_points > 0 else None
    return ItemStats(
        n=n,
        max_points=max_points,
        mean=mean,
        facility=facility,
        sd=sd,
        discrimination=upper_lower(x, t, max_points),
        r_rest=correlation(x, rest),
        efficiency=efficiency(x, rest),
        enough=True,
    )


def option_stats(
    chosen: Sequence[bool] | NDArray[np.bool_],
    rest: Sequence[float] | Floats,
    min_responses: int = MIN_RESPONSES,
) -> OptionStats:
    """Share and point-biserial of one option. `chosen[i]`: attempt i picked it; `rest[i]`:
    that attempt's score on the rest of the test (without the option's question), so a key
    does not correlate with itself."""
    c = np.asarray(chosen, dtype=np.float64)
    n = len(c)
    picked = int(c.sum())
    if n == 0:
        return OptionStats(0, 0, None, None)
    r = correlation(c, as_floats(rest)) if n >= max(2, min_responses) else None
    return OptionStats(n, picked, picked / n, r)


def _median(x: Floats) -> float:
    return float(np.median(x))


def score_stats(
    totals: Sequence[float] | Floats,
    item_variance_sum: float | None,
    items_per_attempt: float | None,
    min_attempts: int = MIN_ATTEMPTS,
) -> ScoreStats:
    """Mean, median, SD, skewness and kurtosis of the totals (Moodle's k-statistics), and
    Cronbach's alpha = P/(P-1) · (1 - ΣV(item) / V(total)), error ratio sqrt(1 - alpha) and
    SEM = SD · error ratio. `item_variance_sum` is ΣV(item) over the P items an attempt holds."""
    x = as_floats(totals)
    s = len(x)
    if s == 0:
        return ScoreStats(0, None, None, None, None, None, None, None, None, items_per_attempt)
    mean = float(x.mean())
    median = _median(x)
    sd = skew = kurt = alpha = ratio = sem = None
    if s > 1:
        d = x - mean
        power2, power3, power4 = float(np.sum(d**2)), float(np.sum(d**3)), float(np.sum(d**4))
        sd = math.sqrt(power2 / (s - 1))
        if s > 2:
            m2, m3, m4 = power2 / s, power3 / s, power4 / s
            k2 = s * m2 / (s - 1)
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            if not _tiny(k2):
                skew = k3 / k2**1.5
                if s > 3:
                    k4 = (s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2)) / (
                        (s - 1) * (s - 2) * (s - 3)
                    )
                    kurt = k4 / (k2 * k2)
                p = items_per_attempt
                if s >= min_attempts and p is not None and p > 1 and item_variance_sum is not None:
                    alpha = p / (p - 1) * (1 - item_variance_sum / k2)
                    # An alpha below zero (items working against each other) has no error
                    # ratio: the SEM would exceed the SD. Report the alpha, leave those empty.
                    if alpha <= 1 and alpha >= 0:
                        ratio = math.sqrt(1 - alpha)
                        sem = ratio * sd
    return ScoreStats(s, mean, median, sd, skew, kurt, alpha, ratio, sem, items_per_attempt)


def histogram(values: Sequence[float] | Floats, bins: int = 10, top: float = 100.0) -> list[int]:
    """Counts of `values` (percentages) in `bins` equal bins from 0 to `top`; the top bin
    holds `top` itself."""
    counts = [0] * bins
    for v in as_floats(values):
        if math.isnan(v):
            continue
        i = int(v / top * bins) if top > 0 else 0
        counts[min(max(i, 0), bins - 1)] += 1
    return counts
