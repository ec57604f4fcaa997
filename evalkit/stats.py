"""Intervals and tests for cross-validation scores.

The scores of repeated K-fold cross-validation are not independent: any two
training sets share most of their rows, so the usual t interval and paired
t-test treat 100 correlated fold values as 100 independent ones and are far too
confident. This module provides the corrected resampled t interval and test of
Nadeau and Bengio (2003), the naive versions for comparison, rank-based tests
for comparing several strategies (Demsar 2006), Holm's step-down adjustment for
multiple comparisons, and a split-versus-seed variance decomposition.

Every function takes plain arrays (lists, NumPy arrays, pandas Series) and
returns plain numbers. Missing values are handled the same way everywhere:
values (or pairs, or blocks) containing NaN are dropped, and the result reports
how many were used in ``n``.

References
----------
.. [1] C. Nadeau and Y. Bengio, "Inference for the Generalization Error",
   Machine Learning, 52(3), 239-281, 2003.
.. [2] R. R. Bouckaert and E. Frank, "Evaluating the Replicability of
   Significance Tests for Comparing Learning Algorithms", PAKDD 2004,
   LNCS 3056, 3-12.
.. [3] J. Demsar, "Statistical Comparisons of Classifiers over Multiple Data
   Sets", Journal of Machine Learning Research, 7, 1-30, 2006.
.. [4] S. Holm, "A Simple Sequentially Rejective Multiple Test Procedure",
   Scandinavian Journal of Statistics, 6(2), 65-70, 1979.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as _st

__all__ = [
    "FriedmanResult",
    "IntervalResult",
    "PairedTestResult",
    "WilcoxonResult",
    "WinTieLoss",
    "average_ranks",
    "binomial_noise_floor",
    "corrected_paired_t_test",
    "corrected_t_interval",
    "friedman_test",
    "holm",
    "paired_t_test",
    "t_interval",
    "variance_components",
    "wilcoxon_test",
    "win_tie_loss",
]

_ALTERNATIVES = ("two-sided", "less", "greater")
_ZERO_METHODS = ("wilcox", "pratt", "zsplit")


# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class IntervalResult:
    """A confidence interval for the mean of fold scores.

    Attributes
    ----------
    mean : float
        Mean of the values used.
    low, high : float
        Bounds of the interval.
    std : float
        Sample standard deviation (``ddof=1``) of the values used, before any
        correction.
    n : int
        Number of values used (NaN values are dropped).
    """

    mean: float
    low: float
    high: float
    std: float
    n: int


@dataclass(frozen=True)
class PairedTestResult:
    """The result of a paired t-test on fold-by-fold differences ``a - b``.

    Attributes
    ----------
    mean_diff : float
        Mean of the differences ``a - b``.
    ci_low, ci_high : float
        Confidence interval for the mean difference. For a one-sided
        alternative the interval is one-sided, as in
        :func:`scipy.stats.ttest_rel` (``"greater"``: ``ci_high = inf``;
        ``"less"``: ``ci_low = -inf``).
    t_stat : float
        The t statistic.
    p_value : float
        The p-value for the chosen alternative.
    n : int
        Number of pairs used (pairs with a NaN on either side are dropped).
    """

    mean_diff: float
    ci_low: float
    ci_high: float
    t_stat: float
    p_value: float
    n: int


@dataclass(frozen=True)
class WilcoxonResult:
    """The result of a Wilcoxon signed-rank test on differences ``a - b``.

    Attributes
    ----------
    mean_diff : float
        Mean of the differences ``a - b`` (all pairs used, zeros included).
    median_diff : float
        Median of the differences ``a - b``.
    statistic : float
        The signed-rank statistic as returned by :func:`scipy.stats.wilcoxon`.
    p_value : float
        The p-value for the chosen alternative.
    n : int
        Number of pairs used (pairs with a NaN on either side are dropped).
    n_zero : int
        Number of pairs whose difference is exactly zero.
    """

    mean_diff: float
    median_diff: float
    statistic: float
    p_value: float
    n: int
    n_zero: int


class WinTieLoss(NamedTuple):
    """Counts of folds where ``a`` beats, ties with, or loses to ``b``."""

    wins: int
    ties: int
    losses: int


@dataclass(frozen=True)
class FriedmanResult:
    """The result of a Friedman test.

    Unpacks like a pair: ``statistic, p_value = friedman_test(matrix)``.

    Attributes
    ----------
    statistic : float
        Friedman's chi-square statistic.
    p_value : float
        The p-value from the chi-square distribution with
        ``n_treatments - 1`` degrees of freedom.
    n_blocks : int
        Number of blocks (rows) used; rows containing NaN are dropped.
    """

    statistic: float
    p_value: float
    n_blocks: int

    def __iter__(self):
        return iter((self.statistic, self.p_value))


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------
def _as_1d(values, name):
    """Convert ``values`` to a 1-D float array or raise a ValueError."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"The `{name}` parameter must be a 1-D array of numbers. "
            f"Got {type(values).__name__} that cannot be converted to float."
        ) from exc
    if arr.ndim != 1:
        raise ValueError(
            f"The `{name}` parameter must be a 1-D array of numbers. "
            f"Got an array of shape {arr.shape} instead; pass one value per fold."
        )
    if np.isinf(arr).any():
        raise ValueError(
            f"The `{name}` parameter must contain finite numbers or NaN. "
            f"Got {int(np.isinf(arr).sum())} infinite value(s)."
        )
    return arr


