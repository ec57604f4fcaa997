"""``evaluate``: every imbalance strategy on the same repeated stratified splits."""

import dataclasses
import numbers
import sys
import warnings

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.utils.parallel import Parallel, delayed

from . import __version__
from ._random import draw_seeds
from ._runner import FoldRecord, Task, _has_sampler, run_task
from ._store import RecordStore, data_fingerprint, estimator_fingerprint, task_key
from ._validation import (
    InputError,
    check_class_counts,
    check_int,
    check_random_state_param,
    check_X_y,
    resolve_pos_label,
    warn_small_classes,
)
from .metrics import check_metrics
from .report import EvaluationReport
from .strategies import make_imbalance_pipeline

__all__ = ["DEFAULT_STRATEGIES", "evaluate"]

DEFAULT_STRATEGIES = ("none", "class_weight", "random_under", "smote")

try:  # what joblib's process backends send tasks with
    import cloudpickle
except ImportError:  # pragma: no cover - older joblib vendors it
    from joblib.externals import cloudpickle

_CATEGORIES = {
    c.__name__: c
    for c in (
        UserWarning,
        RuntimeWarning,
        FutureWarning,
        ConvergenceWarning,
        FitFailedWarning,
    )
}


def _strategy_items(strategies):
    """Normalise ``strategies`` into a list of (name, strategy)."""
    if isinstance(strategies, str) or not hasattr(strategies, "__iter__"):
        strategies = [strategies]
    if isinstance(strategies, dict):
        items = [(str(k), v) for k, v in strategies.items()]
    else:
        items = []
        for s in strategies:
            if isinstance(s, str):
                name = s
            elif isinstance(s, tuple) and len(s) == 2 and isinstance(s[0], str):
                name, s = s
            else:
                name = type(s).__name__
            items.append((name, s))
    if not items:
        raise InputError(
            "The `strategies` parameter is empty; give at least one strategy, for "
            "example strategies=('none', 'smote')."
        )
    names = [n for n, _ in items]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(
            f"Strategy names must be unique; {dup} appear more than once. Pass a "
            "dict {name: strategy} to name strategies yourself."
        )
    return items


