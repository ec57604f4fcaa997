import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    FixedThresholdClassifier,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from evalkit.strategies import (
    AdaptiveNeighbors,
    available_strategies,
    decision_threshold,
    make_imbalance_pipeline,
    set_random_states,
)

NAMES = [
    "none",
    "class_weight",
    "random_over",
    "random_under",
    "smote",
    "borderline_smote",
    "adasyn",
    "smote_tomek",
    "smote_enn",
]
SAMPLER_NAMES = NAMES[2:]


def _imbalanced(n=300, n_pos=30, n_features=4, seed=0):
    """Overlapping classes: positives shifted by one standard deviation."""
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, size=n_pos, replace=False)] = 1
    X = rng.normal(size=(n, n_features)) + y[:, None] * 1.0
    return X, y


def _split(y, seed=0):
    train, test = next(
        StratifiedKFold(n_splits=4, shuffle=True, random_state=seed).split(
            np.zeros(len(y)), y
        )
    )
    return train, test


class RowSpy(ClassifierMixin, BaseEstimator):
    """A logistic regression that logs which rows it is fitted on and scores.

    Column 0 of ``X`` is a row id that the model does not use. Logs go to a
    class-level list because scikit-learn clones estimators (copying their
    parameters) inside meta-estimators.
    """

    log = []

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        RowSpy.log.append(("fit", X[:, 0].copy()))
        self.model_ = LogisticRegression().fit(X[:, 1:], y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        X = np.asarray(X, dtype=float)
        RowSpy.log.append(("predict_proba", X[:, 0].copy()))
        return self.model_.predict_proba(X[:, 1:])

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


@pytest.fixture
def spy_log():
    RowSpy.log.clear()
    yield RowSpy.log
    RowSpy.log.clear()


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


def test_available_strategies_table():
    """Check that the registry lists every name with a one-line description."""
    table = available_strategies()
    assert list(table.columns) == ["strategy", "description"]
    assert table["strategy"].tolist() == NAMES
    assert table["description"].map(lambda d: "\n" not in d and len(d) > 10).all()


@pytest.mark.parametrize("tuned", ["", "+tuned"])
@pytest.mark.parametrize("name", NAMES)
def test_every_strategy_builds_and_fits(name, tuned):
    """Check that every strategy fits and predicts one row per test row."""
    X, y = _imbalanced()
    train, test = _split(y)
    model = make_imbalance_pipeline(
        LogisticRegression(), name + tuned, X=X, random_state=0
    )
    if tuned:
        assert isinstance(model, TunedThresholdClassifierCV)
        pipeline = model.estimator
    else:
        pipeline = model
    assert isinstance(pipeline, Pipeline)
    assert [step for step, _ in pipeline.steps] == [
        "preprocess",
        "sampler",
        "classifier",
    ]
    has_sampler = name in SAMPLER_NAMES
    assert (pipeline.named_steps["sampler"] != "passthrough") == has_sampler
    model.fit(X[train], y[train])
    proba = model.predict_proba(X[test])
    assert proba.shape == (len(test), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    threshold = decision_threshold(model)
    assert (0.0 < threshold < 1.0) if tuned else threshold == 0.5


@pytest.mark.parametrize("name", ["random_over", "random_under", "smote"])
def test_resampling_happens_only_in_fit(name, spy_log):
    """Check that the classifier is fitted on resampled rows and scores original rows."""
    X, y = _imbalanced()
    X = np.column_stack([np.arange(len(y)), X])  # column 0: row id
    train, test = _split(y)
    model = make_imbalance_pipeline(
        RowSpy(), name, preprocessing=None, random_state=0
    ).fit(X[train], y[train])
    n_pos = int(y[train].sum())
    n_neg = len(train) - n_pos
    ((kind, fitted_ids),) = spy_log
    assert kind == "fit"
    expected = 2 * n_neg if name in ("random_over", "smote") else 2 * n_pos
    assert len(fitted_ids) == expected
    proba = model.predict_proba(X[test])
    assert proba.shape == (len(test), 2)
    kind, scored_ids = spy_log[-1]
    assert kind == "predict_proba"
    np.testing.assert_array_equal(scored_ids, test)


def test_smote_with_text_column_and_missing_values():
    """Check that auto preprocessing lets SMOTE run on text columns with NaNs."""
    X_num, y = _imbalanced(n=200, n_pos=20)
    rng = np.random.default_rng(1)
    X = pd.DataFrame(X_num, columns=["a", "b", "c", "d"])
    X["city"] = rng.choice(["paris", "lyon", "nice"], size=len(y))
    X["flag"] = rng.random(len(y)) < 0.5
    X.loc[::5, "a"] = np.nan
    X.loc[::7, "city"] = None
    train, test = _split(y)
    model = make_imbalance_pipeline(LogisticRegression(), "smote", X=X, random_state=0)
    model.fit(X.iloc[train], y[train])
    assert model.predict_proba(X.iloc[test]).shape == (len(test), 2)
    encoded = model.named_steps["preprocess"].transform(X.iloc[train])
    assert np.isfinite(encoded).all()


def test_smote_synthetic_row_count_case_c5():
    """Check that SMOTE turns 750 rows with 75 positives into 1350 rows (C5)."""
    X, y = _imbalanced(n=750, n_pos=75, n_features=5)
    model = make_imbalance_pipeline(LogisticRegression(), "smote", random_state=0)
    X_pre = model.named_steps["preprocess"].fit_transform(X)
    X_res, y_res = model.named_steps["sampler"].fit_resample(X_pre, y)
    assert X_res.shape == (1350, 5)
    assert np.bincount(y_res).tolist() == [675, 675]
    # The original rows come first, unchanged.
    np.testing.assert_array_equal(X_res[:750], X_pre)


# --------------------------------------------------------------------------
# AdaptiveNeighbors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("smote", "SMOTE needs k_neighbors \\+ 1 = 6; using k_neighbors=3"),
        (
            "borderline_smote",
            "BorderlineSMOTE needs k_neighbors \\+ 1 = 6; using k_neighbors=3",
        ),
        ("adasyn", "ADASYN needs n_neighbors \\+ 1 = 6; using n_neighbors=3"),
        (
            "smote_tomek",
            "SMOTETomek's SMOTE needs k_neighbors \\+ 1 = 6; using k_neighbors=3",
        ),
        (
            "smote_enn",
            "SMOTEENN's SMOTE needs k_neighbors \\+ 1 = 6; using k_neighbors=3",
        ),
    ],
)
def test_adaptive_neighbors_warns_and_fits(name, message):
    """Check that a training part with 4 minority rows fits with fewer neighbours."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.zeros(60, dtype=int)
    y[[3, 17, 29, 41]] = 1
    X[y == 1] += 0.5
    model = make_imbalance_pipeline(LogisticRegression(), name, random_state=0)
    with pytest.warns(
        UserWarning,
        match=f"training part has 4 minority rows; {message} for this fit",
    ):
        model.fit(X, y)
    assert model.predict_proba(X).shape == (60, 2)
    wrapper = model.named_steps["sampler"]
    assert wrapper.neighbors_ in ({"k_neighbors": 3}, {"n_neighbors": 3}, {"smote": 3})
    # The configured sampler keeps its own value; only the fitted clone changed.
    params = wrapper.sampler.get_params()
    assert params.get("k_neighbors", params.get("n_neighbors", 5)) == 5


def test_adaptive_neighbors_silent_when_enough_rows():
    """Check that no warning is raised and nothing changes with enough rows."""
    X, y = _imbalanced(n=100, n_pos=10)
    wrapper = AdaptiveNeighbors(SMOTE(random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X_res, y_res = wrapper.fit_resample(X, y)
    assert wrapper.neighbors_ == {}
    assert wrapper.sampler_.k_neighbors == 5
    X_ref, y_ref = SMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)


@pytest.mark.parametrize(
    "sampler", [SMOTE(), BorderlineSMOTE(), ADASYN()], ids=lambda s: type(s).__name__
)
def test_adaptive_neighbors_one_minority_row(sampler):
    """Check that a single minority row raises a clear ValueError."""
    X = np.arange(40.0).reshape(20, 2)
    y = np.array([1] + [0] * 19)
    with pytest.raises(
        ValueError, match=r"training part has 1 minority row\(s\); .* needs at least 2"
    ):
        AdaptiveNeighbors(sampler).fit_resample(X, y)


def test_adaptive_neighbors_clone_params_and_pickle():
    """Check that the wrapper clones, exposes nested params and pickles."""
    wrapper = AdaptiveNeighbors(SMOTE(k_neighbors=4, random_state=1))
    params = wrapper.get_params()
    assert params["sampler__k_neighbors"] == 4
    assert params["sampler__random_state"] == 1
    copy = clone(wrapper)
    assert copy.sampler is not wrapper.sampler
    assert copy.get_params()["sampler__k_neighbors"] == 4
    copy.set_params(sampler__k_neighbors=2)
    assert wrapper.sampler.k_neighbors == 4
    assert pickle.loads(pickle.dumps(copy)).sampler.k_neighbors == 2


def test_adaptive_neighbors_rejects_non_sampler():
    """Check that wrapping something without fit_resample raises a TypeError."""
    with pytest.raises(TypeError, match="`sampler` parameter of AdaptiveNeighbors"):
        AdaptiveNeighbors(StandardScaler()).fit_resample(np.ones((4, 1)), [0, 0, 1, 1])


# --------------------------------------------------------------------------
# Estimator, strategy and preprocessing options
# --------------------------------------------------------------------------


def test_estimator_is_cloned_not_modified():
    """Check that the given estimator keeps its parameters."""
    estimator = LogisticRegression()
    model = make_imbalance_pipeline(estimator, "class_weight", random_state=3)
    assert estimator.class_weight is None and estimator.random_state is None
    classifier = model.named_steps["classifier"]
    assert classifier is not estimator
    assert classifier.class_weight == "balanced"
    assert classifier.random_state == 3


def test_random_state_reaches_sampler_classifier_and_tuned_cv():
    """Check that random_state is given to the sampler, classifier and inner cv."""
    model = make_imbalance_pipeline(LogisticRegression(), "smote+tuned", random_state=5)
    assert model.cv.random_state == 5 and model.cv.shuffle
    assert model.cv.get_n_splits() == 3
    params = model.get_params()
    assert params["estimator__sampler__sampler__random_state"] == 5
    assert params["estimator__classifier__random_state"] == 5


def test_random_state_none_keeps_classifier_seed():
    """Check that random_state=None leaves the classifier's own seed alone."""
    model = make_imbalance_pipeline(LogisticRegression(random_state=9), "smote")
    assert model.named_steps["classifier"].random_state == 9
    assert model.named_steps["sampler"].sampler.random_state is None


