"""Named imbalance remedies turned into imbalanced-learn pipelines.

Every remedy becomes an :class:`imblearn.pipeline.Pipeline` with three steps,
``preprocess``, ``sampler`` and ``classifier`` (``"passthrough"`` where a step
does nothing), so that the resampler only ever sees the training part of a
fold: imbalanced-learn pipelines resample in ``fit`` and never in ``predict``
or ``predict_proba``. The ``"+tuned"`` modifier wraps the whole pipeline in
scikit-learn's :class:`~sklearn.model_selection.TunedThresholdClassifierCV`,
which chooses the decision threshold by an inner cross-validation on the
training part only.

See :func:`available_strategies` for the list of names.
"""

import difflib
import numbers
import warnings

import numpy as np
import pandas as pd
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import BaseEstimator, clone
from sklearn.compose import ColumnTransformer
from sklearn.metrics import (
    f1_score,
    get_scorer,
    jaccard_score,
    make_scorer,
    precision_score,
    recall_score,
)
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.pipeline import Pipeline as SklearnPipeline

from ._preprocessing import _all_columns, make_preprocessor
from ._random import set_random_states
from ._runner import decision_threshold
from ._validation import short_repr

__all__ = [
    "AdaptiveNeighbors",
    "available_strategies",
    "decision_threshold",
    "make_imbalance_pipeline",
    "set_random_states",
]

TUNED_SUFFIX = "+tuned"
# What the "+tuned" modifier does, for listings of the strategies.
TUNED_DESCRIPTION = (
    "Any strategy above followed by '+tuned' (none+tuned, class_weight+tuned, "
    "smote+tuned, ...): also tune the decision threshold, choosing the one that "
    "maximises F1 in a 3-fold cross-validation inside each training fold, never "
    "on the test rows."
)

# name -> (one-line description, sampler class or None)
_STRATEGIES = {
    "none": (
        "No remedy: the classifier learns from the data as they are.",
        None,
    ),
    "class_weight": (
        "Reweight classes: the classifier's class_weight='balanced' makes "
        "minority errors cost more.",
        None,
    ),
    "random_over": (
        "Random over-sampling: duplicate minority rows until the classes are balanced.",
        RandomOverSampler,
    ),
    "random_under": (
        "Random under-sampling: drop majority rows until the classes are balanced.",
        RandomUnderSampler,
    ),
    "smote": (
        "SMOTE: add synthetic minority rows between a minority row and one of its "
        "5 nearest minority neighbours.",
        SMOTE,
    ),
    "borderline_smote": (
        "Borderline-SMOTE: SMOTE only from minority rows near the class border.",
        BorderlineSMOTE,
    ),
    "adasyn": (
        "ADASYN: add more synthetic minority rows where the minority class is "
        "harder to learn.",
        ADASYN,
    ),
    "smote_tomek": (
        "SMOTE, then remove Tomek links (nearest-neighbour pairs of opposite classes).",
        SMOTETomek,
    ),
    "smote_enn": (
        "SMOTE, then remove rows that disagree with their 3 nearest neighbours "
        "(edited nearest neighbours).",
        SMOTEENN,
    ),
}

# Samplers whose neighbour counts AdaptiveNeighbors may reduce.
_NEIGHBOUR_SAMPLERS = (SMOTE, BorderlineSMOTE, ADASYN, SMOTETomek, SMOTEENN)

# Thresholded metrics that take `pos_label`, for the "+tuned" modifier.
_THRESHOLD_METRICS = {
    "f1": f1_score,
    "precision": precision_score,
    "recall": recall_score,
    "jaccard": jaccard_score,
}


def available_strategies():
    """List the named imbalance remedies.

    Any name can be followed by ``"+tuned"`` (for example ``"smote+tuned"``) to
    also tune the decision threshold on the training part; see
    :func:`make_imbalance_pipeline`.

    Returns
    -------
    strategies : pandas.DataFrame
        One row per remedy, in a fixed order, with columns ``strategy`` (str,
        the name to pass) and ``description`` (str, one line).

    Examples
    --------
    >>> from evalkit.strategies import available_strategies
    >>> available_strategies()["strategy"].tolist()[:3]
    ['none', 'class_weight', 'random_over']
    """
    return pd.DataFrame(
        {
            "strategy": pd.Series(list(_STRATEGIES), dtype=object),
            "description": pd.Series(
                [description for description, _ in _STRATEGIES.values()],
                dtype=object,
            ),
        }
    )


# --------------------------------------------------------------------------
# AdaptiveNeighbors
# --------------------------------------------------------------------------


