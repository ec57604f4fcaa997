import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.cluster import KMeans
from sklearn.ensemble import IsolationForest
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from evalkit import evaluate, make_fraud
from evalkit._validation import InputError


def _data(n=400, n_pos=40, n_features=5, seed=0):
    rng = np.random.RandomState(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, n_pos, replace=False)] = 1
    X = rng.normal(size=(n, n_features)) + 2.0 * y[:, None] * (
        np.arange(n_features) < 2
    )
    return X, y


def _lr():
    return LogisticRegression(max_iter=1000)


def _quiet_evaluate(*args, **kwargs):
    kwargs.setdefault("verbose", 0)
    return evaluate(*args, **kwargs)


def test_equals_cross_validate_for_logistic_regression():
    """Check that per-fold values equal scikit-learn's cross_validate on the same splits."""
    X, y = _data()
    report = _quiet_evaluate(
        _lr(), X, y, strategies=["none"], preprocessing=None, n_splits=5, n_repeats=2
    )
    scoring = [
        "accuracy",
        "roc_auc",
        "average_precision",
        "f1",
        "precision",
        "recall",
        "balanced_accuracy",
    ]
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
    expected = cross_validate(_lr(), X, y, cv=cv, scoring=scoring)
    wide = report.folds.pivot(
        index=["repeat", "fold"], columns="metric", values="value"
    )
    for name in scoring:
        np.testing.assert_allclose(
            wide[name].to_numpy(), expected[f"test_{name}"], atol=1e-12
        )


def test_identical_splits_and_no_leakage_across_strategies():
    """Check that every strategy sees the same test rows, original and at the original ratio."""
    X, y = _data()
    strategies = [
        "none",
        "class_weight",
        "random_over",
        "random_under",
        "smote",
        "smote_enn",
    ]
    report = _quiet_evaluate(
        _lr(), X, y, strategies=strategies, n_splits=5, n_repeats=2
    )
    preds = report.predictions
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
    for i, (_, test) in enumerate(cv.split(X, y)):
        repeat, fold = divmod(i, 5)
        for strategy in strategies:
            rows = preds[
                (preds.strategy == strategy)
                & (preds.repeat == repeat)
                & (preds.fold == fold)
            ]
            assert np.array_equal(np.sort(rows["row"].to_numpy()), np.sort(test))
            assert np.array_equal(rows["y_true"].to_numpy(), y[rows["row"].to_numpy()])
            assert rows["y_true"].sum() == 8
    info = report.fold_info.set_index("strategy")
    assert (info.loc["none", "n_train_resampled"] == 320).all()
    # SMOTE balances the training part: 288 negatives + 288 positives.
    assert (info.loc["smote", "n_train_resampled"] == 576).all()
    assert (info.loc["smote", "n_pos_train_resampled"] == 288).all()
    assert (info.loc["random_under", "n_train_resampled"] == 64).all()


