import warnings

import numpy as np
import pandas as pd
import pytest

from evalkit._validation import (
    InputError,
    check_class_counts,
    check_int,
    check_random_state_param,
    check_X_y,
    resolve_pos_label,
    short_repr,
    warn_small_classes,
)

X_OK = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": ["x", "y", "x", "y"]})


def _frame(**cols):
    return pd.DataFrame(cols)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (X_OK, [0, 1, 0], "different lengths: X has 4 rows, y has 3"),
        (X_OK.iloc[:0], [], "X is empty"),
        (pd.DataFrame(index=range(4)), [0, 1, 0, 1], "no feature columns"),
        (X_OK, [0, 0, 0, 0], "single class"),
        (X_OK, [0, 1, 2, 0], "3 classes"),
        (X_OK, [0, 1, np.nan, 0], "1 missing label"),
        (X_OK, pd.Series([0, 1, None, 1], dtype="Int64"), "1 missing label"),
        (X_OK, np.array(["a", 1, "a", 1], dtype=object), "mixes label types"),
        (
            _frame(a=[1.0, np.inf, 3.0, 4.0]),
            [0, 1, 0, 1],
            "Column 'a' holds 1 infinite value",
        ),
        (
            _frame(amount=["1.5", "2", "abc", "4", "5", "6"]),
            [0, 1, 0, 1, 0, 1],
            r"Column 'amount' is numeric except for 1 value.*'abc' \(row 2\)"
            r".*to_numeric",
        ),
        (np.array([1.0, 2.0]), [0, 1], "must be 2-D"),
        (np.array([[1.0], [np.inf]]), [0, 1], "infinite"),
        (np.array([["a"], ["b"]]), [0, 1], "not all numbers"),
        (None, [0, 1], "X is None"),
    ],
)
def test_check_X_y_errors(X, y, match):
    """Check that each kind of bad input raises an InputError that names it."""
    with pytest.raises(InputError, match=match):
        check_X_y(X, y)


@pytest.mark.parametrize(
    "y_index, match",
    [
        (
            [3, 2, 1, 0],
            r"^X and y hold the same index labels in a different order \(X's index "
            r"starts 0, 1, 2; y's starts 3, 2, 1\)\. .*y = y\.loc\[X\.index\].*"
            r"X\.reset_index\(drop=True\) and y\.reset_index\(drop=True\)",
        ),
        (
            [1000, 1001, 1002, 1003],
            r"^The index of y differs from the index of X: 4 of y's 4 index labels "
            r"are not in X's index \(1000, 1001, 1002, 1003\)\. evalkit pairs X and "
            r"y by position",
        ),
        (
            [0, 1, 2, 7],
            r"^The index of y differs from the index of X: 1 of y's 4 index labels "
            r"are not in X's index \(7\)",
        ),
    ],
    ids=["reordered", "other-labels", "one-other-label"],
)
def test_y_with_another_index_is_refused(y_index, match):
    """Check that a pandas y whose index differs from X's is refused, saying how."""
    y = pd.Series([0, 1, 0, 1], index=y_index)
    with pytest.raises(InputError, match=match):
        check_X_y(X_OK, y)


def test_y_with_the_same_index_or_none_is_accepted():
    """Check that equal indexes (of any index type) and index-free y are accepted."""
    X = X_OK.set_axis(pd.Index([10, 11, 12, 13]))
    for y in (
        pd.Series([0, 1, 0, 1], index=[10, 11, 12, 13]),
        pd.DataFrame({"label": [0, 1, 0, 1]}, index=[10, 11, 12, 13]),
        np.array([0, 1, 0, 1]),
        [0, 1, 0, 1],
    ):
        _, labels, _ = check_X_y(X, y)
        np.testing.assert_array_equal(labels, [0, 1, 0, 1])
    _, labels, _ = check_X_y(X_OK, pd.Series([0, 1, 0, 1], index=pd.Index(range(4))))
    np.testing.assert_array_equal(labels, [0, 1, 0, 1])


def test_short_repr_caps_long_objects():
    """Check that short_repr keeps short reprs and cuts long ones to 200 characters."""
    assert short_repr("abc") == "'abc'"
    long = short_repr({"rows": list(range(5000))})
    assert len(long) == 200 and long.endswith("...") and "\n" not in long
    with pytest.raises(InputError, match=r"Got \[0, 1, 2, .*\.\.\. instead\.$") as info:
        check_int(list(range(1000)), "n_splits")
    assert len(str(info.value)) < 300