def _check_cv(cv, n_splits, n_repeats, random_state):
    """Return (splitter, folds per repeat, description)."""
    if cv is None:
        splitter = RepeatedStratifiedKFold(
            n_splits=n_splits, n_repeats=n_repeats, random_state=random_state
        )
        return (
            splitter,
            n_splits,
            (
                f"RepeatedStratifiedKFold(n_splits={n_splits}, n_repeats={n_repeats}, "
                f"random_state={random_state!r})"
            ),
        )
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        k = check_int(cv, "cv", low=2)
        return StratifiedKFold(k), k, f"StratifiedKFold(n_splits={k})"
    if (
        isinstance(cv, str)
        or not hasattr(cv, "split")
        or not hasattr(cv, "get_n_splits")
    ):
        raise InputError(
            "The `cv` parameter must be None, an int or a splitter with a split() "
            f"method (for example StratifiedKFold(5)). Got {cv!r} instead."
        )
    repeats = getattr(cv, "n_repeats", 1)
    total = cv.get_n_splits()
    return cv, max(total // max(repeats, 1), 1), repr(cv)


def _check_fit_params(fit_params, pipelines):
    if fit_params is None:
        return {}
    if not isinstance(fit_params, dict):
        raise InputError(
            "The `fit_params` parameter must be a dict of options for the "
            f"classifier's fit, for example {{'epochs': 5}}. Got {fit_params!r}."
        )
    if "sample_weight" in fit_params:
        with_sampler = [name for name, p in pipelines if _has_sampler(p)]
        if with_sampler:
            raise InputError(
                "fit_params['sample_weight'] cannot be used with resampling "
                f"strategies ({', '.join(with_sampler)}): a sampler adds or removes "
                "training rows, so row weights would no longer line up with the rows. "
                "Use class weights instead (the 'class_weight' strategy or the "
                "classifier's class_weight parameter), or drop the resampling "
                "strategies."
            )
    return dict(fit_params)


def _check_picklable(name, pipeline):
    """Fail before any fold runs, naming the parameter that cannot be pickled.

    Parallel workers receive tasks through cloudpickle (as joblib's process
    backends do), so lambdas and local functions are fine; locks, open files
    and live sessions are not.
    """
    try:
        cloudpickle.dumps(pipeline)
        return
    except Exception as exc:
        culprit = None
        for key, value in pipeline.get_params(deep=True).items():
            try:
                cloudpickle.dumps(value)
            except Exception:
                culprit = key
        where = f" (parameter {culprit!r})" if culprit else ""
        raise InputError(
            f"Strategy {name!r} cannot be sent to parallel workers: its estimator "
            f"cannot be pickled{where}: {exc}. Use n_jobs=1, or pass a builder "
            "function defined at module level instead of a lambda or local object."
        ) from exc


def _emit_warnings(records):
    seen = {}
    for r in records:
        for category, message in dict.fromkeys(map(tuple, r.warnings)):
            seen.setdefault((category, message), []).append(r)
    for (category, message), where in seen.items():
        cells = ", ".join(f"{r.strategy}/r{r.repeat}f{r.fold}" for r in where[:4])
        more = f" and {len(where) - 4} more" if len(where) > 4 else ""
        warnings.warn(
            f"{message} [in {len(where)} of {len(records)} tasks: {cells}{more}]",
            _CATEGORIES.get(category, UserWarning),
            stacklevel=3,
        )


_NAN_HINTS = ("contains NaN", "NaN values", "missing values")


def _handle_failures(records, n_missing=0):
    failed = [r for r in records if r.status != "ok"]
    if not failed:
        return
    first = failed[0]
    if n_missing and any(h in first.error for h in _NAN_HINTS):
        raise InputError(
            f"X has {n_missing} missing value(s) and the pipeline of strategy "
            f"{first.strategy!r} cannot take them ({first.error.splitlines()[0]}). "
            "Add an imputer "
            "step inside the pipeline (for example SimpleImputer(), or keep "
            "preprocessing='auto'): imputing before splitting leaks test rows into "
            "training."
        )
    if len(failed) == len(records):
        first_line = failed[0].error.splitlines()[0] if failed[0].error else "?"
        same = all(r.error == failed[0].error for r in failed)
        raise ValueError(
            f"All {len(records)} tasks failed"
            f"{' with the same error' if same else ''}: {first_line} "
            "(set error_score='raise' to see the traceback)."
        )
    cells = ", ".join(f"{r.strategy}/r{r.repeat}f{r.fold}" for r in failed[:4])
    warnings.warn(
        f"{len(failed)} of {len(records)} tasks failed ({cells}"
        f"{' and more' if len(failed) > 4 else ''}); their metrics are NaN and "
        f"their errors are in report.fold_info['error']. First error: "
        f"{failed[0].error}. Set error_score='raise' to see the traceback.",
        FitFailedWarning,
        stacklevel=3,
    )


def _warn_undefined(report):
    undefined = report.undefined[
        ~report.undefined["reason"].str.startswith("the task failed")
    ]
    if undefined.empty:
        return
    parts = []
    for metric, group in undefined.groupby("metric", sort=False):
        first = group.iloc[0]
        parts.append(
            f"{metric} in {len(group)} of {len(report.records)} folds "
            f"(e.g. {first['strategy']}/r{first['repeat']}f{first['fold']}: "
            f"{first['reason']})"
        )
    warnings.warn(
        "Some metrics are undefined and reported as NaN, never as 0: "
        + "; ".join(parts)
        + ". Summaries use the defined folds only (see the 'n' column).",
        UserWarning,
        stacklevel=3,
    )


def _resolve_threshold(threshold, estimator):
    """The evaluation's threshold, or the estimator's own; a clash is an error."""
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if isinstance(steps, list) else estimator
    own = (
        final.get_params(deep=False).get("threshold")
        if hasattr(final, "get_params")
        else None
    )
    if not isinstance(own, numbers.Real) or isinstance(own, bool):
        own = None
    if threshold is None:
        return 0.5 if own is None else float(own)
    if (
        not isinstance(threshold, numbers.Real)
        or isinstance(threshold, bool)
        or not 0 <= threshold < 1
    ):
        raise InputError(
            f"The `threshold` parameter must be a number in [0, 1). Got {threshold!r}."
        )
    if own is not None and float(own) != float(threshold):
        raise InputError(
            f"threshold={threshold!r} clashes with the estimator's own "
            f"threshold={own!r}. Set one of them: leave evaluate's threshold=None to "
            "use the estimator's, or set the estimator's to the same value."
        )
    return float(threshold)


def _describe(estimator):
    text = repr(estimator)
    return " ".join(text.split())[:500]


def _record_to_dict(record):
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _record_from_dict(fields, task):
    known = {f.name for f in dataclasses.fields(FoldRecord)}
    fields = {k: v for k, v in fields.items() if k in known}
    fields.update(
        strategy=task.strategy, repeat=task.repeat, fold=task.fold, seed=task.seed
    )
    fields["warnings"] = [tuple(w) for w in fields.get("warnings", [])]
    return FoldRecord(**fields)


def evaluate(
    estimator,
    X,
    y,
    *,
    strategies=DEFAULT_STRATEGIES,
    n_splits=5,
    n_repeats=3,
    cv=None,
    scoring=None,
    pos_label=None,
    threshold=None,
    costs=None,
    preprocessing="auto",
    fit_params=None,
    random_state=0,
    n_jobs=None,
    cache_dir=None,
    error_score=np.nan,
    verbose=1,
    return_test_history=False,
    _task_seeds=None,
):
    """Evaluate imbalance strategies with repeated stratified cross-validation.

    One set of splits is drawn and used for every strategy, so strategies are
    compared fold by fold on identical data.  Each (strategy, repeat, fold)
    task fits a fresh clone on the training rows only (resampling therefore
    never touches test rows), calls ``predict_proba`` on the test rows once,
    and keeps the out-of-fold probabilities; every metric is computed from
    them.

    Parameters
    ----------
    estimator : classifier
        Any scikit-learn classifier, for example
        :class:`evalkit.KerasBinaryClassifier` or ``LogisticRegression``.
        Cloned for every task, never modified.
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        Features.  Text, category and bool columns of a DataFrame are one-hot
        encoded and missing values imputed by the default preprocessing,
        inside each training fold.
    y : array-like of shape (n_samples,)
        Binary labels: ints, bools, strings, {-1, 1}.
    strategies : str, list or dict, default=("none", "class_weight", "random_under", "smote")
        Imbalance remedies; names from
        :func:`evalkit.available_strategies` (a ``"+tuned"`` suffix adds
        threshold tuning), imbalanced-learn sampler objects, or complete
        pipelines.  A dict ``{name: strategy}`` names them.
    n_splits : int, default=5
        Folds per repeat.
    n_repeats : int, default=3
        Repeats of the stratified K-fold split, each shuffled differently.
    cv : int, splitter or None, default=None
        Replaces ``RepeatedStratifiedKFold(n_splits, n_repeats,
        random_state)`` when given.
    scoring : str, list of str or None, default=None
        Metric names (see :mod:`evalkit.metrics`); ``None`` uses
        ``accuracy, baseline_accuracy, balanced_accuracy, precision, recall,
        f1, roc_auc, average_precision, mcc, gmean, brier, log_loss, ece``.
    pos_label : label or None, default=None
        The positive class.  ``None`` picks the larger label of {0, 1},
        {False, True} and {-1, 1}, and the minority class otherwise; the report
        states the choice.
    threshold : float or None, default=None
        A row is predicted positive when its probability is strictly above the
        threshold.  ``None`` uses the estimator's own ``threshold`` parameter
        if it has one (as :class:`evalkit.KerasBinaryClassifier` does), else
        0.5.  Tuned strategies (``"+tuned"``) pick their own on each training
        part.
    costs : dict or None, default=None
        ``{"fp": c_fp, "fn": c_fn}`` adds ``expected_cost`` and
        ``min_expected_cost``.
    preprocessing : "auto", None or transformer, default="auto"
        ``"auto"`` scales numeric columns and one-hot encodes categorical
        ones, imputing missing values; ``None`` feeds X as is.
    fit_params : dict or None, default=None
        Options passed to the classifier's ``fit`` in every task (for
        example ``{"epochs": 5}`` for a Keras model).  An array with one value
        per row (``sample_weight``) is cut to each training part.
    random_state : int, RandomState or None, default=0
        Controls the splits and the per-fold seeds given to every
        ``random_state`` parameter of the pipeline (sampler, network).  The
        same (repeat, fold) gets the same seed for every strategy, so paired
        differences are not blurred by seed noise.  Same value, same numbers.
    n_jobs : int or None, default=None
        Tasks run in parallel through joblib; any joblib backend works.
        Seeds are drawn before dispatch, so results do not depend on it.
    cache_dir : str, path or None, default=None
        A folder where every finished task is saved as soon as it finishes
        (NumPy ``.npz`` and JSON files with checksums; never pickle).  A rerun
        with the same folder loads the tasks whose inputs are unchanged
        instead of fitting them again, so an interrupted evaluation resumes
        where it stopped.  A task is identified by the data, its split, the
        strategy name and pipeline parameters, its seed, ``pos_label``,
        ``threshold``, ``fit_params`` and evalkit's version; ``scoring`` and
        ``costs`` are not part of it, since metrics are computed from the
        stored probabilities.  Failed tasks are saved but fitted again on a
        rerun (a failure may be transient).  Corrupted records are detected,
        reported in one warning and recomputed.  ``report.params["n_cached"]``
        counts the tasks loaded.
    error_score : "raise" or float, default=nan
        ``"raise"`` stops at the first failed task; otherwise failed tasks
        are kept in ``fold_info`` with their error and NaN metrics.
    verbose : int, default=1
        ``0`` is silent; ``1`` shows a progress bar on stderr.
    return_test_history : bool, default=False
        Also record per-epoch held-out loss and metrics of Keras models on
        each fold's test rows: the test rows, after the pipeline's fitted
        preprocessing, are handed to the classifier's ``fit`` as
        ``validation_data`` (training is unaffected), and the ``val_*``
        values appear in ``report.history``.  Only for classifiers whose
        ``fit`` accepts ``validation_data``.

    Returns
    -------
    report : EvaluationReport

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from evalkit import evaluate, make_fraud
    >>> X, y = make_fraud(2000, fraud_rate=0.05, random_state=0)
    >>> report = evaluate(LogisticRegression(max_iter=500), X, y,
    ...                   strategies=["none", "class_weight"], n_repeats=1,
    ...                   verbose=0)
    >>> list(report.summary().index)
    ['none', 'class_weight']
    """
    n_splits = check_int(n_splits, "n_splits", low=2)
    n_repeats = check_int(n_repeats, "n_repeats", low=1)
    verbose = check_int(verbose, "verbose", low=0)
    random_state = check_random_state_param(random_state)
    if n_jobs is not None and (check_int(n_jobs, "n_jobs", low=None) == 0):
        raise InputError(
            "The `n_jobs` parameter must be None, a positive int, or a negative int "
            "(-1 uses all cores). Got 0 instead."
        )
    if not (error_score == "raise" or isinstance(error_score, numbers.Number)):
        raise InputError(
            "The `error_score` parameter must be 'raise' or a number (nan by "
            f"default). Got {error_score!r} instead."
        )
    if not hasattr(estimator, "fit"):
        raise InputError(
            "The `estimator` parameter must be a scikit-learn classifier with a fit "
            f"method. Got {type(estimator).__name__} instead."
        )
    threshold = _resolve_threshold(threshold, estimator)
    metrics = check_metrics(scoring, costs)
    X, y, info = check_X_y(X, y)
    pos_label, how = resolve_pos_label(y, pos_label)
    y_bin = (y == pos_label).astype(np.int8)
    info.update(n_positive=int(y_bin.sum()), pos_label_reason=how)

    items = _strategy_items(strategies)
    pipelines = []
    for name, strategy in items:
        pipeline = make_imbalance_pipeline(
            estimator,
            strategy,
            preprocessing=preprocessing,
            X=X,
            pos_label=pos_label,
            random_state=random_state if isinstance(random_state, int) else None,
        )
        try:
            clone(pipeline)
        except Exception as exc:
            raise InputError(
                f"Strategy {name!r} cannot be cloned ({exc}); every constructor "
                "argument must be stored unchanged as an attribute of the same "
                "name (scikit-learn's estimator rules)."
            ) from exc
        pipelines.append((name, pipeline))

    response = "predict_proba"
    needs_proba = [m.name for m in metrics if m.needs_proba]
    for name, pipeline in pipelines:
        if not hasattr(pipeline, "predict_proba"):
            if needs_proba:
                raise InputError(
                    f"The metrics {', '.join(needs_proba)} need predicted "
                    f"probabilities, but the estimator of strategy {name!r} has no "
                    "predict_proba method. Wrap it in "
                    "sklearn.calibration.CalibratedClassifierCV, or pass a scoring "
                    "without these metrics (for example scoring=['accuracy', "
                    "'precision', 'recall', 'f1'])."
                )
            response = "predict"
    fit_params = _check_fit_params(fit_params, pipelines)

    splitter, per_repeat, cv_text = _check_cv(cv, n_splits, n_repeats, random_state)
    stratified = cv is None or isinstance(cv, numbers.Integral)
    cv_name = ("n_splits" if cv is None else "cv") if stratified else None
    check_class_counts(y_bin, per_repeat if stratified else None, name=cv_name)
    with warnings.catch_warnings():
        # evalkit's own warning below names the counts and the fix.
        warnings.filterwarnings(
            "ignore", message="The least populated class in y", category=UserWarning
        )
        try:
            splits = list(splitter.split(np.zeros((len(y), 1)), y_bin))
        except ValueError as exc:
            raise InputError(
                f"The splitter {cv_text} cannot split these {len(y)} rows "
                f"({int(y_bin.sum())} positive): {exc} Pass a splitter that fits "
                "the data, for example fewer folds."
            ) from exc
    warn_small_classes(y_bin, per_repeat, name=cv_name)
    seeds = draw_seeds(random_state, len(splits))
    if _task_seeds is not None:
        # Private: one given seed per split (used by explain_fluctuation to
        # train every split with the same network seed).
        seeds = np.asarray(_task_seeds, dtype=np.int64)
        if seeds.shape != (len(splits),):
            raise InputError(
                f"_task_seeds must hold one seed per split ({len(splits)}). "
                f"Got {seeds.shape[0] if seeds.ndim == 1 else seeds.shape} instead."
            )
    tasks = []
    for name, pipeline in pipelines:
        for i, (train, test) in enumerate(splits):
            repeat, fold = divmod(i, per_repeat)
            tasks.append(
                (pipeline, Task(name, repeat, fold, int(seeds[i]), train, test))
            )

    store = None if cache_dir is None else RecordStore(cache_dir)
    records, keys = [], {}
    if store is not None:
        data_key = data_fingerprint(X, y)
        estimator_keys = {name: estimator_fingerprint(p) for name, p in pipelines}
        pending = []
        for pipeline, task in tasks:
            key = task_key(
                data=data_key,
                estimator=estimator_keys[task.strategy],
                strategy=task.strategy,
                train=task.train,
                test=task.test,
                seed=task.seed,
                pos_label=pos_label,
                threshold=threshold,
                fit_params=fit_params,
                response_method=response,
                version=__version__,
                options={"track_test": bool(return_test_history)},
            )
            stored = store.load(key)
            # A failed task is fitted again: its failure may have been transient.
            if stored is not None and stored.get("status") == "ok":
                records.append(_record_from_dict(stored, task))
            else:
                keys[(task.strategy, task.repeat, task.fold)] = key
                pending.append((pipeline, task))
        store.warn_corrupted()
        tasks = pending
    n_cached = len(records)

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    n_workers = effective_n_jobs(n_jobs)
    if n_workers > 1:
        for name, pipeline in pipelines:
            _check_picklable(name, pipeline)
    tf_threads = max(1, (_cpu_count() // n_workers)) if n_workers > 1 else None
    jobs = (
        delayed(run_task)(
            pipeline,
            X,
            y,
            task,
            pos_label=pos_label,
            threshold=threshold,
            fit_params=fit_params,
            response_method=response,
            tf_threads=tf_threads,
            error_score=error_score,
            track_test=return_test_history,
        )
        for pipeline, task in tasks
    )
    with _progress(len(tasks), verbose) as bar:
        for record in parallel(jobs):
            if store is not None:
                key = keys[(record.strategy, record.repeat, record.fold)]
                store.save(key, _record_to_dict(record))
            records.append(record)
            bar.update(1)

    _emit_warnings(records)
    _handle_failures(records, info["n_missing"])
    params = {
        "estimator": _describe(estimator),
        "cv": cv_text,
        "n_splits": per_repeat,
        "n_repeats": len(splits) // per_repeat,
        "threshold": threshold,
        "random_state": random_state if isinstance(random_state, int) else None,
        "scoring": [m.name for m in metrics],
        "fit_params": {k: v for k, v in fit_params.items() if np.ndim(v) == 0},
        "n_jobs": n_jobs,
        "response_method": response,
        "strategies": {name: _describe(p) for name, p in pipelines},
        "n_cached": n_cached,
    }
    report = EvaluationReport(
        records,
        metrics=[m.name for m in metrics],
        pos_label=pos_label,
        classes=list(np.unique(y)),
        strategies=[name for name, _ in pipelines],
        data=info,
        params=params,
        costs=costs,
    )
    _warn_undefined(report)
    return report


def _cpu_count():
    import os

    return (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else (os.cpu_count() or 1)
    )


class _progress:
    """A tqdm bar on stderr, or nothing when ``verbose`` is 0."""

    def __init__(self, total, verbose):
        self.total, self.verbose = total, verbose
        self.bar = None

    def __enter__(self):
        if self.verbose:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total,
                desc="evalkit",
                unit="fit",
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
            )
        return self

    def update(self, n):
        if self.bar is not None:
            self.bar.update(n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False
