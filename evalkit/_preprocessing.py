"""Default preprocessing chosen from the dtypes of the feature matrix.

The preprocessor is the first step of every pipeline that evalkit builds, so
imputation, scaling and one-hot encoding are learned on the training part of
each fold only, *before* any resampler sees the rows. Synthetic rows made by a
SMOTE-family sampler therefore never hold a missing value or an unseen
category. They may, however, hold fractional one-hot values (for example
``0.3`` for ``channel_online``): SMOTE interpolates between two real rows in
the encoded space. For tree models and neural networks this is harmless; if
you need synthetic rows with crisp categories, pass an imbalanced-learn
``SMOTENC`` sampler as the strategy together with your own preprocessing.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["UnsupportedColumnsError", "make_preprocessor"]


class UnsupportedColumnsError(TypeError):
    """Columns that are neither numeric nor categorical (datetimes, ...).

    Attributes
    ----------
    columns : list of (column, dtype)
        The columns the default preprocessing cannot encode.
    """

    def __init__(self, message, columns):
        super().__init__(message)
        self.columns = columns


def _as_clean_strings(X):
    """Turn categorical values into strings and every missing marker into NaN.

    ``None``, ``pd.NA`` and ``NaN`` all become ``np.nan`` so that the imputer
    recognises them; other values become ``str`` so that a column mixing, say,
    booleans and strings can still be sorted by the encoder.
    """
    frame = pd.DataFrame(X).astype(object)
    missing = frame.isna().to_numpy()
    values = frame.to_numpy().astype(str).astype(object)
    values[missing] = np.nan
    return values


def _all_columns(X):
    """Select every column by position, for arrays and DataFrames alike."""
    return list(range(X.shape[1]))


class MedianImputer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Replace missing values (NaN) of each column with the column's median.

    The same values as ``SimpleImputer(strategy="median")``, computed with
    ``numpy.nanmedian`` instead of masked arrays (about 6 times faster on
    40,000 x 30), which matters when the imputer is refitted in every fold.  A
    column with no observed value is imputed with 0 and kept.

    Attributes
    ----------
    statistics_ : ndarray of shape (n_features,)
        The median of each column over the rows seen in ``fit``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            medians = np.nanmedian(X, axis=0) if len(X) else np.zeros(X.shape[1])
        self.statistics_ = np.where(np.isnan(medians), 0.0, medians)
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False
        )
        missing = np.isnan(X)
        if missing.any():
            X = np.where(missing, self.statistics_, X)
        return X


def _numeric_pipeline():
    return Pipeline(
        [
            ("impute", MedianImputer()),
            ("scale", StandardScaler()),
        ]
    )


def _categorical_pipeline():
    return Pipeline(
        [
            (
                "to_string",
                FunctionTransformer(_as_clean_strings, feature_names_out="one-to-one"),
            ),
            ("impute", SimpleImputer(strategy="most_frequent")),
            (
                "encode",
                OneHotEncoder(
                    handle_unknown="ignore", sparse_output=False, dtype=np.float64
                ),
            ),
        ]
    )


def _split_columns(X):
    """Sort the columns of a DataFrame into numeric and categorical ones."""
    numeric, categorical, other = [], [], []
    for column, dtype in X.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            categorical.append(column)
        elif pd.api.types.is_numeric_dtype(dtype):
            numeric.append(column)
        elif (
            isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
        ):
            categorical.append(column)
        else:
            other.append((column, dtype))
    return numeric, categorical, other


# The fix for columns the default preprocessing cannot encode.
CONVERT_COLUMNS = (
    "Convert these columns, for example datetimes to numeric features such as the "
    "hour, or drop them before evaluating."
)


def make_preprocessor(X=None):
    """Build an unfitted preprocessor suited to the dtypes of ``X``.

    Numeric columns are imputed with their median and standardised.
    Categorical columns of a DataFrame (``object``, ``category``, ``bool`` and
    string dtypes) are imputed with their most frequent value and one-hot
    encoded, ignoring categories unseen during ``fit``. The output is always a
    dense float array. Infinite values are not imputed: the scaler raises a
    ``ValueError`` on them rather than passing them to a model.

    Parameters
    ----------
    X : {array-like, pandas.DataFrame} of shape (n_samples, n_features), \
            default=None
        Data whose dtypes decide the preprocessing. Only the column names and
        dtypes of a DataFrame are read; nothing is fitted. An array, or
        ``None``, gives numeric imputation and scaling of every column.

    Returns
    -------
    preprocessor : sklearn.compose.ColumnTransformer
        An unfitted transformer with the transformers ``"numeric"`` and
        ``"categorical"`` (each present only when such columns exist). For an
        array or ``None`` it has a single ``"numeric"`` transformer, a
        ``MedianImputer()`` (the values of ``SimpleImputer(strategy="median")``)
        and a ``StandardScaler()``, applied
        to all columns.

    Raises
    ------
    UnsupportedColumnsError
        A ``TypeError``, if a DataFrame column has a dtype that is neither
        numeric nor categorical (for example datetimes).
    ValueError
        If a DataFrame has no columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit._preprocessing import make_preprocessor
    >>> X = pd.DataFrame({"amount": [1.0, None, 3.0], "channel": ["pos", "atm", None]})
    >>> make_preprocessor(X).fit_transform(X).shape
    (3, 3)
    """
    if not isinstance(X, pd.DataFrame):
        # A ColumnTransformer (not a Pipeline) so that it can be a step of an
        # imbalanced-learn Pipeline, which refuses nested pipelines.
        return ColumnTransformer(
            [("numeric", _numeric_pipeline(), _all_columns)], sparse_threshold=0.0
        )

    if X.shape[1] == 0:
        raise ValueError(
            "make_preprocessor needs at least one feature column; got a DataFrame "
            "with 0 columns."
        )
    numeric, categorical, other = _split_columns(X)
    if other:
        listed = ", ".join(f"{column!r} ({dtype})" for column, dtype in other)
        raise UnsupportedColumnsError(
            "make_preprocessor handles numeric and categorical (object, category, "
            f"bool, string) columns only; got {listed}. {CONVERT_COLUMNS}",
            other,
        )
    transformers = []
    if numeric:
        transformers.append(("numeric", _numeric_pipeline(), numeric))
    if categorical:
        transformers.append(("categorical", _categorical_pipeline(), categorical))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)
