"""Tests for evalkit.keras."""

import pickle
import random
import re

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline as ImbPipeline
from sklearn.base import clone, is_classifier
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_validate,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import (
    check_classifiers_train,
    check_estimator_cloneable,
    check_estimator_tags_renamed,
    check_estimators_pickle,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    parametrize_with_checks,
)

from evalkit.keras import (
    FAST_LOOP_ENV,
    KerasBinaryClassifier,
    _output_is_logits,
    _raw_output_to_proba,
    _seeded_random_state,
    configure_tensorflow_threads,
    release_keras_memory,
    tensorflow_is_loaded,
)

# A tiny network keeps every fit well under a second.
TINY = dict(hidden_units=(4,), epochs=1, batch_size=64)


def make_data(n=300, n_features=5, n_pos=30, seed=0, dtype="float32"):
    """Rows with ``n_pos`` positives that feature 0 separates from the rest."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features)).astype(dtype)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, n_pos, replace=False)] = 1
    X[y == 1, 0] += 3.0
    return X, y


# --------------------------------------------------------------------- tags --


def test_is_a_binary_classifier_by_tags():
    """Check that scikit-learn sees a binary-only classifier through its tags."""
    est = KerasBinaryClassifier()
    tags = get_tags(est)
    assert is_classifier(est)
    assert tags.estimator_type == "classifier"
    assert tags.classifier_tags is not None
    assert tags.classifier_tags.multi_class is False
    assert tags.target_tags.required is True


def test_integer_cv_is_stratified():
    """Check that an integer cv gives stratified folds for this classifier."""
    _, y = make_data(n=1000, n_pos=50)
    est = KerasBinaryClassifier()
    cv = check_cv(5, y, classifier=is_classifier(est))
    assert isinstance(cv, StratifiedKFold)
    positives = [int(y[test].sum()) for _, test in cv.split(np.zeros(len(y)), y)]
    assert positives == [10] * 5


def test_plain_scikeras_falls_into_the_trap_this_class_closes():
    """Check that plain scikeras' KerasClassifier is not seen as a classifier here,
    so that the two tests above test something (KFold, not StratifiedKFold)."""
    from scikeras.wrappers import KerasClassifier

    _, y = make_data(n=1000, n_pos=50)
    plain = KerasClassifier(model=lambda: None)
    assert not is_classifier(plain)
    cv = check_cv(5, y, classifier=is_classifier(plain))
    assert not isinstance(cv, StratifiedKFold)
    positives = [int(y[test].sum()) for _, test in cv.split(np.zeros(len(y)), y)]
    assert positives != [10] * 5


def test_default_parameters_are_stored_untouched():
    """Check that the constructor stores the documented defaults untouched."""
    params = KerasBinaryClassifier().get_params()
    expected = dict(
        model=None,
        hidden_units=(64, 32),
        activation="relu",
        dropout=0.0,
        optimizer="adam",
        loss="binary_crossentropy",
        epochs=10,
        batch_size=256,
        verbose=0,
        random_state=None,
        class_weight=None,
        threshold=0.5,
        warm_start=False,
        validation_split=0.0,
        shuffle=True,
        callbacks=None,
    )
    for name, value in expected.items():
        assert params[name] == value, name
    hidden = [16, 8]
    est = KerasBinaryClassifier(hidden_units=hidden)
    assert est.hidden_units is hidden


def test_default_network_shape():
    """Check that the default MLP has the hidden layers asked for and one sigmoid."""
    X, y = make_data(n=100)
    est = KerasBinaryClassifier(
        hidden_units=(6, 3), dropout=0.2, epochs=1, random_state=0
    ).fit(X, y)
    dense = [
        layer for layer in est.model_.layers if isinstance(layer, keras.layers.Dense)
    ]
    assert [layer.units for layer in dense] == [6, 3, 1]
    assert dense[-1].activation is keras.activations.sigmoid
    assert sum(isinstance(la, keras.layers.Dropout) for la in est.model_.layers) == 2
    assert type(est.model_.optimizer).__name__ == "Adam"
    assert est.model_.optimizer.learning_rate.numpy() == pytest.approx(1e-3)
    assert est.output_is_logits_ is False


# ------------------------------------------------------------ case C1 ------


def test_c1_grid_search_in_pipeline():
    """Check that a scaler + classifier pipeline runs in GridSearchCV: 6 fits,
    2 rows in cv_results_, finite ROC-AUC (case C1)."""
    X, y = make_data(n=1000, n_features=20, n_pos=50)
    assert X.dtype == np.float32
    n_fits = []

    class Counting(KerasBinaryClassifier):
        def fit(self, X, y, sample_weight=None, **fit_params):
            n_fits.append(1)
            return super().fit(X, y, sample_weight, **fit_params)

    search = GridSearchCV(
        make_pipeline(StandardScaler(), Counting(**TINY, random_state=0)),
        {"counting__hidden_units": [(4,), (2,)]},
        cv=3,
        scoring="roc_auc",
        refit=False,
    ).fit(X, y)
    assert len(n_fits) == 6
    assert len(search.cv_results_["params"]) == 2
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_c1_cross_validate_roc_auc_is_finite():
    """Check that cross_validate with cv=5 and roc_auc gives finite scores and
    10 positives in every test fold (case C1)."""
    X, y = make_data(n=1000, n_features=20, n_pos=50)
    pipe = make_pipeline(StandardScaler(), KerasBinaryClassifier(**TINY))
    scores = cross_validate(pipe, X, y, cv=5, scoring="roc_auc")
    assert scores["test_score"].shape == (5,)
    assert np.all(np.isfinite(scores["test_score"]))
    cv = check_cv(5, y, classifier=True)
    assert [int(y[test].sum()) for _, test in cv.split(X, y)] == [10] * 5


# ----------------------------------------------------------------- labels --


@pytest.mark.parametrize(
    "negative, positive",
    [(0, 1), (False, True), ("legit", "fraud"), (-1, 1)],
    ids=["int", "bool", "str-positive-sorts-first", "minus-one-one"],
)
def test_labels_as_given(negative, positive):
    """Check that classes_, predict and predict_proba follow the labels as given."""
    X, y01 = make_data(n=200, n_pos=60)
    y = np.where(y01 == 1, positive, negative)
    est = KerasBinaryClassifier(
        hidden_units=(8,), epochs=10, optimizer__learning_rate=0.05, random_state=0
    ).fit(X, y)
    assert est.classes_.tolist() == sorted([negative, positive])
    proba = est.predict_proba(X)
    assert proba.shape == (200, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = est.predict(X)
    assert set(pred.tolist()) <= {negative, positive}
    # predict_proba[:, 1] is P(classes_[1]), whichever label sorts second.
    p_second = proba[:, 1]
    is_second = y == est.classes_[1]
    assert p_second[is_second].mean() > p_second[~is_second].mean() + 0.1
    expected = est.classes_[(p_second > 0.5).astype(int)]
    assert pred.tolist() == expected.tolist()


def test_keras_sees_float_zero_one_targets(monkeypatch):
    """Check that Keras is trained on float 0/1 targets whatever the labels."""
    seen = []
    original = KerasBinaryClassifier._fit_keras_model

    def spy(self, X, y, *args, **kwargs):
        seen.append(np.asarray(y))
        return original(self, X, y, *args, **kwargs)

    monkeypatch.setattr(KerasBinaryClassifier, "_fit_keras_model", spy)
    X, y01 = make_data(n=100, n_pos=20)
    y = np.where(y01 == 1, "fraud", "legit")
    KerasBinaryClassifier(**TINY, random_state=0).fit(X, y)
    (y_keras,) = seen
    assert y_keras.dtype == np.float32
    assert set(np.unique(y_keras).tolist()) == {0.0, 1.0}
    # "legit" is classes_[1], so it is encoded as 1.
    np.testing.assert_array_equal(y_keras.ravel(), (y == "legit").astype(float))


def test_c11_minus_one_one_labels():
    """Check that labels in {-1, 1} are encoded before Keras sees them (case C11)."""
    X, y01 = make_data(n=300, n_pos=30)
    y = np.where(y01 == 1, 1, -1)
    est = KerasBinaryClassifier(hidden_units=(4,), epochs=3, random_state=0)
    est.fit(X, y)
    assert est.classes_.tolist() == [-1, 1]
    assert set(est.predict(X).tolist()) <= {-1, 1}
    assert len(est.history_["loss"]) == 3
    assert all(value >= 0 for value in est.history_["loss"])


@pytest.mark.parametrize(
    "y, match",
    [
        (np.arange(60) % 3, "Only binary classification is supported"),
        (np.ones(60, dtype=int), "only one class"),
        (np.linspace(0.0, 1.0, 60), "Unknown label type"),
    ],
    ids=["three-classes", "one-class", "continuous"],
)
def test_non_binary_targets_raise(y, match):
    """Check that more than two classes, one class or a continuous target fail."""
    X = np.random.RandomState(0).normal(size=(60, 3))
    with pytest.raises(ValueError, match=match):
        KerasBinaryClassifier(**TINY).fit(X, y)


# ----------------------------------------------------------- case C8 -------


def test_c8_logits_get_a_sigmoid_before_thresholding():
    """Check that logits [-0.2, 0.3, 0.7, -1.5] give accuracy 1.00 (case C8)."""
    logits = np.array([[-0.2], [0.3], [0.7], [-1.5]])
    labels = np.array([0, 1, 1, 0])
    proba = _raw_output_to_proba(logits, logits=True)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-logits.ravel())))
    assert np.mean((proba[:, 1] > 0.5).astype(int) == labels) == 1.0
    # Thresholding the raw logits, the mistake to avoid, gives 0.75.
    assert np.mean((logits.ravel() > 0.5).astype(int) == labels) == 0.75


def test_c8_end_to_end_from_logits_model():
    """Check that a linear-output model trained with from_logits=True predicts
    through a sigmoid (case C8)."""

    def build(meta):
        model = keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)]
        )
        model.compile(
            optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True)
        )
        return model

    X = np.array([[-0.2], [0.3], [0.7], [-1.5]], dtype="float32")
    y = np.array([0, 1, 1, 0])
    est = KerasBinaryClassifier(model=build, epochs=1, random_state=0).fit(X, y)
    assert est.output_is_logits_ is True
    # Make the network output exactly the case's logits.
    est.model_.layers[-1].set_weights([np.ones((1, 1)), np.zeros(1)])
    proba = est.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-X.ravel())), rtol=1e-6)
    assert est.score(X, y) == 1.0


def _model(activation, loss):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1, activation=activation)]
    )
    model.compile(optimizer="adam", loss=loss)
    return model


def _custom_loss(y_true, y_pred):
    return keras.ops.mean(keras.ops.square(y_true - y_pred))


@pytest.mark.parametrize(
    "activation, loss, expected",
    [
        ("sigmoid", "binary_crossentropy", False),
        ("sigmoid", keras.losses.BinaryCrossentropy(), False),
        (None, keras.losses.BinaryCrossentropy(from_logits=True), True),
        (None, _custom_loss, True),
        ("sigmoid", _custom_loss, False),
    ],
    ids=["sigmoid-str", "sigmoid-bce", "linear-logits", "linear-custom", "sig-custom"],
)
def test_output_is_logits_detection(activation, loss, expected):
    """Check how the model's loss and last activation decide logits or not."""
    assert _output_is_logits(_model(activation, loss)) is expected


