"""Statistics of the analytics layer, all from NumPy/SciPy (METRICS.md §2.6, §4.3).

Percentiles use linear interpolation (NumPy's default, the same as PostgreSQL's
`percentile_cont`). Comparisons report both tests, an effect size and a confidence interval.
A statistic that cannot be computed (too few values, no variance) is None, never NaN.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats


def _num(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    return _num(np.percentile(np.asarray(values, dtype=float), q))


def mean(values: Sequence[float]) -> float | None:
    return _num(np.mean(values)) if values else None


def compare(a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Group a vs group b: means, the Welch difference with its CI, Welch and Mann-Whitney
    p-values, Hedges' g and the rank-biserial correlation."""
    row: dict[str, Any] = {"group_a_n": len(a), "group_b_n": len(b), "mean_a": mean(a),
                           "mean_b": mean(b), "diff": None, "ci_low": None, "ci_high": None,
                           "p_welch": None, "p_mwu": None, "hedges_g": None,
                           "rank_biserial": None}  # fmt: skip
    if len(a) < 2 or len(b) < 2:
        return row
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    row["diff"] = _num(x.mean() - y.mean())
    welch = stats.ttest_ind(x, y, equal_var=False)
    interval = welch.confidence_interval(confidence)
    row.update(p_welch=_num(welch.pvalue), ci_low=_num(interval.low), ci_high=_num(interval.high))
    mwu = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
    row["p_mwu"] = _num(mwu.pvalue)
    row["rank_biserial"] = _num(2 * mwu.statistic / (len(x) * len(y)) - 1)
    row["hedges_g"] = hedges_g(x, y)
    return row


def hedges_g(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> float | None:
    """Cohen's d on the pooled SD with the small-sample correction J (the exact gamma form)."""
    n1, n2 = len(x), len(y)
    pooled = math.sqrt(((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return None
    df = n1 + n2 - 2
    correction = math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)
    return _num((x.mean() - y.mean()) / pooled * correction)


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return _num(stats.spearmanr(x, y).statistic)


def paired_change(diffs: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Per-learner differences: mean with its t CI, Wilcoxon signed-rank p, and the
    standardised mean difference d_z."""
    row: dict[str, Any] = {"mean_change": mean(diffs), "ci_low": None, "ci_high": None,
                           "p_wilcoxon": None, "effect_dz": None}  # fmt: skip
    values = np.asarray(diffs, dtype=float)
    if len(values) < 2:
        return row
    interval = stats.ttest_1samp(values, 0.0).confidence_interval(confidence)
    row.update(ci_low=_num(interval.low), ci_high=_num(interval.high))
    if np.any(values != 0):
        row["p_wilcoxon"] = _num(stats.wilcoxon(values).pvalue)
    sd = values.std(ddof=1)
    row["effect_dz"] = _num(values.mean() / sd) if sd > 0 else None
    return row


def kaplan_meier(durations: Sequence[float], observed: Sequence[bool]) -> Any:
    """The Kaplan-Meier estimate of the event-time distribution (right-censored data)."""
    times = np.asarray(durations, dtype=float)
    events = np.asarray(observed, dtype=bool)
    data = stats.CensoredData(uncensored=times[events], right=times[~events])
    return stats.ecdf(data)


def km_cdf(estimate: Any, t: float) -> float | None:
    """The share with the event by time t."""
    return _num(estimate.cdf.evaluate(t))


def km_quantile(estimate: Any, q: float) -> float | None:
    """The smallest observed time at which the estimated CDF reaches q; None if it never does."""
    quantiles = estimate.cdf.quantiles
    reached = np.nonzero(estimate.cdf.probabilities >= q - 1e-12)[0]
    return _num(quantiles[reached[0]]) if len(reached) else None
