import pickle

import numpy as np
import pandas as pd
import pytest
from _reports import make_records, make_report
from scipy import stats as sps

from evalkit._runner import FoldRecord
from evalkit.report import EvaluationReport


def test_folds_table_columns_and_dtypes():
    """Check the long table's exact columns, dtypes and size."""
    report = make_report()
    folds = report.folds
    assert list(folds.columns) == ["strategy", "repeat", "fold", "metric", "value"]
    assert folds["repeat"].dtype == np.int64 and folds["fold"].dtype == np.int64
    assert folds["value"].dtype == np.float64
    assert len(folds) == 2 * 6 * 3
    assert list(report.fold_info.columns[:3]) == ["strategy", "repeat", "fold"]
    assert {
        "fit_time",
        "n_train",
        "n_train_resampled",
        "n_test",
        "n_pos_train",
        "n_pos_test",
        "status",
        "error",
    } <= set(report.fold_info.columns)
    assert list(report.predictions.columns) == [
        "strategy",
        "repeat",
        "fold",
        "row",
        "y_true",
        "proba",
    ]
    assert list(report.history.columns) == [
        "strategy",
        "repeat",
        "fold",
        "epoch",
        "metric",
        "value",
    ]
    assert len(report.history) == 6 * 2


def test_summary_structure_and_values():
    """Check the summary's MultiIndex and that each statistic matches a hand computation."""
    report = make_report()
    summary = report.summary()
    assert summary.index.name == "strategy"
    assert list(summary.index) == ["none", "smote"]
    assert summary.columns.names == ["metric", "stat"]
    assert list(summary["roc_auc"].columns) == [
        "mean",
        "std",
        "min",
        "max",
        "ci_low",
        "ci_high",
        "n",
    ]
    values = report.folds.query("strategy == 'none' and metric == 'roc_auc'")[
        "value"
    ].to_numpy()
    row = summary.loc["none", "roc_auc"]
    assert row["mean"] == pytest.approx(values.mean())
    assert row["std"] == pytest.approx(values.std(ddof=1))
    assert row["min"] == values.min() and row["max"] == values.max() and row["n"] == 6
    # Corrected resampled t interval: var * (1/J + n_test/n_train), J - 1 dof.
    half = sps.t.ppf(0.975, 5) * np.sqrt(values.var(ddof=1) * (1 / 6 + 30 / 60))
    assert row["ci_low"] == pytest.approx(values.mean() - half)
    assert row["ci_high"] == pytest.approx(min(values.mean() + half, 1.0))
    assert row["min"] <= row["mean"] <= row["max"]


def test_compare_pairs_folds_and_adjusts():
    """Check compare(): paired differences, win/tie/loss and direction for lower-is-better metrics."""
    report = make_report()
    cmp = report.compare("none", "roc_auc")
    assert list(cmp.columns) == [
        "mean_diff",
        "ci_low",
        "ci_high",
        "t_stat",
        "p_value",
        "p_holm",
        "wins",
        "ties",
        "losses",
        "n_folds",
    ]
    a = report.folds.query("strategy == 'smote' and metric == 'roc_auc'")[
        "value"
    ].to_numpy()
    b = report.folds.query("strategy == 'none' and metric == 'roc_auc'")[
        "value"
    ].to_numpy()
    assert cmp.loc["smote", "mean_diff"] == pytest.approx((a - b).mean())
    assert cmp.loc["smote", "wins"] == (a > b).sum()
    assert cmp.loc["smote", "p_holm"] == pytest.approx(cmp.loc["smote", "p_value"])
    brier = report.compare("none", "brier")
    a = report.folds.query("strategy == 'smote' and metric == 'brier'")[
        "value"
    ].to_numpy()
    b = report.folds.query("strategy == 'none' and metric == 'brier'")[
        "value"
    ].to_numpy()
    assert brier.loc["smote", "wins"] == (a < b).sum()
    both = report.compare(metric=["roc_auc", "brier"], method="wilcoxon")
    assert list(both.index.get_level_values("metric").unique()) == ["roc_auc", "brier"]
    assert "w_stat" in both.columns and "t_stat" not in both.columns
    a_auc = report.folds.query("strategy == 'smote' and metric == 'roc_auc'")["value"]
    b_auc = report.folds.query("strategy == 'none' and metric == 'roc_auc'")["value"]
    expected = sps.wilcoxon(a_auc.to_numpy(), b_auc.to_numpy()).statistic
    assert both.loc[("roc_auc", "smote"), "w_stat"] == pytest.approx(expected)