def _check_min_count(n, minimum, what):
    if n < minimum:
        raise ValueError(
            f"At least {minimum} {what} without NaN are needed. Got {n}; "
            "use more folds or repeats, or check why scores are NaN."
        )


def _check_confidence(confidence):
    if (
        not isinstance(confidence, numbers.Real)
        or isinstance(confidence, bool)
        or not 0 < confidence < 1
    ):
        raise ValueError(
            "The `confidence` parameter must be a float in the open interval "
            f"(0, 1), e.g. 0.95. Got {confidence!r} instead."
        )


def _check_alternative(alternative):
    if alternative not in _ALTERNATIVES:
        raise ValueError(
            f"The `alternative` parameter must be one of {_ALTERNATIVES}. "
            f"Got {alternative!r} instead."
        )


def _paired(a, b):
    """Return the differences ``a - b`` over pairs without NaN."""
    a = _as_1d(a, "a")
    b = _as_1d(b, "b")
    if a.shape != b.shape:
        raise ValueError(
            "The `a` and `b` parameters must hold one value per fold for the "
            f"same folds. Got {a.shape[0]} and {b.shape[0]} values."
        )
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep] - b[keep], keep


def _size_mean(size, name, keep):
    """Mean of a scalar or per-fold training/test size."""
    msg = (
        f"The `{name}` parameter must be a positive number or a 1-D array of "
        f"positive numbers (one per fold). Got {size!r} instead."
    )
    if isinstance(size, bool):
        raise ValueError(msg)
    try:
        arr = np.asarray(size, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(msg) from exc
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(msg)
    if arr.ndim == 1:
        if arr.shape[0] != keep.shape[0]:
            raise ValueError(
                f"The `{name}` parameter must be a scalar or hold one size per "
                f"fold ({keep.shape[0]} values). Got {arr.shape[0]} values."
            )
        arr = arr[keep]
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(msg)
    return float(np.mean(arr))


def _correction(n, n_train, n_test, keep):
    """The Nadeau-Bengio variance factor ``1/J + n_test/n_train``."""
    mean_train = _size_mean(n_train, "n_train", keep)
    mean_test = _size_mean(n_test, "n_test", keep)
    return 1.0 / n + mean_test / mean_train


def _is_constant(d):
    """True if all values are equal up to floating-point rounding."""
    scale = np.max(np.abs(d))
    return float(np.ptp(d)) <= 8 * np.finfo(float).eps * scale


# --------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------
def _interval(values, factor, confidence):
    n = values.shape[0]
    mean = float(np.mean(values))
    std = float(np.std(values, ddof=1))
    half = _st.t.ppf(0.5 + confidence / 2, n - 1) * np.sqrt(factor) * std
    return IntervalResult(mean, float(mean - half), float(mean + half), std, n)


def t_interval(values, *, confidence=0.95):
    """Naive t interval for the mean of fold scores.

    Treats the values as independent: ``mean +/- t * s / sqrt(n)`` with
    ``n - 1`` degrees of freedom. Cross-validation fold scores are positively
    correlated, so this interval is too narrow for them; it is provided for
    comparison with :func:`corrected_t_interval`.

    Parameters
    ----------
    values : array-like of shape (n_values,)
        Scores, one per fold. NaN values are dropped.
    confidence : float, default=0.95
        Confidence level, in (0, 1).

    Returns
    -------
    IntervalResult
        ``mean``, ``low``, ``high``, ``std`` (sample standard deviation) and
        ``n`` (number of values used).

    See Also
    --------
    corrected_t_interval : The interval that accounts for overlapping folds.

    Examples
    --------
    >>> from evalkit.stats import t_interval
    >>> res = t_interval([0.8, 0.82, 0.79, 0.85, 0.81, 0.80])
    >>> round(res.low, 4), round(res.high, 4)
    (0.7892, 0.8341)
    """
    _check_confidence(confidence)
    values = _as_1d(values, "values")
    values = values[~np.isnan(values)]
    _check_min_count(values.shape[0], 2, "values")
    return _interval(values, 1.0 / values.shape[0], confidence)


def corrected_t_interval(values, *, n_train, n_test, confidence=0.95):
    """Corrected resampled t interval for repeated K-fold scores.

    For the ``J = R * K`` fold scores of R times repeated K-fold
    cross-validation, the variance of their mean is not ``s**2 / J``: the
    training sets overlap, and Nadeau and Bengio (2003) approximate the
    variance of the mean by ``(1/J + n_test/n_train) * s**2``. The interval is
    ``mean +/- t_{J-1} * sqrt((1/J + n_test/n_train) * s**2)``, with ``s**2``
    the sample variance (``ddof=1``) and ``J - 1`` degrees of freedom
    (Bouckaert and Frank 2004).

    Parameters
    ----------
    values : array-like of shape (n_values,)
        Scores, one per fold (all repeats together). NaN values are dropped.
    n_train : int, float or array-like of shape (n_values,)
        Number of training rows, or one number per fold; their mean is used.
    n_test : int, float or array-like of shape (n_values,)
        Number of test rows, or one number per fold; their mean is used.
    confidence : float, default=0.95
        Confidence level, in (0, 1).

    Returns
    -------
    IntervalResult
        ``mean``, ``low``, ``high``, ``std`` (sample standard deviation of the
        values, uncorrected) and ``n`` (number of values used).

    See Also
    --------
    t_interval : The naive interval that treats folds as independent.
    corrected_paired_t_test : The matching test for two strategies.

    Notes
    -----
    The correction assumes the correlation between two fold scores is
    ``n_test / (n_train + n_test)``, which holds in the heuristic derivation of
    Nadeau and Bengio; for K-fold cross-validation ``n_test/n_train`` is
    ``1/(K-1)``.

    Examples
    --------
    >>> from evalkit.stats import corrected_t_interval
    >>> res = corrected_t_interval(
    ...     [0.8, 0.82, 0.79, 0.85, 0.81, 0.80], n_train=80, n_test=20
    ... )
    >>> round(res.low, 4), round(res.high, 4)
    (0.7762, 0.8471)
    """
    _check_confidence(confidence)
    values = _as_1d(values, "values")
    keep = ~np.isnan(values)
    values = values[keep]
    _check_min_count(values.shape[0], 2, "values")
    factor = _correction(values.shape[0], n_train, n_test, keep)
    return _interval(values, factor, confidence)


# --------------------------------------------------------------------------
# Paired t-tests
# --------------------------------------------------------------------------
def _paired_t(d, factor, alternative, confidence):
    n = d.shape[0]
    mean = float(np.mean(d))
    df = n - 1
    if _is_constant(d):
        # Zero variance: the t statistic is 0/0 or x/0. Decide by the sign of
        # the (common) difference instead of returning NaN.
        if mean == 0.0:
            return PairedTestResult(0.0, 0.0, 0.0, 0.0, 1.0, n)
        t_stat = np.inf if mean > 0 else -np.inf
        if alternative == "two-sided":
            p = 0.0
        elif alternative == "greater":
            p = 0.0 if mean > 0 else 1.0
        else:
            p = 0.0 if mean < 0 else 1.0
        return PairedTestResult(mean, mean, mean, float(t_stat), p, n)
    # t is scale-free: compute the spread on d / max|d| so that tiny or huge
    # differences neither underflow nor overflow.
    scale = float(np.max(np.abs(d)))
    d_scaled = d / scale
    se_scaled = float(np.sqrt(factor * np.var(d_scaled, ddof=1)))
    t_stat = float(np.mean(d_scaled)) / se_scaled
    se = scale * se_scaled
    if alternative == "two-sided":
        p = 2 * _st.t.sf(abs(t_stat), df)
        half = _st.t.ppf(0.5 + confidence / 2, df) * se
        low, high = mean - half, mean + half
    elif alternative == "greater":
        p = _st.t.sf(t_stat, df)
        low, high = mean - _st.t.ppf(confidence, df) * se, np.inf
    else:
        p = _st.t.cdf(t_stat, df)
        low, high = -np.inf, mean + _st.t.ppf(confidence, df) * se
    return PairedTestResult(
        mean, float(low), float(high), float(t_stat), float(min(p, 1.0)), n
    )


def paired_t_test(a, b, *, alternative="two-sided", confidence=0.95):
    """Naive paired t-test on fold-by-fold differences ``a - b``.

    Treats the differences as independent (variance of the mean
    ``s**2 / n``). On cross-validation folds this rejects a true null
    hypothesis far more often than its nominal level; it is provided for
    comparison with :func:`corrected_paired_t_test`.

    Parameters
    ----------
    a, b : array-like of shape (n_folds,)
        Scores of two strategies on the same folds, in the same order. Pairs
        with a NaN on either side are dropped.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        The alternative hypothesis about the mean of ``a - b``.
    confidence : float, default=0.95
        Confidence level of the interval for the mean difference.

    Returns
    -------
    PairedTestResult
        ``mean_diff``, ``ci_low``, ``ci_high``, ``t_stat``, ``p_value``,
        ``n``. Zero-variance differences follow the rule of
        :func:`corrected_paired_t_test`.

    See Also
    --------
    corrected_paired_t_test : The test that accounts for overlapping folds.

    Examples
    --------
    >>> from evalkit.stats import paired_t_test
    >>> res = paired_t_test([0.80, 0.82, 0.79, 0.85], [0.78, 0.80, 0.80, 0.81])
    >>> round(res.mean_diff, 4), round(res.p_value, 4)
    (0.0175, 0.1881)
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    d, _ = _paired(a, b)
    _check_min_count(d.shape[0], 2, "pairs of values")
    return _paired_t(d, 1.0 / d.shape[0], alternative, confidence)


def corrected_paired_t_test(
    a, b, *, n_train, n_test, alternative="two-sided", confidence=0.95
):
    """Corrected resampled paired t-test for repeated K-fold scores.

    Compares two strategies evaluated on the same ``J = R * K`` folds. With
    ``d = a - b`` fold by fold, the statistic is
    ``t = mean(d) / sqrt((1/J + n_test/n_train) * s_d**2)`` with ``J - 1``
    degrees of freedom (Nadeau and Bengio 2003; Bouckaert and Frank 2004).

    Parameters
    ----------
    a, b : array-like of shape (n_folds,)
        Scores of two strategies on the same folds, in the same order. Pairs
        with a NaN on either side are dropped.
    n_train : int, float or array-like of shape (n_folds,)
        Number of training rows, or one number per fold; their mean is used.
    n_test : int, float or array-like of shape (n_folds,)
        Number of test rows, or one number per fold; their mean is used.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        The alternative hypothesis about the mean of ``a - b``.
    confidence : float, default=0.95
        Confidence level of the interval for the mean difference; one-sided
        for a one-sided alternative.

    Returns
    -------
    PairedTestResult
        ``mean_diff``, ``ci_low``, ``ci_high``, ``t_stat``, ``p_value``,
        ``n`` (number of pairs used).

    See Also
    --------
    paired_t_test : The naive test that treats folds as independent.
    wilcoxon_test : A rank-based alternative (not corrected for overlap).

    Notes
    -----
    When all differences are equal (zero variance, up to floating-point
    rounding) the t statistic is undefined. evalkit decides by the common
    difference instead of returning NaN:

    - all differences zero (e.g. identical arrays): ``mean_diff = 0``,
      ``t_stat = 0``, ``p_value = 1.0``, interval ``[0, 0]``;
    - a constant nonzero difference: ``t_stat = +/-inf`` and ``p_value = 0.0``
      (for a one-sided alternative pointing the other way, ``p_value = 1.0``),
      interval ``[d, d]``.

    Examples
    --------
    >>> from evalkit.stats import corrected_paired_t_test
    >>> res = corrected_paired_t_test(
    ...     [0.80, 0.82, 0.79, 0.85], [0.78, 0.80, 0.80, 0.81],
    ...     n_train=90, n_test=10,
    ... )
    >>> round(res.t_stat, 4), round(res.p_value, 4)
    (1.4126, 0.2526)
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    d, keep = _paired(a, b)
    _check_min_count(d.shape[0], 2, "pairs of values")
    factor = _correction(d.shape[0], n_train, n_test, keep)
    return _paired_t(d, factor, alternative, confidence)


# --------------------------------------------------------------------------
# Rank-based comparisons
# --------------------------------------------------------------------------
def wilcoxon_test(a, b, *, alternative="two-sided", zero_method="wilcox"):
    """Wilcoxon signed-rank test on fold-by-fold differences ``a - b``.

    A thin wrapper around :func:`scipy.stats.wilcoxon` with evalkit's NaN rule
    and a defined answer when every difference is zero. Like the naive t-test,
    it treats folds as independent, so on repeated cross-validation folds it
    is too liberal; it is best used across data sets (Demsar 2006).

    Parameters
    ----------
    a, b : array-like of shape (n_folds,)
        Scores of two strategies on the same folds, in the same order. Pairs
        with a NaN on either side are dropped.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        The alternative hypothesis about the location of ``a - b``.
    zero_method : {"wilcox", "pratt", "zsplit"}, default="wilcox"
        How zero differences are treated, as in :func:`scipy.stats.wilcoxon`:
        ``"wilcox"`` discards them (the textbook test), ``"pratt"`` ranks them
        and then discards them (more conservative), ``"zsplit"`` splits their
        ranks between positive and negative (Demsar 2006).

    Returns
    -------
    WilcoxonResult
        ``mean_diff``, ``median_diff``, ``statistic``, ``p_value``, ``n``
        (pairs used) and ``n_zero`` (pairs with zero difference).

    Notes
    -----
    If every difference is zero there is no evidence either way: the result
    has ``statistic = 0`` and ``p_value = 1.0`` and scipy is not called (it
    would divide by zero).

    Examples
    --------
    >>> from evalkit.stats import wilcoxon_test
    >>> res = wilcoxon_test([0.8, 0.9, 0.7, 0.85, 0.6], [0.7, 0.8, 0.6, 0.8, 0.5])
    >>> res.statistic, round(res.p_value, 4)
    (0.0, 0.0625)
    """
    _check_alternative(alternative)
    if zero_method not in _ZERO_METHODS:
        raise ValueError(
            f"The `zero_method` parameter must be one of {_ZERO_METHODS}. "
            f"Got {zero_method!r} instead."
        )
    d, _ = _paired(a, b)
    _check_min_count(d.shape[0], 1, "pairs of values")
    n_zero = int(np.sum(d == 0))
    mean = float(np.mean(d))
    median = float(np.median(d))
    if n_zero == d.shape[0]:
        return WilcoxonResult(mean, median, 0.0, 1.0, d.shape[0], n_zero)
    res = _st.wilcoxon(d, zero_method=zero_method, alternative=alternative)
    return WilcoxonResult(
        mean, median, float(res.statistic), float(res.pvalue), d.shape[0], n_zero
    )


def win_tie_loss(a, b, *, tol=0.0):
    """Count folds where ``a`` beats, ties with, or loses to ``b``.

    A win is ``a - b > tol``, a loss ``a - b < -tol``, anything else a tie.
    Pairs with a NaN on either side are dropped, so
    ``wins + ties + losses`` is the number of pairs used.

    Parameters
    ----------
    a, b : array-like of shape (n_folds,)
        Scores of two strategies on the same folds (greater is better).
    tol : float, default=0.0
        Differences within ``[-tol, tol]`` count as ties.

    Returns
    -------
    WinTieLoss
        A named tuple ``(wins, ties, losses)`` of ints.

    Examples
    --------
    >>> from evalkit.stats import win_tie_loss
    >>> win_tie_loss([0.8, 0.7, 0.9, 0.6], [0.7, 0.7, 0.95, 0.5])
    WinTieLoss(wins=2, ties=1, losses=1)
    """
    if not isinstance(tol, numbers.Real) or isinstance(tol, bool) or not tol >= 0:
        raise ValueError(
            f"The `tol` parameter must be a non-negative number. Got {tol!r} instead."
        )
    d, _ = _paired(a, b)
    wins = int(np.sum(d > tol))
    losses = int(np.sum(d < -tol))
    return WinTieLoss(wins, d.shape[0] - wins - losses, losses)


def _as_matrix(matrix):
    try:
        arr = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "The `matrix` parameter must be a 2-D array of numbers of shape "
            "(n_blocks, n_treatments)."
        ) from exc
    if arr.ndim != 2:
        raise ValueError(
            "The `matrix` parameter must be a 2-D array of shape (n_blocks, "
            f"n_treatments) (folds in rows, strategies in columns). Got an "
            f"array of shape {arr.shape} instead."
        )
    if np.isinf(arr).any():
        raise ValueError(
            "The `matrix` parameter must contain finite numbers or NaN. Got "
            f"{int(np.isinf(arr).sum())} infinite value(s)."
        )
    return arr[~np.isnan(arr).any(axis=1)]