class AdaptiveNeighbors(BaseEstimator):
    """Run a SMOTE-family sampler with fewer neighbours when a class is tiny.

    SMOTE, Borderline-SMOTE, ADASYN and the SMOTE step of SMOTETomek and
    SMOTEENN need ``k_neighbors + 1`` minority rows (``n_neighbors + 1`` for
    ADASYN). In cross-validation on rare classes a training part can hold fewer,
    which would make the whole run fail. This wrapper fits a clone of
    ``sampler`` whose neighbour count is reduced to ``n_minority - 1`` for that
    fit only, with a ``UserWarning`` giving the counts. Borderline-SMOTE's
    ``m_neighbors`` is likewise capped at ``n_samples - 1``. With fewer than 2
    minority rows there is nothing to interpolate and a ``ValueError`` is
    raised.

    Parameters
    ----------
    sampler : imbalanced-learn sampler
        The sampler to run. It is cloned at every ``fit_resample``, never
        modified.

    Attributes
    ----------
    sampler_ : imbalanced-learn sampler
        The fitted clone, with the neighbour counts actually used.
    neighbors_ : dict
        The neighbour parameters that were reduced in the last fit, mapped to
        the values used; empty when none was.

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import SMOTE
    >>> from evalkit.strategies import AdaptiveNeighbors
    >>> X = np.arange(40, dtype=float).reshape(20, 2)
    >>> y = np.array([0] * 16 + [1] * 4)
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     X_res, y_res = AdaptiveNeighbors(SMOTE()).fit_resample(X, y)
    >>> int((y_res == 1).sum())
    16
    """

    def __init__(self, sampler):
        self.sampler = sampler

    def fit_resample(self, X, y, **params):
        """Resample ``X`` and ``y`` with safe neighbour counts.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training features.
        y : array-like of shape (n_samples,)
            Training labels.
        **params : dict
            Passed to the wrapped sampler's ``fit_resample``.

        Returns
        -------
        X_resampled : {ndarray, sparse matrix, DataFrame}
            The resampled features.
        y_resampled : {ndarray, Series}
            The resampled labels.
        """
        if not hasattr(self.sampler, "fit_resample"):
            raise TypeError(
                "The `sampler` parameter of AdaptiveNeighbors must be an "
                "imbalanced-learn sampler with a fit_resample method. Got "
                f"{short_repr(self.sampler)} instead."
            )
        sampler = clone(self.sampler)
        _, counts = np.unique(np.asarray(y), return_counts=True)
        self.neighbors_ = {}
        if counts.size >= 2:
            sampler = self._adapt(sampler, int(counts.min()), int(counts.sum()))
        self.sampler_ = sampler
        return sampler.fit_resample(X, y, **params)

    def _adapt(self, sampler, n_minority, n_samples):
        name = type(sampler).__name__
        params = sampler.get_params(deep=False)
        changes = {}
        for key in ("k_neighbors", "n_neighbors"):
            if key == "n_neighbors" and not isinstance(sampler, ADASYN):
                continue
            value = params.get(key)
            if isinstance(value, numbers.Integral):
                new_value = self._reduced(name, key, value, n_minority)
                if new_value != value:
                    changes[key] = new_value
        m_value = params.get("m_neighbors")
        if isinstance(m_value, numbers.Integral) and m_value + 1 > n_samples:
            warnings.warn(
                f"training part has {n_samples} rows; {name} needs m_neighbors + 1 "
                f"= {m_value + 1}; using m_neighbors={n_samples - 1} for this fit",
                UserWarning,
                stacklevel=3,
            )
            changes["m_neighbors"] = n_samples - 1
        if isinstance(sampler, (SMOTETomek, SMOTEENN)):
            inner = params["smote"]
            if inner is None:
                # What imbalanced-learn builds when `smote` is None.
                inner = SMOTE(
                    sampling_strategy=params["sampling_strategy"],
                    random_state=params["random_state"],
                )
            else:
                inner = clone(inner)
            k = inner.get_params(deep=False).get("k_neighbors")
            if isinstance(k, numbers.Integral):
                new_k = self._reduced(f"{name}'s SMOTE", "k_neighbors", k, n_minority)
                if new_k != k:
                    changes["smote"] = inner.set_params(k_neighbors=new_k)
        if changes:
            sampler.set_params(**changes)
            self.neighbors_ = {
                key: (value.k_neighbors if key == "smote" else value)
                for key, value in changes.items()
            }
        return sampler

    @staticmethod
    def _reduced(name, key, value, n_minority):
        if n_minority < 2:
            raise ValueError(
                f"training part has {n_minority} minority row(s); {name} needs at "
                "least 2 to create synthetic rows. Use fewer folds, more data, or a "
                "strategy without neighbours such as 'random_over' or 'class_weight'."
            )
        if value + 1 <= n_minority:
            return value
        new_value = n_minority - 1
        warnings.warn(
            f"training part has {n_minority} minority rows; {name} needs {key} + 1 "
            f"= {value + 1}; using {key}={new_value} for this fit",
            UserWarning,
            stacklevel=4,
        )
        return new_value