def test_linear_output_with_probability_loss_is_refused():
    """Check that a linear last layer trained with from_logits=False is refused."""
    with pytest.raises(ValueError, match="linear activation but its loss"):
        _output_is_logits(_model(None, "binary_crossentropy"))


@pytest.mark.parametrize(
    "raw, match",
    [
        (np.array([[0.2], [1.7]]), r"outside \[0, 1\]"),
        (np.array([[0.2], [np.nan]]), "non-finite outputs"),
        (np.zeros((2, 3)), "one output unit"),
    ],
    ids=["out-of-range", "nan", "three-units"],
)
def test_raw_output_errors(raw, match):
    """Check that outputs that are not binary probabilities are refused clearly."""
    with pytest.raises(ValueError, match=match):
        _raw_output_to_proba(raw, logits=False)


def test_two_unit_outputs():
    """Check that two softmax units (or two logits) give column 1 as P(positive)."""
    proba = _raw_output_to_proba(np.array([[0.3, 0.7]]), logits=False)
    np.testing.assert_allclose(proba, [[0.3, 0.7]])
    proba = _raw_output_to_proba(np.array([[0.0, np.log(3.0)]]), logits=True)
    np.testing.assert_allclose(proba, [[0.25, 0.75]])


# ------------------------------------------------------------ case C2 ------