def test_sampler_object_as_strategy():
    """Check that a sampler object becomes the sampler step, cloned and seeded."""
    sampler = RandomOverSampler(sampling_strategy=0.5)
    model = make_imbalance_pipeline(LogisticRegression(), sampler, random_state=2)
    step = model.named_steps["sampler"]
    assert isinstance(step, RandomOverSampler) and step is not sampler
    assert step.sampling_strategy == 0.5 and step.random_state == 2
    assert sampler.random_state is None


def test_complete_estimator_as_strategy_used_as_is():
    """Check that a complete pipeline given as strategy is returned as a clone."""
    user = make_pipeline(StandardScaler(), LogisticRegression(C=0.1))
    model = make_imbalance_pipeline(LogisticRegression(), user, random_state=0)
    assert model is not user
    assert model.get_params()["logisticregression__C"] == 0.1
    assert [name for name, _ in model.steps] == ["standardscaler", "logisticregression"]


def test_user_pipeline_estimator_none_and_class_weight():
    """Check that a pipeline estimator is used as is, with class_weight on its end."""
    user = make_pipeline(StandardScaler(), LogisticRegression())
    X, y = _imbalanced()
    model = make_imbalance_pipeline(user, "none", X=X)
    assert [name for name, _ in model.steps] == ["standardscaler", "logisticregression"]
    weighted = make_imbalance_pipeline(user, "class_weight+tuned", random_state=0)
    assert weighted.estimator.steps[-1][1].class_weight == "balanced"
    assert user.steps[-1][1].class_weight is None
    weighted.fit(X, y)
    assert weighted.predict_proba(X).shape == (len(y), 2)


