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
        (
            ["compare", "{csv}", "--target", "Class", "--splits", "1"],
            r"argument --splits: expected a number >= 2; got 1",
        ),
        (
            ["compare", "{csv}", "--target", "Class", "--pos-label", "spam"],
            r"--pos-label 'spam' is not one of the labels",
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
        "evalkit: warning: The positive class has only 3 rows, fewer than --splits 5"
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
        (
            ["--strategies", ""],
            r"argument --strategies: expected comma-separated strategy names",
        ),
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


def _one_error_line(code, out, err):
    """The one stderr line of a refused command, after checking the contract."""
    assert code == 2, err
    assert out == "", out
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("evalkit: error: ") and "Traceback" not in err
    return lines[0]


# Python parameter names a command-line message must not show.
_PYTHON_NAMES = re.compile(
    r"`\w+` parameter|make_imbalance_pipeline|\b(n_splits|n_repeats|n_seeds|n_jobs|"
    r"random_state|pos_label|hidden_units|batch_size|batch_sizes|cache_dir|costs)\b"
)

_COMPARE = ["compare", "{csv}", "--target", "Class", "--quiet", "--out", "{tmp}/o"]
_FLUCTUATION = ["fluctuation", "{csv}", "--target", "Class", "--quiet"]
_FLUCTUATION += ["--out", "{tmp}/f"]
_DEMO = ["demo", "--quiet", "--out", "{tmp}/d"]
LOGISTIC = ["--model", "logistic"]

OPTION_ERRORS = [
    # compare: checked by the parser
    (_COMPARE, ["--splits", "1"], r"argument --splits: expected a number >= 2; got 1"),
    (
        _COMPARE,
        ["--splits", "x"],
        r"argument --splits: expected a whole number; got 'x'",
    ),
    (
        _COMPARE,
        ["--repeats", "0"],
        r"argument --repeats: expected a number >= 1; got 0",
    ),
    (_COMPARE, ["--seed", "-1"], r"argument --seed: expected a number >= 0; got -1"),
    (
        _COMPARE,
        ["--seed", str(2**32)],
        r"argument --seed: expected a number <= 4294967295; got 4294967296",
    ),
    (
        _COMPARE,
        ["--strategies", "none,smoet"],
        r"argument --strategies: must be one of 'none', 'class_weight', .*'smote_enn', "
        r"each optionally followed by '\+tuned'\. Got 'smoet' instead\. Did you mean "
        r"'smote'\?",
    ),
    (
        _COMPARE,
        ["--strategies", "smote,none,smote"],
        r"argument --strategies: names 'smote' more than once; give each strategy once",
    ),
    (
        _COMPARE,
        ["--jobs", "0"],
        r"argument --jobs: expected a whole number other than 0 \(1: one process, "
        r"-1: all cores\); got 0",
    ),
    (
        _COMPARE,
        ["--threshold", "1.5"],
        r"argument --threshold: expected a probability in \[0, 1\); got '1\.5'",
    ),
    (_COMPARE, ["--epochs", "0"], r"argument --epochs: expected a number >= 1; got 0"),
    (
        _COMPARE,
        ["--batch-size", "0"],
        r"argument --batch-size: expected a number >= 1; got 0",
    ),
    (_COMPARE, ["--hidden", "0"], r"argument --hidden: expected positive integers"),
    (
        _COMPARE,
        ["--cost-fp", "-1", "--cost-fn", "1"],
        r"argument --cost-fp: expected a number >= 0; got '-1'",
    ),
    (
        _COMPARE,
        ["--cost-fp", "1", "--cost-fn", "inf"],
        r"argument --cost-fn: expected a finite number; got 'inf'",
    ),
    # compare: clashing options
    (
        _COMPARE,
        ["--cost-fp", "0", "--cost-fn", "0"],
        r"--cost-fp and --cost-fn cannot both be 0; give a positive cost to at least "
        r"one of them",
    ),
    (_COMPARE, ["--cost-fn", "1"], r"give both --cost-fp and --cost-fn, or neither"),
    (
        _COMPARE,
        ["--cache", "{file}"],
        r"--cache '.*afile' is a file, not a folder; give a folder name",
    ),
    # compare: checked against the data by the Python API, named as typed
    (
        _COMPARE,
        ["--pos-label", "spam"],
        r"--pos-label 'spam' is not one of the labels \['fraud', 'legit'\]\. Pass one "
        r"of them\.",
    ),
    (
        _COMPARE,
        ["--splits", "1000"],
        r"--splits is 1000, more than the 270 rows of the larger class: stratified "
        r"folds cannot be formed\. Use --splits <= 30 ",
    ),
    (
        ["compare", "{csv}", "--target", "Klass"],
        [],
        r"--target must name a column of '.*tx\.csv'\. Got 'Klass'",
    ),
    # fluctuation
    (
        _FLUCTUATION,
        ["--seeds", "1"],
        r"argument --seeds: expected a number >= 2; got 1",
    ),
    (_FLUCTUATION, ["--splits", "1"], r"argument --splits: expected a number >= 2"),
    (_FLUCTUATION, ["--repeats", "0"], r"argument --repeats: expected a number >= 1"),
    (_FLUCTUATION, ["--seed", "-1"], r"argument --seed: expected a number >= 0"),
    (_FLUCTUATION, ["--jobs", "0"], r"argument --jobs: expected a whole number other"),
    (
        _FLUCTUATION,
        ["--strategy", "smoet"],
        r"argument --strategy: must be one of 'none', .* Got 'smoet' instead\. Did "
        r"you mean 'smote'\?",
    ),
    (
        _FLUCTUATION,
        ["--batch-sizes", "32,32"],
        r"argument --batch-sizes: expected distinct positive integers",
    ),
    (_FLUCTUATION, ["--pos-label", "spam"], r"--pos-label 'spam' is not one of"),
    (_FLUCTUATION, ["--splits", "1000"], r"--splits is 1000, more than the 270 rows"),
    # demo
    (_DEMO, ["--jobs", "0"], r"argument --jobs: expected a whole number other than 0"),
    (_DEMO, ["--seed", "-1"], r"argument --seed: expected a number >= 0; got -1"),
    (_DEMO, ["--cache", "{file}"], r"--cache '.*afile' is a file, not a folder"),
    (_DEMO, ["--out", "{file}"], r"--out '.*afile' is a file, not a folder"),
]


@pytest.mark.parametrize(
    "command, extra, match",
    OPTION_ERRORS,
    ids=[f"{c[0]}{''.join(e[::2])}-{i}" for i, (c, e, _) in enumerate(OPTION_ERRORS)],
)
def test_errors_name_the_options_as_typed(
    command, extra, match, csv_path, tmp_path, capsys
):
    """Check that every option's error names the flag, never the Python parameter."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    argv = [a.format(csv=csv_path, tmp=tmp_path, file=afile) for a in command + extra]
    if command[0] != "demo":
        argv += LOGISTIC  # bad values of Keras options are refused by the parser first
    line = _one_error_line(*_run(argv, capsys))
    assert re.search(match, line), line
    assert not _PYTHON_NAMES.search(line), line


@pytest.mark.parametrize(
    "text, command, expected",
    [
        (
            "The `n_splits` parameter must be an int in the range [2, inf). Got 1 instead.",
            "compare",
            "--splits must be an int in the range [2, inf). Got 1 instead.",
        ),
        (
            "pos_label='yes' is not one of the labels [0, 1].",
            "compare",
            "--pos-label 'yes' is not one of the labels [0, 1].",
        ),
        ("Use n_splits <= 40 (the ...)", "compare", "Use --splits <= 40 (the ...)"),
        (
            "Check that `target` names the label column.",
            "compare",
            "Check that --target names the label column.",
        ),
        ("Check the `path` parameter.", "compare", "Check the DATA.csv argument."),
        (
            "The `strategy` parameter of make_imbalance_pipeline must be",
            "fluctuation",
            "--strategy must be",
        ),
        (
            "The `strategy` parameter of make_imbalance_pipeline must be",
            "compare",
            "--strategies must be",
        ),
        # Data and unknown names are left alone.
        ("Column 'pos_label' holds n_samples=300", "compare", None),
        ("The `scoring` parameter lists", "compare", None),
    ],
)
def test_with_flags_translates_parameters_only(text, command, expected):
    """Check that Python parameter names become flags, and nothing else changes."""
    from evalkit.cli import _with_flags

    assert _with_flags(text, command) == (text if expected is None else expected)


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--jobs", "0"], r"argument --jobs"),
        (["--seed", "-1"], r"argument --seed"),
        (["--cache", "{file}"], r"--cache"),
    ],
)
def test_demo_validates_before_printing_the_banner(extra, match, tmp_path, capsys):
    """Check that a bad demo option gives one line, without the run's banner before it."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    argv = ["demo", "--quiet", "--out", tmp_path / "d"]
    argv += [a.format(file=afile) for a in extra]
    line = _one_error_line(*_run(argv, capsys))
    assert re.search(match, line) and "make_fraud" not in line, line


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "{csv}", "--target", "Class"],
        ["fluctuation", "{csv}", "--target", "Class"],
    ],
)
@pytest.mark.parametrize(
    "extra, named",
    [
        (
            ["--hidden", "8"],
            "--hidden sets the Keras MLP, which --model logistic does not use; drop it",
        ),
        (
            ["--epochs", "3"],
            "--epochs sets the Keras MLP, which --model logistic does not use; drop it",
        ),
        (
            ["--batch-size", "32"],
            "--batch-size sets the Keras MLP, which --model logistic does not use; drop it",
        ),
        (
            ["--batch-size", "32", "--hidden", "8", "--epochs", "3"],
            "--hidden, --epochs and --batch-size set the Keras MLP, which --model "
            "logistic does not use; drop them",
        ),
        # The default value given explicitly is still given.
        (
            ["--epochs", "10"],
            "--epochs sets the Keras MLP, which --model logistic does not use; drop it",
        ),
    ],
)
def test_keras_options_with_logistic_exit_2(
    command, extra, named, csv_path, tmp_path, capsys
):
    """Check that Keras options given with --model logistic are refused, not ignored."""
    argv = [a.format(csv=csv_path) for a in command]
    argv += ["--model", "logistic", "--out", tmp_path / "o", "--quiet", *extra]
    line = _one_error_line(*_run(argv, capsys))
    assert line == f"evalkit: error: {named} or use --model keras"


