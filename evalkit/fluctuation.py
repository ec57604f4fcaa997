"""Why accuracy moves: data split, network seed, test size and epochs, measured.

:func:`explain_fluctuation` trains every data split with every seed (a crossed
design) and splits the spread of each metric into the part that comes from the
data split, the part that comes from the seed, and their combination.  Next to
it, a :class:`FluctuationReport` shows the spread that the size of the test
folds makes unavoidable, how accuracy compares with always predicting the
majority class, and, for Keras models, how training and held-out accuracy move
from epoch to epoch.
"""

import inspect
import numbers
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.utils import check_random_state

from . import stats
from ._random import draw_seeds
from ._validation import (
    InputError,
    check_class_counts,
    check_int,
    check_random_state_param,
    check_X_y,
    resolve_pos_label,
)
from .evaluation import evaluate

__all__ = ["FluctuationReport", "explain_fluctuation"]

#: Metrics decomposed by default, in report order.
FLUCTUATION_METRICS = (
    "accuracy",
    "balanced_accuracy",
    "f1",
    "roc_auc",
    "average_precision",
)
_EPOCH_METRICS = ("train_accuracy", "test_accuracy", "train_loss", "test_loss")
# Keras history key -> name in the epochs table.
_HISTORY_NAMES = {
    "binary_accuracy": "train_accuracy",
    "accuracy": "train_accuracy",
    "val_binary_accuracy": "test_accuracy",
    "val_accuracy": "test_accuracy",
    "loss": "train_loss",
    "val_loss": "test_loss",
}
_PRETTY = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "f1": "F1",
    "roc_auc": "ROC-AUC",
    "average_precision": "PR-AUC",
}
_COLORS = {"train_accuracy": "#0072B2", "test_accuracy": "#D55E00"}
_SHARE_WORDS = {
    "split_share": "the data split",
    "seed_share": "the model's seed",
    "residual_share": "the particular split-seed combination",
}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def _pct(x):
    return f"{100 * x:.0f} %"


def _small(x):
    """Four decimals, or two significant digits for tiny non-zero numbers."""
    return f"{x:.4f}" if x == 0 or abs(x) >= 5e-5 else f"{x:.2g}"


def _find_params(estimator, name):
    """Keys of ``estimator.get_params()`` that are ``name`` or end in ``__name``."""
    if not hasattr(estimator, "get_params"):
        return []
    return [k for k in estimator.get_params() if k == name or k.endswith(f"__{name}")]


def _final_step(estimator):
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if isinstance(steps, list) else estimator


def _trains_in_epochs(estimator):
    """Whether the classifier is trained in epochs and accepts validation data.

    True for Keras models (an ``epochs`` parameter and a ``fit`` that takes
    ``validation_data`` or arbitrary keyword arguments).
    """
    final = _final_step(estimator)
    if not _find_params(final, "epochs"):
        return False
    try:
        params = inspect.signature(final.fit).parameters
    except (TypeError, ValueError):
        return False
    return "validation_data" in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
    )


def _records_binary_accuracy(metrics):
    for m in metrics or ():
        name = m if isinstance(m, str) else getattr(m, "name", None)
        if name in ("binary_accuracy", "accuracy"):
            return True
        if isinstance(m, type) and m.__name__ == "BinaryAccuracy":
            return True
    return False


def _with_binary_accuracy(estimator):
    """A clone whose Keras ``metrics`` include ``"binary_accuracy"``."""
    estimator = clone(estimator)
    for key in _find_params(estimator, "metrics"):
        current = estimator.get_params()[key]
        if current is not None and not isinstance(current, (list, tuple)):
            current = [current]
        if not _records_binary_accuracy(current):
            estimator.set_params(**{key: [*(current or []), "binary_accuracy"]})
    return estimator


def _check_batch_sizes(batch_sizes, estimator):
    if batch_sizes is None:
        return None
    if isinstance(batch_sizes, (numbers.Integral, str)):
        batch_sizes = [batch_sizes]
    try:
        sizes = [check_int(b, "batch_sizes", low=1) for b in batch_sizes]
    except TypeError:
        raise InputError(
            "The `batch_sizes` parameter must be None or a list of positive ints, "
            f"for example (32, 256). Got {batch_sizes!r} instead."
        ) from None
    if not sizes or len(set(sizes)) != len(sizes):
        raise InputError(
            "The `batch_sizes` parameter must list distinct positive ints, for "
            f"example (32, 256). Got {list(batch_sizes)!r} instead."
        )
    if not _find_params(estimator, "batch_size"):
        raise InputError(
            "The `batch_sizes` parameter needs an estimator with a `batch_size` "
            f"parameter (a Keras model); {type(estimator).__name__} has none. "
            "Leave batch_sizes=None for this estimator."
        )
    return sizes