def friedman_test(matrix):
    """Friedman test that several strategies perform equally.

    Ranks the strategies within each block (fold or data set) and tests
    whether their average ranks differ more than chance allows, using
    :func:`scipy.stats.friedmanchisquare` (Demsar 2006).

    Parameters
    ----------
    matrix : array-like of shape (n_blocks, n_treatments)
        Scores with blocks (folds or data sets) in rows and treatments
        (strategies) in columns. Rows containing NaN are dropped.

    Returns
    -------
    FriedmanResult
        ``statistic``, ``p_value`` and ``n_blocks`` (rows used); unpacks as
        ``statistic, p_value``.

    See Also
    --------
    average_ranks : The average ranks the test compares.

    Notes
    -----
    The blocks of repeated cross-validation overlap, so the p-value is
    optimistic when blocks are folds of one data set; it is exact in the
    sense of Demsar (2006) when blocks are independent data sets.

    Examples
    --------
    >>> from evalkit.stats import friedman_test
    >>> stat, p = friedman_test([[0.8, 0.7, 0.6], [0.9, 0.8, 0.7], [0.7, 0.6, 0.5]])
    >>> stat, round(p, 4)
    (6.0, 0.0498)
    """
    arr = _as_matrix(matrix)
    if arr.shape[1] < 3:
        raise ValueError(
            "The Friedman test needs at least 3 treatments (columns of "
            f"`matrix`). Got {arr.shape[1]}; for two strategies use "
            "wilcoxon_test or corrected_paired_t_test."
        )
    _check_min_count(arr.shape[0], 2, "blocks (rows of `matrix`)")
    if np.all(arr == arr[:, :1]):
        # Every block ties all treatments: scipy would divide by zero.
        return FriedmanResult(0.0, 1.0, arr.shape[0])
    res = _st.friedmanchisquare(*arr.T)
    return FriedmanResult(float(res.statistic), float(res.pvalue), arr.shape[0])