def test_batch_sizes_with_logistic_exit_2(csv_path, tmp_path, capsys):
    """Check that --batch-sizes with --model logistic is refused with the same message."""
    argv = ["fluctuation", csv_path, "--target", "Class", "--model", "logistic"]
    argv += ["--batch-sizes", "32,256", "--out", tmp_path / "o"]
    line = _one_error_line(*_run(argv, capsys))
    assert line == (
        "evalkit: error: --batch-sizes sets the Keras MLP, which --model logistic "
        "does not use; drop it or use --model keras"
    )


def test_keras_defaults_when_options_not_given():
    """Check that the Keras options keep their defaults, and given values are used."""
    from evalkit.cli import _keras_option, _parser

    args = _parser().parse_args(["compare", "d.csv", "--target", "y"])
    assert (args.hidden, args.epochs, args.batch_size) == (None, None, None)
    assert [_keras_option(args, n) for n in ("hidden", "epochs", "batch_size")] == [
        (64, 32),
        10,
        256,
    ]
    args = _parser().parse_args(
        ["compare", "d.csv", "--target", "y", "--hidden", "8,4", "--epochs", "2"]
    )
    assert _keras_option(args, "hidden") == (8, 4)
    assert _keras_option(args, "epochs") == 2
    assert _keras_option(args, "batch_size") == 256