# --------------------------------------------------------------------------
# make_imbalance_pipeline
# --------------------------------------------------------------------------


def _is_pipeline(estimator):
    return isinstance(estimator, SklearnPipeline)


def _pipeline_has_sampler(pipeline):
    return any(
        hasattr(step, "fit_resample")
        for _, step in pipeline.steps
        if step not in (None, "passthrough")
    )


def _split_strategy_name(strategy):
    text = strategy.strip().lower()
    tuned = text.endswith(TUNED_SUFFIX)
    base = text[: -len(TUNED_SUFFIX)].strip() if tuned else text
    return base, tuned


def _did_you_mean(strategy):
    """`` Did you mean 'smote'?`` for a misspelt strategy name, or ``""``.

    A repeated modifier (``"smote+tuned+tuned"``) suggests it once.
    """
    base, tuned = _split_strategy_name(strategy)
    while base.endswith(TUNED_SUFFIX):
        base = base[: -len(TUNED_SUFFIX)].strip()
    match = difflib.get_close_matches(base, list(_STRATEGIES), n=1, cutoff=0.5)
    if not match:
        return ""
    return f" Did you mean {match[0] + (TUNED_SUFFIX if tuned else '')!r}?"


def _parse_strategy_name(
    strategy, *, parameter="The `strategy` parameter of make_imbalance_pipeline"
):
    """Split a strategy name into (base name, tuned); ``parameter`` starts the error."""
    base, tuned = _split_strategy_name(strategy)
    if base not in _STRATEGIES:
        raise ValueError(
            f"{parameter} must be one of "
            f"{', '.join(repr(n) for n in _STRATEGIES)}, optionally followed by "
            f"'{TUNED_SUFFIX}', an imbalanced-learn sampler or a complete "
            f"estimator. Got {short_repr(strategy)} instead.{_did_you_mean(strategy)}"
        )
    return base, tuned


def _registry_sampler(name, random_state):
    sampler_class = _STRATEGIES[name][1]
    if sampler_class is None:
        return None
    sampler = sampler_class(random_state=random_state)
    if isinstance(sampler, _NEIGHBOUR_SAMPLERS):
        return AdaptiveNeighbors(sampler)
    return sampler


def _resolve_preprocessing(preprocessing, X):
    if isinstance(preprocessing, str):
        if preprocessing == "auto":
            return make_preprocessor(X)
        if preprocessing == "passthrough":
            return "passthrough"
    elif preprocessing is None:
        return "passthrough"
    elif hasattr(preprocessing, "fit_resample"):
        raise ValueError(
            "The `preprocessing` parameter of make_imbalance_pipeline must be a "
            f"transformer, not a sampler. Got {short_repr(preprocessing)}; pass a "
            "sampler as "
            "the `strategy` instead."
        )
    elif hasattr(preprocessing, "fit") and hasattr(preprocessing, "transform"):
        preprocessor = clone(preprocessing)
        if _is_pipeline(preprocessor):
            if _pipeline_has_sampler(preprocessor):
                raise ValueError(
                    "The `preprocessing` pipeline contains a sampler; samplers "
                    "belong in the `strategy` parameter."
                )
            # imbalanced-learn refuses a Pipeline as an intermediate step.
            preprocessor = ColumnTransformer(
                [("preprocessing", preprocessor, _all_columns)],
                sparse_threshold=1.0,
                verbose_feature_names_out=False,
            )
        return preprocessor
    raise ValueError(
        "The `preprocessing` parameter of make_imbalance_pipeline must be 'auto', "
        "'passthrough', None or a transformer with fit and transform. Got "
        f"{short_repr(preprocessing)} instead."
    )


def _set_class_weight(estimator, *, key="class_weight", shown=None):
    if key not in estimator.get_params():
        shown = shown if shown is not None else estimator
        raise ValueError(
            "The 'class_weight' strategy needs a classifier with a `class_weight` "
            f"parameter, such as LogisticRegression; {type(shown).__name__} has "
            "none. Use a resampling strategy such as 'random_over' or 'smote', or "
            "'none+tuned' to tune the decision threshold instead."
        )
    estimator.set_params(**{key: "balanced"})


