"""Tests for evalkit.stats."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats as sps

from evalkit.stats import (
    FriedmanResult,
    IntervalResult,
    PairedTestResult,
    WinTieLoss,
    average_ranks,
    binomial_noise_floor,
    corrected_paired_t_test,
    corrected_t_interval,
    friedman_test,
    holm,
    paired_t_test,
    t_interval,
    variance_components,
    wilcoxon_test,
    win_tie_loss,
)

# No example database on disk, no timing flakiness on a shared machine.
FAST = settings(max_examples=60, deadline=None, database=None)

VALUES = [0.8, 0.82, 0.79, 0.85, 0.81, 0.80]
A4 = [0.80, 0.82, 0.79, 0.85]
B4 = [0.78, 0.80, 0.80, 0.81]

scores = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


# --------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------
def test_corrected_t_interval_hand_computed():
    """Check that the corrected interval matches the arithmetic done by hand."""
    # Values in thousandths: 800, 820, 790, 850, 810, 800 (sum 4870).
    mean = 4870 / 6 / 1000  # 0.811667
    sum_sq = 800**2 + 820**2 + 790**2 + 850**2 + 810**2 + 800**2  # 3955100
    ss = (sum_sq - 4870**2 / 6) * 1e-6  # 0.00228333
    var = ss / (6 - 1)  # 0.000456667
    correction = 1 / 6 + 20 / 80  # R*K = 6 folds, n_test/n_train = 1/4
    se = math.sqrt(correction * var)  # 0.0137941
    t_crit = sps.t.ppf(0.975, 6 - 1)  # 2.570582
    half = t_crit * se  # 0.035459

    res = corrected_t_interval(VALUES, n_train=80, n_test=20)

    assert isinstance(res, IntervalResult)
    assert res.n == 6
    assert res.mean == pytest.approx(mean)
    assert res.std == pytest.approx(math.sqrt(var))
    assert res.low == pytest.approx(mean - half)
    assert res.high == pytest.approx(mean + half)
    assert res.low == pytest.approx(0.77621, abs=1e-5)
    assert res.high == pytest.approx(0.84713, abs=1e-5)


def test_t_interval_hand_computed_and_narrower():
    """Check that the naive interval uses s/sqrt(n) and is narrower."""
    var = (3955100 - 4870**2 / 6) * 1e-6 / 5
    half = sps.t.ppf(0.90 + 0.05, 5) * math.sqrt(var / 6)
    naive = t_interval(VALUES, confidence=0.90)
    assert naive.low == pytest.approx(4870 / 6000 - half)
    assert naive.high == pytest.approx(4870 / 6000 + half)

    naive95 = t_interval(VALUES)
    corrected = corrected_t_interval(VALUES, n_train=80, n_test=20)
    ratio = (corrected.high - corrected.low) / (naive95.high - naive95.low)
    assert ratio == pytest.approx(math.sqrt((1 / 6 + 1 / 4) / (1 / 6)))


def test_corrected_t_interval_per_fold_sizes_use_their_mean():
    """Check that per-fold sizes give the interval of their mean sizes."""
    n_train = [79, 81, 80, 80, 78, 82]
    n_test = [21, 19, 20, 20, 22, 18]
    per_fold = corrected_t_interval(VALUES, n_train=n_train, n_test=n_test)
    scalar = corrected_t_interval(VALUES, n_train=80, n_test=20)
    assert per_fold == scalar


def test_corrected_t_interval_drops_nan_and_reports_count():
    """Check that NaN values (and their per-fold sizes) are dropped."""
    values = [0.8, np.nan, 0.82, 0.79, 0.85, 0.81, 0.80, np.nan]
    n_train = [80, 1000, 80, 80, 80, 80, 80, 1]
    res = corrected_t_interval(values, n_train=n_train, n_test=20)
    assert res.n == 6
    assert res == corrected_t_interval(VALUES, n_train=80, n_test=20)


def test_interval_of_constant_values_is_a_point():
    """Check that constant values give a zero-width interval at the value."""
    res = corrected_t_interval([0.9] * 5, n_train=90, n_test=10)
    assert (res.mean, res.low, res.high, res.std) == pytest.approx((0.9,) * 3 + (0,))


@FAST
@given(st.lists(scores, min_size=2, max_size=30))
def test_intervals_contain_the_mean_property(values):
    """Check that both intervals contain the mean and the corrected one is wider."""
    naive = t_interval(values)
    corrected = corrected_t_interval(values, n_train=90, n_test=10)
    for res in (naive, corrected):
        assert res.low <= res.mean <= res.high
        assert res.n == len(values)
    assert corrected.high - corrected.low >= naive.high - naive.low


# --------------------------------------------------------------------------
# Paired t-tests
# --------------------------------------------------------------------------
def test_corrected_paired_t_test_hand_computed():
    """Check that the corrected paired test matches the arithmetic by hand."""
    # Differences in hundredths: 2, 2, -1, 4 (sum 7).
    mean = 7 / 4 / 100  # 0.0175
    ss = (2**2 + 2**2 + 1**2 + 4**2 - 7**2 / 4) * 1e-4  # 0.001275
    var = ss / 3  # 0.000425
    se = math.sqrt((1 / 4 + 10 / 90) * var)  # 0.0123884
    t_stat = mean / se  # 1.41262
    p_value = 2 * sps.t.sf(t_stat, 3)
    half = sps.t.ppf(0.975, 3) * se

    res = corrected_paired_t_test(A4, B4, n_train=90, n_test=10)

    assert isinstance(res, PairedTestResult)
    assert res.n == 4
    assert res.mean_diff == pytest.approx(mean)
    assert res.t_stat == pytest.approx(t_stat)
    assert res.t_stat == pytest.approx(1.41262, abs=1e-5)
    assert res.p_value == pytest.approx(p_value)
    assert res.ci_low == pytest.approx(mean - half)
    assert res.ci_high == pytest.approx(mean + half)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_paired_t_test_matches_scipy(alternative):
    """Check that the naive paired test agrees with scipy.stats.ttest_rel."""
    rng = np.random.default_rng(0)
    a = rng.normal(0.8, 0.02, size=12)
    b = a - rng.normal(0.005, 0.01, size=12)
    expected = sps.ttest_rel(a, b, alternative=alternative)
    ci = expected.confidence_interval(confidence_level=0.9)
    res = paired_t_test(a, b, alternative=alternative, confidence=0.9)
    assert res.t_stat == pytest.approx(expected.statistic)
    assert res.p_value == pytest.approx(expected.pvalue)
    assert res.ci_low == pytest.approx(ci.low)
    assert res.ci_high == pytest.approx(ci.high)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_corrected_test_shrinks_the_naive_statistic(alternative):
    """Check that the corrected t is the naive t scaled by the variance ratio."""
    rng = np.random.default_rng(1)
    a = rng.normal(0.8, 0.02, size=100)
    b = a - rng.normal(0.004, 0.01, size=100)
    naive = paired_t_test(a, b, alternative=alternative)
    corr = corrected_paired_t_test(
        a, b, n_train=225, n_test=25, alternative=alternative
    )
    scale = math.sqrt((1 / 100) / (1 / 100 + 25 / 225))
    assert corr.t_stat == pytest.approx(naive.t_stat * scale)
    expected_p = {
        "two-sided": 2 * sps.t.sf(abs(corr.t_stat), 99),
        "greater": sps.t.sf(corr.t_stat, 99),
        "less": sps.t.cdf(corr.t_stat, 99),
    }[alternative]
    assert corr.p_value == pytest.approx(expected_p)
    assert corr.mean_diff == naive.mean_diff


def test_paired_tests_drop_nan_pairs():
    """Check that a NaN on either side drops the pair and n counts the rest."""
    a = [0.80, np.nan, 0.82, 0.79, 0.85, 0.5]
    b = [0.78, 0.70, 0.80, 0.80, 0.81, np.nan]
    res = corrected_paired_t_test(a, b, n_train=90, n_test=10)
    assert res == corrected_paired_t_test(A4, B4, n_train=90, n_test=10)
    assert res.n == 4
    assert paired_t_test(a, b).n == 4


@pytest.mark.parametrize(
    "alternative, expected_p", [("two-sided", 1.0), ("less", 1.0), ("greater", 1.0)]
)
def test_identical_arrays_give_p_one(alternative, expected_p):
    """Check that identical scores give mean 0, t 0 and p 1 (not NaN)."""
    res = corrected_paired_t_test(
        A4, A4, n_train=90, n_test=10, alternative=alternative
    )
    assert (res.mean_diff, res.t_stat, res.p_value) == (0.0, 0.0, expected_p)
    assert (res.ci_low, res.ci_high) == (0.0, 0.0)


@pytest.mark.parametrize(
    "alternative, expected_p, expected_t",
    [
        ("two-sided", 0.0, np.inf),
        ("greater", 0.0, np.inf),
        ("less", 1.0, np.inf),
    ],
)
def test_constant_nonzero_difference(alternative, expected_p, expected_t):
    """Check that a constant positive difference gives t=inf and p by direction."""
    a = np.array([0.8, 0.9, 0.7, 0.85])
    b = a - 0.1  # differences equal up to rounding
    for test in (
        corrected_paired_t_test(a, b, n_train=9, n_test=1, alternative=alternative),
        paired_t_test(a, b, alternative=alternative),
    ):
        assert test.mean_diff == pytest.approx(0.1)
        assert test.t_stat == expected_t
        assert test.p_value == expected_p
        assert test.ci_low == pytest.approx(0.1)


def test_paired_test_survives_tiny_differences():
    """Check that differences near the float limits give a finite t, not 0/0."""
    res = paired_t_test([0.0, 0.0, 0.0], [0.0, 2.6e-242, 5.2e-242])
    ref = paired_t_test([0.0, 0.0, 0.0], [0.0, 1.0, 2.0])
    assert res.t_stat == pytest.approx(ref.t_stat)
    assert res.p_value == pytest.approx(ref.p_value)


@FAST
@given(st.lists(st.tuples(scores, scores), min_size=2, max_size=30))
def test_paired_test_is_antisymmetric_property(pairs):
    """Check that swapping a and b flips t and the interval, keeping p."""
    a, b = (list(x) for x in zip(*pairs, strict=True))
    ab = corrected_paired_t_test(a, b, n_train=90, n_test=10)
    ba = corrected_paired_t_test(b, a, n_train=90, n_test=10)
    assert ab.t_stat == pytest.approx(-ba.t_stat)
    assert ab.p_value == pytest.approx(ba.p_value)
    assert 0.0 <= ab.p_value <= 1.0
    assert ab.ci_low == pytest.approx(-ba.ci_high)
    assert ab.ci_low <= ab.mean_diff <= ab.ci_high


# --------------------------------------------------------------------------
# Wilcoxon, win/tie/loss
# --------------------------------------------------------------------------
@pytest.mark.parametrize("zero_method", ["wilcox", "pratt", "zsplit"])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_wilcoxon_matches_scipy(zero_method, alternative):
    """Check that the Wilcoxon test agrees with scipy, zeros included."""
    rng = np.random.default_rng(2)
    a = np.round(rng.uniform(0.7, 0.9, size=20), 2)
    b = np.round(a - rng.normal(0.01, 0.02, size=20), 2)
    b[:3] = a[:3]  # three zero differences
    expected = sps.wilcoxon(a - b, zero_method=zero_method, alternative=alternative)
    res = wilcoxon_test(a, b, zero_method=zero_method, alternative=alternative)
    assert res.statistic == pytest.approx(expected.statistic)
    assert res.p_value == pytest.approx(expected.pvalue)
    assert res.n == 20
    assert res.n_zero == np.sum(a - b == 0) >= 3
    assert res.median_diff == pytest.approx(np.median(a - b))


def test_wilcoxon_all_zero_differences_give_p_one_without_warning():
    """Check that identical scores give p=1 and no warning (warnings are errors)."""
    res = wilcoxon_test(A4, A4)
    assert (res.statistic, res.p_value, res.n, res.n_zero) == (0.0, 1.0, 4, 4)


def test_wilcoxon_drops_nan_pairs():
    """Check that the Wilcoxon test drops NaN pairs and counts the rest."""
    a = [0.8, 0.9, np.nan, 0.7, 0.85, 0.6]
    b = [0.7, 0.8, 0.5, 0.6, 0.8, 0.5]
    res = wilcoxon_test(a, b)
    expected = sps.wilcoxon(np.array([0.1, 0.1, 0.1, 0.05, 0.1]))
    assert res.n == 5
    assert res.p_value == pytest.approx(expected.pvalue)


@pytest.mark.parametrize(
    "tol, expected", [(0.0, (2, 1, 2)), (0.015, (1, 3, 1)), (0.5, (0, 5, 0))]
)
def test_win_tie_loss(tol, expected):
    """Check that wins, ties and losses are counted with the tolerance."""
    a = [0.80, 0.70, 0.90, 0.60, 0.50, np.nan]
    b = [0.70, 0.70, 0.95, 0.59, 0.51, 0.40]
    res = win_tie_loss(a, b, tol=tol)
    assert isinstance(res, WinTieLoss)
    assert tuple(res) == expected


# --------------------------------------------------------------------------
# Holm
# --------------------------------------------------------------------------
def test_holm_hand_computed():
    """Check that Holm's adjustment matches the step-down by hand."""
    # Sorted: 0.01 (x4 = 0.04), 0.03 (x3 = 0.09), 0.04 (x2 = 0.08 -> max 0.09),
    # 0.5 (x1 = 0.5); back in the original order:
    expected = [0.04, 0.09, 0.09, 0.5]
    assert_allclose(holm([0.01, 0.04, 0.03, 0.5]), expected)