@pytest.mark.parametrize(
    "strategy, kwargs, match",
    [
        (
            "smote",
            {},
            r"strategy='smote' adds a resampling step, but `estimator` is already "
            r"a pipeline \(steps: standardscaler=StandardScaler, "
            r"logisticregression=LogisticRegression\).*strategy='none'",
        ),
        (
            "random_over+tuned",
            {},
            r"strategy='random_over\+tuned' adds a resampling step",
        ),
        (SMOTE(), {}, r"strategy=SMOTE adds a resampling step"),
        (
            "none",
            {"preprocessing": StandardScaler()},
            r"A `preprocessing` transformer was given, but `estimator` is already",
        ),
    ],
)
def test_user_pipeline_clashes(strategy, kwargs, match):
    """Check that a sampler or transformer added to a user pipeline is refused."""
    user = make_pipeline(StandardScaler(), LogisticRegression())
    with pytest.raises(ValueError, match=match):
        make_imbalance_pipeline(user, strategy, **kwargs)


@pytest.mark.parametrize(
    "estimator, strategy, kwargs, error, match",
    [
        (
            LogisticRegression(),
            "smoet",
            {},
            ValueError,
            r"must be one of 'none', .*Got 'smoet' instead\. Did you mean 'smote'\?",
        ),
        (
            LogisticRegression(),
            "smote+tunned",
            {},
            ValueError,
            "Got 'smote\\+tunned' instead",
        ),
        (
            LogisticRegression(),
            "borderline+tuned",
            {},
            ValueError,
            r"Did you mean 'borderline_smote\+tuned'\?",
        ),
        (
            KNeighborsClassifier(),
            "class_weight",
            {},
            ValueError,
            r"'class_weight' strategy needs a classifier with a `class_weight` "
            r"parameter.*KNeighborsClassifier has none",
        ),
        (LogisticRegression(), 42, {}, TypeError, "`strategy` parameter"),
        ("not a model", "none", {}, TypeError, "`estimator` parameter"),
        (
            LogisticRegression(),
            "none",
            {"preprocessing": "scale"},
            ValueError,
            "`preprocessing` parameter of make_imbalance_pipeline must be 'auto'",
        ),
        (
            LogisticRegression(),
            "none",
            {"preprocessing": SMOTE()},
            ValueError,
            "must be a transformer, not a sampler",
        ),
        (
            LogisticRegression(),
            "none+tuned",
            {"tuned_scoring": "f1_scor"},
            ValueError,
            "`tuned_scoring` parameter .* Got 'f1_scor' instead",
        ),
        (
            LogisticRegression(),
            "none+tuned",
            {"tuned_scoring": 3},
            ValueError,
            "`tuned_scoring` parameter .* Got 3 instead",
        ),
    ],
)
def test_make_imbalance_pipeline_errors(estimator, strategy, kwargs, error, match):
    """Check that invalid arguments raise errors that say what to do."""
    with pytest.raises(error, match=match):
        make_imbalance_pipeline(estimator, strategy, **kwargs)