def _threshold_scorer(tuned_scoring, pos_label):
    if isinstance(tuned_scoring, str):
        if tuned_scoring in _THRESHOLD_METRICS:
            kwargs = {"zero_division": 0.0}
            if pos_label is not None:
                kwargs["pos_label"] = pos_label
            return make_scorer(_THRESHOLD_METRICS[tuned_scoring], **kwargs)
        try:
            get_scorer(tuned_scoring)
        except ValueError as exc:
            raise ValueError(
                "The `tuned_scoring` parameter of make_imbalance_pipeline must be a "
                "scikit-learn scorer name such as 'f1', 'recall' or "
                "'balanced_accuracy', or a scorer object. Got "
                f"{short_repr(tuned_scoring)} "
                "instead."
            ) from exc
        return tuned_scoring
    if callable(tuned_scoring):
        return tuned_scoring
    raise ValueError(
        "The `tuned_scoring` parameter of make_imbalance_pipeline must be a scorer "
        f"name or a scorer object. Got {short_repr(tuned_scoring)} instead."
    )


def _tuned(model, *, tuned_scoring, pos_label, random_state):
    return TunedThresholdClassifierCV(
        model,
        scoring=_threshold_scorer(tuned_scoring, pos_label),
        response_method="predict_proba",
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state),
        refit=True,
    )


def _set_random_state_if_any(estimator, random_state, *, key="random_state"):
    if random_state is not None and key in estimator.get_params():
        estimator.set_params(**{key: random_state})