@pytest.mark.parametrize("model", ["keras", "logistic"])
def test_threshold_is_on_the_positive_class(csv_path, tmp_path, capsys, model):
    """Check that --threshold 0.3 is the threshold on P('fraud') in every fold, for
    both models, with 'fraud' the smaller label (the network's own rule is on the
    larger label's probability)."""
    keras_options = ["--hidden", "4", "--epochs", "1"] if model == "keras" else []
    out_dir = tmp_path / "o"
    code, _, err = _run(
        ["compare", csv_path, "--target", "Class", "--model", model, *keras_options]
        + ["--splits", "2", "--repeats", "1", "--strategies", "none"]
        + ["--threshold", "0.3", "--out", out_dir, "--quiet"],
        capsys,
    )
    assert code == 0, err
    info = pd.read_csv(out_dir / "fold_info.csv")
    assert info["threshold"].tolist() == [0.3, 0.3]
    assert "pos_label='fraud'" in (out_dir / "report.md").read_text()


def test_logistic_without_keras_options_runs(csv_path, tmp_path, capsys):
    """Check that --model logistic without Keras options runs as before."""
    code, out, err = _run(
        ["compare", csv_path, "--target", "Class", "--model", "logistic"]
        + ["--splits", "2", "--repeats", "1", "--strategies", "none+tuned"]
        + ["--out", tmp_path / "o", "--quiet"],
        capsys,
    )
    assert code == 0, err
    assert "none+tuned" in out


def test_strategies_lists_tuned_modifier(capsys):
    """Check that 'evalkit strategies' lists the +tuned modifier with examples."""
    code, out, _ = _run(["strategies"], capsys)
    assert code == 0
    last = out.splitlines()[-1]
    assert last.startswith("<name>+tuned      Any strategy above followed by '+tuned'")
    for text in ("none+tuned", "class_weight+tuned", "inside each training fold"):
        assert text in last


def test_row_with_extra_fields_exit_2(csv_path, tmp_path, capsys):
    """Check that a CSV row with extra fields names the file, the line and the fix."""
    lines = csv_path.read_text().splitlines()
    lines[-1] += ",1,2"  # line 301: the header and 300 rows
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    line = _one_error_line(
        *_run(["compare", bad, "--target", "Class", "--model", "logistic"], capsys)
    )
    assert line == (
        f"evalkit: error: The file {str(bad)!r} has 6 fields on line 301 but 4 in its "
        "header, so the values cannot be matched to the columns. Enclose fields that "
        "contain the separator (a comma) in double quotes, or remove the extra "
        "separators from that line (a separator at the end of a line also adds a "
        "field)."
    )