@pytest.mark.parametrize("preprocessing", [None, "passthrough"])
def test_preprocessing_skipped(preprocessing):
    """Check that None and 'passthrough' leave the preprocess step empty."""
    model = make_imbalance_pipeline(LogisticRegression(), preprocessing=preprocessing)
    assert model.named_steps["preprocess"] == "passthrough"


def test_preprocessing_transformer_and_pipeline():
    """Check that a transformer is cloned and a pipeline transformer is accepted."""
    X, y = _imbalanced()
    scaler = StandardScaler()
    model = make_imbalance_pipeline(
        LogisticRegression(), "smote", preprocessing=scaler, random_state=0
    )
    assert isinstance(model.named_steps["preprocess"], StandardScaler)
    assert model.named_steps["preprocess"] is not scaler
    nested = make_pipeline(StandardScaler(), StandardScaler())
    model = make_imbalance_pipeline(
        LogisticRegression(), "smote", preprocessing=nested, random_state=0
    ).fit(X, y)
    assert model.predict_proba(X).shape == (len(y), 2)


def test_auto_preprocessing_without_x_is_numeric():
    """Check that 'auto' without X imputes and scales every column."""
    X, y = _imbalanced()
    X[::10, 0] = np.nan
    model = make_imbalance_pipeline(LogisticRegression(), "smote", random_state=0)
    model.fit(X, y)
    assert model.predict_proba(X).shape == (len(y), 2)


def test_pipelines_clone_and_pickle():
    """Check that every built model clones and pickles before and after fit."""
    X, y = _imbalanced()
    for name in ["smote+tuned", "adasyn", "class_weight"]:
        model = make_imbalance_pipeline(LogisticRegression(), name, random_state=0)
        clone(model)
        fitted = clone(model).fit(X, y)
        restored = pickle.loads(pickle.dumps(fitted))
        np.testing.assert_allclose(restored.predict_proba(X), fitted.predict_proba(X))