def average_ranks(matrix, *, greater_is_better=True):
    """Average rank of each treatment over blocks; rank 1 is the best.

    Parameters
    ----------
    matrix : array-like of shape (n_blocks, n_treatments)
        Scores with blocks (folds or data sets) in rows and treatments
        (strategies) in columns. Rows containing NaN are dropped.
    greater_is_better : bool, default=True
        Whether a higher score is better (accuracy, ROC-AUC) or worse (log
        loss, Brier score).

    Returns
    -------
    ndarray of shape (n_treatments,)
        Mean rank per treatment. Tied scores share the average of the ranks
        they span, so the ranks of each block sum to
        ``n_treatments * (n_treatments + 1) / 2``.

    Examples
    --------
    >>> from evalkit.stats import average_ranks
    >>> average_ranks([[0.9, 0.8, 0.8], [0.7, 0.9, 0.6]])
    array([1.5 , 1.75, 2.75])
    """
    if not isinstance(greater_is_better, (bool, np.bool_)):
        raise ValueError(
            "The `greater_is_better` parameter must be a bool. "
            f"Got {greater_is_better!r} instead."
        )
    arr = _as_matrix(matrix)
    _check_min_count(arr.shape[0], 1, "blocks (rows of `matrix`)")
    if arr.shape[1] < 1:
        raise ValueError("The `matrix` parameter must have at least one column.")
    ranks = _st.rankdata(-arr if greater_is_better else arr, axis=1)
    return ranks.mean(axis=0)


