"""The metric registry: every metric evalkit reports, computed from stored
out-of-fold probabilities.

Each metric is a function of three arrays of one test fold: ``y_true`` (1 for
the positive class, 0 otherwise), ``proba`` (the predicted probability of the
positive class) and ``y_pred`` (1 where ``proba`` is strictly above the
decision threshold, as Keras' ``BinaryAccuracy`` does).  Nothing is predicted
twice: thresholded and ranking metrics are derived from the same stored
probabilities.

A metric that is undefined on a fold (precision with no predicted positive,
ROC-AUC on a fold with one class) returns ``nan`` together with the reason;
never a silent 0 or 0.5.
"""

import functools
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

__all__ = [
    "DEFAULT_METRICS",
    "Metric",
    "check_metrics",
    "compute_fold_metrics",
    "cost_metrics",
    "expected_calibration_error",
    "get_metric",
    "metric_names",
]


class UndefinedMetricError(ArithmeticError):
    """Raised inside a metric function when the metric is undefined on a fold."""


@dataclass(frozen=True)
class Metric:
    """A metric computed from one fold's labels and probabilities.

    Parameters
    ----------
    name : str
        Column name in reports.
    func : callable
        ``func(y_true, proba, y_pred) -> float``; raises
        ``UndefinedMetricError(reason)`` when the metric is undefined.
    needs_proba : bool
        Whether the metric needs probabilities (ranking and calibration
        metrics) rather than hard labels only.
    greater_is_better : bool
        Direction used by comparisons and rankings.
    description : str
        One line for documentation and reports.
    bounds : tuple of float, default=(0.0, 1.0)
        The range of possible values; confidence intervals are clipped to it.
    """

    name: str
    func: object = field(repr=False)
    needs_proba: bool
    greater_is_better: bool
    description: str
    bounds: tuple = (0.0, 1.0)


def _confusion(y_true, y_pred):
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    return tp, fp, fn, tn


def _need_both_classes(y_true, what):
    n_pos = int(np.sum(y_true == 1))
    if n_pos == 0:
        raise UndefinedMetricError(
            f"{what} needs both classes; the fold has no positive"
        )
    if n_pos == len(y_true):
        raise UndefinedMetricError(
            f"{what} needs both classes; the fold has no negative"
        )


def _accuracy(y_true, proba, y_pred):
    return float(np.mean(y_true == y_pred))


def _baseline_accuracy(y_true, proba, y_pred):
    rate = float(np.mean(y_true == 1))
    return max(rate, 1.0 - rate)


def _recall_value(y_true, y_pred):
    tp, _, fn, _ = _confusion(y_true, y_pred)
    if tp + fn == 0:
        raise UndefinedMetricError("recall is undefined: the fold has no positive")
    return tp / (tp + fn)


def _specificity_value(y_true, y_pred):
    _, fp, _, tn = _confusion(y_true, y_pred)
    if tn + fp == 0:
        raise UndefinedMetricError("specificity is undefined: the fold has no negative")
    return tn / (tn + fp)


def _recall(y_true, proba, y_pred):
    return _recall_value(y_true, y_pred)


def _precision(y_true, proba, y_pred):
    tp, fp, _, _ = _confusion(y_true, y_pred)
    if tp + fp == 0:
        raise UndefinedMetricError("precision is undefined: no row predicted positive")
    return tp / (tp + fp)


def _f1(y_true, proba, y_pred):
    tp, fp, fn, _ = _confusion(y_true, y_pred)
    if 2 * tp + fp + fn == 0:
        raise UndefinedMetricError(
            "f1 is undefined: no positive in the fold and none predicted"
        )
    return 2 * tp / (2 * tp + fp + fn)


def _balanced_accuracy(y_true, proba, y_pred):
    return 0.5 * (_recall_value(y_true, y_pred) + _specificity_value(y_true, y_pred))


def _gmean(y_true, proba, y_pred):
    return float(
        np.sqrt(_recall_value(y_true, y_pred) * _specificity_value(y_true, y_pred))
    )


def _mcc(y_true, proba, y_pred):
    tp, fp, fn, tn = _confusion(y_true, y_pred)
    denominator = float(tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    if denominator == 0:
        raise UndefinedMetricError(
            "mcc is undefined: the fold or the predictions hold a single class"
        )
    return float((tp * tn - fp * fn) / np.sqrt(denominator))


def _roc_auc(y_true, proba, y_pred):
    _need_both_classes(y_true, "roc_auc")
    return float(roc_auc_score(y_true, proba))


def _average_precision(y_true, proba, y_pred):
    if not np.any(y_true == 1):
        raise UndefinedMetricError(
            "average_precision is undefined: the fold has no positive"
        )
    return float(average_precision_score(y_true, proba))


def _brier(y_true, proba, y_pred):
    return float(np.mean((proba - y_true) ** 2))


def _log_loss(y_true, proba, y_pred):
    eps = np.finfo(np.float64).eps
    p = np.clip(proba.astype(np.float64), eps, 1 - eps)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log1p(-p)))


