import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from evalkit import load_report
from evalkit._runner import FoldRecord
from evalkit.report import EvaluationReport


def _records(strategies=("none", "smote"), n_repeats=2, n_splits=3, seed=0):
    rng = np.random.RandomState(seed)
    records = []
    n = 30
    for s_i, strategy in enumerate(strategies):
        for r in range(n_repeats):
            for f in range(n_splits):
                y = np.zeros(n, dtype=np.int8)
                y[:6] = 1
                proba = np.clip(0.3 * y + rng.uniform(0, 0.7, n) + 0.05 * s_i, 0, 1)
                records.append(
                    FoldRecord(
                        strategy=strategy,
                        repeat=r,
                        fold=f,
                        seed=r * 10 + f,
                        test_index=np.arange(n) + f * n,
                        y_test=y,
                        proba=proba,
                        n_train=60,
                        n_test=30,
                        n_pos_train=12,
                        n_pos_test=6,
                        n_train_resampled=60,
                        n_pos_train_resampled=12,
                        history={"loss": [0.7, 0.5]} if strategy == "none" else None,
                    )
                )
    return records


def _report(**kw):
    return EvaluationReport(
        _records(**kw),
        metrics=["accuracy", "roc_auc", "brier"],
        pos_label=1,
        classes=[0, 1],
        strategies=["none", "smote"],
        data={"n_samples": 90, "n_features": 3, "n_positive": 18},
        params={"random_state": 0},
    )


def test_folds_table_columns_and_dtypes():
    """Check the long table's exact columns, dtypes and size."""
    report = _report()
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
    report = _report()
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
    report = _report()
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
        _report().compare(**kwargs)


def test_rank_orders_strategies():
    """Check that rank() returns mean ranks summing to the right total, best first."""
    ranks = _report().rank("roc_auc")
    assert ranks["mean_rank"].sum() == pytest.approx(3.0)
    assert ranks["mean_rank"].is_monotonic_increasing


def test_to_csv_and_load_report_round_trip(tmp_path):
    """Check that a saved report rebuilds identical tables without training."""
    report = _report()
    paths = report.to_csv(tmp_path)
    assert {p.name for p in paths} == {
        "folds.csv",
        "fold_info.csv",
        "summary.csv",
        "predictions.csv",
        "history.csv",
        "meta.json",
    }
    again = load_report(tmp_path)
    pd.testing.assert_frame_equal(
        report.folds, again.folds, check_exact=False, rtol=1e-9
    )
    pd.testing.assert_frame_equal(report.summary(), again.summary(), rtol=1e-9)
    pd.testing.assert_frame_equal(report.history, again.history)
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["strategies"] == ["none", "smote"]


def test_load_report_missing_files(tmp_path):
    """Check that a folder that is not a saved run gets a clear error."""
    with pytest.raises(FileNotFoundError, match="missing meta.json, predictions.csv"):
        load_report(tmp_path)


def test_to_markdown_mentions_baseline_and_spread():
    """Check that the Markdown report carries the data, the summary and accuracy's spread."""
    text = _report().to_markdown()
    assert "90 rows" in text and "18 positives" in text
    assert "| strategy | accuracy | roc_auc |" in text
    assert "## Accuracy's spread" in text


def test_failed_records_give_nan_and_reason():
    """Check that a failed task has NaN metrics with the failure as reason."""
    records = _records()
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


def test_load_report_detects_truncated_predictions(tmp_path):
    """Check that a cut predictions.csv is refused rather than summarised."""
    _report().to_csv(tmp_path)
    path = tmp_path / "predictions.csv"
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(
        ValueError,
        match=r"does not match fold_info.csv: strategy 'none'.*incomplete or damaged",
    ):
        load_report(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_report(tmp_path / "nope")


def _replace(name, old, new):
    def edit(folder):
        path = folder / name
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))

    return edit


def _write(name, content):
    def edit(folder):
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)

    return edit


def _drop_column(name, column):
    def edit(folder):
        frame = pd.read_csv(folder / name)
        frame.drop(columns=column).to_csv(folder / name, index=False)

    return edit


def _append(name, line):
    def edit(folder):
        with open(folder / name, "a") as fh:
            fh.write(line + "\n")

    return edit


