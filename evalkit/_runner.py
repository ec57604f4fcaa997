"""Fit one task, predict once, return a plain record.

A task is one (strategy, repeat, fold) cell of an evaluation.  The runner
clones the strategy's pipeline, seeds it, fits it on the training rows only
(resampling therefore happens inside the fold), calls ``predict_proba`` on the
test rows once and returns a :class:`FoldRecord`.  It never writes to a report
and never raises for a failed fit unless asked to: a failure is a record with
``status="failed"``.
"""

import numbers
import os
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import get_scorer

from ._random import set_random_states

__all__ = ["FoldRecord", "Task", "run_task"]


@dataclass(frozen=True)
class Task:
    """One cell of an evaluation: a strategy on one split, with its seed."""

    strategy: str
    repeat: int
    fold: int
    seed: int
    train: np.ndarray = field(repr=False)
    test: np.ndarray = field(repr=False)


@dataclass
class FoldRecord:
    """What one task produced.

    Attributes
    ----------
    strategy, repeat, fold, seed : str, int, int, int
        Which task.
    test_index : ndarray of int
        Positions of the test rows in the evaluated data.
    y_test : ndarray of int8
        1 where the test row belongs to the positive class.
    proba : ndarray of float64
        Out-of-fold probability of the positive class (NaN when failed).
    threshold : float
        Decision threshold used on this fold (tuned strategies choose their
        own on the training part).
    fit_time, predict_time : float
        Seconds.
    n_train, n_pos_train, n_test, n_pos_test : int
        Sizes before resampling.
    n_train_resampled, n_pos_train_resampled : int or None
        Sizes of the training part the classifier saw after resampling;
        ``None`` when not observable.
    history : dict or None
        Per-epoch training history of a Keras model (metric -> list).
    status : {"ok", "failed"}
    error, traceback : str
        Message and traceback of a failure ("" when ok).
    warnings : list of (str, str)
        (category name, message) of every warning raised in the task.
    memory_mb : float
        Resident memory of the worker process after the task, in MB.
    class_weight : str
        The class weights the classifier used, as text ("" when none).
    """

    strategy: str
    repeat: int
    fold: int
    seed: int
    test_index: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    proba: np.ndarray = field(repr=False)
    threshold: float = 0.5
    fit_time: float = 0.0
    predict_time: float = 0.0
    n_train: int = 0
    n_pos_train: int = 0
    n_test: int = 0
    n_pos_test: int = 0
    n_train_resampled: int | None = None
    n_pos_train_resampled: int | None = None
    history: dict | None = field(default=None, repr=False)
    status: str = "ok"
    error: str = ""
    traceback: str = field(default="", repr=False)
    warnings: list = field(default_factory=list, repr=False)
    memory_mb: float = float("nan")
    class_weight: str = ""


def _take(X, index):
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X.iloc[index]
    return X[index]


def _resident_mb():
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def _steps(est):
    steps = getattr(est, "steps", None)
    return steps if isinstance(steps, list) else None


def _has_sampler(est):
    steps = _steps(est)
    if steps is None:
        inner = getattr(est, "estimator", None)
        return inner is not None and _has_sampler(inner)
    return any(hasattr(step, "fit_resample") for _, step in steps[:-1])


def _run_head(steps, X, y, *, fit):
    """Push data through all but the last step; samplers resample only on fit."""
    Xt, yt = X, y
    for _, step in steps[:-1]:
        if step is None or step == "passthrough":
            continue
        if hasattr(step, "fit_resample"):
            if fit:
                Xt, yt = step.fit_resample(Xt, yt)
        elif fit:
            Xt = step.fit_transform(Xt, yt)
        else:
            Xt = step.transform(Xt)
    return Xt, yt


def _fit(est, X, y, fit_params, validation=None):
    """Fit ``est``; return the labels the final classifier was trained on.

    ``validation`` is an optional (X_test, y_test) pair handed to the final
    classifier's ``fit`` as ``validation_data`` after the pipeline's fitted
    preprocessing, so that a Keras model logs held-out loss and accuracy per
    epoch.  It never influences training.
    """
    steps = _steps(est)
    if steps is not None and (_has_sampler(est) or validation is not None):
        # Same as Pipeline.fit, done in two stages so that the size of the
        # resampled training part is observed rather than recomputed.
        Xt, yt = _run_head(steps, X, y, fit=True)
        final = steps[-1][1]
        if validation is not None:
            X_val = _run_head(steps, validation[0], None, fit=False)[0]
            fit_params = {**fit_params, "validation_data": (X_val, validation[1])}
        final.fit(Xt, yt, **fit_params)
        return yt
    if validation is not None:
        if _steps(getattr(est, "estimator", None)) is not None:
            raise ValueError(
                "Per-epoch held-out scores are not available for threshold-tuned "
                "strategies ('+tuned'); evaluate them without this option."
            )
        fit_params = {**fit_params, "validation_data": validation}
    if steps is not None:
        est.fit(X, y, **{f"{steps[-1][0]}__{k}": v for k, v in fit_params.items()})
        return y
    est.fit(X, y, **fit_params)
    inner = getattr(est, "estimator_", None)
    if _has_sampler(est) and _steps(inner) is not None:
        # A wrapper (threshold tuning) refitted a resampling pipeline: replay its
        # fitted head to observe the resampled size.
        return _run_head(_steps(inner), X, y, fit=True)[1]
    if _has_sampler(est):
        return None
    return y