def test_case_c3_smote_inside_folds_does_not_leak():
    """Check case C3: SMOTE inside evalkit gives ROC-AUC ~0.5 on noise, SMOTE-first leaks."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(1000, 10))
    y = np.zeros(1000, dtype=int)
    y[rng.choice(1000, 20, replace=False)] = 1
    knn = KNeighborsClassifier(n_neighbors=5)
    report = _quiet_evaluate(knn, X, y, strategies=["smote"], n_splits=5, n_repeats=4)
    preds = report.predictions
    sizes = preds.groupby(["repeat", "fold"]).agg(
        n=("row", "size"), pos=("y_true", "sum")
    )
    assert (sizes["n"] == 200).all() and (sizes["pos"] == 4).all()
    assert preds["row"].max() < 1000  # no synthetic row is ever scored
    inside = report.summary(["roc_auc"]).loc["smote", ("roc_auc", "mean")]
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    leaked = cross_val_score(
        knn, X_res, y_res, cv=StratifiedKFold(5), scoring="roc_auc"
    ).mean()
    assert 0.35 < inside < 0.65
    assert leaked > 0.9


class _PredictOnly(ClassifierMixin, BaseEstimator):
    fits = 0

    def fit(self, X, y):
        type(self).fits += 1
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_case_c6_probability_metrics_need_predict_proba():
    """Check case C6: no fold runs when a probability metric meets an estimator without predict_proba."""
    X, y = _data(500, 25)
    _PredictOnly.fits = 0
    with pytest.raises(
        InputError,
        match=r"roc_auc, average_precision need predicted probabilities.*no predict_proba",
    ):
        _quiet_evaluate(
            _PredictOnly(),
            X,
            y,
            strategies=["none"],
            scoring=["roc_auc", "average_precision"],
        )
    assert _PredictOnly.fits == 0
    # Label metrics alone work from hard predictions.
    report = _quiet_evaluate(
        _PredictOnly(), X, y, strategies=["none"], scoring=["accuracy"], n_repeats=1
    )
    assert report.params["response_method"] == "predict"
    # With probabilities, every fold has many distinct scores (not hard labels).
    report = _quiet_evaluate(_lr(), X, y, strategies=["none"], n_repeats=1)
    per_fold = report.predictions.groupby("fold")["proba"].nunique()
    assert (per_fold > 2).all()


def test_case_c7_fold_without_positives():
    """Check case C7: 3 positives in 5 folds warn up front and leave ROC-AUC defined in 3 folds."""
    X, y = _data(100, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = _quiet_evaluate(
            _lr(),
            X,
            y,
            strategies=["none"],
            n_splits=5,
            n_repeats=1,
            scoring=["roc_auc", "average_precision", "recall"],
        )
    messages = [str(w.message) for w in caught]
    assert any("only 3 rows, fewer than n_splits=5" in m for m in messages)
    undefined = [m for m in messages if "undefined and reported as NaN" in m]
    assert len(undefined) == 1
    assert "roc_auc in 2 of 5 folds" in undefined[0]
    pos = report.fold_info.sort_values("fold")["n_pos_test"].tolist()
    assert sorted(pos, reverse=True) == [1, 1, 1, 0, 0]
    summary = report.summary()
    assert summary.loc["none", ("roc_auc", "n")] == 3
    assert summary.loc["none", ("recall", "n")] == 3
    nan_folds = report.folds[
        (report.folds.metric == "roc_auc") & report.folds.value.isna()
    ]
    assert len(nan_folds) == 2


def test_string_labels_with_positive_sorting_first():
    """Check that 'fraud'/'legit' labels give the same numbers as 1/0 labels."""
    X, y = _data()
    y_str = np.where(y == 1, "fraud", "legit")
    a = _quiet_evaluate(_lr(), X, y_str, strategies=["none", "smote"], n_repeats=1)
    b = _quiet_evaluate(_lr(), X, y, strategies=["none", "smote"], n_repeats=1)
    assert a.pos_label == "fraud"
    np.testing.assert_allclose(a.folds["value"], b.folds["value"], atol=1e-4)
    a_df = _quiet_evaluate(
        _lr(), pd.DataFrame(X), pd.Series(y_str), strategies=["none"], n_repeats=1
    )
    np.testing.assert_allclose(
        a_df.folds["value"], a.folds[a.folds.strategy == "none"]["value"], atol=1e-12
    )


def test_minus_one_one_labels():
    """Check that {-1, 1} labels take 1 as the positive class."""
    X, y = _data()
    report = _quiet_evaluate(
        _lr(), X, np.where(y == 1, 1, -1), strategies=["none"], n_repeats=1
    )
    assert report.pos_label == 1
    assert report.predictions["y_true"].sum() == 40


def test_reproducible_and_independent_of_n_jobs():
    """Check that the same random_state gives the same tables, whatever n_jobs."""
    X, y = _data()
    kw = dict(strategies=["none", "smote"], n_splits=3, n_repeats=2, random_state=3)
    a = _quiet_evaluate(_lr(), X, y, **kw)
    b = _quiet_evaluate(_lr(), X, y, **kw, n_jobs=2)
    pd.testing.assert_frame_equal(a.folds, b.folds)
    pd.testing.assert_frame_equal(
        a.fold_info.drop(columns=["fit_time", "predict_time", "memory_mb"]),
        b.fold_info.drop(columns=["fit_time", "predict_time", "memory_mb"]),
    )
    c = _quiet_evaluate(_lr(), X, y, **{**kw, "random_state": 4})
    assert not a.folds["value"].equals(c.folds["value"])


class _FailsOnRowZero(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        if np.any(np.asarray(X)[:, 0] == 0):
            raise RuntimeError("row 0 is in the training part")
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.tile([0.5, 0.5], (len(X), 1))


def test_failed_folds_are_kept_and_counted():
    """Check that failed tasks are recorded with their error and NaN metrics, with one warning."""
    X, y = _data()
    X[:, 0] = np.arange(len(X))
    with pytest.warns(
        FitFailedWarning, match=r"4 of 5 tasks failed.*error_score='raise'"
    ):
        report = _quiet_evaluate(
            _FailsOnRowZero(),
            X,
            y,
            strategies=["none"],
            n_repeats=1,
            preprocessing=None,
            scoring=["accuracy"],
        )
    info = report.fold_info
    assert (info["status"] == "failed").sum() == 4
    assert info.loc[info.status == "failed", "error"].str.contains("row 0 is in").all()
    assert report.folds["value"].isna().sum() == 4
    assert report.summary().loc["none", ("accuracy", "n")] == 1


def test_all_failed_raises_and_error_score_raise():
    """Check that all tasks failing raises the first error, and error_score='raise' re-raises."""
    X, y = _data()
    X[:, 0] = 0
    with pytest.raises(
        ValueError, match="All 5 tasks failed.*row 0 is in the training part"
    ):
        _quiet_evaluate(
            _FailsOnRowZero(),
            X,
            y,
            strategies=["none"],
            n_repeats=1,
            preprocessing=None,
        )
    with pytest.raises(RuntimeError, match="row 0 is in the training part"):
        _quiet_evaluate(
            _FailsOnRowZero(),
            X,
            y,
            strategies=["none"],
            n_repeats=1,
            preprocessing=None,
            error_score="raise",
        )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            {"n_splits": 1},
            r"`n_splits` parameter must be an int in the range \[2, inf\)",
        ),
        (
            {"n_repeats": 0},
            r"`n_repeats` parameter must be an int in the range \[1, inf\)",
        ),
        ({"strategies": []}, "strategies` parameter is empty"),
        ({"strategies": ["none", "none"]}, "must be unique"),
        ({"strategies": ["smot"]}, "smot"),
        ({"threshold": 1.5}, r"threshold` parameter must be a number in \[0, 1\)"),
        ({"error_score": "ignore"}, "error_score"),
        ({"scoring": ["roc"]}, "Unknown metric 'roc'"),
        ({"pos_label": 7}, "pos_label=7 is not one of the labels"),
        ({"cv": "five"}, "`cv` parameter must be None, an int or a splitter"),
        (
            {"fit_params": {"sample_weight": np.ones(400)}, "strategies": ["smote"]},
            "sample_weight.*cannot be used with resampling strategies \\(smote\\).*class_weight",
        ),
    ],
)
def test_bad_arguments(kwargs, match):
    """Check that bad arguments raise errors that name the parameter and the fix."""
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        _quiet_evaluate(_lr(), X, y, **kwargs)


def test_sample_weight_is_cut_to_training_rows():
    """Check that a per-row sample_weight reaches each fit cut to the training part."""
    X, y = _data()
    report = _quiet_evaluate(
        _lr(),
        X,
        y,
        strategies=["none"],
        n_repeats=1,
        fit_params={"sample_weight": np.ones(400)},
    )
    assert (report.fold_info["status"] == "ok").all()


def test_user_sampler_and_pipeline_strategies():
    """Check that a sampler object and a named dict of strategies are accepted."""
    X, y = _data()
    report = _quiet_evaluate(
        _lr(),
        X,
        y,
        strategies={"my_smote": SMOTE(k_neighbors=3), "plain": "none"},
        n_repeats=1,
    )
    assert report.strategies == ["my_smote", "plain"]


def test_cost_metrics_and_custom_cv():
    """Check that costs add cost metrics and that a custom splitter is used as given."""
    X, y = _data()
    report = _quiet_evaluate(
        _lr(),
        X,
        y,
        strategies=["none"],
        cv=StratifiedKFold(4),
        costs={"fp": 1.0, "fn": 20.0},
    )
    assert report.n_folds == 4
    assert {"expected_cost", "min_expected_cost"} <= set(report.metric_names)
    s = report.summary(["expected_cost", "min_expected_cost"])
    assert (s[("min_expected_cost", "mean")] <= s[("expected_cost", "mean")]).all()


def test_tuned_strategy_records_its_threshold():
    """Check that a '+tuned' strategy records the threshold it chose in each fold."""
    X, y = _data()
    report = _quiet_evaluate(
        _lr(), X, y, strategies=["none", "none+tuned"], n_repeats=1
    )
    thresholds = report.fold_info.set_index("strategy").loc["none+tuned", "threshold"]
    assert (thresholds != 0.5).any()
    assert (
        report.fold_info.set_index("strategy").loc["none", "threshold"] == 0.5
    ).all()


def test_threshold_comes_from_the_estimator_or_clashes():
    """Check that threshold=None uses the estimator's own and a different explicit one is an error."""
    from sklearn.model_selection import FixedThresholdClassifier

    X, y = _data()
    est = FixedThresholdClassifier(_lr(), threshold=0.3)
    report = _quiet_evaluate(est, X, y, strategies=["none"], n_repeats=1)
    assert (report.fold_info["threshold"] == 0.3).all()
    with pytest.raises(
        ValueError,
        match=r"threshold=0.5 clashes with the estimator's own threshold=0.3",
    ):
        _quiet_evaluate(est, X, y, strategies=["none"], threshold=0.5)