def test_holm_caps_at_one_and_preserves_nan_and_shape():
    """Check that Holm caps at 1, keeps NaN, ignores it in m, keeps the shape."""
    p = np.array([[0.3, np.nan], [0.02, 0.6]])
    # m = 3: 0.02 x3 = 0.06; 0.3 x2 = 0.6; 0.6 x1 = 0.6
    expected = np.array([[0.6, np.nan], [0.06, 0.6]])
    assert_allclose(holm(p), expected)
    assert_allclose(holm([0.4, 0.5]), [0.8, 0.8])
    assert_allclose(holm([0.6, 0.7]), [1.0, 1.0])
    assert np.isnan(holm([np.nan, np.nan])).all()
    assert holm([]).shape == (0,)


@FAST
@given(st.lists(st.one_of(scores, st.just(np.nan)), min_size=1, max_size=20))
def test_holm_bounds_and_order_property(p_values):
    """Check that Holm values lie in [raw, 1] and keep the order of raw values."""
    raw = np.array(p_values)
    adj = holm(raw)
    finite = ~np.isnan(raw)
    assert np.array_equal(np.isnan(adj), ~finite)
    r, a = raw[finite], adj[finite]
    assert np.all(a >= r - 1e-12)
    assert np.all(a <= 1.0)
    order = np.argsort(r, kind="stable")
    assert np.all(np.diff(a[order]) >= -1e-12)


