"""Input checks at evalkit's boundary, with the error messages users see.

Every check here either returns clean data or raises :class:`InputError` (a
``ValueError``) whose message names the problem, shows what was received and
says how to fix it.  The command line turns these into one line on stderr and
exit code 2.
"""

import numbers
import re
import warnings

import numpy as np
import pandas as pd

__all__ = [
    "InputError",
    "check_class_counts",
    "check_int",
    "check_random_state_param",
    "check_X_y",
    "resolve_pos_label",
    "short_repr",
    "warn_small_classes",
]

_SHOW = 5  # how many offending values or rows a message quotes
_REPR_LIMIT = 200  # longest repr() of a user object that a message quotes


class InputError(ValueError):
    """Input that evalkit cannot use, with a message that says how to fix it."""


def short_repr(value, limit=_REPR_LIMIT):
    """Return ``repr(value)`` on one line, cut to ``limit`` characters.

    Messages quote what the user passed; a splitter given as a list of index
    arrays or a large dict would otherwise fill the screen.

    Parameters
    ----------
    value : object
    limit : int, default=200
        Longest text returned, ``...`` included.

    Returns
    -------
    text : str

    Examples
    --------
    >>> from evalkit._validation import short_repr
    >>> short_repr(list(range(100)), limit=20)
    '[0, 1, 2, 3, 4, 5...'
    """
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_int(value, name, *, low=1, high=None):
    """Check that ``value`` is an int in ``[low, high]``.

    Parameters
    ----------
    value : object
    name : str
        Parameter name for the message.
    low, high : int or None
        Inclusive bounds; ``None`` means unbounded.

    Returns
    -------
    value : int
    """
    bad = isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral)
    if bad or (low is not None and value < low) or (high is not None and value > high):
        upper = "inf)" if high is None else f"{high}]"
        lower = "(-inf" if low is None else f"[{low}"
        raise InputError(
            f"The `{name}` parameter must be an int in the range {lower}, {upper}. "
            f"Got {short_repr(value)} instead."
        )
    return int(value)


def check_random_state_param(value, name="random_state"):
    """Check that ``value`` can seed NumPy: None, an int or a RandomState.

    Parameters
    ----------
    value : object
    name : str, default="random_state"
        Parameter name for the message.

    Returns
    -------
    value : None, int or numpy.random.RandomState
    """
    if value is None or isinstance(value, np.random.RandomState):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        if 0 <= value <= 2**32 - 1:
            return int(value)
    raise InputError(
        f"The `{name}` parameter must be None, an int in the range [0, 2**32 - 1] "
        f"or a numpy.random.RandomState. Got {short_repr(value)} instead."
    )


def _quote(values):
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    shown = ", ".join(repr(v) for v in values[:_SHOW])
    return shown + (f" and {len(values) - _SHOW} more" if len(values) > _SHOW else "")


# Squaring a value above this overflows float64 once a few rows are summed, as
# scaling (a variance) and every gradient step do; the result would be NaN.
_HUGE = 1e150


def _collect_out_of_range(where, values, index, found):
    """Append descriptions of infinite and overflowing values in ``values``."""
    infinite = np.isinf(values)
    if infinite.any():
        rows = _quote(list(index[infinite]))
        found["inf"].append(
            f"{where} holds {int(infinite.sum())} infinite value(s) (rows {rows})"
        )
    if float(np.finfo(values.dtype).max) <= _HUGE:
        return  # float32 and narrower cannot hold such values
    with np.errstate(invalid="ignore"):
        huge = np.isfinite(values) & (np.abs(values) > _HUGE)
    if huge.any():
        largest = float(np.max(np.abs(values[huge])))
        rows = _quote(list(index[huge]))
        found["huge"].append(
            f"{where} holds {int(huge.sum())} value(s) as large as {largest:.3g} "
            f"(rows {rows})"
        )