class _ThresholdAtDefault(ClassifierMixin, BaseEstimator):
    """A LogisticRegression with a threshold parameter whose default is 0.5."""

    def __init__(self, threshold=0.5):
        self.threshold = threshold

    def fit(self, X, y):
        self.model_ = LogisticRegression(max_iter=500).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_explicit_threshold_overrides_an_own_threshold_left_at_its_default():
    """Check that evaluate(threshold=0.3) applies 0.3 when the estimator's own
    threshold is its constructor default, and still clashes with one the user set."""
    X, y = make_fraud(400, fraud_rate=0.1, random_state=0)
    kwargs = {"strategies": ["none"], "n_splits": 2, "n_repeats": 1, "verbose": 0}
    report = evaluate(_ThresholdAtDefault(), X, y, threshold=0.3, **kwargs)
    assert report.fold_info["threshold"].tolist() == [0.3, 0.3]
    with pytest.raises(InputError, match=r"threshold=0\.3 clashes with the estimator"):
        evaluate(_ThresholdAtDefault(threshold=0.4), X, y, threshold=0.3, **kwargs)


def test_own_threshold_is_applied_as_the_model_applies_it():
    """Check that evaluate's decisions equal the fitted model's own predict().

    With labels 'fraud'/'legit', pos_label is 'fraud' = classes_[0], while
    FixedThresholdClassifier applies its threshold to P(classes_[1]).
    """
    from sklearn.model_selection import FixedThresholdClassifier

    X, y01 = _data()
    y = np.where(y01 == 1, "fraud", "legit")
    est = FixedThresholdClassifier(_lr(), threshold=0.3)
    report = _quiet_evaluate(
        est, X, y, strategies=["none"], n_repeats=1, preprocessing=None
    )
    assert report.pos_label == "fraud"
    np.testing.assert_allclose(report.fold_info["threshold"], 0.7)
    n_fraud = 0
    info = report.fold_info.set_index("fold")
    for (_, fold), rows in report.predictions.groupby(["repeat", "fold"]):
        test = rows["row"].to_numpy()
        train = np.setdiff1d(np.arange(len(y)), test)
        threshold = info.loc[fold, "threshold"]
        scored = rows["proba"].to_numpy() > threshold
        own = clone(est).fit(X[train], y[train]).predict(X[test]) == "fraud"
        np.testing.assert_array_equal(scored, own)
        n_fraud += own.sum()
    assert 0 < n_fraud < len(y)