# --------------------------------------------------------------------------
# Friedman and ranks
# --------------------------------------------------------------------------
def test_friedman_matches_scipy():
    """Check that the Friedman test agrees with scipy.stats.friedmanchisquare."""
    rng = np.random.default_rng(3)
    matrix = rng.normal([0.80, 0.81, 0.83, 0.79], 0.02, size=(15, 4))
    matrix[2, 1] = matrix[2, 3]  # one tie
    expected = sps.friedmanchisquare(*matrix.T)
    res = friedman_test(matrix)
    assert isinstance(res, FriedmanResult)
    stat, p = res
    assert stat == pytest.approx(expected.statistic)
    assert p == pytest.approx(expected.pvalue)
    assert res.n_blocks == 15


def test_friedman_drops_nan_blocks():
    """Check that blocks with a NaN are dropped and counted."""
    matrix = np.array(
        [[0.8, 0.7, 0.6], [0.9, np.nan, 0.7], [0.7, 0.6, 0.5], [0.6, 0.7, 0.5]]
    )
    res = friedman_test(matrix)
    expected = sps.friedmanchisquare(*matrix[[0, 2, 3]].T)
    assert res.n_blocks == 3
    assert res.statistic == pytest.approx(expected.statistic)


def test_friedman_all_ties_gives_p_one():
    """Check that blocks that tie every treatment give statistic 0 and p 1."""
    res = friedman_test([[0.8, 0.8, 0.8], [0.7, 0.7, 0.7]])
    assert (res.statistic, res.p_value) == (0.0, 1.0)