def holm(p_values):
    """Holm-Bonferroni step-down adjusted p-values.

    With the ``m`` non-NaN p-values sorted as ``p_(1) <= ... <= p_(m)``, the
    adjusted values are ``max_{j <= i} min(1, (m - j + 1) * p_(j))``, returned
    in the original order. Rejecting where the adjusted value is at most
    ``alpha`` controls the family-wise error rate at ``alpha`` (Holm 1979).

    Parameters
    ----------
    p_values : array-like
        Raw p-values in [0, 1]; any shape. NaN entries are kept as NaN and do
        not count towards ``m``.

    Returns
    -------
    ndarray
        Adjusted p-values, same shape as ``p_values``: never below the raw
        values, never above 1, and ordered like the raw values.

    Examples
    --------
    >>> from evalkit.stats import holm
    >>> holm([0.01, 0.04, 0.03, 0.5])
    array([0.04, 0.09, 0.09, 0.5 ])
    """
    try:
        p = np.asarray(p_values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "The `p_values` parameter must be an array of numbers in [0, 1]."
        ) from exc
    finite = ~np.isnan(p)
    bad = finite & ((p < 0) | (p > 1))
    if bad.any():
        raise ValueError(
            "The `p_values` parameter must contain probabilities in [0, 1] or "
            f"NaN. Got {p[bad][:5].tolist()} instead."
        )
    out = np.full(p.shape, np.nan)
    raw = p[finite]
    m = raw.shape[0]
    if m == 0:
        return out
    order = np.argsort(raw, kind="stable")
    scaled = (m - np.arange(m)) * raw[order]
    adjusted = np.minimum(np.maximum.accumulate(scaled), 1.0)
    result = np.empty(m)
    result[order] = adjusted
    out[finite] = result
    return out


