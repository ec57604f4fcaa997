import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression

from evalkit._preprocessing import make_preprocessor


def _mixed_frame():
    return pd.DataFrame(
        {
            "amount": [10.0, np.nan, 30.0, 40.0, 50.0, 60.0],
            "count": [1, 2, 3, 4, 5, 6],
            "channel": ["pos", "atm", None, "pos", "online", "pos"],
            "kind": pd.Categorical(["a", None, "b", "a", "b", "a"]),
            "present": [True, False, True, True, False, True],
            "maybe": [True, None, False, True, False, np.nan],
        }
    )


def test_make_preprocessor_dataframe_columns_by_dtype():
    """Check that numeric and categorical columns get their own transformer."""
    X = _mixed_frame()
    preprocessor = make_preprocessor(X)
    assert isinstance(preprocessor, ColumnTransformer)
    columns = {name: cols for name, _, cols in preprocessor.transformers}
    assert columns == {
        "numeric": ["amount", "count"],
        "categorical": ["channel", "kind", "present", "maybe"],
    }


def test_make_preprocessor_output_dense_float_without_nan():
    """Check that the output is a dense float array with NaNs imputed."""
    X = _mixed_frame()
    out = make_preprocessor(X).fit_transform(X)
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64
    assert np.isfinite(out).all()
    # 2 numeric + channel(3) + kind(2) + present(2) + maybe(2)
    assert out.shape == (6, 11)
    # Scaled numeric columns have mean 0.
    np.testing.assert_allclose(out[:, :2].mean(axis=0), 0.0, atol=1e-12)
    # One-hot blocks sum to one in every row.
    np.testing.assert_allclose(out[:, 2:5].sum(axis=1), 1.0)


def test_make_preprocessor_imputes_most_frequent_category():
    """Check that a missing category is replaced by the most frequent one."""
    X = _mixed_frame()
    preprocessor = make_preprocessor(X).fit(X)
    names = list(preprocessor.get_feature_names_out())
    out = preprocessor.transform(X)
    # Row 2 has channel None; "pos" is the most frequent value.
    assert out[2, names.index("categorical__channel_pos")] == 1.0


def test_make_preprocessor_ignores_unknown_category():
    """Check that a category unseen in fit encodes as all zeros, not an error."""
    X = _mixed_frame()
    preprocessor = make_preprocessor(X).fit(X)
    names = list(preprocessor.get_feature_names_out())
    new = X.iloc[:1].copy()
    new["channel"] = ["kiosk"]
    out = preprocessor.transform(new)
    channel_columns = [i for i, n in enumerate(names) if "channel_" in n]
    assert out[0, channel_columns].sum() == 0.0


@pytest.mark.parametrize("X", [None, np.arange(12.0).reshape(4, 3)])
def test_make_preprocessor_array_or_none_is_numeric(X):
    """Check that an array or None gives median imputation and scaling."""
    preprocessor = make_preprocessor(X)
    data = np.array([[1.0, 2.0], [np.nan, 4.0], [3.0, 6.0]])
    out = preprocessor.fit_transform(data)
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out[1, 0], 0.0, atol=1e-12)  # median of 1 and 3


def test_make_preprocessor_is_a_valid_imblearn_step():
    """Check that the preprocessor can precede a sampler in an imblearn Pipeline."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=60),
            "text": rng.choice(["a", "b", "c"], size=60).astype(object),
        }
    )
    X.loc[::7, "x"] = np.nan
    X.loc[::9, "text"] = None
    y = np.array([1] * 12 + [0] * 48)
    pipe = Pipeline(
        [
            ("preprocess", make_preprocessor(X)),
            ("sampler", SMOTE(k_neighbors=3, random_state=0)),
            ("classifier", LogisticRegression()),
        ]
    ).fit(X, y)
    assert pipe.predict_proba(X).shape == (60, 2)


@pytest.mark.parametrize(
    "X, data",
    [
        (None, np.array([[1.0], [np.inf], [2.0]])),
        (pd.DataFrame({"a": [1.0, 2.0]}), pd.DataFrame({"a": [1.0, np.inf, 2.0]})),
    ],
)
def test_make_preprocessor_rejects_infinity(X, data):
    """Check that infinite values raise instead of reaching the model."""
    with pytest.raises(ValueError, match="infinity"):
        make_preprocessor(X).fit_transform(data)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (
            pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2024-01-02"])}),
            TypeError,
            r"'when' \(datetime64",
        ),
        (pd.DataFrame(index=range(3)), ValueError, "at least one feature column"),
    ],
)
def test_make_preprocessor_errors(X, error, match):
    """Check that unsupported frames raise errors naming the problem."""
    with pytest.raises(error, match=match):
        make_preprocessor(X)


def test_median_imputer_matches_simple_imputer():
    """Check that MedianImputer gives SimpleImputer(strategy='median')'s values, and keeps empty columns."""
    from sklearn.impute import SimpleImputer
    from sklearn.utils.estimator_checks import check_estimator

    from evalkit._preprocessing import MedianImputer

    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    X[rng.rand(200, 4) < 0.2] = np.nan
    expected = SimpleImputer(strategy="median").fit_transform(X)
    np.testing.assert_allclose(MedianImputer().fit_transform(X), expected)
    X[:, 2] = np.nan
    out = MedianImputer().fit(X).transform(X)
    assert out.shape == (200, 4) and (out[:, 2] == 0).all()
    import warnings

    from sklearn.exceptions import SkipTestWarning

    with warnings.catch_warnings():
        # Checks that need optional array-API libraries skip themselves.
        warnings.simplefilter("ignore", SkipTestWarning)
        check_estimator(MedianImputer())