# --------------------------------------------------------------------------
# Threshold tuning
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["none+tuned", "random_over+tuned"])
def test_tuned_uses_only_training_rows(name, spy_log):
    """Check that '+tuned' fits and scores only the rows it is fitted on."""
    X, y = _imbalanced(n=240, n_pos=40)
    X = np.column_stack([np.arange(len(y)), X])  # column 0: row id
    train, test = _split(y)
    model = make_imbalance_pipeline(
        RowSpy(), name, preprocessing=None, random_state=0
    ).fit(X[train], y[train])
    seen = np.concatenate([ids for _, ids in spy_log])
    assert set(seen.astype(int)) <= set(train)
    fits = [ids for kind, ids in spy_log if kind == "fit"]
    scores = [ids for kind, ids in spy_log if kind == "predict_proba"]
    assert len(fits) == 4  # three inner folds, then the refit on all rows
    assert len(scores) == 3  # each inner validation part, scored once
    # Inner validation parts partition the training rows.
    np.testing.assert_array_equal(np.sort(np.concatenate(scores)), np.sort(train))
    assert 0.0 < model.best_threshold_ < 1.0
    spy_log.clear()
    model.predict_proba(X[test])
    ((kind, ids),) = spy_log
    np.testing.assert_array_equal(ids, test)


def test_tuned_scoring_is_configurable():
    """Check that tuned_scoring changes the objective of the threshold search."""
    X, y = _imbalanced()
    recall = make_imbalance_pipeline(
        LogisticRegression(), "none+tuned", tuned_scoring="recall", random_state=0
    ).fit(X, y)
    f1 = make_imbalance_pipeline(
        LogisticRegression(), "none+tuned", random_state=0
    ).fit(X, y)
    # Maximising recall alone pushes the threshold to the lowest candidate.
    assert recall.best_threshold_ < f1.best_threshold_
    balanced = make_imbalance_pipeline(
        LogisticRegression(),
        "none+tuned",
        tuned_scoring="balanced_accuracy",
        random_state=0,
    )
    assert balanced.scoring == "balanced_accuracy"


@pytest.mark.parametrize("as_frame", [False, True])
def test_decision_threshold_positive_class_sorts_first(as_frame):
    """Check the threshold mapping when pos_label is classes_[0] ("fraud")."""
    X, y01 = _imbalanced(n=300, n_pos=45)
    y = np.where(y01 == 1, "fraud", "legit")
    if as_frame:
        X = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
        y = pd.Series(y)
    model = make_imbalance_pipeline(
        LogisticRegression(), "none+tuned", X=X, pos_label="fraud", random_state=0
    ).fit(X, y)
    assert list(model.classes_) == ["fraud", "legit"]
    t_fraud = decision_threshold(model, pos_label="fraud")
    assert t_fraud == model.best_threshold_
    # classes_[1] is "legit": the same rule seen from the other column.
    assert decision_threshold(model) == pytest.approx(1.0 - t_fraud)
    assert decision_threshold(model, pos_label="legit") == pytest.approx(1 - t_fraud)
    proba_fraud = model.predict_proba(X)[:, 0]
    expected = np.where(proba_fraud >= t_fraud, "fraud", "legit")
    np.testing.assert_array_equal(model.predict(X), expected)
    assert 0 < (expected == "fraud").sum() < len(expected)


def test_decision_threshold_tuned_without_pos_label_on_01_labels():
    """Check that with 0/1 labels the threshold applies to P(1) as tuned."""
    X, y = _imbalanced()
    model = make_imbalance_pipeline(
        LogisticRegression(), "smote+tuned", random_state=0
    ).fit(X, y)
    t = decision_threshold(model)
    assert t == model.best_threshold_
    assert decision_threshold(model, pos_label=0) == pytest.approx(1 - t)
    expected = (model.predict_proba(X)[:, 1] >= t).astype(int)
    np.testing.assert_array_equal(model.predict(X), expected)


def test_decision_threshold_fixed_threshold_and_defaults():
    """Check thresholds of FixedThresholdClassifier, plain models and pipelines."""
    X, y01 = _imbalanced()
    y = np.where(y01 == 1, "fraud", "legit")
    fixed = FixedThresholdClassifier(
        LogisticRegression(), threshold=0.2, pos_label="fraud"
    ).fit(X, y)
    assert decision_threshold(fixed, pos_label="fraud") == 0.2
    assert decision_threshold(fixed) == pytest.approx(0.8)
    auto = FixedThresholdClassifier(LogisticRegression(), threshold="auto").fit(X, y)
    assert decision_threshold(auto, default=0.5) == 0.5
    plain = LogisticRegression().fit(X, y)
    assert decision_threshold(plain) == 0.5
    assert decision_threshold(plain, default=0.3) == 0.3
    pipeline = make_imbalance_pipeline(
        FixedThresholdClassifier(LogisticRegression(), threshold=0.1), "smote"
    ).fit(X, y01)
    assert decision_threshold(pipeline) == 0.1