def make_imbalance_pipeline(
    estimator,
    strategy="none",
    *,
    preprocessing="auto",
    X=None,
    pos_label=None,
    random_state=None,
    tuned_scoring="f1",
):
    """Build an unfitted pipeline that applies an imbalance remedy.

    The result is an imbalanced-learn ``Pipeline`` with the steps
    ``preprocess``, ``sampler`` and ``classifier``; a step that does nothing is
    ``"passthrough"``. The sampler only acts in ``fit``: ``predict`` and
    ``predict_proba`` see the rows they are given, one output row per input
    row. ``estimator`` is cloned, never modified.

    Parameters
    ----------
    estimator : classifier or Pipeline
        The classifier, for example ``LogisticRegression()`` or
        ``evalkit.KerasBinaryClassifier()``. A scikit-learn or imbalanced-learn
        ``Pipeline`` is taken as your complete model: it is used as is (no
        preprocessing is added), and a strategy that would add a sampler to it
        raises a ``ValueError``. Not used when ``strategy`` is itself a complete
        estimator.
    strategy : str, sampler or estimator, default="none"
        The remedy:

        - a name from :func:`available_strategies`: ``"none"``,
          ``"class_weight"``, ``"random_over"``, ``"random_under"``,
          ``"smote"``, ``"borderline_smote"``, ``"adasyn"``, ``"smote_tomek"``
          or ``"smote_enn"``. SMOTE-family samplers are wrapped in
          :class:`AdaptiveNeighbors`, so a training part with few minority rows
          gets fewer neighbours (with a warning) instead of an error;
        - a name followed by ``"+tuned"`` (``"none+tuned"``, ``"smote+tuned"``,
          ``"class_weight+tuned"``): the pipeline is wrapped in
          ``TunedThresholdClassifierCV`` with a shuffled 3-fold stratified inner
          cross-validation, which picks the threshold on the positive-class
          probability that maximises ``tuned_scoring`` using only the rows it is
          fitted on, then refits on all of them;
        - an imbalanced-learn sampler object, used (cloned) as the ``sampler``
          step;
        - a complete estimator or pipeline (anything with ``fit`` and no
          ``fit_resample``), returned cloned and otherwise as is.
    preprocessing : {"auto", "passthrough"}, transformer or None, default="auto"
        The ``preprocess`` step. ``"auto"`` uses
        :func:`evalkit._preprocessing.make_preprocessor` on ``X`` (median
        imputation and scaling of numeric columns, most-frequent imputation and
        one-hot encoding of categorical ones; numeric only when ``X`` is None).
        ``"passthrough"`` or None skips it. A transformer is cloned and used.
    X : {array-like, pandas.DataFrame}, default=None
        Data whose column dtypes guide ``preprocessing="auto"``; not fitted.
    pos_label : int, float, bool or str, default=None
        The positive class, used by ``"+tuned"`` to score thresholds. Needed
        when the labels are not 0/1 (for example ``"fraud"``/``"legit"``).
    random_state : int, RandomState instance or None, default=None
        Given to the sampler, to the classifier if it has a ``random_state``
        parameter, and to the inner cross-validation of ``"+tuned"``. With
        None, the classifier's own ``random_state`` is left unchanged.
    tuned_scoring : str or callable, default="f1"
        Metric maximised by ``"+tuned"``. ``"f1"``, ``"precision"``,
        ``"recall"`` and ``"jaccard"`` use ``pos_label`` and score 0 when no row
        is predicted positive; other scorer names and scorer objects are passed
        to ``TunedThresholdClassifierCV`` as they are.

    Returns
    -------
    pipeline : imblearn.pipeline.Pipeline or estimator
        The unfitted model: an imbalanced-learn ``Pipeline``, a
        ``TunedThresholdClassifierCV`` wrapping one for ``"+tuned"``, or a clone
        of your own pipeline or estimator.

    Raises
    ------
    ValueError
        For an unknown strategy name; for ``"class_weight"`` with a classifier
        that has no ``class_weight`` parameter; when a sampler would be added to
        a pipeline given as ``estimator`` (the message says how to resolve it).
    TypeError
        If ``estimator`` or ``strategy`` is of an unsupported type.

    See Also
    --------
    available_strategies : The names and what they do.
    decision_threshold : Read the threshold a fitted model uses.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from evalkit.strategies import make_imbalance_pipeline
    >>> pipe = make_imbalance_pipeline(LogisticRegression(), "smote", random_state=0)
    >>> [name for name, _ in pipe.steps]
    ['preprocess', 'sampler', 'classifier']
    """
    # A complete model given as the strategy is used as is.
    if not isinstance(strategy, str) and not hasattr(strategy, "fit_resample"):
        if hasattr(strategy, "fit"):
            return clone(strategy)
        raise TypeError(
            "The `strategy` parameter of make_imbalance_pipeline must be a strategy "
            "name (see available_strategies()), an imbalanced-learn sampler or a "
            f"complete estimator. Got {short_repr(strategy)} instead."
        )

    if not hasattr(estimator, "fit"):
        raise TypeError(
            "The `estimator` parameter of make_imbalance_pipeline must be a "
            "scikit-learn compatible classifier with a fit method. Got "
            f"{short_repr(estimator)} instead."
        )

    if isinstance(strategy, str):
        name, tuned = _parse_strategy_name(strategy)
        sampler = _registry_sampler(name, random_state)
    else:
        name, tuned = "sampler", False
        sampler = clone(strategy)
        _set_random_state_if_any(sampler, random_state)

    if _is_pipeline(estimator):
        if sampler is not None:
            raise ValueError(
                f"strategy={_describe(strategy)} adds a resampling step, but "
                f"`estimator` is already a pipeline ({_describe_steps(estimator)}); "
                "evalkit does not insert a sampler into your own pipeline. Either "
                "pass the final classifier as `estimator` and let evalkit build the "
                "pipeline (with `preprocessing` for your transformers), or put the "
                "sampler in an imbalanced-learn Pipeline yourself and use "
                "strategy='none'."
            )
        if preprocessing not in ("auto", "passthrough", None):
            raise ValueError(
                "A `preprocessing` transformer was given, but `estimator` is already "
                f"a pipeline ({_describe_steps(estimator)}). Put the transformer in "
                "your pipeline, or pass preprocessing='passthrough'."
            )
        model = clone(estimator)
        last_name, last_step = model.steps[-1]
        if name == "class_weight":
            _set_class_weight(model, key=f"{last_name}__class_weight", shown=last_step)
        _set_random_state_if_any(model, random_state, key=f"{last_name}__random_state")
    else:
        classifier = clone(estimator)
        if name == "class_weight":
            _set_class_weight(classifier)
        _set_random_state_if_any(classifier, random_state)
        model = Pipeline(
            [
                ("preprocess", _resolve_preprocessing(preprocessing, X)),
                ("sampler", "passthrough" if sampler is None else sampler),
                ("classifier", classifier),
            ]
        )

    if tuned:
        model = _tuned(
            model,
            tuned_scoring=tuned_scoring,
            pos_label=pos_label,
            random_state=random_state,
        )
    return model


def _describe(strategy):
    return repr(strategy) if isinstance(strategy, str) else type(strategy).__name__


def _describe_steps(pipeline):
    return "steps: " + ", ".join(
        f"{name}={type(step).__name__ if not isinstance(step, str) else step}"
        for name, step in pipeline.steps
    )