def _joined(parts):
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def _raise_out_of_range(found):
    if found["inf"]:
        raise InputError(
            f"{_joined(found['inf'])}. Replace them with finite values or with NaN "
            "(evalkit imputes NaN inside each training fold)."
        )
    if found["huge"]:
        raise InputError(
            f"{_joined(found['huge'])}: squaring values beyond {_HUGE:.0e}, as "
            "scaling and training do, overflows to infinity and then NaN. Rescale "
            "these values, for example divide the column by a power of ten or take "
            "a logarithm."
        )


def _check_frame_columns(X):
    bad_values = {"inf": [], "huge": []}
    if X.columns.duplicated().any():
        dup = list(dict.fromkeys(X.columns[X.columns.duplicated()]))
        raise InputError(
            f"X has duplicated column names: {_quote(dup)}. Rename or drop the "
            "duplicates so that every feature has one name."
        )
    for col in X.columns:
        series = X[col]
        if (
            pd.api.types.is_bool_dtype(series)
            or isinstance(series.dtype, pd.CategoricalDtype)
            or pd.api.types.is_datetime64_any_dtype(series)
            or pd.api.types.is_timedelta64_dtype(series)
        ):
            # Datetimes are refused by the preprocessing, with the column named.
            continue
        if pd.api.types.is_numeric_dtype(series):
            values = series.to_numpy(dtype=np.float64, na_value=np.nan)
            _collect_out_of_range(f"column {col!r}", values, series.index, bad_values)
            _warn_if_empty(col, values)
            _warn_if_row_id(col, values)
            continue
        # Text column: categorical, dates, or numeric with a few junk strings?
        present = series.dropna()
        if present.empty:
            _warn_if_empty(col, np.full(len(series), np.nan))
            continue
        _warn_if_dates(col, present)
        as_number = pd.to_numeric(present.astype(str).str.strip(), errors="coerce")
        n_bad = int(as_number.isna().sum())
        if 0 < n_bad and n_bad <= 0.2 * len(present) and len(present) - n_bad >= 2:
            bad = present[as_number.isna()]
            examples = ", ".join(
                f"{v!r} (row {i!r})" for i, v in list(bad.items())[:_SHOW]
            )
            raise InputError(
                f"Column {col!r} is numeric except for {n_bad} value(s) that are not "
                f"numbers: {examples}. Fix or remove those rows, or convert the "
                f"column with pandas.to_numeric(X[{col!r}], errors='coerce') to "
                "treat them as missing values."
            )
        if n_bad == 0:
            _warn(
                f"Column {col!r} holds numbers stored as text; it is one-hot encoded "
                f"as categories. Convert it with pandas.to_numeric(X[{col!r}]) if "
                "the numbers are amounts or counts."
            )
            continue
        _warn_if_text_numbers_or_ids(col, present, len(series))
    _raise_out_of_range(bad_values)


_ID_NAME = re.compile(r"(^|[_\s.])(id|idx|index|key|row)$|^unnamed", re.IGNORECASE)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _warn(message):
    warnings.warn(message, UserWarning, stacklevel=5)


def _warn_if_empty(col, values):
    if len(values) and np.isnan(values).all():
        _warn(
            f"Column {col!r} holds no value at all; it carries no information "
            "(it is imputed with a constant in every fold). Drop it."
        )


def _warn_if_row_id(col, values):
    """A whole number that differs in every row looks like a row index or an ID."""
    present = values[~np.isnan(values)]
    if (
        len(present) < 20
        or len(present) < len(values)
        or not np.all(present == np.round(present))
    ):
        return
    if len(np.unique(present)) != len(present):
        return
    ordered = bool(np.all(np.diff(present) > 0))
    if not (ordered or _ID_NAME.search(str(col))):
        return
    warnings.warn(
        f"Column {col!r} holds a different whole number in every row"
        f"{', in increasing order' if ordered else ''}: it looks like a row index "
        "or an ID. If the rows are sorted (by time or by label) it can leak the "
        "label into the model; drop it unless it is a real feature (a file saved "
        "with pandas' index gets such a column, 'Unnamed: 0').",
        UserWarning,
        stacklevel=5,
    )


