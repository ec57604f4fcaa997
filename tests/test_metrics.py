import pickle

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    log_loss,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)

from evalkit.metrics import (
    DEFAULT_METRICS,
    check_metrics,
    compute_fold_metrics,
    cost_metrics,
    expected_calibration_error,
    get_metric,
)

RNG = np.random.RandomState(0)
Y = RNG.binomial(1, 0.3, size=200)
P = np.clip(0.3 * Y + RNG.uniform(0, 0.7, size=200), 0, 1)


def _values(y, p, threshold=0.5, names=DEFAULT_METRICS):
    return compute_fold_metrics(check_metrics(list(names)), y, p, threshold=threshold)


@pytest.mark.parametrize(
    "name, reference",
    [
        ("accuracy", lambda y, p, yp: accuracy_score(y, yp)),
        ("balanced_accuracy", lambda y, p, yp: balanced_accuracy_score(y, yp)),
        ("precision", lambda y, p, yp: precision_score(y, yp)),
        ("recall", lambda y, p, yp: recall_score(y, yp)),
        ("f1", lambda y, p, yp: f1_score(y, yp)),
        ("roc_auc", lambda y, p, yp: roc_auc_score(y, p)),
        ("average_precision", lambda y, p, yp: average_precision_score(y, p)),
        ("mcc", lambda y, p, yp: matthews_corrcoef(y, yp)),
        ("brier", lambda y, p, yp: brier_score_loss(y, p)),
        ("log_loss", lambda y, p, yp: log_loss(y, p)),
    ],
)
def test_metrics_match_scikit_learn(name, reference):
    """Check that each metric equals scikit-learn's on a fold where it is defined."""
    value, reason = _values(Y, P)[name]
    assert reason is None
    assert value == pytest.approx(reference(Y, P, (P > 0.5).astype(int)), abs=1e-10)


def test_threshold_is_strictly_greater_as_in_keras():
    """Check that a probability equal to the threshold is predicted negative."""
    y = np.array([0, 1])
    p = np.array([0.5, 0.500001])
    assert _values(y, p, names=["accuracy"])["accuracy"][0] == 1.0


def test_baseline_accuracy_is_majority_rate():
    """Check that baseline_accuracy is the accuracy of always predicting the majority."""
    y = np.array([0] * 99 + [1])
    value, _ = _values(y, np.zeros(100), names=["baseline_accuracy"])[
        "baseline_accuracy"
    ]
    assert value == 0.99


def test_gmean_hand_computed():
    """Check gmean = sqrt(recall * specificity) on a hand-made fold."""
    y = np.array([1, 1, 0, 0, 0, 0])
    p = np.array([0.9, 0.1, 0.9, 0.1, 0.1, 0.1])
    value, _ = _values(y, p, names=["gmean"])["gmean"]
    assert value == pytest.approx(np.sqrt(0.5 * 0.75))


@pytest.mark.parametrize(
    "y, p, name, reason",
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], "roc_auc", "no positive"),
        ([1, 1, 1], [0.1, 0.2, 0.3], "roc_auc", "no negative"),
        ([0, 1, 0], [0.1, 0.2, 0.3], "precision", "no row predicted positive"),
        ([0, 0, 0], [0.1, 0.2, 0.3], "recall", "no positive"),
        ([0, 0, 0], [0.1, 0.2, 0.3], "average_precision", "no positive"),
        ([0, 0, 0], [0.1, 0.2, 0.3], "f1", "no positive in the fold and none"),
        ([0, 1, 0], [0.1, 0.2, 0.3], "mcc", "single class"),
        ([0, 0, 0], [0.1, 0.2, 0.3], "balanced_accuracy", "no positive"),
        ([0, 0, 0], [0.1, 0.2, 0.3], "gmean", "no positive"),
    ],
)
def test_undefined_metrics_are_nan_with_reason(y, p, name, reason):
    """Check that an undefined metric is NaN with a reason, never 0 or 0.5."""
    value, why = _values(np.array(y), np.array(p), names=[name])[name]
    assert np.isnan(value)
    assert reason in why