def test_c2_compiled_model_instance_gets_fresh_weights_each_fold(monkeypatch):
    """Check that a compiled model instance restarts from fresh weights in every
    fold and the user's instance is never trained (case C2)."""
    starts, ends, models = [], [], []
    original = KerasBinaryClassifier._fit_keras_model

    def spy(self, *args, **kwargs):
        starts.append([w.copy() for w in self.model_.get_weights()])
        models.append(self.model_)
        result = original(self, *args, **kwargs)
        ends.append([w.copy() for w in self.model_.get_weights()])
        return result

    monkeypatch.setattr(KerasBinaryClassifier, "_fit_keras_model", spy)
    template = keras.Sequential(
        [
            keras.Input((7,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    template.compile(optimizer="adam", loss="binary_crossentropy")
    template_weights = [w.copy() for w in template.get_weights()]
    X, y = make_data(n=100, n_features=7, n_pos=10)
    est = KerasBinaryClassifier(model=template, epochs=2, batch_size=16)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    fitted = [clone(est).fit(X[tr], y[tr]) for tr, _ in cv.split(X, y)]

    assert len({id(m) for m in models}) == 5
    assert len({id(f.model_) for f in fitted}) == 5
    assert all(m is not template for m in models)
    for k in range(1, 5):
        assert not np.allclose(starts[k][0], ends[k - 1][0])
        assert not np.allclose(starts[k][0], starts[k - 1][0])
    for before, after in zip(template_weights, template.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    assert all(f.model_.compiled for f in fitted)
    assert type(fitted[0].model_.optimizer).__name__ == "Adam"
    restored = pickle.loads(pickle.dumps(est))
    assert isinstance(restored.model, keras.Model)
    assert restored.model.compiled
    restored.fit(X, y)
    assert restored.predict_proba(X).shape == (100, 2)


def test_model_instance_that_cannot_be_cloned_raises():
    """Check that an uncloneable model instance asks for a builder function."""

    class Custom(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1, activation="sigmoid")

        def call(self, x):
            return self.dense(x)

    X, y = make_data(n=40, n_pos=10)
    est = KerasBinaryClassifier(model=Custom(), epochs=1)
    with pytest.raises(TypeError, match="function that builds and compiles"):
        est.fit(X, y)


def test_user_builder_gets_meta_and_routed_params():
    """Check that a user builder receives meta and model__ routed parameters."""
    calls = []

    def build(units, meta, compile_kwargs):
        calls.append((units, meta["n_features_in_"], meta["classes_"].tolist()))
        model = keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(units, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(**compile_kwargs)
        return model

    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(model=build, model__units=3, **{"epochs": 1})
    est.fit(X, np.where(y == 1, "fraud", "legit"))
    assert calls == [(3, 5, ["fraud", "legit"])]
    assert est.model_.layers[0].units == 3
    assert clone(est).get_params()["model__units"] == 3


# ----------------------------------------------------------- class weight --


def test_class_weight_dict_keyed_by_original_labels(monkeypatch):
    """Check that a dict keyed by the original labels reaches Keras as row weights."""
    seen = []
    original = KerasBinaryClassifier._fit_keras_model

    def spy(self, X, y, sample_weight, *args, **kwargs):
        seen.append((np.asarray(y).ravel(), sample_weight))
        return original(self, X, y, sample_weight, *args, **kwargs)

    monkeypatch.setattr(KerasBinaryClassifier, "_fit_keras_model", spy)
    X, y01 = make_data(n=100, n_pos=20)
    y = np.where(y01 == 1, "fraud", "legit")
    row_weight = np.full(100, 2.0)
    est = KerasBinaryClassifier(**TINY, class_weight={"legit": 1, "fraud": 50})
    est.fit(X, y, sample_weight=row_weight)
    assert est.class_weight_ == {"fraud": 50.0, "legit": 1.0}
    y_keras, weights = seen[0]
    np.testing.assert_array_equal(weights[y_keras == 0], 100.0)  # "fraud" -> 0
    np.testing.assert_array_equal(weights[y_keras == 1], 2.0)
    np.testing.assert_array_equal(row_weight, 2.0)  # the caller's array is intact


@pytest.mark.parametrize(
    "class_weight, expected",
    [
        (None, {0: 1.0, 1: 1.0}),
        ({0: 1, 1: 50}, {0: 1.0, 1: 50.0}),
        ({1: 4}, {0: 1.0, 1: 4.0}),
        ("balanced", {0: 100 / (2 * 80), 1: 100 / (2 * 20)}),
    ],
    ids=["none", "dict", "missing-key", "balanced"],
)
def test_class_weight_values(class_weight, expected):
    """Check the class weights used for None, dicts and 'balanced'."""
    X, y = make_data(n=100, n_pos=20)
    est = KerasBinaryClassifier(**TINY, class_weight=class_weight).fit(X, y)
    assert est.class_weight_ == pytest.approx(expected)


def test_balanced_class_weight_follows_resampled_fold():
    """Check that 'balanced' weights come from the y reaching fit, i.e. after an
    over-sampler in an imbalanced-learn pipeline."""
    X, y = make_data(n=100, n_pos=20)
    pipe = ImbPipeline(
        [
            ("sampler", RandomOverSampler(random_state=0)),
            ("classifier", KerasBinaryClassifier(**TINY, class_weight="balanced")),
        ]
    ).fit(X, y)
    assert pipe[-1].class_weight_ == {0: 1.0, 1: 1.0}


def test_class_weight_with_unknown_label_raises():
    """Check that class_weight keys that are not labels of y are refused."""
    X, y01 = make_data(n=60, n_pos=10)
    y = np.where(y01 == 1, "fraud", "legit")
    est = KerasBinaryClassifier(**TINY, class_weight={0: 1, 1: 50})
    with pytest.raises(ValueError, match=r"keys \[0, 1\] that are not labels"):
        est.fit(X, y)


# -------------------------------------------------------------- randomness --


def test_same_seed_same_probabilities_different_seeds_differ():
    """Check that an int random_state reproduces predict_proba exactly."""
    X, y = make_data(n=200)
    params = dict(hidden_units=(8,), dropout=0.3, epochs=2, batch_size=32)
    p1 = KerasBinaryClassifier(**params, random_state=7).fit(X, y).predict_proba(X)
    p2 = KerasBinaryClassifier(**params, random_state=7).fit(X, y).predict_proba(X)
    p3 = KerasBinaryClassifier(**params, random_state=8).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    assert not np.allclose(p1, p3)


def test_random_state_objects_give_different_seeds():
    """Check that two different RandomState objects give two different seeds,
    drawn from the state rather than a constant."""
    X, y = make_data(n=60, n_pos=10)
    seeds = [
        KerasBinaryClassifier(**TINY, random_state=np.random.RandomState(s))
        .fit(X, y)
        .random_seed_
        for s in (1, 2)
    ]
    assert seeds[0] != seeds[1]
    assert seeds[0] == np.random.RandomState(1).randint(0, 2**31 - 1)


def test_global_random_state_is_restored():
    """Check that fit and predict leave Python, NumPy, TF and Keras global random
    state as they found them."""
    from keras.src.utils import rng_utils

    X, y = make_data(n=60, n_pos=10)

    def draws():
        return (
            random.random(),
            np.random.random(),  # noqa: NPY002 (the global state is under test)
            float(tf.random.uniform(())),
        )

    def run(with_fit):
        random.seed(11)
        np.random.seed(11)  # noqa: NPY002
        tf.random.set_seed(11)
        first = draws()
        if with_fit:
            est = KerasBinaryClassifier(**TINY, random_state=3).fit(X, y)
            est.predict_proba(X)
            KerasBinaryClassifier(**TINY).fit(X, y)  # random_state=None too
        return first, draws(), rng_utils.get_random_seed()

    control, tested = run(False), run(True)
    assert tested[:2] == control[:2]
    assert tested[2] == control[2]


def test_seeded_context_restores_on_error():
    """Check that the seeding context restores global state when fit fails."""
    state = np.random.get_state()  # noqa: NPY002
    with pytest.raises(RuntimeError, match="boom"):
        with _seeded_random_state(5):
            raise RuntimeError("boom")
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(state[1], after[1])


# ------------------------------------------------------- fit options (C4) --


@pytest.mark.parametrize("pipeline", ["sklearn", "imblearn"])
def test_c4_fit_options_pass_through_pipelines(pipeline):
    """Check that epochs, batch_size, class_weight and sample_weight reach the
    classifier through <step>__<option> pipeline routing (case C4)."""
    X, y = make_data(n=120, n_pos=20)
    steps = [
        ("scaler", StandardScaler()),
        ("classifier", KerasBinaryClassifier(hidden_units=(4,), metrics=["accuracy"])),
    ]
    pipe = Pipeline(steps) if pipeline == "sklearn" else ImbPipeline(steps)
    pipe.fit(
        X,
        y,
        classifier__epochs=5,
        classifier__batch_size=32,
        classifier__class_weight={0: 1, 1: 50},
        classifier__sample_weight=np.ones(len(y)),
    )
    clf = pipe[-1]
    assert set(clf.history_) == {"loss", "accuracy"}
    assert all(len(values) == 5 for values in clf.history_.values())
    assert clf.class_weight_ == {0: 1.0, 1: 50.0}
    assert clf.epochs == 10  # the constructor value is untouched


def test_unknown_fit_option_lists_valid_names():
    """Check that a misspelt fit option raises an error listing the valid ones."""
    X, y = make_data(n=60, n_pos=10)
    pipe = make_pipeline(StandardScaler(), KerasBinaryClassifier(**TINY))
    with pytest.raises(TypeError, match=r"unexpected fit options \['epoch'\].*epochs"):
        pipe.fit(X, y, kerasbinaryclassifier__epoch=5)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"epoch": 5}, ValueError, r"unknown parameters \['epoch'\].*'epochs'"),
        ({"model__units": 5}, ValueError, "need a custom `model` callable"),
        (
            {"hidden_units": 8},
            ValueError,
            "`hidden_units` parameter .* must be a tuple",
        ),
        ({"class_weight": "auto"}, ValueError, "`class_weight` parameter must be"),
        ({"model": "mlp"}, TypeError, "`model` parameter must be None, a callable"),
        ({"random_state": -1}, ValueError, "`random_state` parameter"),
    ],
)
def test_invalid_parameters_raise_at_fit(params, error, match):
    """Check that invalid constructor parameters raise at fit, naming them."""
    X, y = make_data(n=40, n_pos=10)
    est = KerasBinaryClassifier(**{**TINY, **params})  # stored without checks
    with pytest.raises(error, match=match):
        est.fit(X, y)


BATCH_SIZE = "an int in the range [1, inf), -1 (all rows in one batch) or None"
VALIDATION_BATCH_SIZE = (
    "an int in the range [1, inf), -1 (all rows in one batch) or None "
    "(the training batch size)"
)
LEARNING_RATE = (
    "a float in the range (0, inf) or a keras.optimizers.schedules.LearningRateSchedule"
)


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("batch_size", -2, BATCH_SIZE + " (Keras' default, 32)"),
        ("batch_size", 0, BATCH_SIZE + " (Keras' default, 32)"),
        ("batch_size", 32.0, BATCH_SIZE + " (Keras' default, 32)"),
        ("batch_size", True, BATCH_SIZE + " (Keras' default, 32)"),
        ("validation_batch_size", 0, VALIDATION_BATCH_SIZE),
        ("epochs", 0, "an int in the range [1, inf)"),
        ("epochs", 2.5, "an int in the range [1, inf)"),
        ("hidden_units", (8, 0), None),
        ("hidden_units", (8, -4), None),
        ("hidden_units", (8.0,), None),
        ("dropout", 1.0, "a float in the range [0, 1)"),
        ("dropout", -0.1, "a float in the range [0, 1)"),
        ("threshold", 1.0, "a float in the range [0, 1)"),
        ("threshold", 1.5, "a float in the range [0, 1)"),
        ("threshold", -0.5, "a float in the range [0, 1)"),
        ("threshold", "0.5", "a float in the range [0, 1)"),
        ("verbose", -1, "an int in the range [0, 2] or 'auto'"),
        ("verbose", 3, "an int in the range [0, 2] or 'auto'"),
        ("validation_split", 1.0, "a float in the range [0, 1)"),
        ("validation_split", -0.2, "a float in the range [0, 1)"),
        ("optimizer__learning_rate", 0.0, LEARNING_RATE),
        ("optimizer__learning_rate", -0.01, LEARNING_RATE),
        ("optimizer__learning_rate", "fast", LEARNING_RATE),
        ("fit__batch_size", 0, BATCH_SIZE + " (Keras' default, 32)"),
        ("fit__epochs", 0, "an int in the range [1, inf)"),
        ("fit__validation_freq", 0, "an int in the range [1, inf)"),
        ("predict__batch_size", -5, BATCH_SIZE + " (Keras' default, 32)"),
    ],
)
def test_bad_numeric_parameters_raise_at_fit(name, value, expected):
    """Check that every numeric parameter outside its range is refused at fit
    with scikit-learn's message, and stored untouched by the constructor."""
    X, y = make_data(n=40, n_pos=10)
    est = KerasBinaryClassifier(**{**TINY, name: value})
    assert getattr(est, name) is value
    if name == "hidden_units":
        message = (
            "The `hidden_units` parameter of KerasBinaryClassifier must be a "
            "tuple of ints in the range [1, inf), for example (64, 32) or (8,). "
            f"Got {value!r} instead."
        )
    else:
        message = (
            f"The `{name}` parameter of KerasBinaryClassifier must be {expected}. "
            f"Got {value!r} instead."
        )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        est.fit(X, y)


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("batch_size", 0, BATCH_SIZE + " (Keras' default, 32)"),
        ("epochs", 0, "an int in the range [1, inf)"),
        ("validation_split", 1.5, "a float in the range [0, 1)"),
        ("validation_batch_size", -3, VALIDATION_BATCH_SIZE),
        ("validation_freq", 0, "an int in the range [1, inf)"),
        ("verbose", 5, "an int in the range [0, 2] or 'auto'"),
    ],
)
def test_bad_numeric_fit_options_raise(name, value, expected):
    """Check that numeric options given to fit are checked like the
    constructor parameters they override."""
    X, y = make_data(n=40, n_pos=10)
    message = (
        f"The `{name}` fit option of KerasBinaryClassifier must be {expected}. "
        f"Got {value!r} instead."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        KerasBinaryClassifier(**TINY).fit(X, y, **{name: value})


@pytest.mark.parametrize(
    "params",
    [
        {"batch_size": None},
        {"batch_size": -1},
        {"validation_split": 0.25, "validation_batch_size": -1},
        {"validation_split": 0.25, "validation_batch_size": 8},
        {"dropout": 0.0, "threshold": 0.0, "hidden_units": ()},
        {"epochs": np.int64(2), "batch_size": np.int64(16), "dropout": np.float32(0.5)},
        {"verbose": "auto", "fit__verbose": 0, "predict__verbose": 0},
        {"fit__batch_size": 16, "predict__batch_size": -1},
        {
            "optimizer__learning_rate": keras.optimizers.schedules.ExponentialDecay(
                0.01, decay_steps=10, decay_rate=0.9
            )
        },
    ],
    ids=[
        "batch-none",
        "batch-all",
        "validation-batch-all",
        "validation-batch-8",
        "lower-bounds",
        "numpy-scalars",
        "verbose-auto",
        "routed-batch-sizes",
        "lr-schedule",
    ],
)
def test_valid_numeric_parameters_keep_working(params):
    """Check that values Keras accepts (None or -1 batch sizes, 'auto'
    verbosity, NumPy scalars, a learning-rate schedule...) still fit and
    predict."""
    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(**{**TINY, **params}, random_state=0).fit(X, y)
    assert est.predict(X).shape == (60,)
    assert est.predict_proba(X).shape == (60, 2)


def test_threshold_one_is_refused_at_predict_too():
    """Check that a threshold set to 1.0 after fit is refused at predict, as
    evaluate refuses it: with proba > 1.0 nothing would ever be positive."""
    X, y = make_data(n=40, n_pos=10)
    est = KerasBinaryClassifier(**TINY, random_state=0).fit(X, y)
    est.set_params(threshold=1.0)
    message = (
        "The `threshold` parameter of KerasBinaryClassifier must be a float in "
        "the range [0, 1). Got 1.0 instead."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        est.predict(X)


def _compiled_model(n_features):
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(2, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


INPUT_MISMATCH = (
    "The Keras model expects 5 input features, but X has 25 columns as it "
    "reaches KerasBinaryClassifier.fit (after any preprocessing: evalkit's "
    "one-hot encoding of text and category columns adds columns). Build the "
    "model in a builder function, `def build(meta): ...` with "
    "keras.Input((meta['n_features_in_'],)) and KerasBinaryClassifier("
    "model=build), or give the model the input size of X, keras.Input((25,))."
)


@pytest.mark.parametrize("kind", ["instance", "builder"])
def test_model_input_size_mismatch_raises_before_training(monkeypatch, kind):
    """Check that a model built for 5 features, given X with 25 columns, is
    refused before training with both numbers and the fix."""
    trained = []
    monkeypatch.setattr(
        KerasBinaryClassifier, "_fit_keras_model", lambda *a, **k: trained.append(1)
    )
    X, y = make_data(n=40, n_features=25, n_pos=10)
    model = _compiled_model(5) if kind == "instance" else lambda: _compiled_model(5)
    est = KerasBinaryClassifier(model=model, epochs=1)
    with pytest.raises(ValueError, match=f"^{re.escape(INPUT_MISMATCH)}$"):
        est.fit(X, y)
    assert trained == []


def test_model_input_size_mismatch_is_the_failed_fold_message():
    """Check that the one-line error run_task records for a failed fold names
    the two input sizes rather than Keras' call-site summary."""
    from evalkit._runner import Task, run_task

    X, y = make_data(n=100, n_features=25, n_pos=20)
    est = KerasBinaryClassifier(model=_compiled_model(5), epochs=1)
    task = Task("none", 0, 0, 1, np.arange(80), np.arange(80, 100))
    record = run_task(est, X, y, task, pos_label=1)
    assert record.status == "failed"
    assert record.error == "ValueError: " + INPUT_MISMATCH


def _sequence_model(n_channels):
    model = keras.Sequential(
        [
            keras.Input((None, n_channels)),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_model_input_shape_with_free_dimensions():
    """Check that dimensions a model leaves free (None) accept any size, and a
    fixed dimension that differs is refused with both shapes."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4, 3)).astype("float32")
    y = np.arange(40) % 2
    est = KerasBinaryClassifier(model=_sequence_model(3), epochs=1, random_state=0)
    assert est.fit(X, y).predict_proba(X).shape == (40, 2)
    message = (
        "The Keras model expects inputs of shape (n_samples, None, 5), but X has "
        "shape (40, 4, 3) as it reaches KerasBinaryClassifier.fit"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}.*" + r"\(\(4, 3\)\)"):
        KerasBinaryClassifier(model=_sequence_model(5), epochs=1).fit(X, y)


def test_sequential_without_input_is_built_for_x_and_trains():
    """Check that a compiled Sequential model given without keras.Input is built
    for X's row shape, trains, and predicts (it failed inside scikeras before)."""

    def build():
        model = keras.Sequential(
            [
                keras.layers.Dense(4, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(loss="binary_crossentropy", optimizer="adam")
        return model

    X, y = make_data(n=40, n_pos=10)
    est = KerasBinaryClassifier(model=build, epochs=1, random_state=0).fit(X, y)
    assert tuple(est.model_.inputs[0].shape) == (None, X.shape[1])
    assert est.predict_proba(X).shape == (40, 2)


def test_subclassed_model_is_not_checked():
    """Check that the input-size check leaves models without inputs to Keras."""

    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1, activation="sigmoid")

        def call(self, x):
            return self.dense(x)

    est = KerasBinaryClassifier()
    est.model_ = Tiny()
    assert est._check_input_shape(np.zeros((3, 25), dtype="float32")) is None


def test_set_params_unknown_name_lists_valid_names():
    """Check that set_params refuses unknown plain names and keeps routed ones."""
    est = KerasBinaryClassifier()
    est.set_params(optimizer__learning_rate=0.01)
    assert clone(est).get_params()["optimizer__learning_rate"] == 0.01
    with pytest.raises(ValueError, match="Invalid parameter 'epoch'.*Valid parameters"):
        est.set_params(epoch=3)


def test_routed_optimizer_parameter_is_used():
    """Check that optimizer__learning_rate reaches the compiled optimizer."""
    X, y = make_data(n=40, n_pos=10)
    est = KerasBinaryClassifier(**TINY, optimizer__learning_rate=0.05).fit(X, y)
    assert est.model_.optimizer.learning_rate.numpy() == pytest.approx(0.05)


def test_threshold_is_strictly_greater():
    """Check that predict uses proba > threshold, strictly, with the set threshold."""
    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(**TINY, random_state=0).fit(X, y)
    proba = est.predict_proba(X)[:, 1]
    est.set_params(threshold=float(np.sort(proba)[30]))
    assert est.predict(X).sum() == 29
    est.set_params(threshold=0.0)
    assert est.predict(X).sum() == 60


# ------------------------------------------------ clone, pickle, warm start --


def test_pickle_round_trip_fitted_and_unfitted():
    """Check that fitted and unfitted estimators survive pickling."""
    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(**TINY, random_state=0, optimizer__learning_rate=0.01)
    restored = pickle.loads(pickle.dumps(est))
    assert restored.get_params() == est.get_params()
    est.fit(X, y)
    data = pickle.dumps(est)
    assert b"evalkit.keras" in data
    restored = pickle.loads(data)
    np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    assert restored.history_ == est.history_


def test_each_fit_starts_fresh_unless_warm_start():
    """Check that refitting rebuilds the model unless warm_start=True."""
    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(**TINY, random_state=0)
    first = est.fit(X, y).predict_proba(X)
    first_model = est.model_
    second = est.fit(X, y).predict_proba(X)
    assert est.model_ is not first_model
    np.testing.assert_array_equal(first, second)

    warm = KerasBinaryClassifier(**TINY, random_state=0, warm_start=True).fit(X, y)
    model = warm.model_
    warm.fit(X, y)
    assert warm.model_ is model
    assert len(warm.history_["loss"]) == 2
    assert not np.allclose(warm.predict_proba(X), first)


def test_partial_fit_one_epoch_at_a_time():
    """Check that partial_fit trains one epoch per call with given classes."""
    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(hidden_units=(4,), random_state=0)
    est.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    est.partial_fit(X, y)
    assert est.classes_.tolist() == [0, 1]
    assert len(est.history_["loss"]) == 2
    with pytest.raises(TypeError, match="one epoch"):
        est.partial_fit(X, y, epochs=3)


def test_dataframe_feature_names():
    """Check that DataFrame column names are recorded and checked at predict."""
    pd = pytest.importorskip("pandas")
    X, y = make_data(n=60, n_pos=10)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    est = KerasBinaryClassifier(**TINY).fit(frame, y)
    assert est.feature_names_in_.tolist() == list(frame.columns)
    with pytest.raises(ValueError, match="feature names"):
        est.predict(frame.rename(columns={"f0": "other"}))


# ------------------------------------------------------ process helpers --


def test_release_keras_memory_keeps_live_estimators_working():
    """Check that releasing Keras memory does not break a fitted estimator."""
    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(**TINY, random_state=0).fit(X, y)
    before = est.predict_proba(X)
    release_keras_memory()
    np.testing.assert_array_equal(est.predict_proba(X), before)
    again = KerasBinaryClassifier(**TINY, random_state=0).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(again, before)


def test_configure_tensorflow_threads_is_safe_to_call_twice():
    """Check that thread settings after TF initialisation are skipped, not raised."""
    tf.constant(1.0) + 1.0  # make sure the runtime has started
    current = (
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
    )
    assert configure_tensorflow_threads(*current) is True
    assert configure_tensorflow_threads(current[0] + 1, current[1] + 1) is False
    assert configure_tensorflow_threads(current[0] + 1, current[1] + 1) is False
    assert tf.config.threading.get_intra_op_parallelism_threads() == current[0]


@pytest.mark.parametrize("intra_op, inter_op", [(-1, 1), (1, 1.5), (True, 1)])
def test_configure_tensorflow_threads_validates(intra_op, inter_op):
    """Check that thread counts must be ints >= 0."""
    with pytest.raises(ValueError, match="must be an int >= 0"):
        configure_tensorflow_threads(intra_op, inter_op)


def test_tensorflow_is_loaded():
    """Check that tensorflow_is_loaded reports TF once it is imported."""
    assert tensorflow_is_loaded() is True


# ------------------------------------------------ scikit-learn's own checks --

CHECK_ESTIMATOR = KerasBinaryClassifier(
    hidden_units=(4,), epochs=1, batch_size=32, random_state=0
)

EXPECTED_FAILED_CHECKS = {
    "check_estimator_tags_renamed": (
        "scikeras' BaseWrapper defines _more_tags; KerasBinaryClassifier "
        "declares the tags in __sklearn_tags__, but the check looks at every "
        "class in the MRO"
    ),
    "check_mixin_order": (
        "scikeras' KerasClassifier inherits (BaseWrapper(BaseEstimator), "
        "ClassifierMixin); the MRO cannot be reordered in a subclass, so the "
        "classifier tags are set in __sklearn_tags__ instead"
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "Keras trains in float32: weighting a row by 2 and repeating it agree "
        "to about 1e-6, not to the check's rtol=1e-7"
    ),
}


@pytest.mark.slow
@parametrize_with_checks(
    [CHECK_ESTIMATOR], expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS
)
def test_sklearn_compatible_estimator(estimator, check):
    """Check that scikit-learn's estimator checks pass (all of them; slow)."""
    check(estimator)


@pytest.mark.parametrize(
    "check",
    [
        check_estimator_cloneable,
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_estimators_pickle,
        check_classifiers_train,
    ],
)
def test_sklearn_checks_fast_subset(check):
    """Check that a fast subset of scikit-learn's estimator checks pass."""
    check("KerasBinaryClassifier", clone(CHECK_ESTIMATOR))


def test_tags_renamed_check_fails_only_because_of_scikeras():
    """Check that the one tag check failure comes from scikeras' BaseWrapper."""
    with pytest.raises(TypeError, match="_more_tags"):
        check_estimator_tags_renamed("KerasBinaryClassifier", CHECK_ESTIMATOR)
    assert "__sklearn_tags__" in vars(KerasBinaryClassifier)


# --------------------------------------------------------- validation data --


def test_validation_data_through_the_runner():
    """Check that run_task(track_test=True) records per-epoch training and
    held-out loss and binary accuracy."""
    from evalkit._runner import Task, run_task

    X, y = make_data(n=300, n_pos=30)
    pipe = make_pipeline(
        StandardScaler(),
        KerasBinaryClassifier(hidden_units=(4,), epochs=3, metrics=["binary_accuracy"]),
    )
    task = Task("none", 0, 0, 1, np.arange(240), np.arange(240, 300))
    record = run_task(pipe, X, y, task, pos_label=1, track_test=True)
    assert record.status == "ok", record.error
    assert set(record.history) == {
        "loss",
        "binary_accuracy",
        "val_loss",
        "val_binary_accuracy",
    }
    assert all(len(values) == 3 for values in record.history.values())
    # The last epoch's held-out accuracy is the accuracy of the stored
    # out-of-fold probabilities at Keras' threshold 0.5.
    accuracy = np.mean((record.proba > 0.5) == (record.y_test == 1))
    assert record.history["val_binary_accuracy"][-1] == pytest.approx(accuracy)


@pytest.mark.parametrize("fast_loop", ["1", "0"], ids=["fast-loop", "model-fit"])
def test_validation_labels_are_encoded_like_y(monkeypatch, fast_loop):
    """Check that y_val in the original labels (the positive class sorting
    first) is encoded through classes_: val_loss and val_binary_accuracy match
    the fitted model's probabilities."""
    monkeypatch.setenv(FAST_LOOP_ENV, fast_loop)
    X, y01 = make_data(n=200, n_pos=40)
    y = np.where(y01 == 1, "fraud", "legit")
    est = KerasBinaryClassifier(
        hidden_units=(4,), epochs=2, metrics=["binary_accuracy"], random_state=0
    )
    est.fit(X[:150], y[:150], validation_data=(X[150:], y[150:]))
    assert (est._fast_key is not None) is (fast_loop == "1")
    p = est.predict_proba(X[150:])[:, 1]
    is_second = y[150:] == est.classes_[1]
    accuracy = np.mean((p > 0.5) == is_second)
    log_loss = -np.mean(np.where(is_second, np.log(p), np.log(1 - p)))
    assert est.history_["val_binary_accuracy"][-1] == pytest.approx(accuracy)
    assert est.history_["val_loss"][-1] == pytest.approx(log_loss, rel=1e-4)


@pytest.mark.parametrize(
    "validation_data, options, match",
    [
        ("X", {}, r"must be a pair \(X_val, y_val\)"),
        ("pair", {"validation_split": 0.2}, "validation_split=0.2 clash"),
        ("unknown-label", {}, r"labels \[2\] that are not in classes_"),
        ("short-y", {}, "has 20 rows in X_val but 19 labels"),
    ],
)
def test_validation_data_errors(validation_data, options, match):
    """Check that malformed or clashing validation data are refused clearly."""
    X, y = make_data(n=60, n_pos=10)
    X_val, y_val = X[:20], y[:20].copy()
    data = {
        "X": X_val,
        "pair": (X_val, y_val),
        "unknown-label": (X_val, np.where(y_val == 1, 2, 0)),
        "short-y": (X_val, y_val[:19]),
    }[validation_data]
    with pytest.raises(ValueError, match=match):
        KerasBinaryClassifier(**TINY).fit(X, y, validation_data=data, **options)


# -------------------------------------------------------------- fast loop --

FAST_PARAMS = dict(
    hidden_units=(8,), epochs=3, batch_size=64, metrics=["binary_accuracy"]
)


@pytest.mark.parametrize(
    "options",
    [{}, {"class_weight": {0: 1, 1: 5}}, {"dropout": 0.3}],
    ids=["plain", "class-weight", "dropout"],
)
def test_fast_loop_matches_model_fit_without_shuffling(monkeypatch, options):
    """Check that, rows in order (shuffle=False), the fast loop gives exactly
    the weights, history and probabilities of Keras' model.fit (300 rows, batch
    64: a last partial batch of 44)."""
    X, y = make_data(n=300, n_pos=30)
    params = dict(FAST_PARAMS, shuffle=False, random_state=3, **options)
    fit_options = dict(validation_data=(X[:50], y[:50]))
    fast = KerasBinaryClassifier(**params).fit(X, y, **fit_options)
    monkeypatch.setenv(FAST_LOOP_ENV, "0")
    plain = KerasBinaryClassifier(**params).fit(X, y, **fit_options)
    assert fast._fast_key is not None and plain._fast_key is None
    for a, b in zip(fast.model_.get_weights(), plain.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert fast.history_ == plain.history_
    np.testing.assert_array_equal(fast.predict_proba(X), plain.predict_proba(X))


def test_fast_loop_matches_model_fit_with_shuffling(monkeypatch):
    """Check that, with shuffling, the fast loop and model.fit agree within
    noise: only the random permutation of the rows differs (NumPy's instead
    of tf.data's), so losses and held-out ROC-AUC agree closely."""
    from sklearn.metrics import roc_auc_score

    X, y = make_data(n=1200, n_pos=120)
    params = dict(FAST_PARAMS, epochs=4, batch_size=32, random_state=0)
    fast = KerasBinaryClassifier(**params).fit(X[:900], y[:900])
    monkeypatch.setenv(FAST_LOOP_ENV, "0")
    plain = KerasBinaryClassifier(**params).fit(X[:900], y[:900])
    assert fast._fast_key is not None and plain._fast_key is None
    np.testing.assert_allclose(fast.history_["loss"], plain.history_["loss"], rtol=0.05)
    auc = [
        roc_auc_score(y[900:], m.predict_proba(X[900:])[:, 1]) for m in (fast, plain)
    ]
    assert abs(auc[0] - auc[1]) < 0.01


def test_fit_does_not_depend_on_earlier_fits_in_the_process():
    """Check that a fit on a reused cached model equals the same fit on a
    freshly built one, whatever ran before on that model (other seeds, data,
    class weights, validation data, dropout)."""
    from evalkit import _keras_engine

    X, y = make_data(n=200)
    params = dict(hidden_units=(8,), dropout=0.2, epochs=2, batch_size=32)
    release_keras_memory(clear_cache=True)
    built = _keras_engine.POOL.n_built
    reference = KerasBinaryClassifier(**params, random_state=5).fit(X, y)
    KerasBinaryClassifier(**params, random_state=6).fit(X[::-1], y[::-1])
    KerasBinaryClassifier(**params, random_state=7, class_weight={0: 1, 1: 9}).fit(
        X, y, validation_data=(X, y)
    )
    again = KerasBinaryClassifier(**params, random_state=5).fit(X, y)
    assert _keras_engine.POOL.n_built == built + 1  # one work model, reused
    np.testing.assert_array_equal(again.predict_proba(X), reference.predict_proba(X))
    assert again.history_ == reference.history_


FRESH_PROCESS_FIT = """
import numpy as np, sys
sys.path.insert(0, {tests!r})
from test_keras import make_data
from evalkit.keras import KerasBinaryClassifier
X, y = make_data(n=200)
est = KerasBinaryClassifier(hidden_units=(8,), dropout=0.2, epochs=2, batch_size=32,
                            random_state=5).fit(X, y)
np.save({out!r}, est.predict_proba(X))
"""


@pytest.mark.slow
def test_fit_after_cached_fits_equals_fit_in_a_fresh_process(tmp_path):
    """Check that a fit run after other fits in this process gives exactly the
    probabilities of the same fit in a fresh Python process (slow: imports
    TensorFlow again)."""
    import os
    import subprocess
    import sys

    X, y = make_data(n=200)
    params = dict(hidden_units=(8,), dropout=0.2, epochs=2, batch_size=32)
    KerasBinaryClassifier(**params, random_state=1).fit(X[::-1], y[::-1])
    here = KerasBinaryClassifier(**params, random_state=5).fit(X, y).predict_proba(X)
    out = tmp_path / "proba.npy"
    code = FRESH_PROCESS_FIT.format(tests=os.path.dirname(__file__), out=str(out))
    subprocess.run([sys.executable, "-c", code], check=True)
    np.testing.assert_array_equal(np.load(out), here)


def test_fast_loop_leaves_work_models_untouched_by_user_models():
    """Check that each fitted estimator keeps its own model: refitting another
    estimator on the same graph does not change the first one's predictions,
    and the user's edits to model_ weights are used at predict."""
    X, y = make_data(n=100)
    first = KerasBinaryClassifier(**TINY, random_state=0).fit(X, y)
    before = first.predict_proba(X)
    KerasBinaryClassifier(**TINY, random_state=1).fit(X[::-1], y[::-1])
    np.testing.assert_array_equal(first.predict_proba(X), before)
    last = first.model_.layers[-1]
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])
    np.testing.assert_allclose(first.predict_proba(X), 0.5)


@pytest.mark.parametrize(
    "params, fit_options",
    [
        ({"callbacks": [keras.callbacks.TerminateOnNaN()]}, {}),
        ({"validation_split": 0.2}, {}),
        ({"warm_start": True}, {}),
        ({"verbose": 0}, {"shuffle": "batch"}),
        ({"run_eagerly": True}, {}),
    ],
    ids=["callbacks", "validation-split", "warm-start", "batch-shuffle", "eager"],
)
def test_unsupported_options_use_model_fit(params, fit_options):
    """Check that options the fast loop does not reproduce go through
    model.fit."""
    X, y = make_data(n=60, n_pos=10)
    est = KerasBinaryClassifier(**{**TINY, **params}).fit(X, y, **fit_options)
    assert est._fast_key is None
    assert len(est.history_["loss"]) == 1


def test_c10_memory_stays_flat_over_consecutive_fits():
    """Check that resident memory does not grow fold after fold over 20
    consecutive tasks of a small MLP on 2000 x 20 (case C10)."""
    from evalkit._runner import Task, run_task

    X, y = make_data(n=2000, n_features=20, n_pos=200)
    pipe = make_pipeline(
        StandardScaler(), KerasBinaryClassifier(hidden_units=(16,), epochs=1)
    )
    cv = StratifiedKFold(10, shuffle=True, random_state=0)
    splits = list(cv.split(X, y)) * 2
    memory = []
    for i, (train, test) in enumerate(splits):
        task = Task("none", i // 10, i % 10, i, train, test)
        record = run_task(pipe, X, y, task, pos_label=1)
        assert record.status == "ok", record.error
        memory.append(record.memory_mb)
    # A fit through model.fit grows resident memory by ~5 MB (see
    # benchmarks/bench_memory.py --plain); 15 fits of that would break the bound.
    assert memory[-1] - memory[4] < 15.0


def test_text_columns_get_a_clear_error():
    """Check that a DataFrame with text columns is refused with the columns and the fix."""
    X = pd.DataFrame({"a": np.arange(10.0), "channel": ["x", "y"] * 5})
    with pytest.raises(
        ValueError,
        match=r"columns \['channel'\] are not numbers.*make_imbalance_pipeline",
    ):
        KerasBinaryClassifier(epochs=1, hidden_units=(2,)).fit(X, [0, 1] * 5)