def _warn_if_text_numbers_or_ids(col, present, n_rows):
    text = present.astype(str).str.strip()
    if text.str.match(_THOUSANDS).mean() > 0.5:
        _warn(
            f"Column {col!r} holds numbers written with thousands separators "
            f"(such as {text[text.str.match(_THOUSANDS)].iloc[0]!r}); it is read as "
            f"text and one-hot encoded. Convert it: pandas.to_numeric(X[{col!r}]"
            ".str.replace(',', ''))."
        )
        return
    n_levels = text.nunique()
    if n_rows >= 50 and n_levels > 0.5 * n_rows:
        _warn(
            f"Column {col!r} has {n_levels} distinct values in {n_rows} rows: it "
            "looks like an ID or free text. One-hot encoding makes a column per "
            "value and says nothing about new rows; drop it, or turn it into counts "
            "or frequencies."
        )


def _warn_if_dates(col, present):
    sample = present.astype(str).str.strip().iloc[:200]
    if (
        not sample.str.contains(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", regex=True).mean()
        > 0.9
    ):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    if parsed.notna().mean() > 0.9:
        warnings.warn(
            f"Column {col!r} looks like dates or times; it is treated as categorical "
            "text and one-hot encoded. Turn it into numbers (hour, day of week, days "
            "since an event) or drop it.",
            UserWarning,
            stacklevel=4,
        )


def _check_array(X):
    X = np.asarray(X)
    if X.ndim == 1:
        raise InputError(
            f"X must be 2-D (rows x features); got a 1-D array of length {len(X)}. "
            "Use X.reshape(-1, 1) for a single feature."
        )
    if X.ndim != 2:
        raise InputError(f"X must be 2-D (rows x features); got shape {X.shape}.")
    if X.dtype.kind not in "biuf":
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"X is an array of {X.dtype} that is not all numbers ({exc}). Pass a "
                "pandas DataFrame so that text columns are encoded, or convert X to "
                "numbers."
            ) from exc
    if X.dtype.kind == "f":
        bad_values = {"inf": [], "huge": []}
        rows = np.arange(X.shape[0])
        for j in range(X.shape[1]):
            _collect_out_of_range(f"X column {j}", X[:, j], rows, bad_values)
        _raise_out_of_range(bad_values)
    return X


def _clean_labels(y):
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise InputError(
                f"y must be one column of labels; got a DataFrame with {y.shape[1]} "
                "columns. Pass the target column only, for example df['Class']."
            )
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        n_na = int(y.isna().sum())
        if n_na:
            raise InputError(
                f"y has {n_na} missing label(s). Drop those rows before evaluating "
                "(for example df = df.dropna(subset=[target]))."
            )
        dtype = y.dtype
        if pd.api.types.is_bool_dtype(dtype):
            y = y.to_numpy(dtype=bool)
        elif pd.api.types.is_integer_dtype(dtype):
            y = y.to_numpy(dtype=np.int64)
        elif pd.api.types.is_float_dtype(dtype):
            y = y.to_numpy(dtype=np.float64)
        else:
            y = y.to_numpy(dtype=object)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise InputError(f"y must be 1-D; got shape {y.shape}.")
    if y.dtype.kind == "f":
        n_na = int(np.isnan(y).sum())
        if n_na:
            raise InputError(
                f"y has {n_na} missing label(s). Drop those rows before evaluating."
            )
        if np.all(y == np.round(y)):
            y = y.astype(np.int64)
    elif y.dtype.kind in "OUS":
        n_na = int(pd.isna(y).sum())
        if n_na:
            raise InputError(
                f"y has {n_na} missing label(s). Drop those rows before evaluating."
            )
        y = np.array([v.strip() if isinstance(v, str) else v for v in y], dtype=object)
        kinds = {type(v) for v in y}
        if len(kinds) > 1:
            raise InputError(
                "y mixes label types "
                f"({', '.join(sorted(k.__name__ for k in kinds))}); use one type, "
                "for example all strings."
            )
    return y