def test_average_ranks_with_ties():
    """Check that rank 1 is the best and tied scores share their average rank."""
    matrix = [[0.9, 0.8, 0.8], [0.7, 0.9, 0.6]]
    # Row 1: [1, 2.5, 2.5]; row 2: [2, 1, 3].
    assert_allclose(average_ranks(matrix), [1.5, 1.75, 2.75])
    # Lower is better: row 1: [3, 1.5, 1.5]; row 2: [2, 3, 1].
    assert_allclose(average_ranks(matrix, greater_is_better=False), [2.5, 2.25, 1.25])


def test_average_ranks_drop_nan_blocks():
    """Check that rows with NaN do not count towards the average ranks."""
    matrix = [[0.9, 0.8, 0.7], [np.nan, 0.1, 0.9]]
    assert_allclose(average_ranks(matrix), [1.0, 2.0, 3.0])


@FAST
@given(
    st.integers(1, 8).flatmap(
        lambda k: st.lists(st.lists(scores, min_size=k, max_size=k), min_size=1)
    )
)
def test_average_ranks_sum_property(matrix):
    """Check that average ranks lie in [1, k] and sum to k(k+1)/2."""
    k = len(matrix[0])
    ranks = average_ranks(matrix)
    assert ranks.shape == (k,)
    assert ranks.sum() == pytest.approx(k * (k + 1) / 2)
    assert np.all((ranks >= 1) & (ranks <= k))