def test_duplicated_column_names():
    """Check that duplicated column names are rejected with the names."""
    X = pd.DataFrame([[1, 2], [3, 4]], columns=["a", "a"])
    with pytest.raises(InputError, match="duplicated column names: 'a'"):
        check_X_y(X, [0, 1])


def test_target_column_also_feature():
    """Check that a target column left among the features is rejected (a leak)."""
    X = pd.DataFrame({"a": [1, 2], "Class": [0, 1]})
    with pytest.raises(InputError, match="also a feature column"):
        check_X_y(X, X["Class"])


@pytest.mark.parametrize(
    "y, expected",
    [
        (pd.Series([0, 1, 0, 1], dtype="Int64"), [0, 1]),
        ([" fraud", "legit ", "legit", "fraud"], ["fraud", "legit"]),
        ([True, False, True, False], [False, True]),
        ([-1, 1, -1, 1], [-1, 1]),
        ([0.0, 1.0, 0.0, 1.0], [0, 1]),
        (pd.Series(["a", "b", "a", "b"], dtype="category"), ["a", "b"]),
    ],
)
def test_labels_are_cleaned(y, expected):
    """Check that nullable, spaced, bool and float labels become clean classes."""
    _, y_clean, _ = check_X_y(X_OK, y)
    assert list(np.unique(y_clean)) == expected


def test_missing_features_are_counted():
    """Check that missing feature values are allowed and counted."""
    X = pd.DataFrame({"a": [1.0, np.nan, 3.0, np.nan]})
    _, _, info = check_X_y(X, [0, 1, 0, 1])
    assert info == {"n_samples": 4, "n_features": 1, "n_missing": 2}


@pytest.mark.parametrize(
    "y, pos_label, expected",
    [
        ([0, 1, 1, 1], None, 1),
        ([False, True, True], None, True),
        ([-1, 1, 1], None, 1),
        (["fraud", "legit", "legit"], None, "fraud"),
        (["a", "b", "b", "a"], None, "b"),
        ([0, 1, 1], 0, 0),
        ([0, 1, 1], "1", 1),
        (["fraud", "legit"], "legit", "legit"),
    ],
)
def test_resolve_pos_label(y, pos_label, expected):
    """Check the positive-class rule: larger of 0/1-like labels, else the minority."""
    chosen, how = resolve_pos_label(
        np.array(y, dtype=object if isinstance(y[0], str) else None), pos_label
    )
    assert chosen == expected
    assert repr(chosen) in how


def test_resolve_pos_label_unknown():
    """Check that a pos_label that is not a label is rejected with the labels."""
    with pytest.raises(
        InputError, match=r"pos_label='x' is not one of the labels \[0, 1\]"
    ):
        resolve_pos_label(np.array([0, 1]), "x")
    with pytest.raises(InputError, match="not one of the labels"):
        resolve_pos_label(np.array([0, 1]), True)


def test_warn_small_classes():
    """Check that fewer positives than folds warns with the counts and a fix (C7)."""
    y = np.array([1] * 3 + [0] * 97)
    with pytest.warns(
        UserWarning, match=r"only 3 rows, fewer than n_splits=5.*n_splits <= 3"
    ):
        warn_small_classes(y, 5)


def test_float32_array_is_checked_without_overflow_warnings():
    """Check that a float32 array's infinite values are found with no cast warning."""
    X = np.ones((4, 2), dtype=np.float32)
    X[1, 0] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError, match=r"X column 0 holds 1 infinite value"):
            check_X_y(X, [0, 1, 0, 1])
        X[1, 0] = 3e38
        assert check_X_y(X, [0, 1, 0, 1])[0].dtype == np.float32


def test_warn_small_classes_own_splitter():
    """Check that a splitter of the user's is named by its folds, not a parameter."""
    y = np.array([1] * 3 + [0] * 97)
    with pytest.warns(
        UserWarning,
        match=r"fewer than the splitter's 5 folds.*splitter with at most 3 folds",
    ):
        warn_small_classes(y, 5, name=None)


@pytest.mark.parametrize(
    "y, n_splits, name, match",
    [
        ([1] + [0] * 9, 2, "n_splits", r"positive class has only 1 row; .*least 2"),
        ([0] + [1] * 9, None, None, r"negative class has only 1 row"),
        ([1] * 3 + [0] * 7, 8, "cv", r"`cv` parameter is 8, more than the 7 rows"),
    ],
)
def test_check_class_counts_refuses(y, n_splits, name, match):
    """Check that folds that cannot be formed are refused with the counts."""
    with pytest.raises(InputError, match=match):
        check_class_counts(np.array(y), n_splits, name=name or "n_splits")