# --------------------------------------------------------------------------
# Variance decomposition
# --------------------------------------------------------------------------
def _complete_grid(values, split, seed):
    """Pivot values to a (split x seed) grid; drop incomplete splits/seeds."""
    values = _as_1d(values, "values")
    split = np.asarray(split)
    seed = np.asarray(seed)
    for name, arr in (("split", split), ("seed", seed)):
        if arr.ndim != 1 or arr.shape[0] != values.shape[0]:
            raise ValueError(
                f"The `{name}` parameter must be a 1-D array with one label "
                f"per value ({values.shape[0]}). Got shape {arr.shape}."
            )
    frame = pd.DataFrame({"split": split, "seed": seed, "value": values})
    counts = frame.groupby(["split", "seed"]).size()
    if (counts > 1).any():
        first = counts[counts > 1].index[0]
        raise ValueError(
            "variance_components needs exactly one value per (split, seed) "
            f"cell. Got {int(counts.max())} values for cell (split={first[0]!r}, "
            f"seed={first[1]!r}); average repeated values per cell first."
        )
    grid = frame.pivot(index="split", columns="seed", values="value")
    n_split_labels, n_seed_labels = grid.shape
    grid = grid.dropna(axis=0, how="all").dropna(axis=1, how="all")
    grid = grid.dropna(axis=0, how="any")
    if grid.shape[0] < 2 or grid.shape[1] < 2:
        raise ValueError(
            "variance_components needs a complete crossed design with at least "
            "2 splits and 2 seeds (every split trained with every seed). After "
            "dropping splits with missing or NaN cells, "
            f"{grid.shape[0]} split(s) x {grid.shape[1]} seed(s) remain."
        )
    return (
        grid.to_numpy(dtype=float),
        n_split_labels - grid.shape[0],
        n_seed_labels - grid.shape[1],
    )