# --------------------------------------------------------------------------
# Variance components
# --------------------------------------------------------------------------
def _crossed(grid):
    """Long-format values, split and seed labels from a (split x seed) grid."""
    n_split, n_seed = grid.shape
    split = np.repeat(np.arange(n_split), n_seed)
    seed = np.tile(np.arange(n_seed), n_split)
    return grid.ravel(), split, seed


def test_variance_components_hand_computed():
    """Check the 2 x 2 decomposition against sums of squares done by hand."""
    values = [0.80, 0.82, 0.90, 0.92]
    # Grand mean 0.86; split means 0.81, 0.91; seed means 0.85, 0.87.
    ss_split = 2 * (0.05**2 + 0.05**2)  # 0.01
    ss_seed = 2 * (0.01**2 + 0.01**2)  # 0.0004
    res = variance_components(values, split=["a", "a", "b", "b"], seed=[1, 2, 1, 2])
    assert res["total_var"] == pytest.approx(np.var(values, ddof=1))
    assert res["split_var"] == pytest.approx(ss_split / 3)
    assert res["seed_var"] == pytest.approx(ss_seed / 3)
    assert res["residual_var"] == pytest.approx(0.0, abs=1e-15)
    assert res["split_share"] == pytest.approx(0.01 / 0.0104)
    # MS_split = 0.01, MS_seed = 0.0004, MS_res = 0 -> components / 2.
    assert res["split_component"] == pytest.approx(0.005)
    assert res["seed_component"] == pytest.approx(0.0002)
    assert (res["n_splits"], res["n_seeds"]) == (2, 2)


def _planted(rng, n_split=20, n_seed=10, sd_split=0.05, sd_seed=0.01, sd=0.005):
    return (
        0.8
        + rng.normal(0, sd_split, size=(n_split, 1))
        + rng.normal(0, sd_seed, size=(1, n_seed))
        + rng.normal(0, sd, size=(n_split, n_seed))
    )