def expected_calibration_error(y_true, proba, *, n_bins=10):
    """Expected calibration error with equal-width bins.

    The interval [0, 1] is cut into ``n_bins`` bins of equal width (the last
    one closed on the right).  For each non-empty bin ``b`` holding ``n_b`` of
    the ``n`` rows, ``|mean(y_true in b) - mean(proba in b)|`` is weighted by
    ``n_b / n`` and the weighted gaps are summed.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        1 for the positive class, 0 otherwise.
    proba : array-like of shape (n,)
        Predicted probability of the positive class.
    n_bins : int, default=10
        Number of equal-width bins.

    Returns
    -------
    ece : float
        Between 0 (perfectly calibrated) and 1.

    Examples
    --------
    >>> expected_calibration_error([0, 1], [0.2, 0.6])
    0.3
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    proba = np.asarray(proba, dtype=np.float64)
    bins = np.minimum((proba * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        mask = bins == b
        total += mask.sum() / len(proba) * abs(y_true[mask].mean() - proba[mask].mean())
    return float(round(total, 12))


def _ece(y_true, proba, y_pred):
    return expected_calibration_error(y_true, proba)


_REGISTRY = {
    m.name: m
    for m in [
        Metric("accuracy", _accuracy, False, True, "share of rows classified right"),
        Metric(
            "baseline_accuracy",
            _baseline_accuracy,
            False,
            True,
            "accuracy of always predicting the fold's majority class",
        ),
        Metric(
            "balanced_accuracy",
            _balanced_accuracy,
            False,
            True,
            "mean of recall on positives and recall on negatives",
        ),
        Metric(
            "precision",
            _precision,
            False,
            True,
            "share of predicted positives that are positive",
        ),
        Metric("recall", _recall, False, True, "share of positives found"),
        Metric("f1", _f1, False, True, "harmonic mean of precision and recall"),
        Metric("roc_auc", _roc_auc, True, True, "area under the ROC curve"),
        Metric(
            "average_precision",
            _average_precision,
            True,
            True,
            "PR-AUC: area under the precision-recall curve (step-wise)",
        ),
        Metric(
            "mcc", _mcc, False, True, "Matthews correlation coefficient", (-1.0, 1.0)
        ),
        Metric("gmean", _gmean, False, True, "geometric mean of the two recalls"),
        Metric("brier", _brier, True, False, "mean squared error of the probabilities"),
        Metric(
            "log_loss",
            _log_loss,
            True,
            False,
            "binary cross-entropy of the probabilities",
            (0.0, np.inf),
        ),
        Metric(
            "ece", _ece, True, False, "expected calibration error, 10 equal-width bins"
        ),
    ]
}

DEFAULT_METRICS = (
    "accuracy",
    "baseline_accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "average_precision",
    "mcc",
    "gmean",
    "brier",
    "log_loss",
    "ece",
)


def metric_names():
    """Return the names of every registered metric, in report order.

    Returns
    -------
    names : list of str
    """
    return list(_REGISTRY)


def get_metric(name):
    """Return the registered :class:`Metric` called ``name``.

    Parameters
    ----------
    name : str

    Returns
    -------
    metric : Metric
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown metric {name!r}. Valid metrics are: "
            f"{', '.join(_REGISTRY)} (and expected_cost, min_expected_cost when "
            "costs are given)."
        ) from None


# Module-level functions (bound to the costs with functools.partial), so that
# reports holding cost metrics can be pickled and sent to other processes.
def _expected_cost(y_true, proba, y_pred, *, c_fp, c_fn):
    _, fp, fn, _ = _confusion(y_true, y_pred)
    return (c_fp * fp + c_fn * fn) / len(y_true)


def _min_expected_cost(y_true, proba, y_pred, *, c_fp, c_fn):
    # Thresholds between consecutive distinct scores, plus "all negative".
    order = np.argsort(-proba, kind="stable")
    p_sorted, y_sorted = proba[order], y_true[order]
    # Predict positive for the top k rows, k over every distinct cut.
    tp = np.concatenate([[0], np.cumsum(y_sorted == 1)])
    fp = np.concatenate([[0], np.cumsum(y_sorted == 0)])
    cut = np.concatenate([[True], p_sorted[:-1] != p_sorted[1:], [True]])
    n_pos = tp[-1]
    cost = c_fp * fp + c_fn * (n_pos - tp)
    return float(cost[cut].min() / len(y_true))