def _set_meta(**changes):
    def edit(folder):
        meta = json.loads((folder / "meta.json").read_text())
        for key, value in changes.items():
            if value is KeyError:
                del meta[key]
            else:
                meta[key] = value
        (folder / "meta.json").write_text(json.dumps(meta))

    return edit


_LINE_3 = "none,0,0,1,1,0.8006325565"  # line 3 of predictions.csv

DAMAGED_RUNS = [
    # predictions.csv
    (
        _replace("predictions.csv", _LINE_3, "none,0,0,1,1,abc"),
        "predictions.csv",
        r"holds 'abc' in column 'proba' on line 3, where a number is expected",
    ),
    (
        _replace("predictions.csv", _LINE_3, "none,0,0,1,2,0.8"),
        "predictions.csv",
        r"holds 2 in column 'y_true' on line 3, where 0 or 1 is expected",
    ),
    (
        _replace("predictions.csv", _LINE_3, "none,0,0,1,1,1.5"),
        "predictions.csv",
        r"holds 1\.5 in column 'proba' on line 3, where a probability in \[0, 1\] is expected",
    ),
    (
        _replace("predictions.csv", _LINE_3, "none,0,0,1,1,"),
        "predictions.csv",
        r"holds an empty cell in column 'proba' on line 3, where a probability is expected: fold_info\.csv marks strategy 'none', repeat 0, fold 0 as finished \('ok'\)",
    ),
    (
        _replace("predictions.csv", _LINE_3, "none,0,0,x,1,0.8"),
        "predictions.csv",
        r"holds 'x' in column 'row' on line 3, where a whole number is expected",
    ),
    (
        _replace("predictions.csv", _LINE_3, f"{_LINE_3},7"),
        "predictions.csv",
        r"cannot be read as CSV \(Error tokenizing data\. C error: Expected 6 fields in line 3, saw 7\)",
    ),
    (
        _drop_column("predictions.csv", "proba"),
        "predictions.csv",
        r"has no column 'proba'",
    ),
    (_write("predictions.csv", ""), "predictions.csv", r"is empty"),
    (
        _write("predictions.csv", b"strategy,repeat\n\xff,1\n"),
        "predictions.csv",
        r"is not UTF-8 text \(byte 0xFF at offset 16, line 2: invalid start byte\)",
    ),
    (
        _append("predictions.csv", "ghost,0,0,1,0,0.5"),
        "predictions.csv",
        r"holds 1 row\(s\) of tasks that fold_info\.csv does not list, the first on line 362 \(strategy 'ghost', repeat 0, fold 0\)",
    ),
    # fold_info.csv
    (
        _replace("fold_info.csv", ",30,", ",abc,"),
        "fold_info.csv",
        r"holds 'abc' in column 'n_test' on line 2, where a whole number is expected",
    ),
    (
        _replace("fold_info.csv", ",ok,", ",maybe,"),
        "fold_info.csv",
        r"holds 'maybe' in column 'status' on line 2, where 'ok' or 'failed' is expected",
    ),
    (
        _replace("fold_info.csv", "none,0,0,", "nobody,0,0,"),
        "fold_info.csv",
        r"lists strategies that meta\.json does not name: 'nobody'",
    ),
    (
        _replace("fold_info.csv", "none,0,1,", "none,0,0,"),
        "fold_info.csv",
        r"lists the task on line 3 \(strategy 'none', repeat 0, fold 0\) twice",
    ),
    (
        _drop_column("fold_info.csv", "memory_mb"),
        "fold_info.csv",
        r"has no column 'memory_mb'",
    ),
    # meta.json
    (
        _write("meta.json", '{"metrics": ['),
        "meta.json",
        r"is not valid JSON \(Expecting value on line 1, column 14\)",
    ),
    (_write("meta.json", "[1, 2]"), "meta.json", r"does not hold a JSON object"),
    (
        _write("meta.json", b'{"a": "\xe9"}'),
        "meta.json",
        r"is not UTF-8 text \(byte 0xE9 at offset 7, line 1: invalid continuation byte\)",
    ),
    (_set_meta(metrics=KeyError), "meta.json", r"has no key 'metrics'"),
    (
        _set_meta(strategies="none"),
        "meta.json",
        r'holds "strategies": "none", where a list of distinct names is expected',
    ),
    (
        _set_meta(classes=[0]),
        "meta.json",
        r'holds "classes": \[0\], where two labels are expected',
    ),
    (
        _set_meta(pos_label=7),
        "meta.json",
        r'holds "pos_label": 7, which is not one of its "classes" \[0, 1\]',
    ),
    (
        _set_meta(metrics=["acuracy"]),
        "meta.json",
        r"lists metrics or costs evalkit cannot use \(Unknown metric 'acuracy'",
    ),
    (
        _set_meta(data=[1]),
        "meta.json",
        r'holds "data": \[1\], where a JSON object or null is expected',
    ),
    (
        _set_meta(strategies=["none", "smote", "adasyn"]),
        "fold_info.csv",
        r"has no row for the strategies 'adasyn' that meta\.json names",
    ),
    # history.csv
    (
        _replace("history.csv", "none,0,0,1,", "none,0,0,one,"),
        "history.csv",
        r"holds 'one' in column 'epoch' on line 2, where a whole number is expected",
    ),
    (
        _replace("history.csv", "none,0,0,1,", "none,9,0,1,"),
        "history.csv",
        r"holds 1 row\(s\) of tasks that fold_info\.csv does not list, the first on line 2 \(strategy 'none', repeat 9, fold 0\)",
    ),
    (_drop_column("history.csv", "metric"), "history.csv", r"has no column 'metric'"),
]