def test_std_of_equal_values_is_zero():
    """Check that a metric equal in every fold (6 of 30 positive: baseline 0.8)
    has a std of exactly 0, not rounding noise."""
    report = EvaluationReport(
        make_records(),
        metrics=["baseline_accuracy"],
        pos_label=1,
        classes=[0, 1],
        strategies=["none", "smote"],
    )
    values = report.folds.query("metric == 'baseline_accuracy'")["value"]
    assert values.nunique() == 1 and values.iloc[0] == pytest.approx(0.8)
    summary = report.summary()
    assert (summary[("baseline_accuracy", "std")] == 0.0).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"baseline": "smot"}, "baseline='smot' is not a strategy"),
        ({"metric": "f1"}, "Metric 'f1' is not in this report"),
        ({"method": "t"}, "must be 'corrected_t' or 'wilcoxon'"),
        ({"alpha": 2}, "alpha"),
    ],
)
def test_compare_errors(kwargs, match):
    """Check that compare() rejects bad arguments with the valid choices."""
    with pytest.raises(ValueError, match=match):
        make_report().compare(**kwargs)


def test_rank_orders_strategies():
    """Check that rank() returns mean ranks summing to the right total, best first."""
    ranks = make_report().rank("roc_auc")
    assert ranks["mean_rank"].sum() == pytest.approx(3.0)
    assert ranks["mean_rank"].is_monotonic_increasing


def test_to_markdown_mentions_baseline_and_spread():
    """Check that the Markdown report carries the data, the summary and accuracy's spread."""
    text = make_report().to_markdown()
    assert "90 rows" in text and "18 positives" in text
    assert "| strategy | accuracy | roc_auc |" in text
    assert "## Accuracy's spread" in text


def test_failed_records_give_nan_and_reason():
    """Check that a failed task has NaN metrics with the failure as reason."""
    records = make_records()
    records[0].status, records[0].error = "failed", "RuntimeError: boom"
    report = EvaluationReport(
        records,
        metrics=["accuracy"],
        pos_label=1,
        classes=[0, 1],
        strategies=["none", "smote"],
    )
    assert report.n_failed == 1
    assert report.summary().loc["none", ("accuracy", "n")] == 5
    assert "boom" in report.undefined["reason"].iloc[0]


# ---------------------------------------------------------------- properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_fold_values = st.lists(
    st.one_of(st.floats(0, 1, allow_nan=False), st.just(float("nan"))),
    min_size=2,
    max_size=12,
)


@settings(max_examples=60, deadline=None, database=None)
@given(values=_fold_values)
def test_summary_properties(values):
    """Check that summaries count NaN folds out, never average them as zero, and mean lies in [min, max]."""
    records = []
    for i, v in enumerate(values):
        y = np.array([0, 1, 0, 1], dtype=np.int8)
        # proba chosen so that brier equals v on this fold: (p - y)^2 = v for every row
        d = np.sqrt(v) if not np.isnan(v) else 0.0
        proba = np.where(y == 1, 1 - d, d)
        rec = FoldRecord(
            strategy="s",
            repeat=0,
            fold=i,
            seed=i,
            test_index=np.arange(4),
            y_test=y,
            proba=proba,
            n_train=12,
            n_test=4,
        )
        if np.isnan(v):
            rec.status, rec.error = "failed", "RuntimeError: planted"
        records.append(rec)
    report = EvaluationReport(
        records, metrics=["brier"], pos_label=1, classes=[0, 1], strategies=["s"]
    )
    row = report.summary().loc["s", "brier"]
    ok = np.array([v for v in values if not np.isnan(v)])
    assert row["n"] == len(ok)
    if len(ok):
        assert row["mean"] == pytest.approx(ok.mean(), abs=1e-9)
        assert row["min"] - 1e-12 <= row["mean"] <= row["max"] + 1e-12
    else:
        assert np.isnan(row["mean"])
    if len(ok) > 1:
        assert row["ci_low"] <= row["mean"] + 1e-12 <= row["ci_high"] + 2e-12


def test_interval_is_clipped_to_the_metric_range():
    """Check that an interval never leaves [0, 1] for a rate such as accuracy."""
    records = []
    for f in range(4):
        y = np.array([0] * 9 + [1], dtype=np.int8)
        # accuracy 1.0 on three folds and 0.5 on one: the t interval passes 1.
        proba = y.astype(float) if f else np.array([0.9] * 5 + [0.1] * 4 + [0.9])
        records.append(
            FoldRecord(
                strategy="s",
                repeat=0,
                fold=f,
                seed=f,
                test_index=np.arange(10),
                y_test=y,
                proba=proba,
                n_train=30,
                n_test=10,
            )
        )
    report = EvaluationReport(
        records, metrics=["accuracy"], pos_label=1, classes=[0, 1], strategies=["s"]
    )
    row = report.summary().loc["s", "accuracy"]
    assert row["ci_high"] == 1.0 and row["ci_low"] < row["mean"] < 1.0


def test_report_with_costs_pickles():
    """Check that a report with cost metrics pickles and gives the same tables."""
    report = EvaluationReport(
        make_records(),
        metrics=["accuracy", "expected_cost", "min_expected_cost"],
        pos_label=1,
        classes=[0, 1],
        strategies=["none", "smote"],
        costs={"fp": 1.0, "fn": 20.0},
    )
    again = pickle.loads(pickle.dumps(report))
    pd.testing.assert_frame_equal(report.folds, again.folds)
    assert report.folds.query("metric == 'expected_cost'")["value"].gt(0).all()
