import random
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold

from evalkit import FluctuationReport, explain_fluctuation, make_fraud
from evalkit.cli import main


class EpochStub(ClassifierMixin, BaseEstimator):
    """A logistic regression that reports a Keras-like per-epoch history.

    Like a Keras model it records accuracy only when ``metrics`` asks for it,
    and its held-out values come from ``validation_data``.  The epoch-to-epoch
    wobble of held-out accuracy is ``1 / batch_size``.
    """

    def __init__(self, epochs=3, batch_size=32, metrics=None, random_state=None):
        self.epochs = epochs
        self.batch_size = batch_size
        self.metrics = metrics
        self.random_state = random_state

    def fit(self, X, y, validation_data=None):
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        rng = np.random.RandomState(self.random_state)
        self.offset_ = 0.01 * rng.rand()
        history = {"loss": list(np.linspace(0.6, 0.3, self.epochs))}
        if "binary_accuracy" in (self.metrics or []):
            history["binary_accuracy"] = list(np.linspace(0.8, 0.9, self.epochs))
        if validation_data is not None:
            X_val, y_val = validation_data
            acc = float(np.mean(self.predict(X_val) == y_val))
            wobble = np.resize([0.0, 1.0 / self.batch_size], self.epochs)[::-1]
            history["val_binary_accuracy"] = list(acc + wobble)
            history["val_loss"] = list(np.linspace(0.5, 0.4, self.epochs))
        self.history_ = history
        return self

    def predict_proba(self, X):
        proba = self.model_.predict_proba(X)[:, 1]
        proba = np.clip(proba + self.offset_ * (proba < 0.5), 0, 1)
        return np.column_stack([1 - proba, proba])

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]


def _grid_folds(values, *, metric="accuracy"):
    """Long folds table from a (split x seed) grid; split i is (0, i)."""
    values = np.asarray(values, dtype=float)
    rows = [
        (j, 0, i, metric, values[i, j])
        for i in range(values.shape[0])
        for j in range(values.shape[1])
    ]
    return pd.DataFrame(rows, columns=["seed", "repeat", "fold", "metric", "value"])


def _splits(n_test, n_pos_test):
    return pd.DataFrame(
        {
            "repeat": 0,
            "fold": range(len(n_test)),
            "n_test": n_test,
            "n_pos_test": n_pos_test,
        }
    )


@pytest.fixture(scope="module")
def fraud():
    return make_fraud(300, fraud_rate=0.1, random_state=0)


@pytest.fixture(scope="module")
def forest_report(fraud):
    X, y = fraud
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    report = explain_fluctuation(
        RandomForestClassifier(n_estimators=5),
        X,
        y,
        n_seeds=3,
        n_splits=2,
        n_repeats=2,
        random_state=3,
        verbose=0,
    )
    assert random.getstate() == py_state
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1])
    return report


def test_components_exact_for_additive_effects():
    """Check that planted split and seed effects without noise are recovered exactly."""
    split = np.array([-0.01, 0.0, 0.01])
    seed = np.array([-0.002, 0.002])
    grid = 0.9 + split[:, None] + seed[None, :]
    report = FluctuationReport(_grid_folds(grid), splits=_splits([100] * 3, [10] * 3))
    row = report.components.iloc[0]
    # SS_split = 2 * 0.0002, SS_seed = 3 * 8e-6, N - 1 = 5.
    assert row["split_var"] == pytest.approx(0.0004 / 5)
    assert row["seed_var"] == pytest.approx(2.4e-5 / 5)
    assert row["residual_var"] == pytest.approx(0.0, abs=1e-15)
    assert row["split_share"] == pytest.approx(0.0004 / 0.000424)
    assert row["seed_share"] == pytest.approx(2.4e-5 / 0.000424)
    assert row["std"] == pytest.approx(np.std(grid, ddof=1))
    assert row["mean"] == pytest.approx(0.9)
    assert (row["n_splits"], row["n_seeds"]) == (3, 2)