def _split_seeds(random_state):
    """(int seed of the splits, source of the network seeds)."""
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        return int(random_state), int(random_state)
    rng = check_random_state(random_state)
    return int(rng.randint(0, 2**31 - 1)), rng


def _group_keys(frame):
    return ["batch_size"] if "batch_size" in frame.columns else []


def _groups(frame, keys):
    if not keys:
        yield (), frame
        return
    for key, group in frame.groupby(keys, sort=True):
        yield (key if isinstance(key, tuple) else (key,)), group


def _fmt_table(frame, digits=4):
    """A DataFrame as a GitHub Markdown table."""
    cols = list(frame.columns)

    def cell(v):
        if isinstance(v, (bool, np.bool_)):
            return str(bool(v))
        if isinstance(v, (float, np.floating)):
            if np.isnan(v):
                return ""
            if v != 0 and abs(v) < 10 ** -(digits - 1):
                return f"{v:.2e}"
            return f"{v:.{digits}f}"
        return str(v)

    lines = [
        "| " + " | ".join(map(str, cols)) + " |",
        "|" + "|".join("---" for _ in cols) + "|",
    ]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------
class FluctuationReport:
    """Where the spread of a classifier's scores comes from.

    Built by :func:`explain_fluctuation`; it can also be built directly from
    per-fit values (for example from an earlier run), since every table is
    computed from the three tables given.

    Parameters
    ----------
    folds : pandas.DataFrame
        One row per fit and metric: columns ``seed`` (seed index or value),
        ``repeat``, ``fold``, ``metric``, ``value`` and, when several batch
        sizes were compared, ``batch_size``.  Every (repeat, fold) split should
        be trained with every seed.
    splits : pandas.DataFrame
        One row per split: ``repeat, fold, n_test, n_pos_test`` (test rows and
        positive test rows).
    history : pandas.DataFrame or None, default=None
        Per-epoch Keras history of every fit: ``seed, repeat, fold, epoch,
        metric, value`` (plus ``batch_size``), with Keras' names
        (``binary_accuracy``, ``loss``, ``val_binary_accuracy``,
        ``val_loss``); ``val_*`` values are measured on the fit's test rows.
        ``None`` or empty for estimators not trained in epochs.
    params : dict or None, default=None
        How the values were obtained (shown in :meth:`to_markdown`).
    evaluations : list of EvaluationReport or None, default=None
        The evaluation of each (batch size, seed) run, kept for its per-fit
        predictions and fold information.

    Attributes
    ----------
    components : pandas.DataFrame
        Per metric (and batch size): ``[batch_size,] metric, mean, std,
        total_var, split_var, seed_var, residual_var, split_share, seed_share,
        residual_share, n_splits, n_seeds``, from
        :func:`evalkit.stats.variance_components`.  The three ``*_var`` add up
        to ``total_var`` (the sample variance of the fits, ``std`` is its
        square root) and the three shares add up to 1.  ``residual`` is the
        part explained by neither the split nor the seed alone: which seed is
        lucky changes from split to split.  Splits where the metric is NaN for
        some seed are left out (``n_splits`` counts those used).
    noise_floor : pandas.DataFrame
        For accuracy (and each batch size): ``[batch_size,] n_test, mean,
        observed_std, binomial_std, ratio``.  ``binomial_std`` is
        ``sqrt(mean_i(p_i (1 - p_i) / n_test_i))`` with ``p_i`` the mean
        accuracy of split ``i`` over the seeds: the standard deviation that
        test folds of this size show from sampling alone, even for a perfectly
        stable model.  ``ratio = observed_std / binomial_std``; ``n_test`` is
        the mean number of test rows.
    baseline : pandas.DataFrame
        ``[batch_size,] accuracy, baseline_accuracy, margin, share_beating,
        beats_baseline``: the model's mean accuracy, the mean accuracy of
        always predicting each test fold's majority class, their difference,
        the share of fits whose accuracy is strictly above the majority
        class's, and whether the mean accuracy is strictly above it.
    epochs : pandas.DataFrame
        Per epoch, over all fits: ``[batch_size,] epoch, metric, mean, std,
        min, max`` with metrics ``train_accuracy, test_accuracy, train_loss,
        test_loss`` (Keras' BinaryAccuracy at 0.5 and the loss; ``train_*``
        are Keras' running averages over the epoch's batches, ``test_*`` are
        measured on the fold's test rows at the end of the epoch).  ``std`` is
        the sample standard deviation (ddof=1).  Empty without history.
    volatility : pandas.DataFrame
        ``[batch_size,] metric, mean_abs_change, late_mean_abs_change,
        max_abs_change, n_fits``: the absolute change of each epoch metric
        between consecutive epochs, averaged (and maximised) over epochs and
        fits.  ``mean_abs_change`` includes the learning curve's climb;
        ``late_mean_abs_change`` averages only the changes into the second half
        of the epochs (epoch ``e > ceil(E / 2)`` of ``E``), where the curve
        has usually flattened and what is left is fluctuation.  Empty without
        history.
    """

    def __init__(self, folds, *, splits, history=None, params=None, evaluations=None):
        self.folds = self._check_frame(
            folds, "folds", ["seed", "repeat", "fold", "metric", "value"]
        )
        self.splits = self._check_frame(
            splits, "splits", ["repeat", "fold", "n_test", "n_pos_test"]
        )
        if history is None:
            history = pd.DataFrame(
                columns=["seed", "repeat", "fold", "epoch", "metric", "value"]
            )
        self.history = self._check_frame(
            history, "history", ["seed", "repeat", "fold", "epoch", "metric", "value"]
        )
        self.params = dict(params or {})
        self.evaluations = list(evaluations or [])
        self._keys = _group_keys(self.folds)
        self.components = self._components()
        self.noise_floor = self._noise_floor()
        self.baseline = self._baseline()
        self.epochs, self.volatility = self._epochs()

    @staticmethod
    def _check_frame(frame, name, columns):
        if not isinstance(frame, pd.DataFrame):
            raise InputError(
                f"The `{name}` parameter must be a pandas DataFrame with columns "
                f"{columns}. Got {type(frame).__name__} instead."
            )
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(
                f"The `{name}` table lacks the columns {missing}; it needs "
                f"{columns}. Got columns {list(frame.columns)}."
            )
        return frame.reset_index(drop=True)

    # ------------------------------------------------------------- tables
    def _components(self):
        rows = []
        metrics = list(dict.fromkeys(self.folds["metric"]))
        for key, group in _groups(self.folds, self._keys):
            for metric in metrics:
                sub = group[group["metric"] == metric]
                split = sub["repeat"].astype(str) + "-" + sub["fold"].astype(str)
                row = dict(zip(self._keys, key, strict=True))
                row["metric"] = metric
                try:
                    res = stats.variance_components(
                        sub["value"].to_numpy(dtype=float),
                        split.to_numpy(),
                        sub["seed"].to_numpy(),
                    )
                except ValueError:
                    res = {}
                total = res.get("total_var", 0.0)
                for part in ("split", "seed", "residual"):
                    # Rounding noise of the sums of squares (1e-30 and below).
                    small = abs(res.get(part + "_var", 1.0)) <= 1e-12 * total
                    if total > 0 and small:
                        res[part + "_var"] = 0.0
                        res[part + "_share"] = 0.0
                row["mean"] = float(np.nanmean(sub["value"])) if len(sub) else np.nan
                row["std"] = np.sqrt(res.get("total_var", np.nan))
                for col in (
                    "total_var",
                    "split_var",
                    "seed_var",
                    "residual_var",
                    "split_share",
                    "seed_share",
                    "residual_share",
                ):
                    row[col] = res.get(col, np.nan)
                row["n_splits"] = res.get("n_splits", 0)
                row["n_seeds"] = res.get("n_seeds", 0)
                rows.append(row)
        columns = [
            *self._keys,
            "metric",
            "mean",
            "std",
            "total_var",
            "split_var",
            "seed_var",
            "residual_var",
            "split_share",
            "seed_share",
            "residual_share",
            "n_splits",
            "n_seeds",
        ]
        out = pd.DataFrame(rows, columns=columns)
        return out.astype({"n_splits": "int64", "n_seeds": "int64"})

    def _accuracy(self):
        acc = self.folds[self.folds["metric"] == "accuracy"]
        return acc.merge(self.splits, on=["repeat", "fold"], how="left")

    def _noise_floor(self):
        columns = [
            *self._keys,
            "n_test",
            "mean",
            "observed_std",
            "binomial_std",
            "ratio",
        ]
        acc = self._accuracy().dropna(subset=["value"])
        rows = []
        for key, group in _groups(acc, self._keys):
            per_split = group.groupby(["repeat", "fold"]).agg(
                p=("value", "mean"), n_test=("n_test", "first")
            )
            variance = stats.binomial_noise_floor(
                per_split["p"].to_numpy(), per_split["n_test"].to_numpy()
            )
            binomial = float(np.sqrt(np.mean(np.square(variance))))
            observed = float(group["value"].std(ddof=1)) if len(group) > 1 else np.nan
            rows.append(
                {
                    **dict(zip(self._keys, key, strict=True)),
                    "n_test": float(per_split["n_test"].mean()),
                    "mean": float(group["value"].mean()),
                    "observed_std": observed,
                    "binomial_std": binomial,
                    "ratio": observed / binomial if binomial > 0 else np.nan,
                }
            )
        return pd.DataFrame(rows, columns=columns)

    def _baseline(self):
        columns = [
            *self._keys,
            "accuracy",
            "baseline_accuracy",
            "margin",
            "share_beating",
            "beats_baseline",
        ]
        acc = self._accuracy().dropna(subset=["value"])
        rows = []
        for key, group in _groups(acc, self._keys):
            n_pos = group["n_pos_test"].to_numpy(dtype=float)
            n = group["n_test"].to_numpy(dtype=float)
            majority = np.maximum(n_pos, n - n_pos) / n
            value = group["value"].to_numpy(dtype=float)
            accuracy, base = float(value.mean()), float(majority.mean())
            rows.append(
                {
                    **dict(zip(self._keys, key, strict=True)),
                    "accuracy": accuracy,
                    "baseline_accuracy": base,
                    "margin": accuracy - base,
                    "share_beating": float(np.mean(value > majority)),
                    "beats_baseline": bool(accuracy > base),
                }
            )
        return pd.DataFrame(rows, columns=columns)

    def _epochs(self):
        keys = self._keys
        epoch_cols = [*keys, "epoch", "metric", "mean", "std", "min", "max"]
        vol_cols = [
            *keys,
            "metric",
            "mean_abs_change",
            "late_mean_abs_change",
            "max_abs_change",
            "n_fits",
        ]
        hist = self.history.copy()
        hist["metric"] = hist["metric"].map(_HISTORY_NAMES)
        hist = hist.dropna(subset=["metric", "value"])
        if hist.empty:
            return (
                pd.DataFrame(columns=epoch_cols),
                pd.DataFrame(columns=vol_cols),
            )
        order = {m: i for i, m in enumerate(_EPOCH_METRICS)}
        fit = ["seed", "repeat", "fold"]
        hist = hist.drop_duplicates([*keys, *fit, "metric", "epoch"])
        epochs = (
            hist.groupby([*keys, "epoch", "metric"])["value"]
            .agg(["mean", "std", "min", "max"])
            .reset_index()
        )
        epochs["_order"] = epochs["metric"].map(order)
        epochs = epochs.sort_values([*keys, "_order", "epoch"], kind="stable")
        epochs = epochs.drop(columns="_order").reset_index(drop=True)
        epochs["epoch"] = epochs["epoch"].astype("int64")

        hist = hist.sort_values([*keys, *fit, "metric", "epoch"], kind="stable")
        hist["change"] = hist.groupby([*keys, *fit, "metric"])["value"].diff().abs()
        last = hist.groupby([*keys, *fit, "metric"])["epoch"].transform("max")
        hist["late"] = hist["epoch"] > np.ceil(last / 2)
        changes = hist.dropna(subset=["change"])
        late = (
            changes[changes["late"]]
            .groupby([*keys, "metric"])["change"]
            .mean()
            .rename("late_mean_abs_change")
            .reset_index()
        )
        vol = (
            changes.groupby([*keys, "metric"])
            .agg(
                mean_abs_change=("change", "mean"),
                max_abs_change=("change", "max"),
            )
            .reset_index()
        )
        n_fits = (
            changes.groupby([*keys, "metric"])[fit]
            .apply(lambda f: len(f.drop_duplicates()))
            .rename("n_fits")
            .reset_index()
        )
        vol = vol.merge(n_fits, on=[*keys, "metric"])
        vol = vol.merge(late, on=[*keys, "metric"], how="left")
        vol["_order"] = vol["metric"].map(order)
        vol = vol.sort_values([*keys, "_order"], kind="stable").drop(columns="_order")
        vol["n_fits"] = vol["n_fits"].astype("int64")
        return epochs[epoch_cols], vol[vol_cols].reset_index(drop=True)

    # ----------------------------------------------------------- explain
    def _label(self, key):
        if not key:
            return ""
        size = key[0]
        if isinstance(size, (float, np.floating)) and float(size).is_integer():
            size = int(size)
        return f" with batch size {size}"

    def explain(self):
        """Explain the spread in a few plain sentences built from the tables.

        Returns
        -------
        sentences : list of str
            About accuracy's sources of spread, the spread the test size makes
            unavoidable, the majority-class baseline, the epoch-to-epoch
            movement of held-out accuracy, and which metric to watch.
        """
        out = []
        comp = self.components
        for key, group in _groups(comp, self._keys):
            label = self._label(key)
            row = group[group["metric"] == "accuracy"]
            if row.empty or np.isnan(row["split_share"].iloc[0]):
                if not row.empty and row["n_splits"].iloc[0] > 0:
                    out.append(
                        f"Accuracy{label} is identical in every fit: neither the "
                        "data split nor the seed moves it."
                    )
                continue
            row = row.iloc[0]
            parts = sorted(_SHARE_WORDS, key=lambda c: -row[c])
            first, *rest = parts
            rest_text = " and ".join(
                f"{_pct(row[c])} from {_SHARE_WORDS[c]}" for c in rest
            )
            lead = "Most of" if row[first] > 0.5 else "The largest part of"
            out.append(
                f"Accuracy{label} has a standard deviation of {row['std']:.4f} over "
                f"{row['n_splits'] * row['n_seeds']} fits ({row['n_splits']} splits "
                f"x {row['n_seeds']} seeds). {lead} its spread ({_pct(row[first])}) "
                f"comes from {_SHARE_WORDS[first]}, {rest_text}."
            )
        for _, row in self.noise_floor.iterrows():
            label = self._label(tuple(row[k] for k in self._keys))
            if np.isnan(row["observed_std"]):
                continue
            sentence = (
                f"With {row['n_test']:.0f} test rows per fold, a standard deviation "
                f"of {row['binomial_std']:.4f} in accuracy is unavoidable from "
                f"test-set sampling alone; the observed {row['observed_std']:.4f}"
                f"{label} is {row['ratio']:.1f} times that"
            )
            if row["ratio"] < 0.5:
                sentence += (
                    ", so the predictions barely change from fold to fold "
                    "(stratified folds also fix the number of positives in every "
                    "test fold)"
                )
            out.append(sentence + ".")
        for _, row in self.baseline.iterrows():
            label = self._label(tuple(row[k] for k in self._keys))
            if row["share_beating"] == 0:
                out.append(
                    f"Accuracy{label} never beats always predicting the majority "
                    f"class ({row['baseline_accuracy']:.4f}): its mean is "
                    f"{row['accuracy']:.4f}."
                )
            elif not row["beats_baseline"]:
                out.append(
                    f"Accuracy{label} ({row['accuracy']:.4f}) does not beat always "
                    f"predicting the majority class ({row['baseline_accuracy']:.4f}) "
                    f"on average; it beats it in {_pct(row['share_beating'])} of fits."
                )
            elif row["share_beating"] < 0.5:
                out.append(
                    f"Accuracy{label} ({row['accuracy']:.4f}) barely beats always "
                    f"predicting the majority class ({row['baseline_accuracy']:.4f}): "
                    f"by {_small(row['margin'])} on average, and in only "
                    f"{_pct(row['share_beating'])} of fits."
                )
            else:
                out.append(
                    f"Accuracy{label} ({row['accuracy']:.4f}) beats always "
                    f"predicting the majority class ({row['baseline_accuracy']:.4f}) "
                    f"by {_small(row['margin'])}, in {_pct(row['share_beating'])} of "
                    "fits."
                )
        vol = self.volatility[self.volatility["metric"] == "test_accuracy"]
        if not vol.empty:
            n_test = float(self.splits["n_test"].mean())
            labels = [
                self._label(tuple(r[k] for k in self._keys)) for _, r in vol.iterrows()
            ]
            every = " and ".join(
                f"{v:.4f}{lab}"
                for v, lab in zip(vol["mean_abs_change"], labels, strict=True)
            )
            late = " and ".join(
                f"{_small(v)}{lab}"
                for v, lab in zip(vol["late_mean_abs_change"], labels, strict=True)
                if not np.isnan(v)
            )
            late = f", {late} over the second half of the epochs" if late else ""
            out.append(
                f"Held-out accuracy moves by {every} per epoch on average{late} "
                f"(one test row is {1 / n_test:.4f} of accuracy)."
            )
        watch = self._metric_to_watch()
        if watch:
            out.append(watch)
        return out

    def _metric_to_watch(self):
        comp = self.components
        if self.baseline.empty:
            return ""
        first = self.baseline.iloc[0]
        acc = comp[comp["metric"] == "accuracy"].iloc[0]
        ap = comp[comp["metric"] == "average_precision"]
        n_pos = self.splits["n_pos_test"].sum()
        positive_rate = float(n_pos / self.splits["n_test"].sum())
        label = self._label(tuple(first[k] for k in self._keys))
        small_margin = not first["margin"] > 2 * acc["std"]
        if ap.empty or np.isnan(ap["mean"].iloc[0]):
            return ""
        ap = ap.iloc[0]
        if small_margin or positive_rate < 0.2:
            if small_margin and first["margin"] < -2 * acc["std"]:
                reason = (
                    f"while accuracy is below always predicting the majority class "
                    f"by {_small(-first['margin'])}, more than two of its standard "
                    f"deviations ({_small(acc['std'])})"
                )
            elif small_margin and first["margin"] < 0:
                reason = (
                    f"while accuracy is below always predicting the majority class "
                    f"by {_small(-first['margin'])}, within two of its standard "
                    f"deviations ({_small(acc['std'])}): no better than doing nothing"
                )
            elif small_margin:
                reason = (
                    f"while accuracy's margin over the majority class "
                    f"({_small(first['margin'])}) is within two of its standard "
                    f"deviations ({_small(acc['std'])})"
                )
            else:
                reason = (
                    f"since positives are only {positive_rate:.1%} of the rows, "
                    "accuracy can only move between the majority-class rate "
                    f"({first['baseline_accuracy']:.4f}) and 1"
                )
            return (
                f"PR-AUC is the metric to watch{label}: {ap['mean']:.4f} ± "
                f"{ap['std']:.4f}, against {positive_rate:.4f} for a model without "
                f"skill (the positive rate), {reason}."
            )
        return (
            f"Accuracy{label} beats the majority class by more than two standard "
            f"deviations, so it is informative here; PR-AUC ({ap['mean']:.4f} ± "
            f"{ap['std']:.4f}) adds how well the positive class is ranked."
        )

    # ------------------------------------------------------------ views
    def plot_epochs(self):
        """Plot per-epoch training and held-out accuracy, mean ± 1 std.

        One panel per batch size when several were compared.

        Returns
        -------
        fig : matplotlib.figure.Figure
            Built without pyplot; nothing is shown.
        """
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        acc = self.epochs[
            self.epochs["metric"].isin(["train_accuracy", "test_accuracy"])
        ]
        if acc.empty:
            raise ValueError(
                "plot_epochs needs per-epoch history with accuracy; this report has "
                "none (the estimator is not trained in epochs, or recorded no "
                "binary_accuracy)."
            )
        panels = list(_groups(acc, self._keys))
        fig = Figure(figsize=(6.4 * len(panels) ** 0.5 + 2, 4.2), layout="constrained")
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (key, group) in zip(axes, panels, strict=True):
            for metric, text in (
                ("train_accuracy", "training"),
                ("test_accuracy", "held-out (test fold)"),
            ):
                sub = group[group["metric"] == metric]
                if sub.empty:
                    continue
                std = sub["std"].fillna(0.0).to_numpy(dtype=float)
                mean = sub["mean"].to_numpy(dtype=float)
                ax.plot(sub["epoch"], mean, color=_COLORS[metric], label=text)
                ax.fill_between(
                    sub["epoch"].to_numpy(dtype=float),
                    mean - std,
                    mean + std,
                    color=_COLORS[metric],
                    alpha=0.25,
                    linewidth=0,
                )
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f"batch size {key[0]}" if key else "BinaryAccuracy per epoch")
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("BinaryAccuracy (mean ± 1 std over fits)")
        axes[0].legend(loc="lower right")
        return fig

    def to_markdown(self):
        """Return the report as Markdown: tables and the explanation.

        Returns
        -------
        text : str
        """
        lines = ["# Why the scores fluctuate", ""]
        if self.params:
            lines += [
                "Design: " + ", ".join(f"{k}={v}" for k, v in self.params.items()),
                "",
            ]
        lines += [f"- {s}" for s in self.explain()]
        lines += ["", "## Sources of spread", "", _fmt_table(self.components), ""]
        lines += ["## Test-size noise floor (accuracy)", ""]
        lines += [_fmt_table(self.noise_floor), ""]
        lines += ["## Majority-class baseline", "", _fmt_table(self.baseline), ""]
        if not self.epochs.empty:
            lines += ["## Epoch to epoch", "", _fmt_table(self.volatility), ""]
            wide = self.epochs.assign(
                cell=[
                    f"{m:.4f} ± {s:.4f}"
                    for m, s in zip(
                        self.epochs["mean"], self.epochs["std"], strict=True
                    )
                ]
            ).pivot(index=[*self._keys, "epoch"], columns="metric", values="cell")
            wide = wide[[m for m in _EPOCH_METRICS if m in wide.columns]]
            lines += [_fmt_table(wide.reset_index()), ""]
        return "\n".join(lines)

    def to_csv(self, directory):
        """Write the tables as CSV files into ``directory`` (created if needed).

        Parameters
        ----------
        directory : str or path

        Returns
        -------
        paths : list of pathlib.Path
            ``components.csv, noise_floor.csv, baseline.csv, epochs.csv,
            volatility.csv, folds.csv, splits.csv, history.csv``; the last
            three are the inputs of :class:`FluctuationReport`, so the report
            can be rebuilt from them without training.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in (
            "components",
            "noise_floor",
            "baseline",
            "epochs",
            "volatility",
            "folds",
            "splits",
            "history",
        ):
            path = directory / f"{name}.csv"
            getattr(self, name).to_csv(path, index=False)
            paths.append(path)
        return paths

    def __repr__(self):
        return "FluctuationReport(\n  " + "\n  ".join(self.explain()) + "\n)"


# --------------------------------------------------------------------------
# The experiment
# --------------------------------------------------------------------------
def explain_fluctuation(
    estimator,
    X,
    y,
    *,
    strategy="none",
    n_seeds=5,
    n_splits=5,
    n_repeats=2,
    batch_sizes=None,
    pos_label=None,
    random_state=0,
    n_jobs=None,
    verbose=1,
):
    """Measure why a classifier's accuracy (and other metrics) fluctuates.

    Every data split is trained with every seed: one fixed set of splits from
    ``RepeatedStratifiedKFold(n_splits, n_repeats, random_state)`` and
    ``n_seeds`` seeds drawn from ``random_state``.  Seed ``j`` is given to
    every ``random_state`` of the pipeline (network initialisation and
    shuffling, sampler) for every split, so each (split, seed) cell is one fit
    and the spread of each metric can be split into a data-split part, a seed
    part and their combination (:func:`evalkit.stats.variance_components`).

    Models trained in epochs (an ``epochs`` parameter and a ``fit`` that
    takes ``validation_data``, as :class:`evalkit.KerasBinaryClassifier`) also
    record training and held-out BinaryAccuracy and loss per epoch; held-out
    values are measured on each fold's test rows, which never influence
    training.  If such an estimator has a ``metrics`` parameter that does not
    already record accuracy, ``"binary_accuracy"`` is added to it on a clone.

    Parameters
    ----------
    estimator : classifier
        Any scikit-learn classifier; cloned, never modified.
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        Features.
    y : array-like of shape (n_samples,)
        Binary labels.
    strategy : str, sampler or pipeline, default="none"
        One imbalance strategy, as in :func:`evalkit.evaluate`.
    n_seeds : int, default=5
        Seeds per split (at least 2).
    n_splits : int, default=5
        Folds per repeat.
    n_repeats : int, default=2
        Repeats of the stratified K-fold split.
    batch_sizes : list of int or None, default=None
        Run the whole design once per batch size (set through the estimator's
        ``batch_size`` parameter), so that the effect of the mini-batch size
        on the spread and on epoch-to-epoch movement is measured.  ``None``
        keeps the estimator's own.
    pos_label : label or None, default=None
        The positive class, as in :func:`evalkit.evaluate`.
    random_state : int, RandomState or None, default=0
        Controls the splits and the seeds.
    n_jobs : int or None, default=None
        Fits of one seed run in parallel through joblib.
    verbose : int, default=1
        ``0`` is silent; ``1`` shows a progress bar per seed.

    Returns
    -------
    report : FluctuationReport

    See Also
    --------
    evalkit.stats.variance_components : The decomposition used.
    evalkit.stats.binomial_noise_floor : The spread the test size makes unavoidable.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from evalkit import explain_fluctuation, make_fraud
    >>> X, y = make_fraud(600, fraud_rate=0.1, random_state=0)
    >>> report = explain_fluctuation(
    ...     RandomForestClassifier(n_estimators=10), X, y, n_seeds=2,
    ...     n_splits=2, n_repeats=1, verbose=0)
    >>> list(report.components["metric"])
    ['accuracy', 'balanced_accuracy', 'f1', 'roc_auc', 'average_precision']
    """
    n_seeds = check_int(n_seeds, "n_seeds", low=2)
    n_splits = check_int(n_splits, "n_splits", low=2)
    n_repeats = check_int(n_repeats, "n_repeats", low=1)
    if not hasattr(estimator, "fit"):
        raise InputError(
            "The `estimator` parameter must be a scikit-learn classifier with a fit "
            f"method. Got {type(estimator).__name__} instead."
        )
    batch_sizes = _check_batch_sizes(batch_sizes, estimator)
    if not isinstance(strategy, str) and isinstance(strategy, (list, tuple, dict)):
        raise InputError(
            "The `strategy` parameter takes one strategy (a name such as 'smote', "
            f"a sampler or a pipeline). Got {strategy!r}; call explain_fluctuation "
            "once per strategy."
        )
    X_checked, y_checked, _ = check_X_y(X, y)
    pos_label, _ = resolve_pos_label(y_checked, pos_label)
    check_class_counts((y_checked == pos_label).astype(np.int8), n_splits)

    epochs_tracked = _trains_in_epochs(estimator)
    if epochs_tracked:
        estimator = _with_binary_accuracy(estimator)
    split_seed, seed_source = _split_seeds(check_random_state_param(random_state))
    seeds = [int(s) for s in draw_seeds(seed_source, n_seeds)]
    splitter = RepeatedStratifiedKFold(
        n_splits=n_splits, n_repeats=n_repeats, random_state=split_seed
    )
    n_tasks = n_splits * n_repeats
    scoring = [*FLUCTUATION_METRICS]
    name = strategy if isinstance(strategy, str) else type(strategy).__name__

    folds, history, splits, evaluations = [], [], None, []
    for batch_size in batch_sizes or [None]:
        est = estimator
        if batch_size is not None:
            est = clone(estimator).set_params(
                **dict.fromkeys(_find_params(estimator, "batch_size"), batch_size)
            )
        for j, seed in enumerate(seeds):
            report = evaluate(
                est,
                X_checked,
                y_checked,
                strategies={name: strategy},
                cv=splitter,
                scoring=scoring,
                pos_label=pos_label,
                random_state=seed,
                n_jobs=n_jobs,
                verbose=verbose,
                return_test_history=epochs_tracked,
                _task_seeds=[seed] * n_tasks,
            )
            extra = (
                {"seed": j}
                if batch_size is None
                else {"batch_size": batch_size, "seed": j}
            )
            evaluations.append(report)
            folds.append(report.folds.drop(columns="strategy").assign(**extra))
            history.append(report.history.drop(columns="strategy").assign(**extra))
            if splits is None:
                splits = report.fold_info[["repeat", "fold", "n_test", "n_pos_test"]]
    keys = ["seed"] if batch_sizes is None else ["batch_size", "seed"]
    folds = pd.concat(folds, ignore_index=True)
    folds = folds[[*keys, "repeat", "fold", "metric", "value"]]
    history = pd.concat(history, ignore_index=True)
    history = history[[*keys, "repeat", "fold", "epoch", "metric", "value"]]
    params = {
        "strategy": name,
        "splits": f"{n_splits} folds x {n_repeats} repeats",
        "n_seeds": n_seeds,
        "batch_sizes": batch_sizes,
        "random_state": random_state if isinstance(random_state, int) else None,
        "seeds": seeds,
    }
    return FluctuationReport(
        folds,
        splits=splits.reset_index(drop=True),
        history=history,
        params=params,
        evaluations=evaluations,
    )