def test_check_class_counts_accepts():
    """Check that 2 rows of a class and as many folds as the larger class pass."""
    assert check_class_counts(np.array([1, 1] + [0] * 7), 7) is None


@pytest.mark.parametrize(
    "value, expected", [(None, None), (0, 0), (2**32 - 1, 2**32 - 1), (np.int64(3), 3)]
)
def test_check_random_state_param_accepts(value, expected):
    """Check that None and ints in [0, 2**32 - 1] pass unchanged."""
    assert check_random_state_param(value) == expected


def test_check_random_state_param_keeps_random_state_object():
    """Check that a RandomState is passed through as the same object."""
    rng = np.random.RandomState(0)
    assert check_random_state_param(rng) is rng


@pytest.mark.parametrize("value", [-1, 2**32, "abc", 1.5, True])
def test_check_random_state_param_refuses(value):
    """Check the scikit-learn-style message for seeds NumPy cannot take."""
    with pytest.raises(InputError, match=r"The `random_state` parameter must be None"):
        check_random_state_param(value)


@pytest.mark.parametrize("value", [0, 1.5, True, "3"])
def test_check_int(value):
    """Check the scikit-learn-style message for bad integer parameters."""
    with pytest.raises(
        InputError,
        match=r"The `n_splits` parameter must be an int in the range \[2, inf\)",
    ):
        check_int(value, "n_splits", low=2)


# ---------------------------------------------------------------- properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, database=None)
@given(
    labels=st.lists(
        st.sampled_from(["fraud", " fraud", "legit ", "legit"]), min_size=2, max_size=30
    ),
    n_features=st.integers(1, 3),
)
def test_check_X_y_properties(labels, n_features):
    """Check that valid input keeps every row and spaced labels merge; one class is an error."""
    X = np.arange(len(labels) * n_features, dtype=float).reshape(
        len(labels), n_features
    )
    stripped = {label.strip() for label in labels}
    if len(stripped) < 2:
        with pytest.raises(InputError, match="single class"):
            check_X_y(X, labels)
        return
    X_out, y_out, info = check_X_y(X, labels)
    assert len(y_out) == len(labels) == info["n_samples"]
    assert set(y_out) == stripped
    pos, _ = resolve_pos_label(y_out)
    counts = {c: list(y_out).count(c) for c in stripped}
    if counts["fraud"] != counts["legit"]:
        assert pos == min(counts, key=counts.get)


def _n(n=100):
    rng = np.random.RandomState(0)
    return rng.normal(size=n)


@pytest.mark.parametrize(
    "column, match",
    [
        (
            {"Unnamed: 0": np.arange(100)},
            r"'Unnamed: 0' holds a different whole number in every row, in increasing order.*leak",
        ),
        (
            {"transaction_id": np.random.RandomState(1).permutation(100)},
            r"'transaction_id' holds a different whole number in every row: it looks like a row index",
        ),
        ({"empty": np.full(100, np.nan)}, r"'empty' holds no value at all"),
        (
            {"amount": [f"{1000 + i:,}.50" for i in range(100)]},
            r"thousands separators \(such as '1,000.50'\)",
        ),
        (
            {"card": [f"card{i}" for i in range(100)]},
            r"'card' has 100 distinct values in 100 rows: it looks like an ID",
        ),
        (
            {"count": [str(i % 7) for i in range(100)]},
            r"'count' holds numbers stored as text",
        ),
    ],
)
def test_suspicious_columns_warn(column, match):
    """Check that index/ID columns, empty columns and numbers stored as text are named in a warning."""
    X = pd.DataFrame({"x": _n(), **column})
    y = np.array([0, 1] * 50)
    with pytest.warns(UserWarning, match=match):
        check_X_y(X, y)


def test_ordinary_columns_do_not_warn():
    """Check that real features (floats, small whole-number counts, categories) raise no warning."""
    import warnings as _w

    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {
            "amount": rng.lognormal(size=100),
            "count": rng.randint(0, 5, 100),
            "channel": rng.choice(["a", "b", "c"], 100),
        }
    )
    with _w.catch_warnings():
        _w.simplefilter("error")
        check_X_y(X, np.array([0, 1] * 50))