def _final_estimator(est):
    inner = getattr(est, "estimator_", None)
    if inner is not None:
        est = inner
    steps = _steps(est)
    return steps[-1][1] if steps is not None else est


def _tuned_pos_label(tuned):
    curve_scorer = getattr(tuned, "_curve_scorer", None)
    if curve_scorer is not None and hasattr(curve_scorer, "_get_pos_label"):
        return curve_scorer._get_pos_label()
    scorer = tuned.scoring
    if isinstance(scorer, str):
        scorer = get_scorer(scorer)
    getter = getattr(scorer, "_get_pos_label", None)
    return getter() if getter is not None else None


def decision_threshold(fitted_estimator, default=0.5, *, pos_label=None, classes=None):
    """Return the probability threshold a fitted classifier uses to predict.

    A row is predicted positive when the probability of ``pos_label`` is at
    least the returned threshold.

    - For a fitted ``TunedThresholdClassifierCV`` (the ``"+tuned"``
      strategies): its ``best_threshold_``. scikit-learn applies it to the
      probability of the positive label of its scorer (``pos_label`` of the
      scorer, else ``classes_[1]``); when you ask for the other class, the
      threshold is mapped to ``1 - best_threshold_`` (``-best_threshold_`` if it
      was tuned on a decision function).
    - For an estimator with a numeric ``threshold`` parameter (such as
      ``FixedThresholdClassifier``): that value, mapped in the same way.
    - For a pipeline: the answer for its final step.
    - Otherwise: ``default``.

    Parameters
    ----------
    fitted_estimator : estimator
        A fitted classifier, or an unfitted one together with ``classes``.
    default : float, default=0.5
        Returned when the estimator has no threshold of its own.
    pos_label : int, float, bool or str, default=None
        The class whose probability the threshold applies to; ``classes_[1]``
        when None.
    classes : array-like or None, default=None
        The labels the estimator is (or will be) fitted on, used when it has
        no ``classes_`` yet; scikit-learn classifiers store them sorted, so
        ``classes_[1]`` is the larger label.  Ignored for a fitted estimator.

    Returns
    -------
    threshold : float
        The threshold on the probability of ``pos_label``.

    Raises
    ------
    ValueError
        If ``pos_label`` is not one of the estimator's ``classes_``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from evalkit.strategies import decision_threshold
    >>> model = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    >>> decision_threshold(model)
    0.5
    """
    estimator = fitted_estimator
    if hasattr(estimator, "best_threshold_"):
        threshold = float(estimator.best_threshold_)
        own_pos_label = _tuned_pos_label(estimator)
        response_method = getattr(estimator, "response_method", "predict_proba")
        if response_method == "auto":
            inner = getattr(estimator, "estimator_", estimator.estimator)
            response_method = (
                "predict_proba"
                if hasattr(inner, "predict_proba")
                else "decision_function"
            )
        flip = (lambda t: -t) if response_method == "decision_function" else None
    else:
        params = (
            estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
        )
        threshold = params.get("threshold")
        if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool):
            if _steps(estimator) is not None:
                return decision_threshold(
                    estimator.steps[-1][1],
                    default,
                    pos_label=pos_label,
                    classes=classes,
                )
            return float(default)
        threshold = float(threshold)
        own_pos_label = params.get("pos_label")
        flip = None
    flip = flip or (lambda t: 1.0 - t)

    fitted_classes = getattr(estimator, "classes_", None)
    if fitted_classes is not None:
        classes = fitted_classes
    elif classes is not None:
        classes = np.unique(np.asarray(classes))
    if classes is None:
        if pos_label is None or own_pos_label is None or pos_label == own_pos_label:
            return threshold
        raise ValueError(
            "decision_threshold needs a fitted estimator (with `classes_`) to map "
            f"the threshold to pos_label={pos_label!r}; fit it first."
        )
    classes = list(np.asarray(classes).tolist())
    if own_pos_label is None or own_pos_label not in classes:
        own_pos_label = classes[-1]
    if pos_label is None:
        pos_label = classes[-1]
    elif pos_label not in classes:
        raise ValueError(
            "The `pos_label` parameter of decision_threshold must be one of the "
            f"estimator's classes {classes}. Got {pos_label!r} instead."
        )
    if pos_label == own_pos_label:
        return threshold
    return float(flip(threshold))


def _class_weight_text(est):
    final = _final_estimator(est)
    weights = getattr(final, "class_weight_", None)
    if isinstance(weights, dict) and all(float(v) == 1.0 for v in weights.values()):
        weights = None
    if weights is None and hasattr(final, "get_params"):
        weights = final.get_params(deep=False).get("class_weight")
    if weights is None:
        return ""
    if isinstance(weights, dict):
        return ", ".join(f"{k!r}: {float(v):.4g}" for k, v in weights.items())
    return str(weights)


