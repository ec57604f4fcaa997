"""``evaluate``: every imbalance strategy on the same repeated stratified splits."""

import dataclasses
import difflib
import inspect
import numbers
import os
import sys
import warnings

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.utils import get_tags
from sklearn.utils.parallel import Parallel, delayed

from . import __version__
from ._preprocessing import CONVERT_COLUMNS, UnsupportedColumnsError
from ._random import draw_seeds
from ._runner import FoldRecord, Task, _has_sampler, decision_threshold, run_task
from ._store import RecordStore, data_fingerprint, estimator_fingerprint, task_key
from ._validation import (
    InputError,
    check_class_counts,
    check_int,
    check_random_state_param,
    check_X_y,
    resolve_pos_label,
    short_repr,
    warn_small_classes,
)
from .metrics import check_metrics
from .report import EvaluationReport
from .strategies import (
    TUNED_SUFFIX,
    _parse_strategy_name,
    _split_strategy_name,
    make_imbalance_pipeline,
)

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
    given = strategies
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
                name = s.__name__ if isinstance(s, type) else type(s).__name__
            items.append((name, s))
    for name, s in items:
        _check_strategy(name, s, given)
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


def _check_strategy(name, strategy, given):
    """Refuse a strategy make_imbalance_pipeline cannot take, naming `strategies`."""
    if isinstance(strategy, str):
        try:
            _parse_strategy_name(
                strategy,
                parameter="Each strategy in the `strategies` parameter of evaluate",
            )
        except ValueError as exc:
            raise InputError(str(exc)) from None
        return
    if isinstance(strategy, type):
        _check_classifier(strategy, "The `strategies` parameter of evaluate holds")
    if not (hasattr(strategy, "fit_resample") or hasattr(strategy, "fit")):
        where = "" if strategy is given else f" in strategies={short_repr(given)}"
        raise InputError(
            "The `strategies` parameter of evaluate must be a strategy name (see "
            "evalkit.available_strategies()), an imbalanced-learn sampler, a complete "
            "estimator, or a list or dict of these, for example "
            f"strategies=('none', 'smote'). Got {short_repr(strategy)}{where} instead."
        )
    if not hasattr(strategy, "fit_resample"):
        _check_classifier(strategy, f"Strategy {name!r}")


def _estimator_types(estimator):
    """(type in the scikit-learn tags, type in the pre-1.6 attribute), or None."""
    try:
        tagged = get_tags(estimator).estimator_type
    except (AttributeError, TypeError):  # an object without scikit-learn tags
        tagged = None
    return tagged, getattr(estimator, "_estimator_type", None)


def _check_classifier(estimator, what):
    """Refuse a class, and an estimator that scikit-learn says is no classifier.

    Estimators without tags (a plain object with ``fit`` and ``predict_proba``)
    are accepted.  ``what`` names it: "The `estimator` parameter of evaluate".
    """
    if isinstance(estimator, type):
        name = estimator.__name__
        verb = "" if what.endswith(" holds") else " is"
        raise InputError(
            f"{what}{verb} the class {name}, not an instance of it. Pass an "
            f"instance: {name}() instead of {name} (with its parameters in the "
            "parentheses)."
        )
    name = type(estimator).__name__
    tagged, legacy = _estimator_types(estimator)
    kind = tagged or legacy
    if (
        tagged is None
        and legacy == "classifier"
        and type(estimator).__module__.split(".")[0] == "scikeras"
    ):
        raise InputError(
            f"{what} is scikeras' {name}, which scikit-learn >= 1.6 does not "
            "recognise as a classifier (it declares no scikit-learn tags), so "
            "threshold tuning ('+tuned') and scikit-learn's scorers fail with it. "
            "Use evalkit.KerasBinaryClassifier, a scikeras KerasClassifier for "
            "binary problems that declares the classifier tags."
        )
    if kind not in (None, "classifier"):
        raise InputError(
            f"{what} must be a classifier; {name} is "
            f"{'an' if kind[0] in 'aeiou' else 'a'} {kind.replace('_', ' ')} "
            f"(its scikit-learn tags say estimator_type={kind!r}). evalkit evaluates "
            "binary classifiers: pass one, for example LogisticRegression() or "
            "evalkit.KerasBinaryClassifier()."
        )
    if not (hasattr(estimator, "predict") or hasattr(estimator, "predict_proba")):
        raise InputError(
            f"{what} must be a classifier; {name} has no predict or predict_proba "
            "method (a transformer?). Pass a classifier, for example "
            "LogisticRegression(), and put transformers in `preprocessing` or in a "
            "pipeline that ends with the classifier."
        )