def test_variance_components_recover_planted_effects():
    """Check that planted split/seed/noise sds are recovered and shares add to 1."""
    rng = np.random.default_rng(4)
    values, split, seed = _crossed(_planted(rng))
    res = variance_components(values, split, seed)
    total = res["split_var"] + res["seed_var"] + res["residual_var"]
    assert total == pytest.approx(res["total_var"])
    assert res["total_var"] == pytest.approx(np.var(values, ddof=1))
    shares = res["split_share"] + res["seed_share"] + res["residual_share"]
    assert shares == pytest.approx(1.0)
    # One data set: 19 and 9 degrees of freedom, so loose bounds on the sds.
    assert math.sqrt(res["split_component"]) == pytest.approx(0.05, rel=0.35)
    assert math.sqrt(res["seed_component"]) == pytest.approx(0.01, rel=0.5)
    assert math.sqrt(res["residual_component"]) == pytest.approx(0.005, rel=0.15)
    assert res["split_share"] > 0.8


def test_variance_components_are_unbiased_on_average():
    """Check that components averaged over 300 simulations match the planted ones."""
    rng = np.random.default_rng(5)
    comps = np.array(
        [
            [
                (r := variance_components(*_crossed(_planted(rng))))["split_component"],
                r["seed_component"],
                r["residual_component"],
            ]
            for _ in range(300)
        ]
    )
    assert_allclose(comps.mean(axis=0), [0.05**2, 0.01**2, 0.005**2], rtol=0.1)


def test_variance_components_drop_incomplete_splits_and_empty_seeds():
    """Check that a NaN cell drops its split and an all-NaN seed is dropped."""
    rng = np.random.default_rng(6)
    grid = _planted(rng, n_split=5, n_seed=4)
    with_gaps = grid.copy()
    with_gaps[1, 2] = np.nan  # one failed fit: split 1 goes
    with_gaps[:, 3] = np.nan  # a seed with no values at all: seed 3 goes
    res = variance_components(*_crossed(with_gaps))
    expected = variance_components(*_crossed(grid[[0, 2, 3, 4]][:, :3]))
    assert res["n_dropped_splits"] == 1
    assert res["n_dropped_seeds"] == 1
    assert (res["n_splits"], res["n_seeds"]) == (4, 3)
    for key in ("total_var", "split_var", "seed_component"):
        assert res[key] == pytest.approx(expected[key])


def test_variance_components_missing_cell_drops_split():
    """Check that an absent (split, seed) row is treated like a NaN cell."""
    rng = np.random.default_rng(7)
    values, split, seed = _crossed(_planted(rng, n_split=4, n_seed=3))
    keep = ~((split == 0) & (seed == 1))
    res = variance_components(values[keep], split[keep], seed[keep])
    assert (res["n_splits"], res["n_dropped_splits"]) == (3, 1)


def test_variance_components_constant_values_give_nan_shares():
    """Check that zero total variance gives NaN shares and zero components."""
    res = variance_components(*_crossed(np.full((3, 3), 0.9)))
    assert res["total_var"] == 0.0
    assert np.isnan(res["split_share"])
    assert res["split_component"] == 0.0


@FAST
@given(
    st.integers(2, 6),
    st.integers(2, 6),
    st.integers(0, 2**32 - 1),
)
def test_variance_shares_add_to_one_property(n_split, n_seed, seed):
    """Check that the parts add to the total and the shares to 1."""
    grid = np.random.default_rng(seed).uniform(0.5, 1.0, size=(n_split, n_seed))
    res = variance_components(*_crossed(grid))
    total = res["split_var"] + res["seed_var"] + res["residual_var"]
    assert total == pytest.approx(res["total_var"])
    shares = res["split_share"] + res["seed_share"] + res["residual_share"]
    assert shares == pytest.approx(1.0)
    assert min(res["split_component"], res["seed_component"]) >= 0.0


