"""Every bad-input case of docs/bad-input.md, from Python and from the command line."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import FixedThresholdClassifier, KFold
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from evalkit import evaluate
from evalkit._validation import InputError
from evalkit.cli import main

N = 200


def _y(n_pos=40, n=N, seed=0):
    rng = np.random.RandomState(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, n_pos, replace=False)] = 1
    return y


def _X(y, seed=1):
    rng = np.random.RandomState(seed)
    n = len(y)
    return pd.DataFrame(
        {
            "a": np.round(rng.normal(size=n) + 3.0 * y, 3),
            "b": np.round(rng.normal(size=n), 3),
            "c": np.round(rng.normal(size=n), 3),
        }
    )


def _clean():
    y = _y()
    return _X(y), y


# ----------------------------------------------------------------- Python


def _missing():
    X, y = _clean()
    X.iloc[[1, 5, 9], 0] = np.nan
    return X, y, {}


def _infinite():
    X, y = _clean()
    X.iloc[3, 1] = np.inf
    return X, y, {}


def _infinite_array():
    X, y = _clean()
    X.iloc[3, 1] = -np.inf
    return X.to_numpy(), y, {}


def _infinite_two_columns():
    X, y = _clean()
    X.iloc[3, 1] = np.inf
    X.iloc[[5, 7], 0] = -np.inf
    return X, y, {}


def _huge():
    X, y = _clean()
    X.iloc[:, 1] = 1e300
    return X, y, {}


def _huge_array():
    X, y = _clean()
    X.iloc[2, 0] = -2e160
    return X.to_numpy(), y, {}


def _missing_no_preprocessing():
    X, y, _ = _missing()
    return X, y, {"preprocessing": None}


def _datetime():
    X, y = _clean()
    return X.assign(when=pd.date_range("2020-01-01", periods=N, freq="h")), y, {}


def _text_column(**kwargs):
    def make():
        X, y = _clean()
        channel = np.where(np.arange(N) % 3 == 0, "online", "pos")
        return X.assign(channel=channel), y, kwargs

    return make


def _y_index(kind):
    def make():
        X, y = _clean()
        y = pd.Series(y)
        if kind == "shuffled":
            y = y.sample(frac=1, random_state=1)
        else:
            y.index = y.index + 1000
        return X, y, {}

    return make


def _junk_strings():
    X, y = _clean()
    amount = X["b"].astype(object)
    amount.iloc[[4, 8]] = ["n/a", "?"]
    return X.assign(b=amount), y, {}


def _labels(kind):
    def make():
        X, y = _clean()
        labels = {
            "str": np.where(y == 1, "fraud", "legit"),
            "bool": y == 1,
            "pm1": np.where(y == 1, 1, -1),
            "Int64": pd.Series(y, dtype="Int64"),
            "spaces": np.where(y == 1, " fraud", "legit  "),
        }[kind]
        return X, labels, {}

    return make


def _labels_int64_with_na():
    X, y = _clean()
    return X, pd.Series(y, dtype="Int64").mask(np.arange(N) == 3), {}


def _three_classes():
    X, _ = _clean()
    return X, np.arange(N) % 3, {}


def _single_class():
    X, _ = _clean()
    return X, np.zeros(N, dtype=int), {}


def _pos_label_absent():
    X, y = _clean()
    return X, y, {"pos_label": 2}


def _few_positives():
    y = _y(n_pos=3)
    return _X(y), y, {"n_splits": 5}


def _one_positive():
    y = _y(n_pos=1)
    return _X(y), y, {}


def _smote_small_minority():
    y = _y(n_pos=6)
    return _X(y), y, {"strategies": ["smote"]}


def _length_mismatch():
    X, y = _clean()
    return X, y[:-1], {}


def _empty():
    X, y = _clean()
    return X.iloc[:0], y[:0], {}


def _duplicated_columns():
    X, y = _clean()
    X.columns = ["a", "a", "c"]
    return X, y, {}


def _target_is_feature():
    X, y = _clean()
    return X.assign(Class=y), pd.Series(y, name="Class"), {}


def _pipeline_with_sampler(strategy):
    def make():
        X, y = _clean()
        pipeline = make_pipeline(
            RandomOverSampler(random_state=0), LogisticRegression()
        )
        return X, y, {"estimator": pipeline, "strategies": [strategy]}

    return make


def _threshold_clash():
    X, y = _clean()
    own = FixedThresholdClassifier(LogisticRegression(), threshold=0.3)
    return X, y, {"estimator": own, "threshold": 0.6}


def _threshold_clash_other_class():
    X, y = _clean()
    own = FixedThresholdClassifier(LogisticRegression(), threshold=0.3)
    labels = np.where(y == 1, "fraud", "legit")
    return X, labels, {"estimator": own, "threshold": 0.3}


def _sample_weight(strategies):
    def make():
        X, y = _clean()
        return (
            X,
            y,
            {"strategies": strategies, "fit_params": {"sample_weight": np.ones(N)}},
        )

    return make


def _options(**kwargs):
    def make():
        X, y = _clean()
        return X, y, kwargs

    return make


def _ok(check=None, warns=()):
    return {"check": check, "warns": warns}


def _error(exc, match):
    return {"raises": (exc, match)}


_SMOTE_WARNING = (
    UserWarning,
    r"^training part has 4 minority rows; SMOTE needs k_neighbors \+ 1 = 6; "
    r"using k_neighbors=3 for this fit \[in 3 of 3 tasks: smote/r0f0, "
    r"smote/r0f1, smote/r0f2\]",
)

PYTHON_CASES = [
    pytest.param(
        _missing,
        _ok(
            lambda r: r.data["n_missing"] == 3 and r.fold_info["status"].eq("ok").all()
        ),
        id="missing-values-imputed",
    ),
    pytest.param(
        _infinite,
        _error(
            InputError,
            r"Column 'b' holds 1 infinite value\(s\) \(rows 3\)\. Replace them with "
            r"finite values or with NaN \(evalkit imputes NaN inside each training",
        ),
        id="infinite-frame",
    ),
    pytest.param(
        _infinite_array,
        _error(
            InputError, r"X column 1 holds 1 infinite value\(s\) \(rows 3\)\. Replace"
        ),
        id="infinite-array",
    ),
    pytest.param(
        _infinite_two_columns,
        _error(
            InputError,
            r"Column 'a' holds 2 infinite value\(s\) \(rows 5, 7\); column 'b' holds "
            r"1 infinite value\(s\) \(rows 3\)\. Replace",
        ),
        id="infinite-several-columns",
    ),
    pytest.param(
        _huge,
        _error(
            InputError,
            r"Column 'b' holds \d+ value\(s\) as large as 1e\+300 \(rows 0, 1, .*"
            r"overflows to infinity and then NaN\. Rescale",
        ),
        id="huge-frame",
    ),
    pytest.param(
        _huge_array,
        _error(InputError, r"X column 0 holds 1 value\(s\) as large as 2e\+160"),
        id="huge-array",
    ),
    pytest.param(
        _missing_no_preprocessing,
        _error(
            ValueError,
            r"(?s)X has 3 missing value\(s\) and the pipeline of strategy 'none' "
            r"cannot take them.*Add an imputer step inside the pipeline.*leaks",
        ),
        id="missing-values-own-pipeline",
    ),
    pytest.param(
        _datetime,
        _error(
            InputError,
            r"^X has columns that are neither numeric nor categorical: 'when' "
            r"\(datetime64\[.*\]\); evalkit's default preprocessing "
            r"\(preprocessing='auto'\) cannot encode them\. Convert these columns",
        ),
        id="datetime-column",
    ),
    pytest.param(
        _text_column(preprocessing=StandardScaler()),
        _error(
            InputError,
            r"^X has non-numeric columns \('channel'\) and the pipeline of strategy "
            r"'none' cannot take them \(ValueError: could not convert string to "
            r"float: .*\)\. Use evalkit's default preprocessing .*"
            r"preprocessing='auto'.*OneHotEncoder",
        ),
        id="text-column-own-preprocessing",
    ),
    pytest.param(
        _text_column(estimator=make_pipeline(StandardScaler(), LogisticRegression())),
        _error(
            InputError,
            r"^X has non-numeric columns \('channel'\) and the pipeline of strategy "
            r"'none' cannot take them .*OneHotEncoder",
        ),
        id="text-column-own-pipeline",
    ),
    pytest.param(
        _junk_strings,
        _error(
            InputError,
            r"Column 'b' is numeric except for 2 value\(s\) that are not numbers: "
            r"'n/a' \(row 4\), '\?' \(row 8\)\. .*pandas\.to_numeric",
        ),
        id="junk-strings",
    ),
    pytest.param(
        _labels("str"),
        _ok(lambda r: r.pos_label == "fraud" and r.classes == ["fraud", "legit"]),
        id="labels-str",
    ),
    pytest.param(
        _labels("bool"),
        _ok(lambda r: r.pos_label is True and r.classes == [False, True]),
        id="labels-bool",
    ),
    pytest.param(
        _labels("pm1"),
        _ok(lambda r: r.pos_label == 1 and r.classes == [-1, 1]),
        id="labels-minus-one-one",
    ),
    pytest.param(
        _labels("Int64"),
        _ok(lambda r: r.pos_label == 1 and r.classes == [0, 1]),
        id="labels-nullable-Int64",
    ),
    pytest.param(
        _labels_int64_with_na,
        _error(InputError, r"y has 1 missing label\(s\)\. Drop those rows"),
        id="labels-nullable-with-NA",
    ),
    pytest.param(
        _labels("spaces"),
        _ok(lambda r: r.pos_label == "fraud" and r.classes == ["fraud", "legit"]),
        id="labels-with-spaces",
    ),
    pytest.param(
        _three_classes,
        _error(InputError, r"y has 3 classes .*evalkit evaluates binary problems"),
        id="three-classes",
    ),
    pytest.param(
        _single_class,
        _error(InputError, r"y has a single class .*needs rows of both classes"),
        id="single-class",
    ),
    pytest.param(
        _pos_label_absent,
        _error(InputError, r"pos_label=2 is not one of the labels \[0, 1\]"),
        id="pos-label-absent",
    ),
    pytest.param(
        _few_positives,
        _ok(
            lambda r: r.folds.query("metric == 'roc_auc'")["value"].isna().sum() == 2,
            warns=[
                (
                    UserWarning,
                    r"^The positive class has only 3 rows, fewer than n_splits=5: "
                    r"some test folds will hold no positive row",
                ),
                (UserWarning, r"^Some metrics are undefined .*roc_auc in 2 of 5 folds"),
            ],
        ),
        id="fewer-positives-than-splits",
    ),
    pytest.param(
        _one_positive,
        _error(
            InputError,
            r"^The positive class has only 1 row; cross-validation needs at least 2 "
            r"rows of each class.* Add rows of the positive class\.$",
        ),
        id="one-positive",
    ),
    pytest.param(
        _options(n_splits=170),
        _error(
            InputError,
            r"^The `n_splits` parameter is 170, more than the 160 rows of the larger "
            r"class: stratified folds cannot be formed\. Use n_splits <= 40",
        ),
        id="more-splits-than-rows-of-a-class",
    ),
    pytest.param(
        _options(cv=KFold(500)),
        _error(
            InputError,
            r"^The splitter KFold\(n_splits=500.* cannot split these 200 rows \(40 "
            r"positive\): Cannot have number of splits n_splits=500 greater than the "
            r"number of samples: n_samples=200\. Pass a splitter that fits the data",
        ),
        id="splitter-cannot-split",
    ),
    pytest.param(
        _options(random_state="abc"),
        _error(
            InputError,
            r"^The `random_state` parameter must be None, an int in the range "
            r"\[0, 2\*\*32 - 1\] or a numpy\.random\.RandomState\. Got 'abc' instead\.$",
        ),
        id="random-state-text",
    ),
    pytest.param(
        _options(random_state=-1),
        _error(InputError, r"must be None, an int in the range .* Got -1 instead\.$"),
        id="random-state-negative",
    ),
    pytest.param(
        _smote_small_minority,
        _ok(
            lambda r: (
                r.fold_info["n_pos_train_resampled"]
                .eq(r.fold_info["n_train"] - 4)
                .all()
            ),
            warns=[_SMOTE_WARNING],
        ),
        id="smote-k-neighbors-reduced",
    ),
    pytest.param(
        _y_index("shuffled"),
        _error(
            InputError,
            r"^X and y hold the same index labels in a different order \(X's index "
            r"starts 0, 1, 2; y's starts .*\)\. evalkit pairs X and y by position, .*"
            r"y = y\.loc\[X\.index\].*X\.reset_index\(drop=True\) and "
            r"y\.reset_index\(drop=True\)\.$",
        ),
        id="y-index-reordered",
    ),
    pytest.param(
        _y_index("shifted"),
        _error(
            InputError,
            r"^The index of y differs from the index of X: 200 of y's 200 index "
            r"labels are not in X's index \(1000, 1001, 1002, 1003, 1004 and 195 "
            r"more\)\. evalkit pairs X and y by position.*y = y\.loc\[X\.index\]",
        ),
        id="y-index-different-labels",
    ),
    pytest.param(
        _length_mismatch,
        _error(InputError, r"X has 200 rows, y has 199"),
        id="length-mismatch",
    ),
    pytest.param(_empty, _error(InputError, r"X is empty \(0 rows\)"), id="empty"),
    pytest.param(
        _duplicated_columns,
        _error(InputError, r"X has duplicated column names: 'a'\. Rename or drop"),
        id="duplicated-columns",
    ),
    pytest.param(
        _target_is_feature,
        _error(
            InputError,
            r"The target 'Class' is also a feature column of X, which would leak",
        ),
        id="target-is-feature",
    ),
    pytest.param(
        _pipeline_with_sampler("smote"),
        _error(
            ValueError,
            r"strategy='smote' adds a resampling step, but `estimator` is already a "
            r"pipeline .*use strategy='none'",
        ),
        id="own-sampler-plus-sampler-strategy",
    ),
    pytest.param(
        _pipeline_with_sampler("none"),
        _ok(
            lambda r: r.fold_info["n_train_resampled"].gt(r.fold_info["n_train"]).all()
        ),
        id="own-sampler-with-none",
    ),
    pytest.param(
        _threshold_clash,
        _error(
            InputError,
            r"threshold=0\.6 clashes with the estimator's own threshold=0\.3",
        ),
        id="threshold-clash",
    ),
    pytest.param(
        _threshold_clash_other_class,
        _error(
            InputError,
            r"^threshold=0\.3 clashes with the estimator's own threshold=0\.3, which "
            r"FixedThresholdClassifier applies to the probability of 'legit' \(a "
            r"threshold of 0\.7 on the probability of pos_label='fraud'\)\. Set one "
            r"of them: .* or set the estimator's to 0\.7\.$",
        ),
        id="threshold-clash-other-class",
    ),
    pytest.param(
        _options(estimator=LinearRegression(), strategies=["none", "smote"]),
        _error(
            InputError,
            r"^The `estimator` parameter of evaluate must be a classifier; "
            r"LinearRegression is a regressor \(its scikit-learn tags say "
            r"estimator_type='regressor'\)\. .*LogisticRegression\(\)",
        ),
        id="regressor",
    ),
    pytest.param(
        _options(estimator=LogisticRegression),
        _error(
            InputError,
            r"^The `estimator` parameter of evaluate is the class LogisticRegression, "
            r"not an instance of it\. Pass an instance: LogisticRegression\(\) "
            r"instead of LogisticRegression",
        ),
        id="estimator-class",
    ),
    pytest.param(
        _options(strategies=[SMOTE]),
        _error(
            InputError,
            r"^The `strategies` parameter of evaluate holds the class SMOTE, not an "
            r"instance of it\. Pass an instance: SMOTE\(\) instead of SMOTE",
        ),
        id="strategy-class",
    ),
    pytest.param(
        _options(
            strategies=["class_weight"], fit_params={"class_weight": {0: 1, 1: 10}}
        ),
        _error(
            InputError,
            r"^fit_params\['class_weight'\]=\{0: 1, 1: 10\} clashes with the "
            r"strategy 'class_weight', which sets class_weight='balanced' on the "
            r"classifier: the fit option would silently replace it\.",
        ),
        id="class-weight-twice",
    ),
    pytest.param(
        _options(estimator=LogisticRegression(class_weight="balanced")),
        _ok(
            lambda r: r.fold_info["class_weight"].eq("balanced").all(),
            warns=[
                (
                    UserWarning,
                    r"^The estimator's class_weight='balanced' \(LogisticRegression\) "
                    r"applies to strategy 'none' too, so 'none' evaluates the "
                    r"classifier with these class weights, not on the data as they "
                    r"are\. Set class_weight=None on the estimator",
                )
            ],
        ),
        id="none-with-own-class-weight",
    ),
    pytest.param(
        _options(return_test_history=True),
        _error(
            InputError,
            r"^return_test_history=True hands each fold's test rows to the "
            r"classifier's fit as validation_data, but LogisticRegression\.fit does "
            r"not accept validation_data\. Leave return_test_history=False",
        ),
        id="test-history-without-validation-data",
    ),
    pytest.param(
        _options(
            estimator=LinearSVC(),
            strategies=["none+tuned"],
            scoring=["accuracy", "f1"],
        ),
        _error(
            InputError,
            r"^Strategy 'none\+tuned' tunes the decision threshold on predicted "
            r"probabilities, but its classifier LinearSVC has no predict_proba "
            r"method\. Wrap it in sklearn\.calibration\.CalibratedClassifierCV",
        ),
        id="tuned-without-predict-proba",
    ),
    pytest.param(
        _options(fit_params={"epochs": 5}),
        _error(
            InputError,
            r"^The `fit_params` parameter of evaluate holds 'epochs', which "
            r"LogisticRegression\.fit does not accept\. Valid names are "
            r"\['sample_weight'\]\.$",
        ),
        id="fit-params-unknown-name",
    ),
    pytest.param(
        _options(strategies=["none+tuned"], fit_params={"sample_weight": np.ones(N)}),
        _error(
            InputError,
            r"^fit_params cannot be used with threshold-tuned strategies "
            r"\(none\+tuned\): scikit-learn's TunedThresholdClassifierCV does not "
            r"pass fit options on",
        ),
        id="fit-params-with-tuned",
    ),
    pytest.param(
        _sample_weight(["none", "smote"]),
        _error(
            InputError,
            r"fit_params\['sample_weight'\] cannot be used with resampling "
            r"strategies \(smote\)",
        ),
        id="sample-weight-with-resampling",
    ),
    pytest.param(
        _sample_weight(["none", "class_weight"]),
        _ok(lambda r: r.fold_info["status"].eq("ok").all()),
        id="sample-weight-without-resampling",
    ),
    pytest.param(
        _options(costs={"fp": 1.0}),
        _error(
            ValueError,
            r"The `costs` parameter must be a dict with exactly the keys 'fp' and "
            r"'fn', .* Got \{'fp': 1\.0\} instead",
        ),
        id="half-of-costs",
    ),
    pytest.param(
        _options(strategies=["none", "smoet"]),
        _error(
            InputError,
            r"^Each strategy in the `strategies` parameter of evaluate must be one "
            r"of 'none', .* Got 'smoet' instead\. Did you mean 'smote'\?$",
        ),
        id="unknown-strategy",
    ),
    pytest.param(
        _options(strategies=["smote+tuned+tuned"]),
        _error(
            InputError,
            r"Got 'smote\+tuned\+tuned' instead\. Did you mean 'smote\+tuned'\?$",
        ),
        id="repeated-tuned-modifier",
    ),
    pytest.param(
        _options(strategies=None),
        _error(
            InputError,
            r"^The `strategies` parameter of evaluate must be a strategy name \(see "
            r"evalkit\.available_strategies\(\)\), an imbalanced-learn sampler, a "
            r"complete estimator, or a list or dict of these, .* Got None instead\.$",
        ),
        id="strategies-none",
    ),
    pytest.param(
        _options(strategies=[1]),
        _error(
            InputError,
            r"^The `strategies` parameter of evaluate must be .* Got 1 in "
            r"strategies=\[1\] instead\.$",
        ),
        id="strategies-not-a-strategy",
    ),
    pytest.param(
        _options(cache_dir=123),
        _error(
            InputError,
            r"^The `cache_dir` parameter must be None or a folder path \(a str or a "
            r"pathlib\.Path\), .* Got 123 instead\.$",
        ),
        id="cache-dir-not-a-path",
    ),
    pytest.param(
        _options(cv=[(np.arange(150), np.arange(150, N))]),
        _error(
            InputError,
            r"^The `cv` parameter must be None, an int or a splitter .* Got "
            r"\[\(array\(\[.{0,200}\.\.\. instead\.$",
        ),
        id="cv-list-of-index-arrays",
    ),
]


def _evaluate(X, y, kwargs):
    kwargs = dict(kwargs)
    estimator = kwargs.pop("estimator", LogisticRegression(max_iter=500))
    kwargs.setdefault("strategies", ["none"])
    kwargs.setdefault("n_splits", 3)
    kwargs.setdefault("n_repeats", 1)
    return evaluate(estimator, X, y, verbose=0, **kwargs)


@pytest.mark.parametrize("make, outcome", PYTHON_CASES)
def test_python(make, outcome):
    """Check that evaluate gives the result, error or warnings in docs/bad-input.md."""
    X, y, kwargs = make()
    if "raises" in outcome:
        exc, match = outcome["raises"]
        with pytest.raises(exc, match=match):
            _evaluate(X, y, kwargs)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = _evaluate(X, y, kwargs)
    caught = [w for w in caught if not issubclass(w.category, DeprecationWarning)]
    for category, pattern in outcome["warns"]:
        assert any(
            issubclass(w.category, category) and re.search(pattern, str(w.message))
            for w in caught
        ), (pattern, [str(w.message) for w in caught])
    unexpected = [
        str(w.message)
        for w in caught
        if not any(re.search(p, str(w.message)) for _, p in outcome["warns"])
    ]
    assert not unexpected
    if outcome["check"] is not None:
        assert outcome["check"](report)


# ------------------------------------------------------------ command line


def _frame(labels=None, n_pos=40):
    y = _y(n_pos=n_pos)
    frame = _X(y)
    frame["label"] = y if labels is None else labels(y)
    return frame


def _csv(frame):
    return frame.to_csv(index=False)


def _cli_missing():
    frame = _frame()
    frame.loc[[1, 5, 9], "a"] = np.nan
    return _csv(frame)


def _cli_text_cell(value):
    def make():
        frame = _frame()
        frame["b"] = frame["b"].astype(object)
        frame.loc[3, "b"] = value
        return _csv(frame)

    return make


def _cli_datetime():
    frame = _frame()
    frame.insert(0, "when", pd.date_range("2020-01-01", periods=N, freq="h"))
    return _csv(frame)


def _cli_labels(fn, n_pos=40):
    return lambda: _csv(_frame(fn, n_pos=n_pos))


def _cli_missing_label():
    frame = _frame().astype({"label": float})
    frame.loc[7, "label"] = np.nan
    return _csv(frame)


def _cli_header(header, columns):
    def make():
        frame = _frame()
        rows = [",".join(str(frame.at[i, c]) for c in columns) for i in range(N)]
        return "\n".join([header, *rows]) + "\n"

    return make


# (csv text, extra arguments, exit code, stderr patterns, text expected in report.md)
CLI_CASES = [
    pytest.param(_cli_missing, [], 0, [], "pos_label=1", id="missing-values-imputed"),
    pytest.param(
        _cli_text_cell("inf"),
        [],
        2,
        [r"Column 'b' holds 1 infinite value\(s\) \(rows 3\)"],
        None,
        id="infinite",
    ),
    pytest.param(
        _cli_text_cell("1e300"),
        [],
        2,
        [r"Column 'b' holds 1 value\(s\) as large as 1e\+300 \(rows 3\)"],
        None,
        id="huge",
    ),
    pytest.param(
        _cli_text_cell("?"),
        [],
        2,
        [r"Column 'b' is numeric except for 1 value\(s\) that are not numbers: '\?'"],
        None,
        id="junk-strings",
    ),
    pytest.param(
        _cli_labels(lambda y: np.where(y == 1, "fraud", "legit")),
        [],
        0,
        [],
        "pos_label='fraud': the minority class",
        id="labels-str",
    ),
    pytest.param(
        _cli_labels(lambda y: y == 1),
        [],
        0,
        [],
        "pos_label=True",
        id="labels-bool",
    ),
    pytest.param(
        _cli_labels(lambda y: np.where(y == 1, 1, -1)),
        [],
        0,
        [],
        "pos_label=1: the larger",
        id="labels-minus-one-one",
    ),
    pytest.param(
        _cli_labels(lambda y: np.where(y == 1, " fraud", "legit  ")),
        [],
        0,
        [],
        "pos_label='fraud': the minority class",
        id="labels-with-spaces",
    ),
    pytest.param(
        _cli_labels(lambda y: np.where(y == 1, "fraud", "legit")),
        ["--pos-label", "legit"],
        0,
        [],
        "pos_label='legit' as given",
        id="pos-label-given",
    ),
    pytest.param(
        _cli_labels(None),
        ["--pos-label", "0"],
        0,
        [],
        "pos_label=0 as given",
        id="pos-label-number-as-text",
    ),
    pytest.param(
        _cli_labels(lambda y: np.arange(len(y)) % 3),
        [],
        2,
        [r"y has 3 classes .*evalkit evaluates binary problems"],
        None,
        id="three-classes",
    ),
    pytest.param(
        _cli_labels(lambda y: np.zeros_like(y)),
        [],
        2,
        [r"y has a single class"],
        None,
        id="single-class",
    ),
    pytest.param(
        _cli_missing_label,
        [],
        2,
        [r"y has 1 missing label\(s\)"],
        None,
        id="missing-label",
    ),
    pytest.param(
        _cli_labels(None),
        ["--pos-label", "yes"],
        2,
        [
            r"error: --pos-label 'yes' is not one of the labels \[0, 1\]\. Pass one of them"
        ],
        None,
        id="pos-label-absent",
    ),
    pytest.param(
        _cli_labels(None, n_pos=3),
        ["--splits", "5"],
        0,
        [
            r"The positive class has only 3 rows, fewer than --splits 5: .* Use "
            r"--splits <= 3 for a value in every fold",
            r"roc_auc in 2 of 5 folds",
        ],
        None,
        id="fewer-positives-than-splits",
    ),
    pytest.param(
        _cli_labels(None, n_pos=1),
        [],
        2,
        [r"The positive class has only 1 row; cross-validation needs at least 2"],
        None,
        id="one-positive",
    ),
    pytest.param(
        _cli_labels(None),
        ["--splits", "1000"],
        2,
        [r"is 1000, more than the 160 rows of the larger class"],
        None,
        id="more-splits-than-rows-of-a-class",
    ),
    pytest.param(
        _cli_labels(None),
        ["--seed", "-1"],
        2,
        [r"error: argument --seed: expected a number >= 0; got -1"],
        None,
        id="seed-negative",
    ),
    pytest.param(
        _cli_labels(None, n_pos=6),
        ["--strategies", "smote"],
        0,
        [_SMOTE_WARNING[1].lstrip("^")],
        None,
        id="smote-k-neighbors-reduced",
    ),
    pytest.param(
        lambda: "a,b,label\n",
        [],
        2,
        [r"has a header but no data rows"],
        None,
        id="empty",
    ),
    pytest.param(
        _cli_labels(None),
        ["--cost-fp", "1"],
        2,
        [r"give both --cost-fp and --cost-fn, or neither"],
        None,
        id="half-of-costs",
    ),
    pytest.param(
        _cli_labels(None),
        ["--strategies", "none,smoet"],
        2,
        [r"must be one of 'none', .* Got 'smoet' instead\. Did you mean 'smote'\?"],
        None,
        id="unknown-strategy",
    ),
    pytest.param(
        _cli_labels(None),
        ["--strategies", "smote+tuned+tuned"],
        2,
        [r"Got 'smote\+tuned\+tuned' instead\. Did you mean 'smote\+tuned'\?"],
        None,
        id="repeated-tuned-modifier",
    ),
]


def _run_cli(tmp_path, capsys, text, extra):
    data = tmp_path / "data.csv"
    data.write_text(text)
    argv = [
        "compare",
        str(data),
        "--target",
        "label",
        "--model",
        "logistic",
        "--splits",
        "3",
        "--repeats",
        "1",
        "--strategies",
        "none",
        "--out",
        str(tmp_path / "out"),
        "--quiet",
        *extra,
    ]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, err


@pytest.mark.parametrize("make, extra, code, patterns, in_report", CLI_CASES)
def test_cli(tmp_path, capsys, make, extra, code, patterns, in_report):
    """Check that evalkit compare prints the line and exits with the code in docs/bad-input.md."""
    got, err = _run_cli(tmp_path, capsys, make(), extra)
    assert got == code, err
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("evalkit: error: ") and err.count("\n") == 1, err
    else:
        problems = [
            line for line in err.splitlines() if line.startswith("evalkit: error")
        ]
        assert not problems
        assert "Wrote summary.csv" in err
    for pattern in patterns:
        assert re.search(pattern, err), (pattern, err)
    if in_report is not None:
        assert in_report in (tmp_path / "out" / "report.md").read_text()


# ------------------------------------------- cases fixed after the first table


def test_fixed_missing_values_own_pipeline_suggest_imputer_in_pipeline():
    """Check that NaN reaching a pipeline without imputer asks for an imputer inside it."""
    X, y, kwargs = _missing_no_preprocessing()
    with pytest.raises(ValueError, match=r"(?s)imputer.*inside.*leak"):
        _evaluate(X, y, kwargs)


def test_fixed_class_list_shows_plain_values():
    """Check that the list of classes in the message reads (0, 1, 2)."""
    X, y, kwargs = _three_classes()
    with pytest.raises(InputError, match=r"y has 3 classes \(0, 1, 2\)"):
        _evaluate(X, y, kwargs)


def test_fixed_one_small_class_warning():
    """Check that a class smaller than n_splits is warned about once, not twice."""
    X, y, kwargs = _few_positives()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _evaluate(X, y, kwargs)
    assert not [w for w in caught if "least populated class" in str(w.message)]


def test_fixed_cli_duplicated_columns(tmp_path, capsys):
    """Check that a CSV with two columns named 'a' is refused, naming the column."""
    text = _cli_header("a,a,b,label", ["a", "c", "b", "label"])()
    code, err = _run_cli(tmp_path, capsys, text, [])
    assert code == 2 and "duplicated column names: 'a'" in err


def test_fixed_cli_target_repeated_as_feature(tmp_path, capsys):
    """Check that a CSV holding the target column twice is refused (label leak)."""
    text = _cli_header("a,b,label,label", ["a", "b", "label", "label"])()
    code, err = _run_cli(tmp_path, capsys, text, [])
    assert code == 2 and "label" in err


def test_fixed_cli_datetime_column_is_named(tmp_path, capsys):
    """Check that a date column in a CSV file is reported by name."""
    code, err = _run_cli(tmp_path, capsys, _cli_datetime(), [])
    assert "'when'" in err
