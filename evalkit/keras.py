"""A Keras binary classifier that scikit-learn recognises as a classifier.

:class:`KerasBinaryClassifier` builds on scikeras' ``KerasClassifier`` and fixes
what breaks in an imbalanced binary evaluation:

- scikit-learn >= 1.6 reads estimator tags from ``__sklearn_tags__``; scikeras
  0.13 only defines the older ``_more_tags``/``_estimator_type`` so
  ``is_classifier`` is False, integer ``cv`` is not stratified and
  ``scoring="roc_auc"`` gives NaN.  The tags are declared here (binary only).
- Labels of any kind (ints, bools, strings, ``{-1, 1}``) are encoded through
  ``classes_``; Keras only ever sees float 0/1 targets.
- A model trained on logits (``from_logits=True``) gets a sigmoid before
  ``predict_proba`` and thresholding.
- A compiled ``keras.Model`` instance passed as ``model`` is copied with fresh
  weights and a fresh optimizer at every fit.
- ``random_state`` seeds Python, NumPy, TensorFlow and Keras inside the fit and
  restores their global state afterwards; a ``RandomState`` object gives a seed
  drawn from it.

This module imports TensorFlow; ``import evalkit`` loads it only on first use
of :class:`KerasBinaryClassifier`.
"""

import gc
import inspect
import numbers
import os
import random
import sys
import threading
import time
from contextlib import contextmanager

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from scikeras.utils import metric_name  # noqa: E402
from scikeras.wrappers import KerasClassifier  # noqa: E402
from sklearn.base import BaseEstimator, clone  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.utils import ClassifierTags, assert_all_finite  # noqa: E402
from sklearn.utils.class_weight import compute_class_weight  # noqa: E402
from sklearn.utils.multiclass import (  # noqa: E402
    check_classification_targets,
    type_of_target,
)
from sklearn.utils.validation import (  # noqa: E402
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from evalkit import _keras_engine  # noqa: E402
from evalkit._random import check_seed, preserved_global_random_state  # noqa: E402

__all__ = [
    "KerasBinaryClassifier",
    "configure_tensorflow_threads",
    "release_keras_memory",
    "tensorflow_is_loaded",
]

# Prefixes scikeras routes to the model builder, ``compile``, ``fit``,
# ``predict``, the optimizer, the loss, the metrics and the callbacks.
_ROUTING_PREFIXES = (
    "model",
    "fit",
    "compile",
    "predict",
    "optimizer",
    "loss",
    "metrics",
    "callbacks",
)

# Options ``fit`` accepts as keyword arguments (besides ``sample_weight``);
# they override the constructor values for that one fit.
_FIT_OPTIONS = frozenset(
    {
        "batch_size",
        "callbacks",
        "class_weight",
        "epochs",
        "shuffle",
        "validation_batch_size",
        "validation_data",
        "validation_freq",
        "validation_split",
        "verbose",
    }
)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_batch_size(value):
    return value is None or (_is_int(value) and (value >= 1 or value == -1))


def _is_learning_rate(value):
    # Keras optimizers also take a LearningRateSchedule or a callable.
    if _is_real(value):
        return value > 0
    return callable(value) and not isinstance(value, (bool, str))


# Numeric settings checked at fit, as constructor parameters, as routed
# ``fit__*``/``predict__*``/``optimizer__*`` parameters and as fit options:
# name -> (test, what the scikit-learn style message says is expected).
_NUMERIC_RULES = {
    "epochs": (lambda v: _is_int(v) and v >= 1, "an int in the range [1, inf)"),
    "batch_size": (
        _is_batch_size,
        "an int in the range [1, inf), -1 (all rows in one batch) or None "
        "(Keras' default, 32)",
    ),
    "validation_batch_size": (
        _is_batch_size,
        "an int in the range [1, inf), -1 (all rows in one batch) or None "
        "(the training batch size)",
    ),
    "verbose": (
        lambda v: (
            (isinstance(v, numbers.Integral) and 0 <= v <= 2)
            or (isinstance(v, str) and v == "auto")
        ),
        "an int in the range [0, 2] or 'auto'",
    ),
    "validation_split": (
        lambda v: _is_real(v) and 0 <= v < 1,
        "a float in the range [0, 1)",
    ),
    "validation_freq": (
        lambda v: _is_int(v) and v >= 1,
        "an int in the range [1, inf)",
    ),
    "dropout": (lambda v: _is_real(v) and 0 <= v < 1, "a float in the range [0, 1)"),
    # predict returns classes_[1] where proba > threshold: at 1.0 never.
    "threshold": (
        lambda v: _is_real(v) and 0 <= v < 1,
        "a float in the range [0, 1)",
    ),
    "learning_rate": (
        _is_learning_rate,
        "a float in the range (0, inf) or a "
        "keras.optimizers.schedules.LearningRateSchedule",
    ),
}

# Routed parameters checked with the rule of the name after the prefix.
_ROUTED_NUMERIC = {
    "fit": (
        "epochs",
        "batch_size",
        "validation_batch_size",
        "verbose",
        "validation_split",
        "validation_freq",
    ),
    "predict": ("batch_size", "verbose"),
    "optimizer": ("learning_rate",),
}


# Environment variable that turns the fast training loop off ("0") for every
# fit in the process; the plain ``model.fit`` path is then always used.
FAST_LOOP_ENV = "EVALKIT_KERAS_FAST_LOOP"


# --------------------------------------------------------------------------
# Process-level helpers used by the evaluation runner
# --------------------------------------------------------------------------


def tensorflow_is_loaded():
    """Tell whether TensorFlow has been imported in this process.

    Only ``sys.modules`` is inspected; nothing is imported.  Note that importing
    :mod:`evalkit.keras` itself imports TensorFlow.

    Returns
    -------
    loaded : bool
        True if the ``tensorflow`` module is in ``sys.modules``.

    Examples
    --------
    >>> from evalkit.keras import tensorflow_is_loaded
    >>> tensorflow_is_loaded()
    True
    """
    return "tensorflow" in sys.modules


def configure_tensorflow_threads(intra_op, inter_op):
    """Set TensorFlow's intra- and inter-op thread pools for this process.

    TensorFlow only accepts thread settings before its runtime starts (the
    first operation).  Called later with different values, the request cannot
    take effect: it is skipped and ``False`` is returned, so calling this twice
    in a worker process is safe.

    Parameters
    ----------
    intra_op : int
        Threads used inside one operation (for example a matrix product);
        0 lets TensorFlow choose.
    inter_op : int
        Threads used to run independent operations in parallel; 0 lets
        TensorFlow choose.

    Returns
    -------
    applied : bool
        True if TensorFlow now uses the requested settings, False if it was
        already initialised with other values.

    Examples
    --------
    >>> from evalkit.keras import configure_tensorflow_threads
    >>> isinstance(configure_tensorflow_threads(1, 1), bool)
    True
    """
    for name, value in (("intra_op", intra_op), ("inter_op", inter_op)):
        if (
            not isinstance(value, numbers.Integral)
            or isinstance(value, bool)
            or value < 0
        ):
            raise ValueError(
                f"The `{name}` parameter of configure_tensorflow_threads must be "
                f"an int >= 0 (0 lets TensorFlow choose). Got {value!r} instead."
            )
    threading = tf.config.threading
    wanted = (
        (
            int(intra_op),
            threading.get_intra_op_parallelism_threads,
            threading.set_intra_op_parallelism_threads,
        ),
        (
            int(inter_op),
            threading.get_inter_op_parallelism_threads,
            threading.set_inter_op_parallelism_threads,
        ),
    )
    applied = True
    for value, getter, setter in wanted:
        if getter() == value:
            continue
        try:
            setter(value)
        except RuntimeError:
            # "... cannot be modified after initialization": the runtime has
            # started in this process; keep its current settings.
            applied = False
    return applied


def release_keras_memory(*, force=False, clear_cache=False):
    """Clear Keras' global session state and collect garbage, within a budget.

    Call it after a fitted model is no longer needed (for example after each
    cross-validation fold) so that memory does not grow fold after fold.
    Estimators that are still referenced keep working: their weights live in
    their own variables, not in the cleared global state.  The global Keras
    random seed set by ``keras.utils.set_random_seed`` is cleared too, and the
    call must not run while another thread of the same process is building or
    training a Keras model.

    A release (``keras.backend.clear_session`` and a full ``gc.collect``)
    costs about half a second once TensorFlow is loaded, more than a small
    fold's fit; it is therefore run only when at least ten times its last
    cost has passed since the last one (so it takes at most about 10 % of the
    time, and garbage never piles up for more than a few folds), or when
    ``force=True``.

    The process's small cache of compiled work models (at most four, used by
    the fast training loop of :class:`KerasBinaryClassifier`) is kept unless
    ``clear_cache=True``: it holds no learned state and its size is bounded,
    and keeping it is what spares later folds the cost of tracing.

    Parameters
    ----------
    force : bool, default=False
        Release now, whatever the time since the last release.
    clear_cache : bool, default=False
        Also drop the cached work models (implies ``force``).

    Returns
    -------
    released : bool
        True if the session was cleared and garbage collected by this call.

    Examples
    --------
    >>> from evalkit.keras import release_keras_memory
    >>> release_keras_memory(force=True)
    True
    """
    if clear_cache:
        _keras_engine.POOL.clear()
    return _GARBAGE.collect(force=force or clear_cache)


class _GarbageCollector:
    """Session clearing and full garbage collections in at most ~10 % of the time.

    With TensorFlow loaded, one full collection walks millions of live objects
    (0.1 - 0.4 s here), and clearing the Keras session empties TensorFlow's
    kernel caches, after which every traced function is re-instantiated on
    its next call (another ~0.3 s).  Both cost more than a small fold's fit.
    Keras models hold reference cycles, so only the collector frees them: a
    release is run when the time since the last one is at least ten times
    what the last one cost, so garbage never piles up for more than a few
    folds.
    """

    # Re-instantiating the cached traced functions after a kernel cache clear.
    REINSTANTIATE_S = 0.3

    def __init__(self, budget=0.1):
        self.budget = budget
        self.last_end = None
        self.last_cost = 0.0
        self.lock = threading.Lock()

    def collect(self, *, force=False):
        with self.lock:
            now = time.perf_counter()
            if (
                not force
                and self.last_end is not None
                and now - self.last_end < self.last_cost / self.budget
            ):
                return False
            keras.backend.clear_session(free_memory=False)
            gc.collect()
            self.last_end = time.perf_counter()
            self.last_cost = self.last_end - now + self.REINSTANTIATE_S
            return True


_GARBAGE = _GarbageCollector()


# --------------------------------------------------------------------------
# Random state
# --------------------------------------------------------------------------


def _keras_global_state():
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils

    return global_state, (
        rng_utils.GLOBAL_RANDOM_SEED,
        seed_generator.GLOBAL_SEED_GENERATOR,
    )


class _TensorFlowSeed:
    """Sets TensorFlow's global seed on demand, at most once, inside a fit."""

    def __init__(self, seed):
        self.seed = int(seed)
        self.is_set = False

    def set(self):
        if not self.is_set:
            tf.random.set_seed(self.seed)
            self.is_set = True


@contextmanager
def _seeded_random_state(seed, *, tensorflow=True):
    """Seed Python, NumPy, Keras and TensorFlow; restore all of them on exit.

    Inside, TensorFlow's op determinism is enabled so that a fixed seed gives
    identical results on the CPU.

    Setting TensorFlow's global seed also empties its kernel caches, so the
    next call of every traced function is re-instantiated (about 0.3 s here).
    With ``tensorflow=False`` it is left alone until the yielded object's
    ``set()`` is called: fits through the fast loop draw no random numbers
    from TensorFlow's global generator (Keras layers use their own seed
    generators, seeded through Keras), so they never need it.
    """
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config as tf_config

    global_state, keras_keys = _keras_global_state()
    keras_saved = {key: global_state.get_global_attribute(key) for key in keras_keys}
    tf_context = context.context()
    tf_seed = context.global_seed()
    tf_rng = getattr(tf_context, "_rng", None)
    tf_rng_state = tf_rng.getstate() if tf_rng is not None else None
    determinism_was_on = tf_config.is_op_determinism_enabled()
    tf_seeder = _TensorFlowSeed(seed)
    with preserved_global_random_state():
        try:
            # What keras.utils.set_random_seed does, TensorFlow's seed apart.
            random.seed(int(seed))
            np.random.seed(int(seed))  # noqa: NPY002 (restored on exit)
            global_state.set_global_attribute(keras_keys[0], int(seed))
            global_state.set_global_attribute(keras_keys[1], None)
            if tensorflow:
                tf_seeder.set()
            if not determinism_was_on:
                tf_config.enable_op_determinism()
            yield tf_seeder
        finally:
            if not determinism_was_on:
                tf_config.disable_op_determinism()
            if tf_seeder.is_set:
                tf.random.set_seed(tf_seed)
                new_rng = getattr(tf_context, "_rng", None)
                if tf_rng_state is not None and new_rng is not None:
                    new_rng.setstate(tf_rng_state)
            for key, value in keras_saved.items():
                global_state.set_global_attribute(key, value)


# --------------------------------------------------------------------------
# Model outputs
# --------------------------------------------------------------------------


def _loss_from_logits(loss):
    """Return what ``loss`` declares about ``from_logits`` (True/False/None).

    None means the loss does not say (a custom function, several losses).
    """
    if loss is None or isinstance(loss, (list, tuple, dict)):
        return None
    if isinstance(loss, str):
        return False
    if isinstance(loss, keras.losses.Loss):
        try:
            config = loss.get_config()
        except (NotImplementedError, TypeError):
            config = {}
        value = config.get("from_logits", getattr(loss, "from_logits", None))
        return None if value is None else bool(value)
    keywords = getattr(loss, "keywords", None)  # functools.partial
    if isinstance(keywords, dict) and "from_logits" in keywords:
        return bool(keywords["from_logits"])
    try:
        parameter = inspect.signature(loss).parameters.get("from_logits")
    except (TypeError, ValueError):
        return None
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return None
    return bool(parameter.default)


def _last_activation_is_linear(model):
    """Return True/False for the last layer's activation, None if unknown."""
    layers = getattr(model, "layers", None)
    if not layers:
        return None
    activation = getattr(layers[-1], "activation", None)
    if activation is None:
        return None
    return activation is keras.activations.linear


def _output_is_logits(model):
    """Decide whether ``model`` outputs logits rather than probabilities.

    The model outputs logits if its loss declares ``from_logits=True``, or if
    the loss says nothing about it and the last layer's activation is linear.
    A linear last layer trained with a probability loss
    (``from_logits=False``) is refused: its outputs are neither.
    """
    declared = _loss_from_logits(getattr(model, "loss", None))
    linear = _last_activation_is_linear(model)
    if declared is True:
        return True
    if declared is False and linear is True:
        raise ValueError(
            "The Keras model ends with a linear activation but its loss "
            f"{_describe_loss(model.loss)} expects probabilities "
            "(from_logits=False), so its outputs are neither probabilities nor "
            "logits. End the model with activation='sigmoid', or compile it with "
            "keras.losses.BinaryCrossentropy(from_logits=True)."
        )
    return declared is None and linear is True


def _describe_loss(loss):
    if isinstance(loss, str):
        return repr(loss)
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    return repr(name) if name else type(loss).__name__


def _sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def _softmax(z):
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    exp_z = np.exp(z)
    return exp_z / exp_z.sum(axis=1, keepdims=True)


def _raw_output_to_proba(raw, *, logits):
    """Turn a binary Keras output into ``predict_proba``'s (n, 2) array.

    Parameters
    ----------
    raw : array-like of shape (n,), (n, 1) or (n, 2)
        The model's output: one sigmoid unit (probability of ``classes_[1]``)
        or two softmax units.
    logits : bool
        True if ``raw`` holds logits; a sigmoid (one unit) or softmax (two
        units) is applied first.

    Returns
    -------
    proba : ndarray of shape (n, 2), dtype float64
        Column 1 is the probability of ``classes_[1]``.
    """
    raw = np.asarray(raw, dtype=np.float64)
    if raw.ndim == 1:
        raw = raw[:, np.newaxis]
    if raw.ndim != 2 or raw.shape[1] not in (1, 2):
        raise ValueError(
            "A binary Keras model must have one output unit (sigmoid: probability "
            "of the positive class) or two (softmax). Got an output of shape "
            f"{raw.shape} instead. Change the model's last layer to "
            "keras.layers.Dense(1, activation='sigmoid')."
        )
    if not np.all(np.isfinite(raw)):
        n_bad = int(np.sum(~np.all(np.isfinite(raw), axis=1)))
        raise ValueError(
            f"The Keras model produced non-finite outputs (NaN or inf) for {n_bad} "
            f"of {raw.shape[0]} rows: training diverged. Lower the learning rate "
            "(optimizer__learning_rate), scale the features, or check the data "
            "for extreme values."
        )
    if logits:
        positive = _sigmoid(raw[:, 0]) if raw.shape[1] == 1 else _softmax(raw)[:, 1]
    else:
        if raw.min() < 0.0 or raw.max() > 1.0:
            raise ValueError(
                "The Keras model's outputs are not probabilities: they range over "
                f"[{raw.min():.4g}, {raw.max():.4g}], outside [0, 1], and its loss "
                "does not declare from_logits=True. End the model with "
                "activation='sigmoid', or, if it outputs logits, compile it with "
                "keras.losses.BinaryCrossentropy(from_logits=True)."
            )
        positive = raw[:, 0] if raw.shape[1] == 1 else raw[:, 1] / raw.sum(axis=1)
    return np.column_stack([1.0 - positive, positive])


# --------------------------------------------------------------------------
# Model building
# --------------------------------------------------------------------------


def _build_mlp(input_shape, *, hidden_units, activation, dropout):
    """Build the default, uncompiled MLP with a single sigmoid output."""
    layers = [keras.Input(shape=tuple(input_shape))]
    if len(input_shape) > 1:
        layers.append(keras.layers.Flatten())
    for units in hidden_units:
        layers.append(keras.layers.Dense(int(units), activation=activation))
        if dropout > 0:
            layers.append(keras.layers.Dropout(float(dropout)))
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    return keras.Sequential(layers)


_PASS_A_BUILDER = (
    "Pass a function that builds and compiles the model instead, for example "
    "`def build(meta): model = keras.Sequential([...]); model.compile(...); "
    "return model` and `KerasBinaryClassifier(model=build)`."
)


def _fresh_copy_of(model):
    """Copy a ``keras.Model`` instance with fresh weights and a fresh optimizer."""
    try:
        fresh = keras.models.clone_model(model)
    except Exception as exc:
        raise TypeError(
            "The `model` parameter received a keras.Model instance that cannot be "
            f"cloned with fresh weights ({type(model).__name__}: {exc}). "
            + _PASS_A_BUILDER
        ) from exc
    if getattr(model, "compiled", False):
        try:
            fresh.compile_from_config(model.get_compile_config())
        except Exception as exc:
            raise TypeError(
                "The `model` parameter received a compiled keras.Model instance "
                f"whose compile settings cannot be copied ({exc}). " + _PASS_A_BUILDER
            ) from exc
    return fresh


class _ModelTemplate:
    """Picklable stand-in for a ``keras.Model`` given as ``model``.

    Only the architecture and the compile settings are kept: every fit starts
    from fresh weights anyway.
    """

    def __init__(self, model):
        try:
            self.config = keras.saving.serialize_keras_object(model)
            self.compile_config = (
                model.get_compile_config()
                if getattr(model, "compiled", False)
                else None
            )
        except Exception as exc:
            raise TypeError(
                "The `model` parameter received a keras.Model instance that cannot "
                f"be serialized ({type(model).__name__}: {exc}). " + _PASS_A_BUILDER
            ) from exc

    def restore(self):
        model = keras.saving.deserialize_keras_object(self.config)
        if self.compile_config is not None:
            model.compile_from_config(self.compile_config)
        return model


class _BinaryTargetEncoder:
    """Encode binary labels as float 0/1 (1 means ``classes_[1]``)."""

    def __init__(self, classes=None):
        self.classes = classes

    def fit(self, y):
        classes = np.unique(y) if self.classes is None else np.asarray(self.classes)
        self.classes_ = classes
        self.n_classes_ = len(classes)
        return self

    def transform(self, y):
        y = np.asarray(y)
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(
                f"y contains labels {np.unique(y[unknown]).tolist()} that are not "
                f"in classes_ {self.classes_.tolist()}."
            )
        positive = y == self.classes_[1]
        return positive.astype(keras.backend.floatx()).reshape(-1, 1)

    def inverse_transform(self, y, return_proba=False):
        proba = _raw_output_to_proba(y, logits=False)
        if return_proba:
            return proba
        return self.classes_[(proba[:, 1] > 0.5).astype(int)]

    def get_metadata(self):
        return {
            "classes_": self.classes_,
            "n_classes_": self.n_classes_,
            "n_outputs_": 1,
            "n_outputs_expected_": 1,
        }


class _ValidationData:
    """Checked ``(X_val, y_val)`` whose labels are encoded once ``classes_`` is known."""

    def __init__(self, X, y):
        self.X = X
        self.y = y


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------


class KerasBinaryClassifier(KerasClassifier):
    """Keras binary classifier with the scikit-learn classifier interface.

    By default a multilayer perceptron with one sigmoid output, trained with
    binary cross-entropy and Adam (learning rate 1e-3).  Any other network can
    be given through ``model``, as in scikeras.  Works in scikit-learn and
    imbalanced-learn pipelines, ``cross_validate`` (stratified folds for an
    integer ``cv``), ``GridSearchCV``, ``clone`` and pickle.

    Parameters
    ----------
    model : callable, keras.Model or None, default=None
        ``None`` builds the default MLP from ``hidden_units``, ``activation``
        and ``dropout``.  A callable returns a compiled or uncompiled
        ``keras.Model`` (uncompiled models are compiled with ``optimizer``,
        ``loss`` and ``metrics``); it receives scikeras' routed ``model__*``
        parameters, constructor keyword arguments it names, and ``meta`` (a dict
        of fitted attributes such as ``n_features_in_`` and ``classes_``) if it
        accepts it.  A ``keras.Model`` instance is copied with fresh weights and
        a fresh optimizer at every fit, so folds never share weights; a model
        that cannot be copied raises a TypeError asking for a builder function.
        The model must output one sigmoid unit (or two softmax units); a model
        compiled with ``from_logits=True`` (or with a custom loss and a linear
        last layer) is treated as outputting logits and a sigmoid is applied.
        A model with a defined input shape must match the ``X`` that reaches
        ``fit`` (after any preprocessing); otherwise fit raises a ValueError
        before training.  A builder can read the width from
        ``meta["n_features_in_"]``.
    hidden_units : tuple of int, default=(64, 32)
        Units of the default MLP's hidden layers, each >= 1.
    activation : str or callable, default="relu"
        Activation of the default MLP's hidden layers.
    dropout : float, default=0.0
        Dropout rate after each hidden layer of the default MLP, in [0, 1).
    optimizer : str, keras.optimizers.Optimizer or class, default="adam"
        Optimizer; route its arguments as ``optimizer__learning_rate=...``
        (Adam's default learning rate is 1e-3; a routed learning rate must be
        > 0 or a ``LearningRateSchedule``).
    loss : str, keras.losses.Loss, class or callable, default="binary_crossentropy"
        Loss used to compile an uncompiled model.
    metrics : list or None, default=None
        Keras metrics, recorded per epoch in ``history_``.
    epochs : int, default=10
        Training epochs, >= 1.
    batch_size : int or None, default=256
        Samples per gradient update (and per prediction batch), >= 1; -1 uses
        all rows in one batch, None Keras' default (32).
    validation_batch_size : int or None, default=None
        Batch size for validation data, >= 1 or -1 (all rows); None uses the
        training batch size.
    verbose : int or "auto", default=0
        Keras' verbosity: 0, 1, 2 or "auto".
    callbacks : list of keras.callbacks.Callback or None, default=None
        Keras callbacks for ``fit`` and ``predict``.
    validation_split : float, default=0.0
        Fraction of the training rows Keras holds out for validation, in
        [0, 1).
    shuffle : bool, default=True
        Shuffle the training rows every epoch.
    run_eagerly : bool, default=False
        Run Keras eagerly (slow; for debugging).
    warm_start : bool, default=False
        If True, a second ``fit`` continues from the current weights instead of
        building a fresh model.
    random_state : int, numpy.random.RandomState or None, default=None
        Seeds Python, NumPy, TensorFlow and Keras during fit (weights, dropout,
        shuffling); their global states are restored afterwards.  An int gives
        identical results on the CPU; a ``RandomState`` gives a seed drawn from
        it (two different states give different seeds); ``None`` a fresh seed.
        The seed used is stored in ``random_seed_``.
    class_weight : dict, "balanced" or None, default=None
        Weights per class, keyed by the labels as given in ``y`` (for example
        ``{"legit": 1, "fraud": 50}``); missing classes weigh 1.  "balanced"
        uses ``n_samples / (2 * np.bincount(y))`` on the ``y`` passed to
        ``fit`` (inside a resampling pipeline: the resampled training part).
        Multiplied into ``sample_weight``.
    threshold : float, default=0.5
        ``predict`` returns ``classes_[1]`` where ``predict_proba[:, 1]`` is
        strictly greater than ``threshold`` (as Keras' ``BinaryAccuracy``), in
        [0, 1) as for ``evalkit.evaluate`` (at 1.0 nothing would be positive).
    **kwargs : dict
        scikeras' routed parameters (``model__*``, ``fit__*``, ``compile__*``,
        ``predict__*``, ``optimizer__*``, ``loss__*``, ``metrics__*``,
        ``callbacks__*``) and arguments named by a custom ``model`` callable.
        Any other name raises a ValueError at fit that lists the valid names.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels, sorted; ``predict_proba[:, 1]`` is P(``classes_[1]``).
    n_classes_ : int
        Always 2.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when fit on a DataFrame with string column names.
    model_ : keras.Model
        The fitted Keras model.
    history_ : dict of str to list of float
        Per-epoch training loss and metrics, for example ``{"loss": [...]}``.
    class_weight_ : dict
        The class weights used, keyed by the labels as given in ``y``.
    output_is_logits_ : bool
        True if the model outputs logits and a sigmoid is applied.
    random_seed_ : int
        The integer seed used for the last fit.

    See Also
    --------
    scikeras.wrappers.KerasClassifier : The scikeras wrapper this class extends.

    Examples
    --------
    >>> import numpy as np
    >>> from evalkit.keras import KerasBinaryClassifier
    >>> from sklearn.base import is_classifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3)).astype("float32")
    >>> y = np.where(X[:, 0] > 0.5, "fraud", "legit")
    >>> clf = KerasBinaryClassifier(hidden_units=(4,), epochs=2, random_state=0)
    >>> is_classifier(clf)
    True
    >>> clf.fit(X, y).classes_.tolist()
    ['fraud', 'legit']
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        model=None,
        *,
        hidden_units=(64, 32),
        activation="relu",
        dropout=0.0,
        optimizer="adam",
        loss="binary_crossentropy",
        metrics=None,
        epochs=10,
        batch_size=256,
        validation_batch_size=None,
        verbose=0,
        callbacks=None,
        validation_split=0.0,
        shuffle=True,
        run_eagerly=False,
        warm_start=False,
        random_state=None,
        class_weight=None,
        threshold=0.5,
        **kwargs,
    ):
        self.model = model
        self.hidden_units = hidden_units
        self.activation = activation
        self.dropout = dropout
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_batch_size = validation_batch_size
        self.verbose = verbose
        self.callbacks = callbacks
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.warm_start = warm_start
        self.random_state = random_state
        self.class_weight = class_weight
        self.threshold = threshold
        vars(self).update(kwargs)
        if kwargs:
            self._user_params = set(kwargs)

    # ---------------------------------------------------------------- tags --

    def __sklearn_tags__(self):
        # scikeras puts BaseEstimator before ClassifierMixin in the MRO, so
        # BaseEstimator.__sklearn_tags__ never reaches the mixin: declare the
        # classifier tags here.
        tags = BaseEstimator.__sklearn_tags__(self)
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_class=False, poor_score=True)
        tags.target_tags.required = True
        return tags

    def __sklearn_clone__(self):
        if not isinstance(self.model, keras.Model):
            return super().__sklearn_clone__()
        # A keras.Model given as ``model`` is only ever copied with fresh
        # weights at fit, never trained, so clones share it instead of
        # deep-copying it (Keras cannot reload a compiled, untrained model).
        params = self.get_params(deep=False)
        new_params = {
            name: value if name == "model" else clone(value, safe=False)
            for name, value in params.items()
        }
        return type(self)(**new_params)

    def __getstate__(self):
        state = super().__getstate__()
        if isinstance(state.get("model"), keras.Model):
            state = dict(state)
            state["model"] = _ModelTemplate(state["model"])
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model"), _ModelTemplate):
            state = dict(state)
            state["model"] = state["model"].restore()
        super().__setstate__(state)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_") and hasattr(self, "classes_")

    def __repr__(self, N_CHAR_MAX=700):
        return BaseEstimator.__repr__(self, N_CHAR_MAX=N_CHAR_MAX)

    # -------------------------------------------------------------- params --

    def _get_param_names(self):
        names = set(inspect.signature(type(self).__init__).parameters)
        names -= {"self", "kwargs"}
        return sorted(names | set(getattr(self, "_user_params", ())))

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Routed parameters (``optimizer__learning_rate``, ``model__units``...)
        are accepted as in scikeras; any other unknown name raises a ValueError
        listing the valid parameters.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : KerasBinaryClassifier
            This estimator.
        """
        plain = {}
        for name, value in params.items():
            if name.split("__", 1)[0] in _ROUTING_PREFIXES and "__" in name:
                setattr(self, name, value)
                self._user_params = set(getattr(self, "_user_params", ())) | {name}
            else:
                plain[name] = value
        if plain:
            BaseEstimator.set_params(self, **plain)
        return self

    def _builder_accepts(self):
        """Names a custom ``model`` callable accepts, or None for ``**kwargs``."""
        model = self.model
        if model is None or isinstance(model, keras.Model) or not callable(model):
            return set()
        try:
            parameters = inspect.signature(model).parameters
        except (TypeError, ValueError):
            return None
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            return None
        return set(parameters)

    def _check_params(self):
        """Validate constructor parameters (scikit-learn validates in fit)."""
        accepted = self._builder_accepts()
        unknown = []
        for name in sorted(getattr(self, "_user_params", ())):
            prefix = name.split("__", 1)[0]
            if "__" in name and prefix in _ROUTING_PREFIXES:
                if prefix == "model" and self.model is None:
                    unknown.append(name)
                continue
            if accepted is None or name in accepted:
                continue
            unknown.append(name)
        if unknown:
            valid = sorted(inspect.signature(type(self).__init__).parameters)
            valid = [v for v in valid if v not in ("self", "kwargs")]
            extra = (
                " Parameters of the `model` callable may be passed by name or as "
                "model__<name>."
                if self.model is not None
                else " `model__*` parameters need a custom `model` callable."
            )
            raise ValueError(
                f"KerasBinaryClassifier got unknown parameters {unknown}. Valid "
                f"parameters are {valid}, plus routed parameters starting with "
                f"{[p + '__' for p in _ROUTING_PREFIXES]}." + extra
            )
        if self.model is not None and not (
            callable(self.model) or isinstance(self.model, keras.Model)
        ):
            raise TypeError(
                "The `model` parameter must be None, a callable that returns a "
                f"keras.Model, or a keras.Model. Got {type(self.model).__name__} "
                "instead."
            )
        hidden = self.hidden_units
        if (
            isinstance(hidden, (str, bytes))
            or not hasattr(hidden, "__iter__")
            or not all(_is_int(u) and u > 0 for u in hidden)
        ):
            raise ValueError(
                f"The `hidden_units` parameter of {type(self).__name__} must be a "
                "tuple of ints in the range [1, inf), for example (64, 32) or (8,). "
                f"Got {hidden!r} instead."
            )
        for name in (
            "epochs",
            "batch_size",
            "validation_batch_size",
            "verbose",
            "validation_split",
            "dropout",
            "threshold",
        ):
            self._check_numeric(name, getattr(self, name))
        for name in sorted(getattr(self, "_user_params", ())):
            prefix, _, rest = name.partition("__")
            if rest in _ROUTED_NUMERIC.get(prefix, ()):
                self._check_numeric(name, getattr(self, name), rule=rest)
        cw = self.class_weight
        if not (cw is None or isinstance(cw, dict) or cw == "balanced"):
            raise ValueError(
                "The `class_weight` parameter must be a dict keyed by class label, "
                f"'balanced' or None. Got {cw!r} instead."
            )

    def _check_numeric(self, name, value, *, rule=None, kind="parameter"):
        """Raise scikit-learn's ValueError if ``value`` breaks the rule of ``name``.

        Parameters
        ----------
        name : str
            Name shown in the message (``batch_size``, ``fit__batch_size``...).
        value : object
            The value to check.
        rule : str or None, default=None
            Key of ``_NUMERIC_RULES``; ``None`` uses ``name``.
        kind : {"parameter", "fit option"}, default="parameter"
            What ``name`` is, for the message.
        """
        accepts, expected = _NUMERIC_RULES[name if rule is None else rule]
        if not accepts(value):
            raise ValueError(
                f"The `{name}` {kind} of {type(self).__name__} must be {expected}. "
                f"Got {value!r} instead."
            )

    def _check_threshold(self):
        self._check_numeric("threshold", self.threshold)

    def _check_X(self, X, *, reset):
        """Check ``X`` (dense, finite, 2d or more) and its feature names."""
        if hasattr(X, "dtypes") and hasattr(X, "columns"):
            from pandas.api.types import is_bool_dtype, is_numeric_dtype

            text = [
                str(c)
                for c, dtype in zip(X.columns, X.dtypes, strict=True)
                if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype))
            ]
            if text:
                raise ValueError(
                    f"{type(self).__name__} needs numeric features, but the columns "
                    f"{text[:5]} are not numbers. Encode them first, for example with "
                    "evalkit.make_imbalance_pipeline(model, 'none', X=X), which one-hot "
                    "encodes text and category columns (evalkit.evaluate does this)."
                )
        return validate_data(
            self, X, reset=reset, accept_sparse=False, dtype=None, allow_nd=True
        )

    # ----------------------------------------------------------- targets --

    def _check_binary_target(self, y):
        """Return ``y`` as 1d labels; refuse anything but two classes."""
        if np.asarray(y).dtype.kind in "fc":
            assert_all_finite(np.asarray(y), input_name="y")
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(
                "Only binary classification is supported. The type of the target "
                f"is {y_type!r}; KerasBinaryClassifier needs y with exactly two "
                "classes. For more classes use scikeras.wrappers.KerasClassifier, "
                "or merge the classes into positive and negative."
            )
        y = column_or_1d(y, warn=True)
        classes = np.unique(y)
        if len(classes) != 2:
            raise ValueError(
                "KerasBinaryClassifier needs samples of 2 classes in y, but the "
                f"data contain only one class: {classes.tolist()}. Use stratified "
                "splits (StratifiedKFold) so every training part holds both classes."
            )
        return y

    @property
    def target_encoder(self):
        """Encoder of binary labels to float 0/1 (1 means ``classes_[1]``)."""
        return _BinaryTargetEncoder(classes=getattr(self, "classes_", None))

    def _type_of_target(self, y):
        return "binary"

    def _class_weight_for(self, y, class_weight):
        """Return ``{label: weight}`` for ``classes_`` from the fit's ``y``."""
        classes = self.classes_
        if class_weight is None:
            weights = np.ones(len(classes))
        elif isinstance(class_weight, str) and class_weight == "balanced":
            weights = compute_class_weight("balanced", classes=classes, y=y)
        elif isinstance(class_weight, dict):
            known = set(classes.tolist())
            unknown = [k for k in class_weight if k not in known]
            if unknown:
                raise ValueError(
                    f"The `class_weight` parameter has keys {unknown} that are not "
                    f"labels of y; the labels are {classes.tolist()}. Key the dict "
                    "by the labels as they appear in y, for example "
                    f"{{{classes[0]!r}: 1, {classes[1]!r}: 10}}."
                )
            weights = np.array([float(class_weight.get(c, 1.0)) for c in classes])
        else:
            raise ValueError(
                "The `class_weight` parameter must be a dict keyed by class label, "
                f"'balanced' or None. Got {class_weight!r} instead."
            )
        return {c: float(w) for c, w in zip(classes.tolist(), weights, strict=True)}

    # --------------------------------------------------------------- fit --

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Build a fresh Keras model and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Binary labels of any type (ints, bools, strings, ``{-1, 1}``).
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, multiplied by the class weights.
        **fit_params : dict
            Options for this fit, overriding the constructor values:
            ``epochs``, ``batch_size``, ``class_weight``, ``verbose``,
            ``validation_split``, ``validation_batch_size``,
            ``validation_freq``, ``shuffle``, ``callbacks`` (added to the
            constructor's) and ``validation_data``.  In a pipeline pass them
            as ``<step name>__epochs=...``.  Any other name raises a TypeError
            listing the valid names; a numeric option outside the range of
            the constructor parameter it overrides raises a ValueError.

            ``validation_data=(X_val, y_val)`` gives held-out rows, with
            ``y_val`` in the original labels (encoded through ``classes_``
            like ``y``): ``history_`` then also holds ``val_loss`` and
            ``val_<metric>`` for every compiled metric, per epoch.  They never
            influence training and are unweighted (class weights apply to
            training rows only).  For per-epoch training and held-out
            accuracy, set ``metrics=["binary_accuracy"]`` (Keras' threshold
            0.5, whatever ``threshold`` is).

        Returns
        -------
        self : KerasBinaryClassifier
            The fitted estimator.
        """
        self._fit_binary(X, y, sample_weight, fit_params, partial=False, classes=None)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None, **fit_params):
        """Train for one epoch, keeping the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Binary labels.
        classes : array-like of shape (2,), default=None
            Both labels; needed on the first call if ``y`` holds one class.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        **fit_params : dict
            As in :meth:`fit`, except ``epochs``.

        Returns
        -------
        self : KerasBinaryClassifier
            The updated estimator.
        """
        if "epochs" in fit_params:
            raise TypeError(
                "partial_fit always trains for one epoch; remove the `epochs` "
                "argument or use fit."
            )
        self._fit_binary(X, y, sample_weight, fit_params, partial=True, classes=classes)
        return self

    def _fit_binary(self, X, y, sample_weight, fit_params, *, partial, classes):
        unknown = sorted(set(fit_params) - _FIT_OPTIONS)
        if unknown:
            raise TypeError(
                f"KerasBinaryClassifier.fit got unexpected fit options {unknown}. "
                f"Valid options are {['sample_weight', *sorted(_FIT_OPTIONS)]}; "
                "constructor parameters can also be set with set_params."
            )
        self._check_params()
        fit_params = dict(fit_params)
        validation_data = fit_params.pop("validation_data", None)
        class_weight = fit_params.pop("class_weight", self.class_weight)
        for name in sorted(set(fit_params) & set(_NUMERIC_RULES)):
            self._check_numeric(name, fit_params[name], kind="fit option")
        epochs = fit_params.pop("epochs", getattr(self, "fit__epochs", self.epochs))
        continuing = partial or self.warm_start
        initialized = continuing and hasattr(self, "model_")
        if partial and initialized:
            check_classification_targets(y)
            y_checked = column_or_1d(y, warn=True)
        elif partial and classes is not None:
            classes = np.unique(np.asarray(classes))
            if len(classes) != 2:
                raise ValueError(
                    "The `classes` parameter of partial_fit must hold exactly 2 "
                    f"labels. Got {classes.tolist()} instead."
                )
            check_classification_targets(y)
            y_checked = column_or_1d(y, warn=True)
        else:
            y_checked = self._check_binary_target(y)
        X = self._check_X(X, reset=not initialized)
        if validation_data is not None:
            fit_params["validation_data"] = self._check_validation_data(
                validation_data, fit_params
            )

        seed = check_seed(self.random_state, name="random_state")
        self._fit_seed = seed
        maybe_fast = not (partial or initialized) and self._fast_loop_allowed(
            fit_params
        )
        with _seeded_random_state(seed, tensorflow=not maybe_fast) as tf_seed:
            self._tf_seed = tf_seed
            if not initialized:
                self.classes_ = classes if partial else None
            self._fit_model(
                X,
                y_checked,
                sample_weight,
                class_weight=class_weight,
                epochs=1 if partial else epochs,
                continuing=initialized,
                fit_options=fit_params,
            )
        del self._tf_seed
        self.random_seed_ = seed

    def _check_validation_data(self, validation_data, fit_params):
        """Check ``(X_val, y_val)``; ``y_val`` is encoded later, in ``_fit_model``."""
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(
                "The `validation_data` fit option must be a pair (X_val, y_val) "
                "with y_val in the same labels as y. Got "
                f"{type(validation_data).__name__} instead."
            )
        split = fit_params.get("validation_split", self.validation_split)
        if split:
            raise ValueError(
                f"The fit options validation_data and validation_split={split!r} "
                "clash: Keras would silently ignore validation_split. Pass only "
                "one of them."
            )
        X_val, y_val = validation_data
        X_val = self._check_X(X_val, reset=False)
        y_val = column_or_1d(y_val, warn=True)
        if len(y_val) != len(X_val):
            raise ValueError(
                f"The `validation_data` fit option has {len(X_val)} rows in X_val "
                f"but {len(y_val)} labels in y_val; give one label per row."
            )
        return _ValidationData(X_val, y_val)

    def _fit_model(
        self, X, y, sample_weight, *, class_weight, epochs, continuing, fit_options
    ):
        """Build (unless continuing) and train the Keras model.

        Building happens in :meth:`_build_keras_model`, training in
        :meth:`_fit_keras_model`.
        """
        if continuing:
            X, y = self._validate_data(X, y)
        else:
            X, y = self._initialize(X, y)
        self._ensure_compiled_model()
        if not set(np.unique(y).tolist()) <= set(self.classes_.tolist()):
            raise ValueError(
                f"y contains labels {sorted(set(np.unique(y).tolist()))} but the "
                f"estimator was first fitted on {self.classes_.tolist()}."
            )
        self.class_weight_ = self._class_weight_for(y, class_weight)
        row_weight = np.asarray(
            [self.class_weight_[label] for label in self.classes_.tolist()]
        )[np.searchsorted(self.classes_, y)]
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
            if sample_weight.shape != (len(y),):
                raise ValueError(
                    "The `sample_weight` parameter must have shape "
                    f"({len(y)},), one weight per row of X. Got shape "
                    f"{sample_weight.shape} instead."
                )
            row_weight = row_weight * sample_weight
        if class_weight is not None or sample_weight is not None:
            X, y, row_weight = self._validate_sample_weight(X, y, row_weight)
        else:
            row_weight = None
        y_encoded = self.target_encoder_.transform(y)
        X = self.feature_encoder_.transform(X)
        self._check_input_shape(X)
        validation = fit_options.get("validation_data")
        if isinstance(validation, _ValidationData):
            fit_options = dict(fit_options)
            try:
                y_val = self.target_encoder_.transform(validation.y)
            except ValueError as exc:
                raise ValueError(
                    f"The `validation_data` fit option: {exc} Give y_val in the "
                    "same labels as y."
                ) from exc
            fit_options["validation_data"] = (
                self.feature_encoder_.transform(validation.X),
                y_val,
            )
        self._check_model_compatibility(y_encoded)
        initial_epoch = self.current_epoch if continuing else 0
        self._fit_keras_model(
            X,
            y_encoded,
            sample_weight=row_weight,
            warm_start=continuing,
            epochs=epochs,
            initial_epoch=initial_epoch,
            **fit_options,
        )

    def _check_input_shape(self, X):
        """Refuse X whose shape does not match the model's declared input.

        Keras would fail in the first batch with an error whose useful part
        is lost in a one-line summary.  A Sequential model given without
        ``keras.Input`` is built here for X's row shape, as ``model.fit``
        would build it on the first batch.  Subclassed models and models with
        several inputs are left to Keras.
        """
        import keras

        model = self.model_
        if isinstance(model, keras.Sequential) and not model.built:
            model.build((None, *np.shape(X)[1:]))
        try:
            inputs = model.inputs
        except (AttributeError, ValueError):
            return
        if not inputs or len(inputs) != 1:
            return
        expected = tuple(getattr(inputs[0], "shape", None) or ())[1:]
        got = tuple(np.shape(X))[1:]
        if not expected:
            return
        if len(expected) == len(got) and all(
            e is None or int(e) == g for e, g in zip(expected, got, strict=True)
        ):
            return
        if len(expected) == 1 and len(got) == 1:
            mismatch = (
                f"The Keras model expects {expected[0]} input features, but X has "
                f"{got[0]} columns"
            )
        else:
            shown = tuple("None" if e is None else int(e) for e in expected)
            mismatch = (
                f"The Keras model expects inputs of shape (n_samples, "
                f"{', '.join(map(str, shown))}), but X has shape {np.shape(X)}"
            )
        raise ValueError(
            f"{mismatch} as it reaches {type(self).__name__}.fit (after any "
            "preprocessing: evalkit's one-hot encoding of text and category "
            "columns adds columns). Build the model in a builder function, "
            "`def build(meta): ...` with keras.Input((meta['n_features_in_'],)) "
            f"and {type(self).__name__}(model=build), or give the model the "
            f"input size of X, keras.Input({got!r})."
        )

    def _initialize(self, X, y=None):
        # As scikeras' _initialize, without its RandomState -> seed 0 mapping:
        # seeding happens around the whole fit in _seeded_random_state.
        self._random_state = None
        X, y = self._validate_data(X, y, reset=True)
        self.target_encoder_ = self.target_encoder.fit(y)
        vars(self).update(**self.target_encoder_.get_metadata())
        self.feature_encoder_ = self.feature_encoder.fit(X)
        vars(self).update(**getattr(self.feature_encoder_, "get_metadata", dict)())
        self.model_ = self._build_keras_model()
        self._initialize_callbacks()
        return X, y

    def initialize(self, X, y):
        """Build the Keras model without training it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (used for shapes).
        y : array-like of shape (n_samples,)
            Binary labels (used for ``classes_``).

        Returns
        -------
        self : KerasBinaryClassifier
            The initialised estimator.
        """
        self._check_params()
        y = self._check_binary_target(y)
        X = self._check_X(X, reset=True)
        seed = check_seed(self.random_state, name="random_state")
        with _seeded_random_state(seed):
            self.classes_ = None
            self._initialize(X, y)
            self._ensure_compiled_model()
        self.random_seed_ = seed
        return self

    def _build_keras_model(self):
        """Return a new Keras model (not trained; maybe not compiled)."""
        model = self.model
        if model is None:
            return _build_mlp(
                self.X_shape_[1:],
                hidden_units=tuple(self.hidden_units),
                activation=self.activation,
                dropout=self.dropout,
            )
        if isinstance(model, keras.Model):
            return _fresh_copy_of(model)
        built = super()._build_keras_model()
        if not isinstance(built, keras.Model):
            raise TypeError(
                "The `model` callable must return a keras.Model. Got "
                f"{type(built).__name__} instead."
            )
        return built

    def _check_model_param(self):
        # Used by scikeras' _build_keras_model for callables only; accepts any
        # callable (scikeras accepts only functions and partials).
        return self.model

    def _ensure_compiled_model(self):
        super()._ensure_compiled_model()
        outputs = getattr(self.model_, "outputs", None)
        if outputs is not None and len(outputs) != 1:
            raise ValueError(
                "A binary Keras model must have exactly one output. Got "
                f"{len(outputs)} outputs instead."
            )
        self.output_is_logits_ = _output_is_logits(self.model_)

    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        """Train ``model_``; record per-epoch values in ``history_``."""
        extra_callbacks = kwargs.pop("callbacks", None)
        callbacks = list(self._fit_callbacks)
        if extra_callbacks is not None:
            if isinstance(extra_callbacks, keras.callbacks.Callback):
                extra_callbacks = [extra_callbacks]
            callbacks += list(extra_callbacks)
        params = self.get_params()
        fit_args = {
            key: params[key]
            for key in (
                "batch_size",
                "validation_batch_size",
                "verbose",
                "validation_split",
                "shuffle",
            )
        }
        fit_args.update(
            {
                k[len("fit__") :]: v
                for k, v in params.items()
                if k.startswith("fit__")
                and "__" not in k[len("fit__") :]
                and not k.startswith("fit__callbacks")
            }
        )
        fit_args.update(kwargs)
        for key in ("batch_size", "validation_batch_size"):
            if fit_args.get(key) == -1:
                fit_args[key] = X.shape[0]
        fit_args.pop("epochs", None)
        self._fast_key = None
        key = self._fast_loop_key(X, callbacks, fit_args, warm_start)
        if key is not None:
            raw_history = self._fit_fast(key, X, y, sample_weight, epochs, fit_args)
        else:
            tf_seed = getattr(self, "_tf_seed", None)
            if tf_seed is not None:
                tf_seed.set()
            raw_history = self.model_.fit(
                x=X,
                y=y,
                sample_weight=sample_weight,
                epochs=initial_epoch + epochs,
                initial_epoch=initial_epoch,
                callbacks=callbacks,
                **fit_args,
            ).history
        history = dict(getattr(self, "history_", {})) if warm_start else {}
        for key, values in raw_history.items():
            if not (key == "loss" or key.startswith("val_")):
                try:
                    key = metric_name(key)
                except ValueError:
                    pass
            history[key] = list(history.get(key, [])) + [float(v) for v in values]
        self.history_ = history

    # ---------------------------------------------------------- fast loop --

    def _fast_loop_key(self, X, callbacks, fit_args, warm_start):
        """Return the graph key if the fast loop computes what ``fit`` would.

        The fast loop runs ``train_step`` over shuffled batches in one traced
        function per epoch, on a cached work model.  It is used only when
        nothing it does not reproduce is asked for; otherwise (None) the fit
        goes through ``model.fit``.
        """
        if not self._fast_loop_allowed(fit_args):
            return None
        supported = {
            "batch_size",
            "validation_batch_size",
            "validation_data",
            "validation_freq",
            "validation_split",
            "verbose",
            "shuffle",
        }
        model = self.model_
        if (
            warm_start
            or self.warm_start
            or callbacks
            or set(fit_args) - supported
            or fit_args.get("verbose", 0)
            or fit_args.get("validation_split", 0.0)
            or fit_args.get("validation_freq", 1) != 1
            or fit_args.get("shuffle", True) not in (True, False)
            or not isinstance(fit_args.get("batch_size"), numbers.Integral)
            or fit_args["batch_size"] < 1
            or not isinstance(X, np.ndarray)
            or X.ndim < 2
            or X.dtype.kind not in "fiub"
            or keras.backend.floatx() != "float32"
            or getattr(model, "run_eagerly", False)
            or getattr(model, "jit_compile", False)
            or len(getattr(model, "inputs", None) or ()) != 1
            or type(model).train_step is not keras.Model.train_step
        ):
            return None
        return _keras_engine.graph_key(model, X.shape[1:])

    def _fast_loop_allowed(self, fit_options):
        """Checks of the fast loop that need neither the data nor the model."""
        options = {
            name: fit_options.get(name, getattr(self, name))
            for name in ("verbose", "validation_split", "shuffle", "callbacks")
        }
        return not (
            os.environ.get(FAST_LOOP_ENV, "1") == "0"
            or self.warm_start
            or self.run_eagerly
            or options["callbacks"]
            or getattr(self, "fit__callbacks", None)
            or options["verbose"]
            or options["validation_split"]
            or fit_options.get("validation_freq", 1) != 1
            or options["shuffle"] not in (True, False)
        )

    def _fit_fast(self, key, X, y, sample_weight, epochs, fit_args):
        """Train ``model_`` through a cached work model; return its history."""
        validation = fit_args.get("validation_data")
        if validation is not None:
            validation = (
                np.asarray(validation[0], dtype=np.float32),
                np.asarray(validation[1], dtype=np.float32).reshape(-1, 1),
            )
        pool = _keras_engine.POOL
        engine = pool.acquire(key, self.model_)
        try:
            engine.load(self.model_)
            history = engine.fit(
                np.asarray(X, dtype=np.float32),
                np.asarray(y, dtype=np.float32).reshape(-1, 1),
                None
                if sample_weight is None
                else np.asarray(sample_weight, dtype=np.float32).ravel(),
                epochs=int(epochs),
                batch_size=int(fit_args["batch_size"]),
                shuffle=bool(fit_args.get("shuffle", True)),
                seed=self._fit_seed,
                validation=validation,
                validation_batch_size=fit_args.get("validation_batch_size"),
            )
            engine.store(self.model_)
        finally:
            pool.release(key, engine)
        self._fast_key = key
        return history

    def _predict_raw(self, X, **kwargs):
        """Predict with a cached work model when the fit used the fast loop."""
        key = getattr(self, "_fast_key", None)
        params = self.get_params()
        batch_size = params.get("predict__batch_size", self.batch_size)
        routed = {k for k in params if k.startswith("predict__")}
        if (
            key is None
            or kwargs
            or routed - {"predict__batch_size"}
            or getattr(self, "_predict_callbacks", None)
            or not isinstance(batch_size, numbers.Integral)
            or os.environ.get(FAST_LOOP_ENV, "1") == "0"
        ):
            return super()._predict_raw(X, **kwargs)
        X, _ = self._validate_data(X=X, y=None)
        X = self.feature_encoder_.transform(X)
        X = np.asarray(X)
        if X.dtype.kind not in "fiub":
            return super()._predict_raw(X)
        batch_size = X.shape[0] if batch_size == -1 else int(batch_size)
        pool = _keras_engine.POOL
        engine = pool.acquire(key, self.model_)
        try:
            engine.load(self.model_)
            return engine.predict(
                np.asarray(X, dtype=np.float32), batch_size=max(batch_size, 1)
            )
        finally:
            pool.release(key, engine)

    # ----------------------------------------------------------- predict --

    def predict_proba(self, X):
        """Return class probabilities for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to score.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Column ``j`` is the probability of ``classes_[j]``; column 1 comes
            from the model's sigmoid output (after a sigmoid, for logits).
        """
        check_is_fitted(self)
        X = self._check_X(X, reset=False)
        with preserved_global_random_state():
            raw = self._predict_raw(X)
        return _raw_output_to_proba(raw, logits=self.output_is_logits_)

    def predict(self, X):
        """Return the predicted labels for ``X``.

        A row is predicted ``classes_[1]`` if its probability is strictly
        greater than ``threshold``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels, of the same kind as the ``y`` given to fit.
        """
        self._check_threshold()
        proba = self.predict_proba(X)
        return self.classes_[(proba[:, 1] > self.threshold).astype(int)]

    def score(self, X, y, sample_weight=None):
        """Return the accuracy of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test data.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.

        Returns
        -------
        score : float
            Mean accuracy.
        """
        return float(accuracy_score(y, self.predict(X), sample_weight=sample_weight))