@pytest.mark.parametrize(
    "estimator, strategies, match",
    [
        (
            LinearRegression(),
            ["none", "smote"],
            r"^The `estimator` parameter of evaluate must be a classifier; "
            r"LinearRegression is a regressor \(its scikit-learn tags say "
            r"estimator_type='regressor'\)",
        ),
        (KMeans(n_init=1), ["none"], r"KMeans is a clusterer"),
        (IsolationForest(), ["none"], r"IsolationForest is an outlier detector"),
        (
            StandardScaler(),
            ["none"],
            r"StandardScaler has no predict or predict_proba method \(a "
            r"transformer\?\)\. Pass a classifier",
        ),
        (
            make_pipeline(StandardScaler(), LinearRegression()),
            ["none"],
            r"Pipeline is a regressor",
        ),
        (
            _lr(),
            {"ols": LinearRegression()},
            r"^Strategy 'ols' must be a classifier; LinearRegression is a regressor",
        ),
        (
            LogisticRegression,
            ["none"],
            r"^The `estimator` parameter of evaluate is the class LogisticRegression, "
            r"not an instance of it\. Pass an instance: LogisticRegression\(\)",
        ),
        (
            _lr(),
            [SMOTE],
            r"^The `strategies` parameter of evaluate holds the class SMOTE, not an "
            r"instance of it\. Pass an instance: SMOTE\(\) instead of SMOTE",
        ),
    ],
    ids=[
        "regressor",
        "clusterer",
        "outlier-detector",
        "transformer",
        "pipeline-ending-in-regressor",
        "regressor-as-strategy",
        "estimator-class",
        "sampler-class",
    ],
)
def test_estimators_that_are_not_classifiers_are_refused(estimator, strategies, match):
    """Check that non-classifiers and classes are refused before any fit, named."""
    X, y = _data()
    with pytest.raises(InputError, match=match):
        _quiet_evaluate(estimator, X, y, strategies=strategies, n_repeats=1)


