"""Tests of evalkit._runner: one task fitted, predicted once, returned as a record."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import FixedThresholdClassifier, StratifiedKFold

from evalkit._runner import Task, decision_threshold, run_task


def _data(n=120, n_pos=20, seed=0):
    rng = np.random.RandomState(seed)
    y = np.array(["legit"] * (n - n_pos) + ["fraud"] * n_pos, dtype=object)
    X = rng.normal(size=(n, 3)) + np.where(y == "fraud", 1.5, 0.0)[:, None]
    return X, y


def _task(y, strategy="none", seed=7):
    train, test = next(StratifiedKFold(4).split(np.zeros((len(y), 1)), y))
    return Task(strategy, 0, 0, seed, train, test)


class _Fails(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise RuntimeError("the fit broke on purpose")

    def predict_proba(self, X):  # pragma: no cover - never reached
        return np.zeros((len(X), 2))


_SEEN_WEIGHTS = []


class _RecordsWeights(ClassifierMixin, BaseEstimator):
    """LogisticRegression that reports the sample weights its fit was given."""

    def fit(self, X, y, sample_weight=None):
        _SEEN_WEIGHTS.append(np.asarray(sample_weight))
        self.model_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_record_holds_the_fold_and_the_probability_of_pos_label():
    """Check that a record's probabilities equal a direct fit, for pos_label 'fraud'."""
    X, y = _data()
    task = _task(y)
    record = run_task(LogisticRegression(), X, y, task, pos_label="fraud")
    direct = LogisticRegression().fit(X[task.train], y[task.train])
    expected = direct.predict_proba(X[task.test])[
        :, list(direct.classes_).index("fraud")
    ]
    np.testing.assert_allclose(record.proba, expected)
    assert record.status == "ok" and record.error == ""
    assert (record.n_train, record.n_test) == (len(task.train), len(task.test))
    assert record.n_pos_train == 15 and record.n_pos_test == 5
    np.testing.assert_array_equal(record.y_test, (y[task.test] == "fraud").astype(int))
    np.testing.assert_array_equal(record.test_index, task.test)
    assert record.n_train_resampled == len(task.train)
    assert record.threshold == 0.5


def test_estimator_given_is_never_fitted():
    """Check that the task fits a clone and leaves the caller's estimator unfitted."""
    X, y = _data()
    estimator = LogisticRegression()
    run_task(estimator, X, y, _task(y), pos_label="fraud")
    assert not hasattr(estimator, "coef_")


def test_failed_fit_is_recorded_not_raised():
    """Check that a failing fit gives status 'failed', the message and NaN probabilities."""
    X, y = _data()
    record = run_task(_Fails(), X, y, _task(y), pos_label="fraud")
    assert record.status == "failed"
    assert record.error == "RuntimeError: the fit broke on purpose"
    assert "Traceback" in record.traceback
    assert np.isnan(record.proba).all() and len(record.proba) == 30


def test_failed_fit_raises_with_error_score_raise():
    """Check that error_score='raise' lets the task's exception through."""
    X, y = _data()
    with pytest.raises(RuntimeError, match="on purpose"):
        run_task(_Fails(), X, y, _task(y), pos_label="fraud", error_score="raise")


def test_sampler_size_is_observed():
    """Check that an over-sampler's balanced training part is counted in the record."""
    X, y = _data()
    pipe = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    record = run_task(pipe, X, y, _task(y, "random_over"), pos_label="fraud")
    assert record.n_train == 90 and record.n_pos_train == 15
    assert record.n_train_resampled == 150 and record.n_pos_train_resampled == 75


def test_row_weights_are_cut_to_the_training_rows():
    """Check that a fit option with one value per row reaches fit for the training rows."""
    X, y = _data()
    task = _task(y)
    weights = np.arange(len(y), dtype=float)
    _SEEN_WEIGHTS.clear()
    record = run_task(
        _RecordsWeights(),
        X,
        y,
        task,
        pos_label="fraud",
        fit_params={"sample_weight": weights},
    )
    assert record.status == "ok", record.error
    assert len(_SEEN_WEIGHTS) == 1
    np.testing.assert_array_equal(_SEEN_WEIGHTS[0], weights[task.train])


def test_dataframe_rows_are_taken_by_position():
    """Check that a DataFrame with a shuffled index is indexed by position."""
    X, y = _data()
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(len(y))[::-1])
    task = _task(y)
    from_frame = run_task(LogisticRegression(), frame, y, task, pos_label="fraud")
    from_array = run_task(LogisticRegression(), X, y, task, pos_label="fraud")
    np.testing.assert_allclose(from_frame.proba, from_array.proba)


def test_fixed_threshold_is_recorded_for_pos_label():
    """Check that a FixedThresholdClassifier's threshold is mapped to pos_label."""
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array(["a", "a", "b", "b"])
    model = FixedThresholdClassifier(LogisticRegression(), threshold=0.3).fit(X, y)
    assert decision_threshold(model) == pytest.approx(0.3)
    assert decision_threshold(model, pos_label="a") == pytest.approx(0.7)
    with pytest.raises(ValueError, match=r"must be one of the estimator's classes"):
        decision_threshold(model, pos_label="c")
