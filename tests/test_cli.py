import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from evalkit.cli import main


@pytest.fixture
def csv_path(tmp_path):
    rng = np.random.RandomState(0)
    n = 300
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, 30, replace=False)] = 1
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n) * (1 + y),
            "v1": rng.normal(size=n) + 1.5 * y,
            "channel": rng.choice(["online", "pos"], n),
            "Class": np.where(y == 1, "fraud", "legit"),
        }
    )
    path = tmp_path / "tx.csv"
    frame.to_csv(path, index=False)
    return path


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_writes_outputs_and_prints_table(csv_path, tmp_path, capsys):
    """Check that compare prints the summary and writes the four result files."""
    out_dir = tmp_path / "out"
    code, out, err = _run(
        [
            "compare",
            csv_path,
            "--target",
            "Class",
            "--model",
            "logistic",
            "--splits",
            "3",
            "--repeats",
            "1",
            "--strategies",
            "none,smote",
            "--out",
            out_dir,
            "--quiet",
        ],
        capsys,
    )
    assert code == 0, err
    assert "accuracy" in out and "[min, max]" in out and "95% CI" in out
    assert out.count("\n") == 3 and "smote" in out and "pr_auc" in out
    for name in (
        "summary.csv",
        "folds.csv",
        "fold_info.csv",
        "predictions.csv",
        "report.md",
    ):
        assert (out_dir / name).is_file()
    summary = pd.read_csv(out_dir / "summary.csv", index_col=0)
    assert list(summary.index) == ["none", "smote"]
    assert "'fraud': the minority class" in (out_dir / "report.md").read_text()


def test_report_rebuilds_from_saved_run(csv_path, tmp_path, capsys):
    """Check that 'evalkit report' rebuilds the Markdown report without training."""
    out_dir = tmp_path / "out"
    assert (
        _run(
            [
                "compare",
                csv_path,
                "--target",
                "Class",
                "--model",
                "logistic",
                "--splits",
                "3",
                "--repeats",
                "1",
                "--out",
                out_dir,
                "--quiet",
            ],
            capsys,
        )[0]
        == 0
    )
    first = (out_dir / "report.md").read_text()
    (out_dir / "report.md").unlink()
    code, out, _ = _run(["report", out_dir], capsys)
    assert code == 0
    assert (out_dir / "report.md").read_text() == first
    assert (out_dir / "report.html").is_file()
    assert "class_weight" in out