class _Untagged(BaseEstimator):
    """A classifier whose tags say no estimator type (no ClassifierMixin)."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.tile([0.5, 0.5], (len(X), 1))


def test_estimator_without_tags_is_accepted():
    """Check that an estimator whose tags give no estimator type is still evaluated."""
    X, y = _data()
    report = _quiet_evaluate(
        _Untagged(), X, y, strategies=["none"], n_repeats=1, scoring=["roc_auc"]
    )
    assert (report.fold_info["status"] == "ok").all()


def test_plain_scikeras_classifier_is_refused_with_the_evalkit_one_suggested():
    """Check that scikeras' KerasClassifier, not a classifier to scikit-learn, is refused."""
    from scikeras.wrappers import KerasClassifier

    X, y = _data()
    with pytest.raises(
        InputError,
        match=r"^The `estimator` parameter of evaluate is scikeras' KerasClassifier, "
        r"which scikit-learn >= 1\.6 does not recognise as a classifier .*Use "
        r"evalkit\.KerasBinaryClassifier",
    ):
        _quiet_evaluate(KerasClassifier(), X, y, strategies=["none"])


def test_keras_fit_params_names_are_checked_before_any_fit():
    """Check that fit_params={'epoch': 5} is refused up front, listing the valid names."""
    from evalkit.keras import KerasBinaryClassifier

    X, y = _data()
    est = KerasBinaryClassifier(hidden_units=(4,), epochs=1)
    with pytest.raises(
        InputError,
        match=r"^The `fit_params` parameter of evaluate holds 'epoch', which "
        r"KerasBinaryClassifier\.fit does not accept\. Valid names are "
        r"\['batch_size', .*'epochs', .*'validation_data', .*\]\. Did you mean "
        r"'epochs'\?$",
    ):
        _quiet_evaluate(est, X, y, strategies=["none"], fit_params={"epoch": 5})


