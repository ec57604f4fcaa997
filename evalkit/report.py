"""``EvaluationReport``: the tables of an evaluation, computed once.

The long per-fold table (:attr:`EvaluationReport.folds`) is the source of
truth; summaries, comparisons, rankings, exports and plots are views of it.
Every metric is computed from the stored out-of-fold probabilities, so a saved
report can be rebuilt (:func:`evalkit.load_report`) without training again.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import stats
from .metrics import check_metrics, compute_fold_metrics

__all__ = ["EvaluationReport"]

_STATS = ("mean", "std", "min", "max", "ci_low", "ci_high", "n")
_FOLD_INFO_COLUMNS = [
    "strategy",
    "repeat",
    "fold",
    "seed",
    "fit_time",
    "predict_time",
    "n_train",
    "n_train_resampled",
    "n_test",
    "n_pos_train",
    "n_pos_train_resampled",
    "n_pos_test",
    "threshold",
    "class_weight",
    "memory_mb",
    "status",
    "error",
]
# Metrics shown first in terminal and Markdown views: accuracy's spread next to
# the metrics that matter on imbalanced data.
HEADLINE_METRICS = (
    "accuracy",
    "baseline_accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "average_precision",
)


def _label(value):
    return value.item() if isinstance(value, np.generic) else value


class EvaluationReport:
    """Results of :func:`evalkit.evaluate`: per-fold tables and their views.

    Parameters
    ----------
    records : list of FoldRecord
        One record per (strategy, repeat, fold) task.
    metrics : list of str
        Metric names, in report order (cost metrics need ``costs``).
    pos_label : object
        The positive class.
    classes : list
        Both labels, sorted.
    strategies : list of str
        Strategy names in the order given.
    data : dict, optional
        Facts about the data set (``n_samples``, ``n_features``,
        ``n_positive``, ``n_missing``, ``pos_label_reason``, ``name``).
    params : dict, optional
        The evaluation's parameters, for reproducibility (JSON-serialisable).
    costs : dict or None, optional
        ``{"fp": ..., "fn": ...}`` when cost metrics were requested.

    Attributes
    ----------
    folds : pandas.DataFrame
        One row per strategy x repeat x fold x metric; columns ``strategy``
        (str), ``repeat`` (int64), ``fold`` (int64), ``metric`` (str),
        ``value`` (float64, NaN where the metric is undefined or the task
        failed).
    fold_info : pandas.DataFrame
        One row per task; see :attr:`fold_info`.
    predictions : pandas.DataFrame
        The out-of-fold probabilities: ``strategy, repeat, fold, row, y_true,
        proba`` (``row`` is the position in the evaluated data, ``y_true`` is 1
        for the positive class, ``proba`` the probability of the positive
        class).
    history : pandas.DataFrame
        Per-epoch training history of Keras models: ``strategy, repeat, fold,
        epoch, metric, value`` (empty for other estimators).
    undefined : pandas.DataFrame
        Where and why a metric is NaN: ``strategy, repeat, fold, metric,
        reason``.
    """

    def __init__(
        self,
        records,
        *,
        metrics,
        pos_label,
        classes,
        strategies,
        data=None,
        params=None,
        costs=None,
    ):
        order = {name: i for i, name in enumerate(strategies)}
        self.records = sorted(
            records, key=lambda r: (order[r.strategy], r.repeat, r.fold)
        )
        self.strategies = list(strategies)
        self.costs = costs
        self._metrics = check_metrics(list(metrics), costs)
        self.metric_names = [m.name for m in self._metrics]
        self.pos_label = _label(pos_label)
        self.classes = [_label(c) for c in classes]
        self.data = dict(data or {})
        self.params = dict(params or {})
        self._build_tables()

    # ------------------------------------------------------------------ tables
    def _build_tables(self):
        rows, undefined, info, preds, hist = [], [], [], [], []
        for r in self.records:
            key = (r.strategy, r.repeat, r.fold)
            if r.status == "ok":
                values = compute_fold_metrics(
                    self._metrics, r.y_test, r.proba, threshold=r.threshold
                )
            else:
                values = {
                    m: (np.nan, f"the task failed: {r.error}")
                    for m in self.metric_names
                }
            for name in self.metric_names:
                value, reason = values[name]
                rows.append((*key, name, value))
                if reason is not None:
                    undefined.append((*key, name, reason))
            info.append({c: getattr(r, c) for c in _FOLD_INFO_COLUMNS})
            preds.append(
                pd.DataFrame(
                    {
                        "strategy": r.strategy,
                        "repeat": r.repeat,
                        "fold": r.fold,
                        "row": np.asarray(r.test_index, dtype=np.int64),
                        "y_true": np.asarray(r.y_test, dtype=np.int8),
                        "proba": np.asarray(r.proba, dtype=np.float64),
                    }
                )
            )
            for metric, values_ in (r.history or {}).items():
                for epoch, v in enumerate(values_, start=1):
                    hist.append((*key, epoch, metric, float(v)))
        key_cols = ["strategy", "repeat", "fold"]
        self.folds = pd.DataFrame(rows, columns=[*key_cols, "metric", "value"])
        self.folds = self.folds.astype(
            {"repeat": "int64", "fold": "int64", "value": "float64"}
        )
        self.undefined = pd.DataFrame(
            undefined, columns=[*key_cols, "metric", "reason"]
        )
        fold_info = pd.DataFrame(info, columns=_FOLD_INFO_COLUMNS)
        for col in ("n_train_resampled", "n_pos_train_resampled"):
            fold_info[col] = fold_info[col].astype("Int64")
        self.fold_info = fold_info
        self.predictions = (
            pd.concat(preds, ignore_index=True)
            if preds
            else pd.DataFrame(columns=[*key_cols, "row", "y_true", "proba"])
        )
        self.history = pd.DataFrame(
            hist, columns=[*key_cols, "epoch", "metric", "value"]
        ).astype({"repeat": "int64", "fold": "int64", "epoch": "int64"})

    def _values(self, metric):
        """Wide table of one metric: index (repeat, fold), a column per strategy."""
        if metric not in self.metric_names:
            raise ValueError(
                f"Metric {metric!r} is not in this report. Available: "
                f"{', '.join(self.metric_names)}."
            )
        sub = self.folds[self.folds["metric"] == metric]
        wide = sub.pivot(index=["repeat", "fold"], columns="strategy", values="value")
        return wide[[s for s in self.strategies if s in wide.columns]]

    def _metric(self, name):
        for metric in self._metrics:
            if metric.name == name:
                return metric
        raise ValueError(
            f"Metric {name!r} is not in this report. Available: "
            f"{', '.join(self.metric_names)}."
        )

    def _sizes(self, strategy):
        info = self.fold_info[self.fold_info["strategy"] == strategy]
        return float(info["n_train"].mean()), float(info["n_test"].mean())

    @property
    def n_folds(self):
        """Number of (repeat, fold) splits per strategy."""
        return int(len(self.records) / max(len(self.strategies), 1))

    @property
    def n_failed(self):
        """Number of tasks that failed."""
        return int((self.fold_info["status"] != "ok").sum())

    # --------------------------------------------------------------- summaries
    def summary(self, metrics=None, *, confidence=0.95):
        """Per-strategy statistics of each metric over the folds.

        Parameters
        ----------
        metrics : list of str or None, default=None
            Metrics to include; ``None`` means all.
        confidence : float, default=0.95
            Level of the interval.

        Returns
        -------
        summary : pandas.DataFrame
            Index ``strategy``; columns a MultiIndex ``(metric, stat)`` with
            stats ``mean, std, min, max, ci_low, ci_high, n``.  ``std`` is the
            sample standard deviation (ddof=1) over the folds; ``n`` counts the
            folds where the metric is defined (NaN folds are left out, never
            averaged as zero).  ``ci_low, ci_high`` is the corrected resampled
            t interval of Nadeau and Bengio (2003), as recommended by Bouckaert
            and Frank (2004): the variance of the R x K fold values is
            multiplied by ``1/(R*K) + n_test/n_train`` instead of ``1/(R*K)``,
            because folds share training rows and are not independent, and the
            t quantile has ``R*K - 1`` degrees of freedom.  A naive interval
            would be far too narrow.  The interval is clipped to the metric's
            range (for example [0, 1] for accuracy).
        """
        names = self.metric_names if metrics is None else list(metrics)
        columns, data = [], {}
        for name in names:
            wide = self._values(name)
            for stat in _STATS:
                columns.append((name, stat))
            for strategy in self.strategies:
                values = wide[strategy].to_numpy(dtype=np.float64)
                ok = values[~np.isnan(values)]
                row = data.setdefault(strategy, {})
                row[(name, "n")] = len(ok)
                if len(ok) == 0:
                    for stat in _STATS[:-1]:
                        row[(name, stat)] = np.nan
                    continue
                row[(name, "mean")] = ok.mean()
                # Equal values have a std of exactly 0, not rounding noise.
                row[(name, "std")] = (
                    np.nan
                    if len(ok) < 2
                    else 0.0
                    if ok.min() == ok.max()
                    else ok.std(ddof=1)
                )
                row[(name, "min")] = ok.min()
                row[(name, "max")] = ok.max()
                if len(ok) > 1:
                    n_train, n_test = self._sizes(strategy)
                    ci = stats.corrected_t_interval(
                        ok, n_train=n_train, n_test=n_test, confidence=confidence
                    )
                    low, high = self._metric(name).bounds
                    row[(name, "ci_low")] = max(ci.low, low)
                    row[(name, "ci_high")] = min(ci.high, high)
                else:
                    row[(name, "ci_low")] = row[(name, "ci_high")] = np.nan
        out = pd.DataFrame.from_dict(data, orient="index")
        out = out.reindex(
            columns=pd.MultiIndex.from_tuples(columns, names=["metric", "stat"])
        )
        out.index.name = "strategy"
        for name in names:
            out[(name, "n")] = out[(name, "n")].astype("int64")
        return out

    def compare(
        self, baseline=None, metric="roc_auc", *, method="corrected_t", alpha=0.05
    ):
        """Compare every strategy with a baseline, fold by fold.

        Differences are paired on identical splits (every strategy saw the
        same training and test rows), so the fold-to-fold variation shared by
        both strategies cancels out.

        Parameters
        ----------
        baseline : str or None, default=None
            The strategy to compare against; ``None`` uses ``"none"`` when
            present, else the first strategy.
        metric : str or list of str, default="roc_auc"
            A list gives one block of rows per metric.
        method : {"corrected_t", "wilcoxon"}, default="corrected_t"
            ``"corrected_t"``: the corrected resampled paired t-test (Nadeau
            and Bengio 2003), which accounts for the overlap of training sets
            between folds; ``"wilcoxon"``: the signed-rank test as a
            non-parametric check (it does not correct for that overlap, so
            read it as optimistic).
        alpha : float, default=0.05
            The interval ``ci_low, ci_high`` has level ``1 - alpha``.

        Returns
        -------
        comparison : pandas.DataFrame
            Index ``strategy`` (or ``(metric, strategy)`` for a list of
            metrics); columns ``mean_diff, ci_low, ci_high, t_stat, p_value,
            p_holm, wins, ties, losses, n_folds``.  ``mean_diff`` is strategy
            minus baseline; ``wins`` counts folds where the strategy is better
            than the baseline (lower is better for brier, log_loss, ece and
            costs); ``p_holm`` is Holm's adjustment across the strategies
            compared.  With ``method="wilcoxon"`` the column ``t_stat`` is
            named ``w_stat`` and holds the signed-rank statistic.
        """
        if method not in ("corrected_t", "wilcoxon"):
            raise ValueError(
                "The `method` parameter must be 'corrected_t' or 'wilcoxon'. "
                f"Got {method!r} instead."
            )
        if not 0 < alpha < 1:
            raise ValueError(f"The `alpha` parameter must be in (0, 1). Got {alpha!r}.")
        if baseline is None:
            baseline = "none" if "none" in self.strategies else self.strategies[0]
        if baseline not in self.strategies:
            raise ValueError(
                f"baseline={baseline!r} is not a strategy of this report. "
                f"Choose one of: {', '.join(self.strategies)}."
            )
        if len(self.strategies) < 2:
            raise ValueError("compare() needs at least two strategies in the report.")
        if not isinstance(metric, str):
            blocks = {
                m: self.compare(baseline, m, method=method, alpha=alpha) for m in metric
            }
            return pd.concat(blocks, names=["metric"])
        greater = self._metric(metric).greater_is_better
        wide = self._values(metric)
        rows = {}
        for strategy in self.strategies:
            if strategy == baseline:
                continue
            a = wide[strategy].to_numpy(dtype=np.float64)
            b = wide[baseline].to_numpy(dtype=np.float64)
            ok = ~(np.isnan(a) | np.isnan(b))
            a, b = a[ok], b[ok]
            wins, ties, losses = (
                stats.win_tie_loss(a, b) if greater else stats.win_tie_loss(b, a)
            )
            row = {
                "wins": wins,
                "ties": ties,
                "losses": losses,
                "n_folds": int(ok.sum()),
            }
            if len(a) < 2:
                row.update(
                    mean_diff=np.nan,
                    ci_low=np.nan,
                    ci_high=np.nan,
                    t_stat=np.nan,
                    p_value=np.nan,
                )
            elif method == "corrected_t":
                n_train, n_test = self._sizes(strategy)
                res = stats.corrected_paired_t_test(
                    a, b, n_train=n_train, n_test=n_test, confidence=1 - alpha
                )
                row.update(
                    mean_diff=res.mean_diff,
                    ci_low=res.ci_low,
                    ci_high=res.ci_high,
                    t_stat=res.t_stat,
                    p_value=res.p_value,
                )
            else:
                res = stats.wilcoxon_test(a, b)
                row.update(
                    mean_diff=float(np.mean(a - b)),
                    ci_low=np.nan,
                    ci_high=np.nan,
                    t_stat=res.statistic,
                    p_value=res.p_value,
                )
            rows[strategy] = row
        out = pd.DataFrame.from_dict(rows, orient="index")
        out["p_holm"] = stats.holm(out["p_value"].to_numpy(dtype=np.float64))
        out.index.name = "strategy"
        cols = [
            "mean_diff",
            "ci_low",
            "ci_high",
            "t_stat",
            "p_value",
            "p_holm",
            "wins",
            "ties",
            "losses",
            "n_folds",
        ]
        out = out[cols]
        if method == "wilcoxon":
            out = out.rename(columns={"t_stat": "w_stat"})
        out.attrs.update(baseline=baseline, metric=metric, method=method)
        return out

    def rank(self, metric="roc_auc"):
        """Average rank of each strategy across folds, and a Friedman test.

        Parameters
        ----------
        metric : str, default="roc_auc"

        Returns
        -------
        ranks : pandas.DataFrame
            Index ``strategy`` sorted best first; columns ``mean_rank`` (1 is
            best, ties share the average rank), ``mean`` (the metric's mean
            over the ranked folds), ``friedman_statistic`` and
            ``friedman_p_value`` (the same on every row: the test that all
            strategies rank alike; Demšar 2006).  Folds where any strategy is
            NaN are left out.
        """
        if len(self.strategies) < 2:
            raise ValueError("rank() needs at least two strategies in the report.")
        greater = self._metric(metric).greater_is_better
        wide = self._values(metric).dropna()
        if len(wide) < 2:
            raise ValueError(
                f"rank() needs at least two folds where {metric!r} is defined for "
                f"every strategy; found {len(wide)}."
            )
        matrix = wide.to_numpy(dtype=np.float64)
        ranks = stats.average_ranks(matrix, greater_is_better=greater)
        statistic, p_value = (
            stats.friedman_test(matrix) if matrix.shape[1] > 2 else (np.nan, np.nan)
        )
        out = pd.DataFrame(
            {"mean_rank": ranks, "mean": matrix.mean(axis=0)}, index=wide.columns
        )
        out["friedman_statistic"] = statistic
        out["friedman_p_value"] = p_value
        out.index.name = "strategy"
        return out.sort_values("mean_rank")

    # ---------------------------------------------------------------- exports
    def _meta(self):
        return {
            "evalkit_version": _version(),
            "pos_label": self.pos_label,
            "classes": self.classes,
            "strategies": self.strategies,
            "metrics": [
                m
                for m in self.metric_names
                if m not in ("expected_cost", "min_expected_cost")
            ],
            "costs": self.costs,
            "data": self.data,
            "params": self.params,
        }

    def to_csv(self, directory):
        """Write the report's tables as CSV files into ``directory``.

        Writes ``folds.csv``, ``fold_info.csv``, ``summary.csv`` (flattened
        ``metric_stat`` columns), ``predictions.csv`` (the out-of-fold
        probabilities, enough to rebuild the report with
        :func:`load_report`), ``history.csv`` and ``meta.json``.

        Parameters
        ----------
        directory : str or path-like
            Created if missing.

        Returns
        -------
        paths : list of pathlib.Path
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        summary = self.summary()
        summary.columns = [f"{m}_{s}" for m, s in summary.columns]
        written = []
        for name, frame, index in (
            ("folds.csv", self.folds, False),
            ("fold_info.csv", self.fold_info, False),
            ("summary.csv", summary, True),
            ("predictions.csv", self.predictions, False),
            ("history.csv", self.history, False),
        ):
            path = out / name
            frame.to_csv(path, index=index, float_format="%.10g")
            written.append(path)
        path = out / "meta.json"
        path.write_text(json.dumps(self._meta(), indent=2, default=_json_default))
        written.append(path)
        return written

    def to_markdown(self, metrics=HEADLINE_METRICS):
        """The summary as a Markdown document.

        Parameters
        ----------
        metrics : list of str, default=HEADLINE_METRICS
            Metrics shown; each cell is ``mean ± std`` over folds, with the
            95 % interval below the table for accuracy.

        Returns
        -------
        text : str
        """
        metrics = [m for m in metrics if m in self.metric_names]
        lines = [
            f"# evalkit report{': ' + self.data['name'] if self.data.get('name') else ''}",
            "",
        ]
        lines += self._describe_lines()
        lines += ["", "## Summary (mean ± std over folds)", ""]
        lines += _markdown_table(self._formatted(metrics))
        acc = self.summary(["accuracy"]) if "accuracy" in self.metric_names else None
        if acc is not None:
            lines += ["", "## Accuracy's spread", ""]
            acc = acc["accuracy"].copy()
            if "baseline_accuracy" in self.metric_names:
                acc["baseline"] = self.summary(["baseline_accuracy"])[
                    ("baseline_accuracy", "mean")
                ]
            lines += _markdown_table(
                acc.map(
                    lambda v: f"{v:.4f}" if isinstance(v, float) else str(v)
                ).reset_index()
            )
        notes = self._notes()
        if notes:
            lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
        return "\n".join(lines) + "\n"

    def _formatted(self, metrics):
        summary = self.summary(metrics)
        table = pd.DataFrame(index=summary.index)
        for m in metrics:
            mean, std, n = summary[(m, "mean")], summary[(m, "std")], summary[(m, "n")]
            cells = []
            for mu, sd, k in zip(mean, std, n, strict=True):
                cell = (
                    "nan"
                    if np.isnan(mu)
                    else f"{mu:.3f} ± {sd:.3f}"
                    if not np.isnan(sd)
                    else f"{mu:.3f}"
                )
                if k < self.n_folds:
                    cell += f" (n={k})"
                cells.append(cell)
            table[m] = cells
        return table.reset_index()

    def _describe_lines(self):
        d = self.data
        lines = []
        if d:
            n, pos = d.get("n_samples"), d.get("n_positive")
            if n is not None and pos is not None:
                lines.append(
                    f"- Data: {n} rows, {d.get('n_features', '?')} features, {pos} positives "
                    f"({100 * pos / n:.2f} %), imbalance ratio {(n - pos) / max(pos, 1):.1f}:1"
                )
        lines.append(
            f"- Positive class: {self.pos_label!r}"
            + (f" ({d['pos_label_reason']})" if d.get("pos_label_reason") else "")
        )
        p = self.params
        if p:
            lines.append(
                f"- Splits: {p.get('cv', '')}; {self.n_folds} folds per strategy; random_state={p.get('random_state')!r}"
            )
            if p.get("estimator"):
                lines.append(f"- Estimator: `{p['estimator']}`")
        return lines

    def _notes(self):
        notes = []
        if len(self.undefined):
            ok = self.undefined[
                ~self.undefined["reason"].str.startswith("the task failed")
            ]
            for metric, group in ok.groupby("metric", sort=False):
                notes.append(
                    f"{metric} is undefined (NaN) in {len(group)} of {len(self.records)} "
                    f"folds: {group['reason'].iloc[0]}."
                )
        if self.n_failed:
            notes.append(
                f"{self.n_failed} of {len(self.records)} tasks failed; see fold_info."
            )
        if "accuracy" in self.metric_names and "baseline_accuracy" in self.metric_names:
            s = self.summary(["accuracy", "baseline_accuracy"])
            worse = [
                st
                for st in self.strategies
                if s.loc[st, ("accuracy", "mean")]
                <= s.loc[st, ("baseline_accuracy", "mean")]
            ]
            if worse:
                notes.append(
                    "Accuracy is no better than always predicting the majority class for: "
                    + ", ".join(worse)
                    + ". Judge these strategies by PR-AUC, recall and F1."
                )
        return notes

    def to_latex(self, metrics=HEADLINE_METRICS, *, path=None):
        """The summary (mean ± std over folds) as a LaTeX tabular, for papers.

        Parameters
        ----------
        metrics : list of str, default=HEADLINE_METRICS
        path : str or path-like or None, default=None
            Also write the table to this file.

        Returns
        -------
        text : str
        """
        table = self._formatted([m for m in metrics if m in self.metric_names])
        text = table.to_latex(index=False, escape=True).replace("±", r"$\pm$")
        if path is not None:
            Path(path).write_text(text)
        return text

    # ------------------------------------------------------------ HTML, plots
    def to_html(self, path):
        """Write a self-contained HTML report (images inline, no network).

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        path : pathlib.Path
        """
        from .html import write_html

        return write_html(self, path)

    def _repr_html_(self):
        from .html import render_html

        return render_html(self, compact=True)

    def plot_metrics(self, metrics=None):
        """Per-fold distributions of each metric per strategy (see :mod:`evalkit.plots`)."""
        from .plots import plot_metrics

        return plot_metrics(self, metrics=metrics)

    def plot_roc(self):
        """Mean ROC curve per strategy across folds, with a band."""
        from .plots import plot_roc

        return plot_roc(self)

    def plot_pr(self):
        """Mean precision-recall curve per strategy across folds, with a band."""
        from .plots import plot_pr

        return plot_pr(self)

    def plot_calibration(self):
        """Reliability curves per strategy from the out-of-fold probabilities."""
        from .plots import plot_calibration

        return plot_calibration(self)

    def plot_confusion(self):
        """Confusion matrix per strategy, mean and std per cell across folds."""
        from .plots import plot_confusion

        return plot_confusion(self)

    def __repr__(self):
        return (
            f"<EvaluationReport: {len(self.strategies)} strategies x {self.n_folds} folds, "
            f"{len(self.metric_names)} metrics, pos_label={self.pos_label!r}>"
        )


def _version():
    from . import __version__

    return __version__


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _markdown_table(frame):
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return lines