def _check_same_index(x_index, y_index):
    """Refuse a y whose pandas index differs from X's: rows pair by position."""
    if x_index.equals(y_index):
        return
    reordered = (
        x_index.is_unique
        and y_index.is_unique
        and bool(pd.Index(y_index).isin(x_index).all())
    )
    if reordered:
        how = (
            "X and y hold the same index labels in a different order (X's index "
            f"starts {_quote(list(x_index[:3]))}; y's starts "
            f"{_quote(list(y_index[:3]))})"
        )
    else:
        foreign = list(pd.Index(y_index)[~pd.Index(y_index).isin(x_index)])
        how = (
            f"The index of y differs from the index of X: {len(foreign)} of y's "
            f"{len(y_index)} index labels are not in X's index ({_quote(foreign)})"
        )
    raise InputError(
        f"{how}. evalkit pairs X and y by position, so rows would get the labels of "
        "other rows. Align y on X's index with y = y.loc[X.index], or, if the order "
        "of the rows is what matters, drop both indexes with "
        "X.reset_index(drop=True) and y.reset_index(drop=True)."
    )


def check_X_y(X, y):
    """Validate features and labels at evalkit's boundary.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        Features.  DataFrame text, category and bool columns are kept for the
        preprocessing to encode; missing values (NaN) are allowed and imputed
        inside each training fold by the default preprocessing.
    y : array-like of shape (n_samples,)
        Binary labels of any type: ints, bools, strings (surrounding spaces are
        stripped), {-1, 1}, pandas nullable dtypes without missing values.
        Rows of X and y are paired by position, so a pandas ``y`` must have
        the same index as a DataFrame ``X`` (same labels, same order).

    Returns
    -------
    X : pandas.DataFrame or numpy.ndarray
    y : numpy.ndarray
        Cleaned labels.
    info : dict
        ``n_samples``, ``n_features``, ``n_missing`` (missing feature values,
        imputed inside each training fold).
    """
    if X is None:
        raise InputError("X is None; pass the feature table or array.")
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        if X.shape[1] == 0:
            raise InputError("X has no feature columns.")
        n_missing = int(X.isna().sum().sum())
    else:
        X = _check_array(X)
        n_missing = int(np.isnan(X).sum()) if X.dtype.kind == "f" else 0
        if X.shape[1] == 0:
            raise InputError("X has no feature columns.")
    if len(X) == 0:
        raise InputError("X is empty (0 rows); evaluation needs data.")
    if isinstance(X, pd.DataFrame):
        _check_frame_columns(X)
    if y is None:
        raise InputError("y is None; pass the labels.")
    y_name = getattr(y, "name", None)
    y_index = y.index if isinstance(y, (pd.Series, pd.DataFrame)) else None
    y = _clean_labels(y)
    if len(y) != len(X):
        raise InputError(
            f"X and y have different lengths: X has {len(X)} rows, y has {len(y)}. "
            "Pass labels for exactly the rows of X."
        )
    if isinstance(X, pd.DataFrame) and y_index is not None:
        _check_same_index(X.index, y_index)
    if isinstance(X, pd.DataFrame) and y_name is not None and y_name in X.columns:
        raise InputError(
            f"The target {y_name!r} is also a feature column of X, which would leak "
            f"the label into the model. Drop it from X (X.drop(columns=[{y_name!r}]))."
        )
    classes = np.unique(y)
    if len(classes) < 2:
        raise InputError(
            f"y has a single class ({_quote(classes)}); a binary classifier needs "
            "rows of both classes."
        )
    if len(classes) > 2:
        raise InputError(
            f"y has {len(classes)} classes ({_quote(classes)}); evalkit evaluates "
            "binary problems. Binarise the labels first, for example "
            "y = (y == 'fraud')."
        )
    info = {"n_samples": len(y), "n_features": X.shape[1], "n_missing": n_missing}
    return X, y, info