@pytest.mark.parametrize(
    "edit, name, problem",
    DAMAGED_RUNS,
    ids=[f"{name}-{i}" for i, (_, name, _) in enumerate(DAMAGED_RUNS)],
)
def test_load_report_names_the_damaged_file(tmp_path, edit, name, problem):
    """Check that every file of a saved run is checked, and a damaged one is named with the fix."""
    folder = tmp_path / "run"
    _report().to_csv(folder)
    edit(folder)
    message = (
        rf"^{re.escape(name)} in '{re.escape(str(folder))}' {problem}.*\. The file is "
        r"incomplete or damaged; rebuild the folder by running the evaluation again: "
        rf"`evalkit compare DATA\.csv --target COL \.\.\. --out {re.escape(str(folder))}` "
        rf"\(or `evalkit demo --out {re.escape(str(folder))}`, or "
        r"EvaluationReport\.to_csv\(\) from Python\); with the same --cache folder, "
        r"finished folds are reused\.$"
    )
    with pytest.raises(ValueError, match=message):
        load_report(folder)


def test_load_report_keeps_strategy_names_as_text(tmp_path):
    """Check that strategy names that look like numbers come back as the same text."""
    report = EvaluationReport(
        _records(strategies=("1", "2")),
        metrics=["accuracy"],
        pos_label=1,
        classes=[0, 1],
        strategies=["1", "2"],
    )
    report.to_csv(tmp_path)
    again = load_report(tmp_path)
    assert again.strategies == ["1", "2"]
    assert {r.strategy for r in again.records} == {"1", "2"}
    pd.testing.assert_frame_equal(report.folds, again.folds, rtol=1e-9)


def test_load_report_on_a_file(tmp_path):
    """Check that a file given as the folder is called a file, not a missing folder."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(
        NotADirectoryError,
        match=rf"^'{re.escape(str(afile))}' is a file, not a folder\. Point to the "
        r"folder written by `evalkit compare --out` \(or by "
        r"EvaluationReport\.to_csv\(\)\), which holds meta\.json, fold_info\.csv and "
        r"predictions\.csv\.$",
    ):
        load_report(afile)
    _report().to_csv(tmp_path / "run")
    inside = tmp_path / "run" / "predictions.csv"
    with pytest.raises(
        NotADirectoryError,
        match=rf"^'{re.escape(str(inside))}' is a file, not a folder\. Point to the "
        rf"folder that holds it, '{re.escape(str(tmp_path / 'run'))}', written by "
        r"`evalkit compare --out` or EvaluationReport\.to_csv\(\)\.$",
    ):
        load_report(inside)