def test_non_utf8_file_gives_offset_and_line(tmp_path, capsys):
    """Check that a Latin-1 file gives the offending byte's offset in the file."""
    path = tmp_path / "latin.csv"
    text = "nom,ville,Class\nAnna,Paris,0\nZo\xe9,Lyon,1\n"
    path.write_bytes(text.encode("latin-1"))
    line = _one_error_line(
        *_run(["compare", path, "--target", "Class", "--model", "logistic"], capsys)
    )
    assert f"is not UTF-8 text (byte 0xE9 at offset {text.index('é')}, line 3:" in line


@pytest.fixture
def saved_run(csv_path, tmp_path, capsys):
    out_dir = tmp_path / "run"
    code, _, err = _run(
        ["compare", csv_path, "--target", "Class", "--model", "logistic"]
        + ["--splits", "2", "--repeats", "1", "--strategies", "none"]
        + ["--out", out_dir, "--quiet"],
        capsys,
    )
    assert code == 0, err
    return out_dir


def _damage_cell(name, row, column, value):
    def edit(folder):
        frame = pd.read_csv(folder / name, keep_default_na=False)
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
        frame.to_csv(folder / name, index=False)

    return edit


@pytest.mark.parametrize(
    "edit, name, problem",
    [
        (
            _damage_cell("predictions.csv", 3, "proba", "abc"),
            "predictions.csv",
            "holds 'abc' in column 'proba' on line 5, where a number is expected",
        ),
        (
            lambda d: (d / "meta.json").write_text('{"metrics": [\n'),
            "meta.json",
            "is not valid JSON (Expecting value on line 2, column 1)",
        ),
        (
            _damage_cell("fold_info.csv", 0, "n_test", "many"),
            "fold_info.csv",
            "holds 'many' in column 'n_test' on line 2, where a whole number is expected",
        ),
        (
            lambda d: (d / "meta.json").write_text(
                (d / "meta.json")
                .read_text()
                .replace('"pos_label": "fraud"', '"pos_label": 7')
            ),
            "meta.json",
            'holds "pos_label": 7, which is not one of its "classes" ["fraud", "legit"]',
        ),
        (
            lambda d: (d / "history.csv").write_text("strategy,repeat\n"),
            "history.csv",
            "has no column 'fold', 'epoch', 'value', 'metric'",
        ),
    ],
)
def test_report_on_damaged_run_names_the_file(saved_run, capsys, edit, name, problem):
    """Check that 'evalkit report' on a damaged run names the file and how to rebuild it."""
    edit(saved_run)
    line = _one_error_line(*_run(["report", saved_run], capsys))
    assert line == (
        f"evalkit: error: {name} in {str(saved_run)!r} {problem}. The file is "
        "incomplete or damaged; rebuild the folder by running the evaluation again: "
        f"`evalkit compare DATA.csv --target COL ... --out {saved_run}` (or `evalkit "
        f"demo --out {saved_run}`, or EvaluationReport.to_csv() from Python); with "
        "the same --cache folder, finished folds are reused."
    )


def test_report_on_a_file_says_it_is_a_file(tmp_path, capsys):
    """Check that 'evalkit report FILE' says it is a file, and which folder is expected."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    line = _one_error_line(*_run(["report", afile], capsys))
    assert line == (
        f"evalkit: error: {str(afile)!r} is a file, not a folder. Point to the folder "
        "written by `evalkit compare --out` (or by EvaluationReport.to_csv()), which "
        "holds meta.json, fold_info.csv and predictions.csv."
    )


@pytest.mark.parametrize("command", ["compare", "fluctuation"])
@pytest.mark.parametrize(
    "extra, match",
    [
        (["--pos-label", "spam"], r"--pos-label 'spam' is not one of the labels"),
        (["--splits", "1000"], r"--splits is 1000, more than the 270 rows"),
    ],
)
def test_option_checked_against_data_before_any_warning(
    command, extra, match, csv_path, tmp_path, capsys
):
    """Check that an option refused by the data is the only line, without data warnings."""
    frame = pd.read_csv(csv_path)
    frame.insert(0, "when", pd.date_range("2020-01-01", periods=len(frame), freq="h"))
    dated = tmp_path / "dated.csv"
    frame.to_csv(dated, index=False)
    argv = [command, dated, "--target", "Class", "--model", "logistic"]
    argv += ["--quiet", "--out", tmp_path / "o", *extra]
    line = _one_error_line(*_run(argv, capsys))
    assert re.search(match, line), line