class _NoPickle:
    """Copies fine (so clone works) but cannot be sent to another process."""

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError("this object cannot be pickled")


class _Unpicklable(ClassifierMixin, BaseEstimator):
    def __init__(self, lock=None):
        self.lock = lock

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.tile([0.5, 0.5], (len(X), 1))


def test_unpicklable_estimator_is_refused_before_parallel_work():
    """Check that n_jobs=2 with an unpicklable parameter fails up front, naming it (C9)."""
    X, y = _data()
    with pytest.raises(
        InputError,
        match=r"cannot be pickled \(parameter 'classifier__lock'\).*n_jobs=1",
    ):
        _quiet_evaluate(
            _Unpicklable(lock=_NoPickle()), X, y, strategies=["none"], n_jobs=2
        )
    report = _quiet_evaluate(
        _Unpicklable(lock=_NoPickle()),
        X,
        y,
        strategies=["none"],
        n_repeats=1,
        n_jobs=1,
        scoring=["accuracy"],
    )
    assert (report.fold_info["status"] == "ok").all()


def test_case_c4_fit_options_and_class_weight_in_report():
    """Check case C4: epochs, batch size and class weight reach every fold and the report."""
    from evalkit.keras import KerasBinaryClassifier

    X, y = _data(300, 30)
    est = KerasBinaryClassifier(
        hidden_units=(4,),
        epochs=5,
        batch_size=32,
        class_weight={0: 1, 1: 50},
        random_state=0,
    )
    with pytest.warns(UserWarning, match=r"class_weight=\{0: 1, 1: 50\}"):
        report = _quiet_evaluate(
            est, X, y, strategies=["none"], n_splits=3, n_repeats=1, scoring=["roc_auc"]
        )
    epochs = report.history.query("metric == 'loss'").groupby("fold")["epoch"].max()
    assert (epochs == 5).all() and len(epochs) == 3
    assert (report.fold_info["class_weight"] == "0: 1, 1: 50").all()


def test_case_c9_parallel_keras_folds_equal_sequential():
    """Check case C9: 10 Keras folds with n_jobs=-1 give the same scores as n_jobs=1."""
    from evalkit.keras import KerasBinaryClassifier

    X, y = _data(500, 50, n_features=11)
    est = KerasBinaryClassifier(hidden_units=(8,), epochs=5, batch_size=32)
    # Workers left by earlier tests ran scikit-learn tasks only: loky recycles such a
    # worker once TensorFlow's import grows it by 300 MB. Start from fresh workers.
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)
    kw = dict(
        strategies=["none"],
        cv=StratifiedKFold(10, shuffle=True, random_state=0),
        scoring=["roc_auc", "accuracy"],
        random_state=0,
    )
    one = _quiet_evaluate(est, X, y, n_jobs=1, **kw)
    many = _quiet_evaluate(est, X, y, n_jobs=-1, **kw)
    assert len(one.folds) == 20
    pd.testing.assert_frame_equal(one.folds, many.folds)


@pytest.mark.slow
def test_real_data_yeast4_keras():
    """Check on yeast4 the pattern docs/real-data.md reports: accuracy at the baseline, tuning helps F1."""
    from evalkit import load_benchmark
    from evalkit.keras import KerasBinaryClassifier

    X, y = load_benchmark("yeast4")
    est = KerasBinaryClassifier(hidden_units=(32,), epochs=30, batch_size=32)
    report = _quiet_evaluate(
        est,
        X,
        y,
        strategies=["none", "none+tuned"],
        n_splits=5,
        n_repeats=1,
        scoring=["accuracy", "baseline_accuracy", "f1", "roc_auc"],
    )
    s = report.summary()
    assert (
        abs(
            s.loc["none", ("accuracy", "mean")]
            - s.loc["none", ("baseline_accuracy", "mean")]
        )
        < 0.01
    )
    assert 0.8 < s.loc["none", ("roc_auc", "mean")] < 0.95
    cmp = report.compare("none", "f1")
    assert (
        cmp.loc["none+tuned", "wins"] >= 4 and cmp.loc["none+tuned", "mean_diff"] > 0.1
    )