def cost_metrics(costs):
    """Build the cost metrics for given misclassification costs.

    Parameters
    ----------
    costs : dict
        ``{"fp": cost of a false positive, "fn": cost of a false negative}``;
        both non-negative numbers, not both zero.

    Returns
    -------
    metrics : list of Metric
        ``expected_cost``: average cost per row at the decision threshold;
        ``min_expected_cost``: average cost per row of the best fixed threshold
        chosen on the test fold itself (an optimistic bound showing what a
        better threshold could save).
    """
    if not isinstance(costs, dict) or set(costs) != {"fp", "fn"}:
        raise ValueError(
            "The `costs` parameter must be a dict with exactly the keys 'fp' and "
            f"'fn', for example {{'fp': 1.0, 'fn': 20.0}}. Got {costs!r} instead."
        )
    c_fp, c_fn = costs["fp"], costs["fn"]
    for key, value in (("fp", c_fp), ("fn", c_fn)):
        if not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
            raise ValueError(
                f"costs[{key!r}] must be a finite number. Got {value!r} instead."
            )
        if value < 0:
            raise ValueError(f"costs[{key!r}] must be >= 0. Got {value!r} instead.")
    if c_fp == 0 and c_fn == 0:
        raise ValueError("costs['fp'] and costs['fn'] cannot both be 0.")
    c_fp, c_fn = float(c_fp), float(c_fn)

    return [
        Metric(
            "expected_cost",
            functools.partial(_expected_cost, c_fp=c_fp, c_fn=c_fn),
            False,
            False,
            f"cost per row at the threshold (fp={c_fp:g}, fn={c_fn:g})",
            (0.0, np.inf),
        ),
        Metric(
            "min_expected_cost",
            functools.partial(_min_expected_cost, c_fp=c_fp, c_fn=c_fn),
            True,
            False,
            "cost per row of the best threshold chosen on the test fold",
            (0.0, np.inf),
        ),
    ]


def check_metrics(scoring, costs=None):
    """Resolve ``scoring`` into a list of :class:`Metric`.

    Parameters
    ----------
    scoring : None, str or list of str
        ``None`` selects :data:`DEFAULT_METRICS`.
    costs : dict or None, default=None
        When given, ``expected_cost`` and ``min_expected_cost`` are added.

    Returns
    -------
    metrics : list of Metric
    """
    extra = cost_metrics(costs) if costs is not None else []
    extra_by_name = {m.name: m for m in extra}
    if scoring is None:
        names = list(DEFAULT_METRICS)
    elif isinstance(scoring, str):
        names = [scoring]
    else:
        try:
            names = list(scoring)
        except TypeError:
            raise ValueError(
                "The `scoring` parameter must be None, a metric name or a list of "
                f"metric names. Got {scoring!r} instead."
            ) from None
        if not names:
            raise ValueError(
                "The `scoring` parameter is an empty list; give at least one "
                f"metric name, for example ['roc_auc']. Valid: {', '.join(_REGISTRY)}."
            )
    if len(set(names)) != len(names):
        raise ValueError(f"The `scoring` parameter lists a metric twice: {names}.")
    metrics = []
    for name in names:
        metrics.append(
            extra_by_name[name] if name in extra_by_name else get_metric(name)
        )
    for m in extra:
        if m.name not in names:
            metrics.append(m)
    return metrics


def compute_fold_metrics(metrics, y_true, proba, *, threshold):
    """Compute metrics on one fold.

    Parameters
    ----------
    metrics : list of Metric
    y_true : ndarray of shape (n,)
        1 for the positive class, 0 otherwise.
    proba : ndarray of shape (n,)
        Probability of the positive class.
    threshold : float
        Rows with ``proba > threshold`` are predicted positive.

    Returns
    -------
    values : dict
        ``{name: (value, reason)}``: ``reason`` is ``None`` when the metric is
        defined, else a sentence saying why the value is ``nan``.
    """
    y_true = np.asarray(y_true).astype(np.int8)
    proba = np.asarray(proba, dtype=np.float64)
    y_pred = (proba > threshold).astype(np.int8)
    out = {}
    for metric in metrics:
        try:
            out[metric.name] = (float(metric.func(y_true, proba, y_pred)), None)
        except UndefinedMetricError as exc:
            out[metric.name] = (float("nan"), str(exc))
    return out