def _final_classifier(pipeline):
    """The classifier at the end of a strategy's (threshold-tuned) pipeline."""
    if isinstance(pipeline, TunedThresholdClassifierCV):
        pipeline = pipeline.estimator
    steps = getattr(pipeline, "steps", None)
    return steps[-1][1] if isinstance(steps, list) else pipeline


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
            f"method (for example StratifiedKFold(5)). Got {short_repr(cv)} instead."
        )
    repeats = getattr(cv, "n_repeats", 1)
    total = cv.get_n_splits()
    return cv, max(total // max(repeats, 1), 1), repr(cv)


def _fit_options(classifier):
    """The keyword names ``classifier.fit`` accepts, or None when it cannot be told.

    Read from the signature of ``fit``; a ``fit(X, y, **kwargs)`` is only
    checked when the classifier's module lists the options it takes
    (``_FIT_OPTIONS``, as :mod:`evalkit.keras` does).  Nothing is imported.
    """
    try:
        parameters = list(inspect.signature(classifier.fit).parameters.values())
    except (AttributeError, TypeError, ValueError):
        return None
    named = [
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ][2:]  # after X and y
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        declared = getattr(
            sys.modules.get(type(classifier).__module__), "_FIT_OPTIONS", None
        )
        if declared is None:
            return None
        named += list(declared)
    return sorted(set(named))


def _check_fit_names(fit_params, pipelines, return_test_history):
    """Refuse fit options the classifier's fit does not take, before any fit."""
    tuned = [name for name, p in pipelines if isinstance(p, TunedThresholdClassifierCV)]
    if tuned and (fit_params or return_test_history):
        what = (
            "fit_params" if fit_params else "return_test_history=True (validation_data)"
        )
        raise InputError(
            f"{what} cannot be used with threshold-tuned strategies "
            f"({', '.join(tuned)}): scikit-learn's TunedThresholdClassifierCV does not "
            "pass fit options on to the classifier. Set such options on the "
            "classifier itself (for example KerasBinaryClassifier(epochs=5)), or "
            "evaluate the '+tuned' strategies separately without them."
        )
    for _, pipeline in pipelines:
        classifier = _final_classifier(pipeline)
        accepted = _fit_options(classifier)
        if accepted is None:
            continue
        fit_name = f"{type(classifier).__name__}.fit"
        if return_test_history and "validation_data" not in accepted:
            raise InputError(
                "return_test_history=True hands each fold's test rows to the "
                f"classifier's fit as validation_data, but {fit_name} does not accept "
                "validation_data. Leave return_test_history=False: per-epoch held-out "
                "scores exist only for classifiers trained in epochs, such as "
                "evalkit.KerasBinaryClassifier."
            )
        unknown = [k for k in fit_params if k not in accepted]
        if unknown:
            close = difflib.get_close_matches(unknown[0], accepted, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise InputError(
                f"The `fit_params` parameter of evaluate holds "
                f"{', '.join(map(repr, unknown))}, which {fit_name} does not accept. "
                f"Valid names are {accepted}.{hint}"
            )


def _strategy_kinds(items):
    """{name: base strategy name ('none', 'smote', ...) or None for objects}."""
    return {
        name: _split_strategy_name(s)[0] if isinstance(s, str) else None
        for name, s in items
    }


def _warn_class_weights(fit_params, items, pipelines):
    """Warn once when strategy 'none' trains with class weights of the user's."""
    kinds = _strategy_kinds(items)
    nones = [name for name, kind in kinds.items() if kind == "none"]
    if not nones:
        return
    classifier = _final_classifier(dict(pipelines)[nones[0]])
    weights = fit_params.get("class_weight")
    what, where = f"fit_params['class_weight']={short_repr(weights)}", "in fit_params"
    if weights is None and hasattr(classifier, "get_params"):
        weights = classifier.get_params(deep=False).get("class_weight")
        what = (
            f"The estimator's class_weight={short_repr(weights)} "
            f"({type(classifier).__name__})"
        )
        where = "on the estimator"
    if weights is None:
        return
    which = "strategy" if len(nones) == 1 else "strategies"
    warnings.warn(
        f"{what} applies to {which} {', '.join(map(repr, nones))} too, so 'none' "
        "evaluates the classifier with these class weights, not on the data as they "
        f"are. Set class_weight=None {where} for an untreated baseline, or read "
        "'none' as 'these class weights, no resampling'.",
        UserWarning,
        stacklevel=3,
    )


def _check_fit_params(fit_params, pipelines, items):
    if fit_params is None:
        return {}
    if not isinstance(fit_params, dict):
        raise InputError(
            "The `fit_params` parameter must be a dict of options for the "
            "classifier's fit, for example {'epochs': 5}. Got "
            f"{short_repr(fit_params)} instead."
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
    balanced = [
        n for n, kind in _strategy_kinds(items).items() if kind == "class_weight"
    ]
    if "class_weight" in fit_params and balanced:
        raise InputError(
            f"fit_params['class_weight']={short_repr(fit_params['class_weight'])} "
            f"clashes with the strategy {balanced[0]!r}, which sets "
            "class_weight='balanced' on the classifier: the fit option would "
            "silently replace it. Drop fit_params['class_weight'] to evaluate "
            "class_weight='balanced', or drop the 'class_weight' strategy."
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
_TEXT_HINTS = (
    "could not convert string to float",
    "Cannot cast str",
    "Cannot cast object",
    "arrays of bytes/strings",
)


def _text_columns(X):
    """Columns of a DataFrame that a numeric step cannot cast to float."""
    if not hasattr(X, "dtypes"):
        return []
    return [
        c
        for c, dtype in X.dtypes.items()
        if not (
            pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
        )
    ]


def _handle_failures(records, n_missing=0, text_columns=()):
    failed = [r for r in records if r.status != "ok"]
    if not failed:
        return
    first = failed[0]
    if text_columns and any(h in first.error for h in _TEXT_HINTS):
        listed = ", ".join(short_repr(c) for c in text_columns[:5])
        more = f" and {len(text_columns) - 5} more" if len(text_columns) > 5 else ""
        raise InputError(
            f"X has non-numeric columns ({listed}{more}) and the pipeline of "
            f"strategy {first.strategy!r} cannot take them "
            f"({first.error.splitlines()[0]}). Use evalkit's default preprocessing "
            "(pass the classifier itself as `estimator`, with "
            "preprocessing='auto'), which one-hot encodes them inside each training "
            "fold, or add a OneHotEncoder for these columns to your preprocessing or "
            "pipeline (for example in a ColumnTransformer)."
        )
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


def _check_threshold(threshold):
    if threshold is not None and (
        not isinstance(threshold, numbers.Real)
        or isinstance(threshold, bool)
        or not 0 <= threshold < 1
    ):
        raise InputError(
            "The `threshold` parameter must be a number in [0, 1). Got "
            f"{short_repr(threshold)}."
        )


def _resolve_threshold(threshold, estimator, *, pos_label, classes):
    """The threshold on the probability of ``pos_label``; a clash is an error.

    The estimator's own ``threshold`` is mapped as the estimator applies it
    (by :func:`decision_threshold`): to the probability of ``classes_[1]``
    (or of a ``pos_label`` parameter of its own), so that it becomes
    ``1 - threshold`` when ``pos_label`` is the other class.  An own
    threshold left at its constructor default (``KerasBinaryClassifier``'s
    0.5) gives way to an explicit ``threshold``; one the user set clashes
    with a different explicit value.
    """
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if isinstance(steps, list) else estimator
    own = (
        final.get_params(deep=False).get("threshold")
        if hasattr(final, "get_params")
        else None
    )
    if not isinstance(own, numbers.Real) or isinstance(own, bool):
        own = None
    mapped = None
    if own is not None:
        mapped = decision_threshold(
            estimator, own, pos_label=pos_label, classes=classes
        )
    if threshold is None:
        return 0.5 if mapped is None else mapped
    if own is not None and own == _default_of(final, "threshold"):
        return float(threshold)
    if own is not None and not np.isclose(mapped, threshold, rtol=0, atol=1e-12):
        same = "the same value"
        if not np.isclose(mapped, own, rtol=0, atol=1e-12):
            other = next(c for c in classes if c != pos_label)
            own = (
                f"{own!r}, which {type(final).__name__} applies to the probability "
                f"of {other!r} (a threshold of {mapped:g} on the probability of "
                f"pos_label={pos_label!r})"
            )
            same = f"{1 - threshold:g}"
        raise InputError(
            f"threshold={threshold!r} clashes with the estimator's own "
            f"threshold={own}. Set one of them: leave evaluate's threshold=None to "
            f"use the estimator's, or set the estimator's to {same}."
        )
    return float(threshold)


def _default_of(estimator, name):
    """The constructor default of parameter ``name``, or None."""
    try:
        parameter = inspect.signature(type(estimator).__init__).parameters.get(name)
    except (TypeError, ValueError):
        return None
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return None
    return parameter.default


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
        Any scikit-learn classifier instance, for example
        :class:`evalkit.KerasBinaryClassifier` or ``LogisticRegression()``.
        Cloned for every task, never modified.  An estimator whose
        scikit-learn tags say it is no classifier (a regressor, clusterer,
        outlier detector or transformer) is refused; one without tags is
        accepted.
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
        A row is predicted positive when its probability of ``pos_label`` is
        strictly above the threshold.  ``None`` uses the estimator's own
        ``threshold`` parameter if it has one (as
        :class:`evalkit.KerasBinaryClassifier` and ``FixedThresholdClassifier``
        do), else 0.5.  The estimator applies its own threshold to the
        probability of ``classes_[1]``, the larger label (or of
        ``FixedThresholdClassifier``'s ``pos_label``); when ``pos_label`` is
        the other class, the threshold on the probability of ``pos_label`` is
        ``1 - threshold``, so that the decisions are the model's own
        ``predict()``.  They may differ only for a probability exactly at the
        threshold, where evaluate predicts the negative class:
        ``FixedThresholdClassifier`` (which uses ``>=``) predicts ``pos_label``
        there when its threshold applies to ``pos_label``, and
        ``KerasBinaryClassifier`` (which uses ``>``) does when its threshold
        applies to the other class.  Given together with the estimator's own,
        both must be the same threshold on the probability of ``pos_label``.
        Tuned strategies (``"+tuned"``) pick their own on each training part.
    costs : dict or None, default=None
        ``{"fp": c_fp, "fn": c_fn}`` adds ``expected_cost`` and
        ``min_expected_cost``.
    preprocessing : "auto", None or transformer, default="auto"
        ``"auto"`` scales numeric columns and one-hot encodes categorical
        ones, imputing missing values; ``None`` feeds X as is.
    fit_params : dict or None, default=None
        Options passed to the classifier's ``fit`` in every task (for
        example ``{"epochs": 5}`` for a Keras model).  An array with one value
        per row (``sample_weight``) is cut to each training part.  Names the
        classifier's ``fit`` does not take are refused before any fit, when
        its signature (or, for :class:`evalkit.KerasBinaryClassifier`, its
        list of fit options) tells.  Not with ``"+tuned"`` strategies, and
        ``class_weight`` not with the ``"class_weight"`` strategy, whose
        ``'balanced'`` it would replace.
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
        ``fit`` accepts ``validation_data``: a classifier whose ``fit``
        signature shows it does not (``LogisticRegression``), and
        ``"+tuned"`` strategies, are refused before any fit rather than
        ignored, because the per-epoch scores asked for would silently be
        missing.

    Returns
    -------
    report : EvaluationReport

    Raises
    ------
    InputError
        A ``ValueError`` for bad input, raised before any fold runs, with a
        message that names the parameter and the fix; also when every task
        failed because the data do not fit the pipeline (missing values or
        text columns reaching a pipeline of your own that cannot take them).

    Warns
    -----
    UserWarning
        When strategy ``"none"`` trains with class weights of your own (the
        estimator's ``class_weight`` or ``fit_params['class_weight']``): it
        is then not the data as they are.

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
            f"default). Got {short_repr(error_score)} instead."
        )
    if cache_dir is not None and not isinstance(cache_dir, (str, os.PathLike)):
        raise InputError(
            "The `cache_dir` parameter must be None or a folder path (a str or a "
            f"pathlib.Path), for example cache_dir='runs/cache'. Got "
            f"{short_repr(cache_dir)} instead."
        )
    if not isinstance(estimator, type) and not hasattr(estimator, "fit"):
        raise InputError(
            "The `estimator` parameter must be a scikit-learn classifier with a fit "
            f"method. Got {type(estimator).__name__} instead."
        )
    _check_classifier(estimator, "The `estimator` parameter of evaluate")
    _check_threshold(threshold)
    metrics = check_metrics(scoring, costs)
    X, y, info = check_X_y(X, y)
    pos_label, how = resolve_pos_label(y, pos_label)
    y_bin = (y == pos_label).astype(np.int8)
    info.update(n_positive=int(y_bin.sum()), pos_label_reason=how)
    threshold = _resolve_threshold(
        threshold, estimator, pos_label=pos_label, classes=np.unique(y).tolist()
    )

    items = _strategy_items(strategies)
    pipelines = []
    for name, strategy in items:
        try:
            pipeline = make_imbalance_pipeline(
                estimator,
                strategy,
                preprocessing=preprocessing,
                X=X,
                pos_label=pos_label,
                random_state=random_state if isinstance(random_state, int) else None,
            )
        except UnsupportedColumnsError as exc:
            listed = ", ".join(f"{c!r} ({dtype})" for c, dtype in exc.columns)
            raise InputError(
                f"X has columns that are neither numeric nor categorical: {listed}; "
                "evalkit's default preprocessing (preprocessing='auto') cannot "
                f"encode them. {CONVERT_COLUMNS}"
            ) from None
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
        if isinstance(pipeline, TunedThresholdClassifierCV) and not hasattr(
            pipeline.estimator, "predict_proba"
        ):
            raise InputError(
                f"Strategy {name!r} tunes the decision threshold on predicted "
                "probabilities, but its classifier "
                f"{type(_final_classifier(pipeline)).__name__} has no predict_proba "
                "method. Wrap it in sklearn.calibration.CalibratedClassifierCV, or "
                f"drop the '{TUNED_SUFFIX}' strategies."
            )
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
    fit_params = _check_fit_params(fit_params, pipelines, items)
    _check_fit_names(fit_params, pipelines, return_test_history)
    _warn_class_weights(fit_params, items, pipelines)

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
    _handle_failures(records, info["n_missing"], _text_columns(X))
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