def variance_components(values, split, seed):
    """Split the variance of scores into data-split, seed and residual parts.

    For a crossed design in which every data split is trained with every
    seed (one value per cell), the two-way ANOVA without replication gives
    ``SS_total = SS_split + SS_seed + SS_residual`` with, on the
    ``a x b`` grid ``y[i, j]`` (split ``i``, seed ``j``, grand mean ``m``)::

        SS_split    = b * sum_i (mean_i. - m)**2
        SS_seed     = a * sum_j (mean_.j - m)**2
        SS_residual = sum_ij (y_ij - mean_i. - mean_.j + m)**2

    Parameters
    ----------
    values : array-like of shape (n_values,)
        One score per (split, seed) cell.
    split : array-like of shape (n_values,)
        Data-split label of each value (e.g. ``"repeat-fold"``).
    seed : array-like of shape (n_values,)
        Seed label of each value (initialisation and shuffling).

    Returns
    -------
    dict
        Descriptive decomposition (each sum of squares divided by ``N - 1``,
        ``N = a * b``, so that the parts add up to the total):

        - ``total_var``: sample variance of the values (``ddof=1``);
        - ``split_var``, ``seed_var``, ``residual_var``: they add up to
          ``total_var``;
        - ``split_share``, ``seed_share``, ``residual_share``: the same as
          fractions of ``total_var``; they add up to 1 (NaN if all values are
          equal).

        Estimates of the underlying variances (random-effects model
        ``y = m + split + seed + e``, method of moments, clipped at 0):

        - ``split_component = max(0, (MS_split - MS_residual) / b)``;
        - ``seed_component = max(0, (MS_seed - MS_residual) / a)``;
        - ``residual_component = MS_residual``, where
          ``MS_split = SS_split / (a - 1)``, ``MS_seed = SS_seed / (b - 1)``
          and ``MS_residual = SS_residual / ((a - 1) (b - 1))``.

        Bookkeeping: ``n_splits``, ``n_seeds`` (used), ``n_dropped_splits``,
        ``n_dropped_seeds``.

    Notes
    -----
    The descriptive shares answer "how much of the spread I see comes from
    each source"; the components answer "how large is each source's
    variance". With one value per cell the residual also holds any
    split-by-seed interaction.

    Missing cells and NaN values: splits and seeds with no value at all are
    dropped first, then every split that still misses a seed is dropped, so
    the remaining grid is complete (a failed fit costs its split, never a
    seed). Two values in one cell raise a ValueError.

    Examples
    --------
    >>> from evalkit.stats import variance_components
    >>> res = variance_components(
    ...     [0.80, 0.82, 0.90, 0.92], split=[0, 0, 1, 1], seed=[0, 1, 0, 1]
    ... )
    >>> round(res["split_share"], 4), round(res["seed_share"], 4)
    (0.9615, 0.0385)
    """
    grid, dropped_splits, dropped_seeds = _complete_grid(values, split, seed)
    a, b = grid.shape
    n = a * b
    m = grid.mean()
    row = grid.mean(axis=1, keepdims=True)
    col = grid.mean(axis=0, keepdims=True)
    ss_split = float(b * np.sum((row - m) ** 2))
    ss_seed = float(a * np.sum((col - m) ** 2))
    ss_res = float(np.sum((grid - row - col + m) ** 2))
    if np.ptp(grid) == 0:
        # All values equal: the sums of squares are rounding noise.
        ss_split = ss_seed = ss_res = 0.0
    ss_total = ss_split + ss_seed + ss_res
    ms_split = ss_split / (a - 1)
    ms_seed = ss_seed / (b - 1)
    ms_res = ss_res / ((a - 1) * (b - 1))
    if ss_total > 0:
        shares = (ss_split / ss_total, ss_seed / ss_total, ss_res / ss_total)
    else:
        shares = (np.nan, np.nan, np.nan)
    return {
        "total_var": ss_total / (n - 1),
        "split_var": ss_split / (n - 1),
        "seed_var": ss_seed / (n - 1),
        "residual_var": ss_res / (n - 1),
        "split_share": shares[0],
        "seed_share": shares[1],
        "residual_share": shares[2],
        "split_component": max(0.0, (ms_split - ms_res) / b),
        "seed_component": max(0.0, (ms_seed - ms_res) / a),
        "residual_component": ms_res,
        "n_splits": a,
        "n_seeds": b,
        "n_dropped_splits": dropped_splits,
        "n_dropped_seeds": dropped_seeds,
    }