def test_f1_is_zero_not_nan_when_positives_are_missed():
    """Check that F1 is a real 0 when the fold has positives but none is found."""
    value, why = _values(np.array([0, 1, 0]), np.array([0.1, 0.2, 0.3]), names=["f1"])[
        "f1"
    ]
    assert value == 0.0 and why is None


def test_ece_hand_computed():
    """Check the expected calibration error against a hand computation."""
    # bins: [0.1, 0.15] -> bin 1 (mean p 0.125, mean y 0); [0.8, 0.95] -> bin 8/9
    y = [0, 0, 1, 1]
    p = [0.1, 0.15, 0.8, 0.95]
    # bin 1: |0 - 0.125| * 2/4 = 0.0625; bin 8: |1 - 0.8| * 1/4 = 0.05;
    # bin 9: |1 - 0.95| * 1/4 = 0.0125
    assert expected_calibration_error(y, p) == pytest.approx(0.125)
    assert expected_calibration_error([1], [1.0]) == 0.0


def test_cost_metrics_hand_computed():
    """Check expected_cost at the threshold and the best-threshold cost."""
    expected, best = cost_metrics({"fp": 1.0, "fn": 10.0})
    y = np.array([1, 0, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    yp = (p > 0.5).astype(int)
    # one FP (0.8) and one FN (0.2): (1 + 10) / 5
    assert expected.func(y, p, yp) == pytest.approx(11 / 5)
    # best cut: predict top 4 positive -> FP 2 (0.8, 0.3), FN 0 -> 2 / 5
    assert best.func(y, p, yp) == pytest.approx(2 / 5)


@pytest.mark.parametrize(
    "costs, match",
    [
        ({"fp": 1}, "exactly the keys"),
        ({"fp": -1, "fn": 2}, "must be >= 0"),
        ({"fp": 0, "fn": 0}, "cannot both be 0"),
        ({"fp": "a", "fn": 1}, "finite number"),
    ],
)
def test_cost_metrics_reject_bad_costs(costs, match):
    """Check that bad costs raise an error naming the problem."""
    with pytest.raises(ValueError, match=match):
        cost_metrics(costs)


@pytest.mark.parametrize(
    "scoring, match",
    [
        ("roc", "Unknown metric 'roc'"),
        ([], "empty list"),
        (["f1", "f1"], "twice"),
        (3, "must be None, a metric name"),
    ],
)
def test_check_metrics_errors(scoring, match):
    """Check that bad scoring values raise errors that list what is valid."""
    with pytest.raises(ValueError, match=match):
        check_metrics(scoring)


def test_check_metrics_adds_cost_metrics():
    """Check that costs add the two cost metrics after the requested ones."""
    names = [m.name for m in check_metrics(["f1"], {"fp": 1, "fn": 5})]
    assert names == ["f1", "expected_cost", "min_expected_cost"]


def test_cost_metrics_survive_pickling():
    """Check that cost metrics pickle and give the same values after a round trip."""
    metrics = check_metrics(["accuracy"], {"fp": 1.0, "fn": 20.0})
    again = pickle.loads(pickle.dumps(metrics))
    y = np.array([0, 0, 1, 1, 0])
    proba = np.array([0.1, 0.7, 0.8, 0.3, 0.2])
    y_pred = (proba > 0.5).astype(int)
    for before, after in zip(metrics, again, strict=True):
        assert before.func(y, proba, y_pred) == after.func(y, proba, y_pred)
    assert again[1].func(y, proba, y_pred) == pytest.approx((1 * 1 + 20 * 1) / 5)


def test_metric_directions():
    """Check that loss-like metrics are marked lower-is-better."""
    for name in ("brier", "log_loss", "ece"):
        assert not get_metric(name).greater_is_better
    assert get_metric("roc_auc").needs_proba and not get_metric("f1").needs_proba