def test_decision_threshold_of_an_unfitted_estimator_with_classes():
    """Check that classes= maps the own threshold of a model that is not fitted yet."""
    fixed = FixedThresholdClassifier(LogisticRegression(), threshold=0.3)
    classes = ["legit", "fraud"]  # sorted: classes_[1] is "legit"
    assert decision_threshold(fixed, pos_label="legit", classes=classes) == 0.3
    assert decision_threshold(
        fixed, pos_label="fraud", classes=classes
    ) == pytest.approx(0.7)
    pipeline = make_imbalance_pipeline(fixed, "none")
    assert decision_threshold(
        pipeline, pos_label="fraud", classes=classes
    ) == pytest.approx(0.7)
    own = FixedThresholdClassifier(
        LogisticRegression(), threshold=0.3, pos_label="fraud"
    )
    assert decision_threshold(own, pos_label="fraud", classes=classes) == 0.3


def test_unknown_name_with_a_repeated_modifier_suggests_it_once():
    """Check that 'smote+tuned+tuned' suggests 'smote+tuned', not 'smote_tomek+tuned'."""
    with pytest.raises(
        ValueError,
        match=r"Got 'smote\+tuned\+tuned' instead\. Did you mean "
        r"'smote\+tuned'\?$",
    ):
        make_imbalance_pipeline(LogisticRegression(), "smote+tuned+tuned")


def test_decision_threshold_unknown_pos_label():
    """Check that a pos_label outside classes_ raises a ValueError."""
    X, y = _imbalanced()
    model = make_imbalance_pipeline(
        LogisticRegression(), "none+tuned", random_state=0
    ).fit(X, y)
    with pytest.raises(
        ValueError, match=r"`pos_label` parameter of decision_threshold .*Got 'yes'"
    ):
        decision_threshold(model, pos_label="yes")


# --------------------------------------------------------------------------
# set_random_states
# --------------------------------------------------------------------------


def test_set_random_states_sets_every_seed():
    """Check that every nested random_state and the inner cv get the int."""
    model = make_imbalance_pipeline(LogisticRegression(), "smote_tomek+tuned")
    original_cv = model.cv
    result = set_random_states(model, 11)
    assert result is model
    params = model.get_params()
    seeds = {k: v for k, v in params.items() if k.endswith("random_state")}
    assert seeds and all(v == 11 for v in seeds.values())
    assert "estimator__sampler__sampler__random_state" in seeds
    assert "estimator__classifier__random_state" in seeds
    assert model.cv.random_state == 11 and model.cv is not original_cv
    assert original_cv.random_state is None


def test_set_random_states_gives_reproducible_fits():
    """Check that the same int gives the same fit and another int differs."""
    X, y = _imbalanced()
    base = make_imbalance_pipeline(LogisticRegression(), "smote+tuned")
    first = set_random_states(clone(base), 1).fit(X, y).predict_proba(X)
    again = set_random_states(clone(base), 1).fit(X, y).predict_proba(X)
    other = set_random_states(clone(base), 2).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("value", [-1, 2**32, 1.5, None, True, "7"])
def test_set_random_states_invalid(value):
    """Check that anything but an int in [0, 2**32 - 1] is refused."""
    with pytest.raises(
        ValueError, match=r"`random_state` parameter of set_random_states must be"
    ):
        set_random_states(LogisticRegression(), value)


# --------------------------------------------------------------------------
# Keras
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_keras_classifier_with_smote_and_class_weight():
    """Check that the Keras classifier fits in SMOTE and class_weight pipelines."""
    keras_module = pytest.importorskip("evalkit.keras")
    X, y = _imbalanced(n=200, n_pos=20)
    X = X.astype(np.float32)
    keras_model = keras_module.KerasBinaryClassifier(
        hidden_units=(8,), epochs=2, batch_size=32, threshold=0.3
    )
    for name in ["smote", "class_weight"]:
        model = make_imbalance_pipeline(keras_model, name, random_state=0).fit(X, y)
        assert model.predict_proba(X).shape == (200, 2)
        assert decision_threshold(model) == 0.3
    assert model.named_steps["classifier"].class_weight == "balanced"
    assert keras_model.class_weight is None


def test_import_does_not_load_tensorflow():
    """Check that importing these modules never imports TensorFlow."""
    code = (
        "import sys, evalkit.strategies, evalkit.datasets, evalkit._preprocessing; "
        "print(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