def resolve_pos_label(y, pos_label=None):
    """Choose the positive class.

    Parameters
    ----------
    y : numpy.ndarray
        Clean binary labels (see :func:`check_X_y`).
    pos_label : object or None, default=None
        ``None`` picks the larger label for {0, 1}, {False, True} and {-1, 1},
        and the minority class otherwise.  An explicit value must be one of
        the labels; a string that spells a label (``"1"`` for the int ``1``,
        as given on the command line) also matches.

    Returns
    -------
    pos_label : object
        One of the labels.
    how : str
        A sentence saying how it was chosen, for reports.
    """
    classes, counts = np.unique(y, return_counts=True)
    classes = [c.item() if isinstance(c, np.generic) else c for c in classes]
    if pos_label is not None:
        is_bool = isinstance(pos_label, (bool, np.bool_))
        for c in classes:
            if c == pos_label and isinstance(c, (bool, np.bool_)) == is_bool:
                return c, f"pos_label={c!r} as given"
        if isinstance(pos_label, str):
            matches = [c for c in classes if str(c) == pos_label.strip()]
            if len(matches) == 1:
                return matches[0], f"pos_label={matches[0]!r} as given"
        raise InputError(
            f"pos_label={short_repr(pos_label)} is not one of the labels {classes}. "
            "Pass one of them."
        )
    if set(classes) in ({0, 1}, {False, True}, {-1, 1}):
        return classes[1], f"pos_label={classes[1]!r}: the larger of the labels"
    if counts[0] == counts[1]:
        return classes[1], (
            f"pos_label={classes[1]!r}: classes are balanced, the second label in "
            "sorted order"
        )
    chosen = classes[int(np.argmin(counts))]
    return chosen, f"pos_label={chosen!r}: the minority class"


def _class_sizes(y_bin):
    n_pos = int(np.sum(y_bin == 1))
    n_neg = len(y_bin) - n_pos
    which = "positive" if n_pos <= n_neg else "negative"
    return min(n_pos, n_neg), max(n_pos, n_neg), which


def check_class_counts(y_bin, n_splits, *, name="n_splits"):
    """Check that the classes are large enough for stratified folds.

    Parameters
    ----------
    y_bin : numpy.ndarray
        1 for the positive class, 0 otherwise.
    n_splits : int or None
        Stratified folds per repeat; ``None`` for a splitter of the user's,
        which is then only checked for 2 rows of each class.
    name : str, default="n_splits"
        The parameter that set ``n_splits``, for messages.

    Raises
    ------
    InputError
        When a class has fewer than 2 rows (no training part and test fold
        can both hold it), or when there are more folds than rows of the
        larger class, so that stratified folds cannot be formed at all.
    """
    smallest, largest, which = _class_sizes(y_bin)
    if smallest < 2:
        raise InputError(
            f"The {which} class has only {smallest} row; cross-validation needs at "
            "least 2 rows of each class, so that a training part and a test fold "
            f"can both hold one. Add rows of the {which} class."
        )
    if n_splits is not None and n_splits > largest:
        raise InputError(
            f"The `{name}` parameter is {n_splits}, more than the {largest} rows of "
            f"the larger class: stratified folds cannot be formed. Use {name} <= "
            f"{smallest} (the {which} class's rows) so that every test fold holds "
            "both classes."
        )


def warn_small_classes(y_bin, n_splits, *, name="n_splits"):
    """Warn when a class has fewer rows than there are folds.

    Parameters
    ----------
    y_bin : numpy.ndarray
        1 for the positive class, 0 otherwise.
    n_splits : int
        Folds per repeat.
    name : str or None, default="n_splits"
        The parameter that set ``n_splits``; ``None`` for a splitter of the
        user's.
    """
    smallest, _, which = _class_sizes(y_bin)
    if smallest < n_splits:
        folds = f"{name}={n_splits}" if name else f"the splitter's {n_splits} folds"
        fix = (
            f"Use {name} <= {smallest}"
            if name
            else f"Use a splitter with at most {smallest} folds"
        )
        warnings.warn(
            f"The {which} class has only {smallest} rows, fewer than {folds}: some "
            f"test folds will hold no {which} row, and metrics that need both "
            f"classes will be NaN there. {fix} for a value in every fold.",
            UserWarning,
            stacklevel=3,
        )