@pytest.mark.parametrize(
    "argv, match",
    [
        (["compare", "missing.csv", "--target", "Class"], "not found"),
        (["compare", "{csv}", "--target", "Klass"], "available columns.*'Class'"),
        (
            ["compare", "{csv}", "--target", "Class", "--strategies", "none,smot"],
            "smot",
        ),
        (["compare", "{csv}", "--target", "Class", "--splits", "1"], "n_splits"),
        (
            ["compare", "{csv}", "--target", "Class", "--pos-label", "spam"],
            "pos_label='spam' is not one of the labels",
        ),
        (
            ["compare", "{csv}", "--target", "Class", "--cost-fp", "1"],
            "both --cost-fp and --cost-fn",
        ),
        (["compare", "{csv}"], "the following arguments are required: --target"),
        (["frobnicate"], "invalid choice"),
        (["report", "{tmp}"], "is not a saved evalkit run"),
    ],
)
def test_bad_input_one_line_exit_2(argv, match, csv_path, tmp_path, capsys):
    """Check that bad input prints one line on stderr and exits 2."""
    argv = [a.format(csv=csv_path, tmp=tmp_path) for a in argv]
    code, out, err = _run(
        [*argv, "--model", "logistic"] if argv[0] == "compare" else argv, capsys
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("evalkit: error: ")
    assert "Traceback" not in err
    assert re.search(match, lines[0]), lines[0]


@pytest.mark.parametrize(
    "column, match",
    [
        ({"Class": ["fraud"] * 10}, "single class"),
        ({"Class": ["a", "b", "c", "a", "b"] * 2}, "3 classes"),
    ],
)
def test_bad_labels_exit_2(column, match, tmp_path, capsys):
    """Check that one-class and multi-class targets exit 2 with the reason."""
    frame = pd.DataFrame({"x": np.arange(10.0), **column})
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    code, _, err = _run(
        ["compare", path, "--target", "Class", "--model", "logistic"], capsys
    )
    assert code == 2 and match in err and len(err.strip().splitlines()) == 1


def test_junk_in_numeric_column_exit_2(tmp_path, capsys):
    """Check that a numeric column with junk strings names the column and the rows."""
    frame = pd.DataFrame(
        {"amount": ["1.5", "2", "n/a?", "4", "5", "6", "7", "8"], "Class": [0, 1] * 4}
    )
    path = tmp_path / "junk.csv"
    frame.to_csv(path, index=False)
    code, _, err = _run(
        ["compare", path, "--target", "Class", "--model", "logistic"], capsys
    )
    assert code == 2
    assert "Column 'amount' is numeric except for 1 value" in err and "'n/a?'" in err


def test_few_positives_warn_and_nan(tmp_path, capsys):
    """Check that fewer positives than splits warns with the counts and still reports."""
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x": rng.normal(size=100), "Class": [1] * 3 + [0] * 97})
    path = tmp_path / "few.csv"
    frame.to_csv(path, index=False)
    code, out, err = _run(
        [
            "compare",
            path,
            "--target",
            "Class",
            "--model",
            "logistic",
            "--repeats",
            "1",
            "--strategies",
            "none",
            "--out",
            tmp_path / "o",
            "--quiet",
        ],
        capsys,
    )
    assert code == 0
    assert (
        "evalkit: warning: The positive class has only 3 rows, fewer than n_splits=5"
        in err
    )
    assert "roc_auc in 2 of 5 folds" in err


def test_help_is_fast_and_lists_options():
    """Check that 'evalkit compare --help' lists every option without importing TensorFlow."""
    code = (
        "import sys\n"
        "from evalkit.cli import main\n"
        "try:\n    main(['compare', '--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'tensorflow' not in sys.modules, 'TensorFlow was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for option in (
        "--target",
        "--pos-label",
        "--strategies",
        "--splits",
        "--repeats",
        "--epochs",
        "--batch-size",
        "--seed",
        "--jobs",
        "--out",
        "--html",
    ):
        assert option in result.stdout


def test_console_script_runs_without_traceback(tmp_path):
    """Check the installed 'evalkit' command exits 2 with one line for a missing file."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "evalkit.cli",
            "compare",
            str(tmp_path / "nope.csv"),
            "--target",
            "y",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not found" in result.stderr


def test_strategies_lists_names(capsys):
    """Check that 'evalkit strategies' lists the registry."""
    code, out, _ = _run(["strategies"], capsys)
    assert code == 0
    for name in ("none", "class_weight", "smote", "smote_enn", "adasyn"):
        assert name in out


def test_keras_run_keeps_stderr_readable(csv_path, tmp_path):
    """Check that a Keras run prints evalkit's lines only, not TensorFlow's native logs."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "evalkit.cli",
            "compare",
            str(csv_path),
            "--target",
            "Class",
            "--epochs",
            "1",
            "--hidden",
            "4",
            "--splits",
            "2",
            "--repeats",
            "1",
            "--strategies",
            "none",
            "--out",
            str(tmp_path / "k"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "none" in result.stdout
    noise = [
        line
        for line in result.stderr.splitlines()
        if line.startswith(("I0000", "E0000", "W0000", "WARNING: All log"))
    ]
    assert noise == []
    assert all(
        line.startswith("evalkit") or not line.strip() or line.startswith("Wrote")
        for line in result.stderr.splitlines()
    ), result.stderr


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--epochs", "0"], r"argument --epochs: expected a number >= 1; got 0"),
        (["--batch-size", "x"], r"argument --batch-size: expected a whole number"),
        (["--strategies", ""], r"--strategies is empty"),
        (["--out", "{file}"], r"is a file, not a folder"),
    ],
)
def test_options_checked_before_training(extra, match, csv_path, tmp_path, capsys):
    """Check that bad options fail at once with one line, before any training."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    extra = [a.format(file=afile) for a in extra]
    code, _, err = _run(
        ["compare", csv_path, "--target", "Class", "--model", "logistic", *extra],
        capsys,
    )
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert re.search(match, err), err


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated_files(sep, tmp_path, capsys):
    """Check that a ';' or tab separated file is read with its separator."""
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x": rng.normal(size=120), "Class": [0, 1, 0, 0] * 30})
    path = tmp_path / "semi.csv"
    frame.to_csv(path, sep=sep, index=False)
    code, out, err = _run(
        [
            "compare",
            path,
            "--target",
            "Class",
            "--model",
            "logistic",
            "--repeats",
            "1",
            "--strategies",
            "none",
            "--quiet",
            "--out",
            tmp_path / "o",
        ],
        capsys,
    )
    assert code == 0, err
    assert out.splitlines()[1].startswith("none")


def test_non_utf8_file_exit_2(tmp_path, capsys):
    """Check that a Latin-1 file names the file and the fix."""
    path = tmp_path / "latin.csv"
    path.write_bytes("nom,Class\nM\xfcller,1\nAnna,0\n".encode("latin-1"))
    code, _, err = _run(
        ["compare", path, "--target", "Class", "--model", "logistic"], capsys
    )
    assert code == 2 and "is not UTF-8 text" in err and "latin.csv" in err
