"""Tests of evalkit._saved_run: a saved evaluation read back, and damaged files named."""

import json
import re

import pandas as pd
import pytest
from _reports import make_records, make_report

from evalkit import load_report
from evalkit.report import EvaluationReport


def test_to_csv_and_load_report_round_trip(tmp_path):
    """Check that a saved report rebuilds identical tables without training."""
    report = make_report()
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


def test_load_report_detects_truncated_predictions(tmp_path):
    """Check that a cut predictions.csv is refused rather than summarised."""
    make_report().to_csv(tmp_path)
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
    make_report().to_csv(folder)
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
        make_records(strategies=("1", "2")),
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
    make_report().to_csv(tmp_path / "run")
    inside = tmp_path / "run" / "predictions.csv"
    with pytest.raises(
        NotADirectoryError,
        match=rf"^'{re.escape(str(inside))}' is a file, not a folder\. Point to the "
        rf"folder that holds it, '{re.escape(str(tmp_path / 'run'))}', written by "
        r"`evalkit compare --out` or EvaluationReport\.to_csv\(\)\.$",
    ):
        load_report(inside)