def test_components_recover_planted_variances_with_noise():
    """Check that planted split, seed and noise variances come back from noisy values."""
    rng = np.random.RandomState(0)
    a, b = 60, 40

    def standard(n):
        z = rng.normal(size=n)
        return (z - z.mean()) / z.std()

    split, seed = 0.02 * standard(a), 0.01 * standard(b)
    noise = 0.005 * rng.normal(size=(a, b))
    values = 0.9 + split[:, None] + seed[None, :] + noise
    report = FluctuationReport(_grid_folds(values), splits=_splits([200] * a, [20] * a))
    row = report.components.iloc[0]
    assert row["split_var"] == pytest.approx(0.02**2, rel=0.1)
    assert row["seed_var"] == pytest.approx(0.01**2, rel=0.1)
    assert row["residual_var"] == pytest.approx(0.005**2, rel=0.1)
    shares = row[["split_share", "seed_share", "residual_share"]].to_numpy(float)
    assert shares.sum() == pytest.approx(1.0)
    assert shares[0] == pytest.approx(0.0004 / 0.000525, abs=0.03)


def test_crossed_design(forest_report, fraud):
    """Check that every split meets every seed once, on identical splits, with distinct seeds."""
    X, y = fraud
    report = forest_report
    seeds = report.params["seeds"]
    assert len(set(seeds)) == 3
    cells = report.folds[report.folds["metric"] == "accuracy"]
    assert len(cells) == 4 * 3
    assert cells.groupby(["repeat", "fold", "seed"]).size().eq(1).all()
    expected = list(
        RepeatedStratifiedKFold(n_splits=2, n_repeats=2, random_state=3).split(X, y)
    )
    probas = []
    for j, evaluation in enumerate(report.evaluations):
        assert evaluation.fold_info["seed"].tolist() == [seeds[j]] * 4
        preds = evaluation.predictions
        for i, (_, test) in enumerate(expected):
            repeat, fold = divmod(i, 2)
            rows = preds[(preds["repeat"] == repeat) & (preds["fold"] == fold)]["row"]
            assert np.array_equal(np.sort(rows.to_numpy()), np.sort(test))
        probas.append(preds.sort_values(["repeat", "fold", "row"])["proba"].to_numpy())
    assert not np.allclose(probas[0], probas[1])
    assert not np.allclose(probas[1], probas[2])
    assert report.epochs.empty and report.volatility.empty
    metrics = report.components["metric"].tolist()
    assert metrics == [
        "accuracy",
        "balanced_accuracy",
        "f1",
        "roc_auc",
        "average_precision",
    ]
    shares = report.components[["split_share", "seed_share", "residual_share"]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_noise_floor_hand_computed():
    """Check the binomial noise floor against a hand computation."""
    grid = [[0.90, 0.92], [0.80, 0.84]]
    report = FluctuationReport(_grid_folds(grid), splits=_splits([100, 50], [5, 5]))
    row = report.noise_floor.iloc[0]
    floor = np.sqrt((0.91 * 0.09 / 100 + 0.82 * 0.18 / 50) / 2)
    observed = np.std([0.90, 0.92, 0.80, 0.84], ddof=1)
    assert row["binomial_std"] == pytest.approx(floor)
    assert row["observed_std"] == pytest.approx(observed)
    assert row["ratio"] == pytest.approx(observed / floor)
    assert row["n_test"] == pytest.approx(75.0)
    assert row["mean"] == pytest.approx(0.865)
    text = " ".join(report.explain())
    assert f"With 75 test rows per fold, a standard deviation of {floor:.4f}" in text


def test_baseline_flag_and_sentence():
    """Check that accuracy below the majority class is flagged and said."""
    grid = [[0.94, 0.93], [0.95, 0.94]]
    report = FluctuationReport(_grid_folds(grid), splits=_splits([100, 100], [5, 5]))
    row = report.baseline.iloc[0]
    assert row["baseline_accuracy"] == pytest.approx(0.95)
    assert row["accuracy"] == pytest.approx(0.94)
    assert row["margin"] == pytest.approx(-0.01)
    assert row["share_beating"] == 0.0
    assert not row["beats_baseline"]
    assert any(
        "never beats always predicting the majority class (0.9500)" in s
        for s in report.explain()
    )


def test_epochs_aggregation_hand_checked():
    """Check per-epoch aggregation and volatility on a synthetic history."""
    rows = []
    curves = {
        (0, 0): {"val_binary_accuracy": [0.90, 0.92, 0.91], "loss": [0.5, 0.4, 0.3]},
        (1, 0): {"val_accuracy": [0.80, 0.86, 0.86], "loss": [0.7, 0.5, 0.2]},
    }
    for (seed, fold), curve in curves.items():
        for metric, values in curve.items():
            for epoch, value in enumerate(values, start=1):
                rows.append((seed, 0, fold, epoch, metric, value))
        rows.append((seed, 0, fold, 1, "val_auc", 0.5))
    history = pd.DataFrame(
        rows, columns=["seed", "repeat", "fold", "epoch", "metric", "value"]
    )
    folds = _grid_folds([[0.9, 0.8]])
    report = FluctuationReport(folds, splits=_splits([100], [10]), history=history)
    epochs = report.epochs
    assert list(epochs.columns) == ["epoch", "metric", "mean", "std", "min", "max"]
    assert epochs["metric"].unique().tolist() == ["test_accuracy", "train_loss"]
    second = epochs[(epochs["metric"] == "test_accuracy") & (epochs["epoch"] == 2)]
    second = second.iloc[0]
    assert second["mean"] == pytest.approx(0.89)
    assert second["std"] == pytest.approx(np.std([0.92, 0.86], ddof=1))
    assert (second["min"], second["max"]) == pytest.approx((0.86, 0.92))
    vol = report.volatility.set_index("metric")
    # |0.02|, |0.01|, |0.06|, |0.00| -> mean 0.0225, max 0.06.
    assert vol.loc["test_accuracy", "mean_abs_change"] == pytest.approx(0.0225)
    assert vol.loc["test_accuracy", "max_abs_change"] == pytest.approx(0.06)
    assert vol.loc["test_accuracy", "n_fits"] == 2
    # Second half of 3 epochs: the change into epoch 3 only, |0.01| and |0.00|.
    assert vol.loc["test_accuracy", "late_mean_abs_change"] == pytest.approx(0.005)
    assert vol.loc["train_loss", "mean_abs_change"] == pytest.approx(0.175)
    assert any(
        "Held-out accuracy moves by 0.0225 per epoch on average, 0.0050 over the "
        "second half of the epochs" in s
        for s in report.explain()
    )


def test_explain_reflects_numbers():
    """Check that explain() states the measured shares and the metric to watch."""
    split = np.array([-0.01, 0.0, 0.01])
    seed = np.array([-0.002, 0.002])
    grid = 0.96 + split[:, None] + seed[None, :]
    folds = pd.concat(
        [
            _grid_folds(grid),
            _grid_folds(np.full((3, 2), 0.4) + seed, metric="average_precision"),
        ]
    )
    report = FluctuationReport(folds, splits=_splits([200] * 3, [10] * 3))
    sentences = report.explain()
    assert (
        "Most of its spread (94 %) comes from the data split, 6 % from the "
        "model's seed and 0 % from the particular split-seed combination."
    ) in sentences[0]
    assert (
        "standard deviation of 0.0092 over 6 fits (3 splits x 2 seeds)"
        in (sentences[0])
    )
    assert sentences[-1].startswith("PR-AUC is the metric to watch: 0.4000 ± 0.0022")
    assert "against 0.0500 for a model without skill" in sentences[-1]


def test_batch_sizes_and_epoch_stub(fraud):
    """Check batch sizes, the added accuracy metric and held-out values on test rows."""
    X, y = fraud
    report = explain_fluctuation(
        EpochStub(epochs=3),
        X,
        y,
        n_seeds=2,
        n_splits=2,
        n_repeats=1,
        batch_sizes=[4, 100],
        verbose=0,
    )
    assert report.components["batch_size"].tolist() == [4] * 5 + [100] * 5
    assert list(report.epochs.columns[:3]) == ["batch_size", "epoch", "metric"]
    assert set(report.epochs["metric"]) == set(
        ["train_accuracy", "test_accuracy", "train_loss", "test_loss"]
    )
    vol = report.volatility[report.volatility["metric"] == "test_accuracy"]
    assert vol["mean_abs_change"].tolist() == pytest.approx([0.25, 0.01])
    # The last epoch's held-out accuracy is the fold's accuracy.
    last = report.history[
        (report.history["metric"] == "val_binary_accuracy")
        & (report.history["epoch"] == 3)
    ]
    acc = report.folds[report.folds["metric"] == "accuracy"]
    merged = last.merge(acc, on=["batch_size", "seed", "repeat", "fold"])
    assert len(merged) == 8
    np.testing.assert_allclose(merged["value_x"], merged["value_y"])
    fig = report.plot_epochs()
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    text = " ".join(report.explain())
    assert "moves by 0.2500 with batch size 4 and 0.0100 with batch size 100" in text
    # Into epoch 3 the stub's wobble goes back to 0: a change of 1 / batch_size.
    assert "0.2500 with batch size 4 and 0.0100 with batch size 100 over the" in text


def test_exports(forest_report, tmp_path):
    """Check that to_csv and to_markdown write the tables and the explanation."""
    paths = forest_report.to_csv(tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == [
        "baseline.csv",
        "components.csv",
        "epochs.csv",
        "folds.csv",
        "history.csv",
        "noise_floor.csv",
        "splits.csv",
        "volatility.csv",
    ]
    rebuilt = FluctuationReport(
        pd.read_csv(tmp_path / "out" / "folds.csv"),
        splits=pd.read_csv(tmp_path / "out" / "splits.csv"),
        history=pd.read_csv(tmp_path / "out" / "history.csv"),
    )
    pd.testing.assert_frame_equal(rebuilt.components, forest_report.components)
    assert rebuilt.explain() == forest_report.explain()
    text = forest_report.to_markdown()
    assert "## Sources of spread" in text
    assert forest_report.explain()[0] in text
    with pytest.raises(ValueError, match="plot_epochs needs per-epoch history"):
        forest_report.plot_epochs()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_seeds": 1}, r"The `n_seeds` parameter must be an int in the range \[2"),
        ({"n_splits": 1}, r"The `n_splits` parameter must be an int in the range \[2"),
        ({"n_repeats": 0}, r"The `n_repeats` parameter must be an int"),
        ({"batch_sizes": [32]}, "needs an estimator with a `batch_size` parameter"),
        ({"strategy": ["none", "smote"]}, "takes one strategy"),
    ],
)
def test_explain_fluctuation_errors(fraud, kwargs, message):
    """Check that bad parameters raise errors that say how to fix them."""
    X, y = fraud
    with pytest.raises(ValueError, match=message):
        explain_fluctuation(LogisticRegression(), X, y, verbose=0, **kwargs)


@pytest.mark.parametrize(
    "batch_sizes, message",
    [
        ([32, 32], "must list distinct positive ints"),
        ([0], r"The `batch_sizes` parameter must be an int in the range \[1"),
        (3.5, "must be None or a list of positive ints"),
    ],
)
def test_batch_sizes_errors(fraud, batch_sizes, message):
    """Check that bad batch sizes are refused before any fit."""
    X, y = fraud
    with pytest.raises(ValueError, match=message):
        explain_fluctuation(EpochStub(), X, y, batch_sizes=batch_sizes, verbose=0)


@pytest.mark.parametrize(
    "folds, message",
    [
        ("values", "The `folds` parameter must be a pandas DataFrame"),
        (pd.DataFrame({"seed": [0]}), r"The `folds` table lacks the columns"),
    ],
)
def test_report_input_errors(folds, message):
    """Check that FluctuationReport refuses tables it cannot read."""
    with pytest.raises(ValueError, match=message):
        FluctuationReport(folds, splits=_splits([10], [1]))


def test_keras_end_to_end():
    """Check a tiny Keras run end to end: crossed fits, epochs and explanation."""
    from evalkit import KerasBinaryClassifier

    X, y = make_fraud(300, fraud_rate=0.1, random_state=1)
    model = KerasBinaryClassifier(hidden_units=(4,), epochs=2, batch_size=64)
    report = explain_fluctuation(
        model, X, y, n_seeds=2, n_splits=2, n_repeats=1, verbose=0
    )
    assert model.metrics is None
    assert len(report.folds[report.folds["metric"] == "accuracy"]) == 4
    assert report.epochs["epoch"].max() == 2
    assert set(report.epochs["metric"]) == {
        "train_accuracy",
        "test_accuracy",
        "train_loss",
        "test_loss",
    }
    last = report.history[
        (report.history["metric"] == "val_binary_accuracy")
        & (report.history["epoch"] == 2)
    ]
    acc = report.folds[report.folds["metric"] == "accuracy"]
    merged = last.merge(acc, on=["seed", "repeat", "fold"])
    np.testing.assert_allclose(merged["value_x"], merged["value_y"], atol=1e-6)
    assert any("per epoch on average" in s for s in report.explain())


@pytest.fixture
def csv_path(tmp_path, fraud):
    X, y = fraud
    frame = X.copy() if isinstance(X, pd.DataFrame) else pd.DataFrame(X)
    frame.columns = [f"x{i}" for i in range(frame.shape[1])]
    frame["Class"] = np.where(np.asarray(y) == 1, "fraud", "legit")
    path = tmp_path / "tx.csv"
    frame.to_csv(path, index=False)
    return path


def test_cli_fluctuation_writes_outputs(csv_path, tmp_path, capsys):
    """Check that the fluctuation command prints the tables and writes its files."""
    out = tmp_path / "out"
    argv = ["fluctuation", csv_path, "--target", "Class", "--model", "logistic"]
    argv += ["--seeds", "2", "--splits", "2", "--repeats", "1", "--out", out]
    code = main([str(a) for a in [*argv, "--quiet"]])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert "average_precision" in stdout
    assert "noise floor (accuracy, 150 test rows)" in stdout
    assert "baseline: accuracy" in stdout
    assert "- PR-AUC is the metric to watch" in stdout
    for name in ("components.csv", "epochs.csv", "fluctuation.md"):
        assert (out / name).is_file()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--seeds", "1"], r"argument --seeds: expected a number >= 2; got 1"),
        (["--batch-sizes", "a"], "expected comma-separated integers"),
        (
            ["--model", "logistic", "--batch-sizes", "32,256"],
            "--batch-sizes sets the Keras MLP, which --model logistic does not use",
        ),
        (["--target", "nope"], "nope"),
    ],
)
def test_cli_fluctuation_bad_input(csv_path, capsys, extra, message):
    """Check that bad input exits with code 2 and a one-line error."""
    argv = ["fluctuation", str(csv_path), "--target", "Class", "--quiet", *extra]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2
    assert "evalkit: error:" in err
    assert re.search(message, err)