def binomial_noise_floor(p, n_test):
    """Standard error of an accuracy measured on ``n_test`` rows.

    ``sqrt(p * (1 - p) / n_test)``: the spread an accuracy (or any
    proportion) of true value ``p`` shows from test-set sampling alone. Fold
    scores that vary by about this much are not telling models apart.

    Parameters
    ----------
    p : float or array-like
        Proportion(s) in [0, 1], e.g. the mean accuracy.
    n_test : int, float or array-like
        Number(s) of test rows, positive.

    Returns
    -------
    float or ndarray
        The standard error; a float for scalar inputs.

    Examples
    --------
    >>> from evalkit.stats import binomial_noise_floor
    >>> round(binomial_noise_floor(0.9, 100), 4)
    0.03
    """
    p_arr = np.asarray(p, dtype=float)
    n_arr = np.asarray(n_test, dtype=float)
    if np.any(np.isnan(p_arr)) or np.any((p_arr < 0) | (p_arr > 1)):
        raise ValueError(
            f"The `p` parameter must be a proportion in [0, 1]. Got {p!r} instead."
        )
    if np.any(~np.isfinite(n_arr)) or np.any(n_arr <= 0):
        raise ValueError(
            "The `n_test` parameter must be a positive number of test rows. "
            f"Got {n_test!r} instead."
        )
    out = np.sqrt(p_arr * (1 - p_arr) / n_arr)
    return float(out) if out.ndim == 0 else out