# --------------------------------------------------------------------------
# Noise floor
# --------------------------------------------------------------------------
def test_binomial_noise_floor():
    """Check that the noise floor is sqrt(p(1-p)/n) for scalars and arrays."""
    assert binomial_noise_floor(0.9, 100) == pytest.approx(0.03)
    assert isinstance(binomial_noise_floor(0.5, 25), float)
    assert binomial_noise_floor(0.5, 25) == pytest.approx(0.1)
    assert_allclose(binomial_noise_floor([0.0, 0.5], [10, 100]), [0.0, 0.05])


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
def _interval(**kw):
    return lambda: corrected_t_interval(**{"n_train": 80, "n_test": 20, **kw})


def _paired(**kw):
    return lambda: corrected_paired_t_test(**{"n_train": 80, "n_test": 20, **kw})


@pytest.mark.parametrize(
    "call, match",
    [
        (_interval(values=[0.8]), r"At least 2 values .* Got 1"),
        (_interval(values=[0.8, np.nan, np.nan]), r"At least 2 values .* Got 1"),
        (_interval(values=[[0.8, 0.9]]), r"`values` .* 1-D .* shape \(1, 2\)"),
        (_interval(values=["a", "b"]), r"`values` parameter must be a 1-D array"),
        (_interval(values=[0.8, np.inf]), r"`values` .* finite .* 1 infinite"),
        (_interval(values=VALUES, confidence=1.5), r"`confidence` .* Got 1.5"),
        (_interval(values=VALUES, confidence=True), r"`confidence` .* Got True"),
        (_interval(values=VALUES, n_train=0), r"`n_train` .* Got 0"),
        (_interval(values=VALUES, n_test="x"), r"`n_test` .* Got 'x'"),
        (_interval(values=VALUES, n_test=[[20]]), r"`n_test` parameter must"),
        (_interval(values=VALUES, n_test=[10, 10]), r"`n_test` .* \(6 values\)"),
        (lambda: t_interval([1.0]), r"At least 2 values"),
        (_paired(a=[0.8, 0.9], b=[0.8]), r"same folds. Got 2 and 1"),
        (_paired(a=[0.8, np.nan], b=[0.7, 0.6]), r"At least 2 pairs .* Got 1"),
        (_paired(a=A4, b=B4, alternative="bigger"), r"`alternative` .* 'bigger'"),
        (lambda: paired_t_test(A4, B4, confidence=0), r"`confidence` .* Got 0"),
        (lambda: wilcoxon_test(A4, B4, zero_method="x"), r"`zero_method` .* 'x'"),
        (lambda: wilcoxon_test([np.nan], [0.1]), r"At least 1 pairs .* Got 0"),
        (lambda: win_tie_loss(A4, B4, tol=-0.1), r"`tol` .* non-negative"),
        (lambda: friedman_test([[1, 2], [2, 1]]), r"at least 3 treatments .* Got 2"),
        (lambda: friedman_test([1, 2, 3]), r"`matrix` .* 2-D .* shape \(3,\)"),
        (lambda: friedman_test([[1, 2, 3]]), r"At least 2 blocks .* Got 1"),
        (lambda: average_ranks([[1, 2]], greater_is_better="yes"), r"must be a bool"),
        (lambda: holm([0.1, 1.5]), r"`p_values` .* \[0, 1\] .* \[1.5\]"),
        (lambda: binomial_noise_floor(1.2, 10), r"`p` .* Got 1.2"),
        (lambda: binomial_noise_floor(0.5, 0), r"`n_test` .* Got 0"),
        (
            lambda: variance_components([1.0, 2.0], split=[0, 0], seed=[0, 0]),
            r"exactly one value per \(split, seed\) cell. Got 2 values",
        ),
        (
            lambda: variance_components([1.0, 2.0], split=[0, 1], seed=[0, 1]),
            r"at least 2 splits and 2 seeds .* 0 split\(s\) x 2 seed\(s\)",
        ),
        (
            lambda: variance_components([1.0, 2.0], split=[0], seed=[0, 1]),
            r"`split` .* one label per value \(2\)",
        ),
    ],
)
def test_errors(call, match):
    """Check that bad inputs raise a ValueError that names the problem."""
    with pytest.raises(ValueError, match=match):
        call()