def _history_of(est):
    history = getattr(_final_estimator(est), "history_", None)
    if not history:
        return None
    return {str(k): [float(v) for v in vals] for k, vals in dict(history).items()}


def _slice_fit_params(fit_params, train, n_samples):
    out = {}
    for key, value in (fit_params or {}).items():
        if hasattr(value, "__len__") and not isinstance(value, (str, dict)):
            if len(value) == n_samples:
                value = _take(np.asarray(value), train)
        out[key] = value
    return out


def _keras_hooks():
    # Only if the worker already imported it (unpickling a Keras estimator does).
    return sys.modules.get("evalkit.keras")


def run_task(
    estimator,
    X,
    y,
    task,
    *,
    pos_label,
    threshold=0.5,
    fit_params=None,
    response_method="predict_proba",
    tf_threads=None,
    error_score=np.nan,
    track_test=False,
):
    """Fit a clone of ``estimator`` on the task's training rows, predict once.

    Parameters
    ----------
    estimator : estimator
        Unfitted pipeline or classifier; cloned here.
    X : DataFrame or ndarray
        All rows; the task's index arrays select training and test rows.
    y : ndarray
        All labels, as given by the user.
    task : Task
    pos_label : object
        The positive label; ``proba`` is the probability of this class.
    threshold : float, default=0.5
        Decision threshold when the estimator does not choose its own.
    fit_params : dict or None
        Passed to the final classifier's ``fit``; arrays with one value per row
        are sliced to the training rows.
    response_method : {"predict_proba", "predict"}, default="predict_proba"
        ``"predict"`` stores hard 0/1 predictions (only for label metrics).
    tf_threads : int or None
        TensorFlow intra-op threads for this worker (``None`` lets TensorFlow
        choose).  When a Keras model is evaluated and TensorFlow has not started
        yet in this process, its inter-op pool is set to one thread; set the
        environment variable ``EVALKIT_TF_THREADS=default`` to leave both alone.
    error_score : "raise" or float, default=nan
        ``"raise"`` re-raises a failure; otherwise it is recorded.
    track_test : bool, default=False
        Hand the test rows to the classifier's ``fit`` as ``validation_data``
        (after the fitted preprocessing) so that a Keras model records
        held-out loss and metrics per epoch in its history.  Training is
        unaffected.

    Returns
    -------
    record : FoldRecord
    """
    keras_module = _keras_hooks()
    if keras_module is not None and os.environ.get("EVALKIT_TF_THREADS") != "default":
        # One inter-op thread: a small network's independent ops gain nothing
        # from a pool, and its start-up per call costs ~15 % of a fold.  Only
        # takes effect before TensorFlow's runtime starts in this process.
        keras_module.configure_tensorflow_threads(tf_threads or 0, 1)
    train, test = task.train, task.test
    y_train, y_test = y[train], y[test]
    y_test_bin = (y_test == pos_label).astype(np.int8)
    record = FoldRecord(
        strategy=task.strategy,
        repeat=task.repeat,
        fold=task.fold,
        seed=task.seed,
        test_index=np.asarray(test),
        y_test=y_test_bin,
        proba=np.full(len(test), np.nan),
        threshold=float(threshold),
        n_train=len(train),
        n_pos_train=int(np.sum(y_train == pos_label)),
        n_test=len(test),
        n_pos_test=int(y_test_bin.sum()),
    )
    est = set_random_states(clone(estimator), task.seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            start = time.perf_counter()
            params = _slice_fit_params(fit_params, train, len(y))
            validation = (_take(X, test), y_test) if track_test else None
            y_seen = _fit(est, _take(X, train), y_train, params, validation)
            record.fit_time = time.perf_counter() - start
            if y_seen is not None:
                record.n_train_resampled = len(y_seen)
                record.n_pos_train_resampled = int(
                    np.sum(np.asarray(y_seen) == pos_label)
                )
            start = time.perf_counter()
            X_test = _take(X, test)
            if response_method == "predict_proba":
                proba = np.asarray(est.predict_proba(X_test), dtype=np.float64)
                classes = list(est.classes_)
                record.proba = proba[:, classes.index(pos_label)]
                if hasattr(est, "best_threshold_"):
                    record.threshold = decision_threshold(est, pos_label=pos_label)
            else:
                record.proba = (np.asarray(est.predict(X_test)) == pos_label).astype(
                    np.float64
                )
                record.threshold = 0.5
            record.predict_time = time.perf_counter() - start
            record.history = _history_of(est)
            record.class_weight = _class_weight_text(est)
        except Exception as exc:
            if error_score == "raise":
                raise
            record.status = "failed"
            record.error = f"{type(exc).__name__}: {exc}"
            record.traceback = traceback.format_exc()
            record.proba = np.full(len(test), np.nan)
    record.warnings = [
        (w.category.__name__, str(w.message))
        for w in caught
        if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))
    ]
    del est
    if keras_module is not None:
        keras_module.release_keras_memory()
    record.memory_mb = _resident_mb()
    return record