def test_explain_accuracy_far_below_baseline():
    """Check that accuracy far below the majority class is not called 'within two std'."""
    split = np.array([-0.2, 0.0, 0.2])
    seed = np.array([-0.01, 0.01])
    grid = 0.25 + split[:, None] + seed[None, :]
    folds = pd.concat(
        [
            _grid_folds(grid),
            _grid_folds(np.full((3, 2), 0.1) + seed, metric="average_precision"),
        ]
    )
    report = FluctuationReport(folds, splits=_splits([200] * 3, [10] * 3))
    last = report.explain()[-1]
    assert "within two of its standard deviations" not in last
    assert "below always predicting the majority class by 0.7000" in last


def test_explain_accuracy_slightly_below_baseline():
    """Check that accuracy a little below the majority class is called below it,
    not a 'margin over' it."""
    split = np.array([-0.08, 0.0, 0.08])
    seed = np.array([-0.01, 0.01])
    grid = 0.90 + split[:, None] + seed[None, :]
    folds = pd.concat(
        [
            _grid_folds(grid),
            _grid_folds(np.full((3, 2), 0.1) + seed, metric="average_precision"),
        ]
    )
    report = FluctuationReport(folds, splits=_splits([200] * 3, [10] * 3))
    last = report.explain()[-1]
    assert "margin over the majority class" not in last
    assert (
        "below always predicting the majority class by 0.0500, within two of its "
        "standard deviations" in last
    )
