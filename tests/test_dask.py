import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.linear_model import LogisticRegression

from evalkit import evaluate

distributed = pytest.importorskip("distributed")

# Columns that describe how a run went rather than what it computed.
_RUN_COLUMNS = ["fit_time", "predict_time", "memory_mb"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    dask_client = distributed.Client(cluster)
    yield dask_client
    dask_client.close()
    cluster.close()


def _data(n=300, n_pos=45, seed=0):
    rng = np.random.RandomState(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, n_pos, replace=False)] = 1
    X = rng.normal(size=(n, 5)) + 1.0 * y[:, None] * (np.arange(5) < 2)
    return X.astype(np.float32), y


def _run(estimator, *, n_jobs, **kwargs):
    X, y = _data()
    return evaluate(
        estimator,
        X,
        y,
        strategies=["none", "random_under"],
        n_splits=3,
        n_repeats=1,
        random_state=0,
        n_jobs=n_jobs,
        verbose=0,
        **kwargs,
    )


def _assert_same_results(report, expected):
    pd.testing.assert_frame_equal(report.folds, expected.folds)
    pd.testing.assert_frame_equal(
        report.fold_info.drop(columns=_RUN_COLUMNS),
        expected.fold_info.drop(columns=_RUN_COLUMNS),
    )
    pd.testing.assert_frame_equal(report.predictions, expected.predictions)
    pd.testing.assert_frame_equal(report.history, expected.history)


def test_logistic_regression_on_dask_equals_sequential_and_loky(client):
    """Check that the dask backend, loky with 2 workers and n_jobs=1 give equal tables."""
    estimator = LogisticRegression(max_iter=500)
    sequential = _run(estimator, n_jobs=1)
    with parallel_config(backend="dask"):
        on_dask = _run(estimator, n_jobs=-1)
    on_loky = _run(estimator, n_jobs=2)
    _assert_same_results(on_dask, sequential)
    _assert_same_results(on_loky, sequential)
    # The tasks really ran in the dask workers, not in this process.
    loaded = client.run(lambda: "sklearn.linear_model" in __import__("sys").modules)
    assert len(loaded) == 2 and any(loaded.values())


def test_keras_on_dask_equals_sequential(client):
    """Check that a tiny Keras model gives bit-identical folds on dask and with n_jobs=1."""
    from evalkit.keras import KerasBinaryClassifier

    estimator = KerasBinaryClassifier(hidden_units=(4,), epochs=1, batch_size=64)
    sequential = _run(estimator, n_jobs=1)
    with parallel_config(backend="dask"):
        on_dask = _run(estimator, n_jobs=-1)
    assert len(on_dask.history) == len(sequential.history) == 6
    _assert_same_results(on_dask, sequential)
    assert on_dask.fold_info["status"].eq("ok").all()
    loaded = client.run(lambda: "tensorflow" in __import__("sys").modules)
    assert any(loaded.values())
