"""Matplotlib figures drawn from an :class:`~evalkit.EvaluationReport`.

Every figure is a view of the report's stored tables: the per-fold metric
table for :func:`plot_metrics` and the out-of-fold probabilities for the
curves, the reliability diagram and the confusion matrices.  Nothing is
predicted again.

Figures are built with :class:`matplotlib.figure.Figure` directly, never
through :mod:`matplotlib.pyplot`: no global figure registry, no backend
switch, nothing to close.  Each function returns the figure; in Jupyter it is
displayed as the cell's value, elsewhere save it with ``fig.savefig(path)``.

One colour per strategy (:func:`strategy_colors`, from the colour-blind-safe
Okabe-Ito palette) is kept across every figure.
"""

import base64
import io
import math

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from .metrics import expected_calibration_error

__all__ = [
    "DEFAULT_PLOT_METRICS",
    "figure_to_png_base64",
    "plot_calibration",
    "plot_confusion",
    "plot_metrics",
    "plot_pr",
    "plot_roc",
    "strategy_colors",
]

DEFAULT_PLOT_METRICS = (
    "accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "average_precision",
)

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every
# common colour-vision deficiency.  Yellow is last because it is faint on white;
# Paul Tol's "muted" colours follow for reports with more than eight strategies.
_PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
# Line styles cycle with the colours, so that identical curves (a strategy
# that only moves the threshold has the ROC curve of its base) stay visible and
# the figures survive grey-scale printing.
_LINESTYLES = ("-", "--", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)))
_GRID = np.linspace(0.0, 1.0, 101)
_N_BINS = 10
_WIDTH = 10.0
# ``Axes.boxplot(orientation=...)`` replaced ``vert=`` in matplotlib 3.10.
_HORIZONTAL = (
    {"orientation": "horizontal"}
    if tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) >= (3, 10)
    else {"vert": False}
)


def strategy_colors(strategies):
    """Map each strategy to its colour, the same in every figure.

    Parameters
    ----------
    strategies : list of str
        Strategy names in report order; the i-th strategy gets the i-th colour
        of the Okabe-Ito palette (then Paul Tol's muted palette, then the
        colours repeat).

    Returns
    -------
    colors : dict
        ``{strategy: "#rrggbb"}``.

    Examples
    --------
    >>> strategy_colors(["none", "smote"])
    {'none': '#0072B2', 'smote': '#E69F00'}
    """
    return {s: _PALETTE[i % len(_PALETTE)] for i, s in enumerate(strategies)}


def _linestyles(strategies):
    return {s: _LINESTYLES[i % len(_LINESTYLES)] for i, s in enumerate(strategies)}


def figure_to_png_base64(fig, dpi=100):
    """Encode a figure as base64 PNG text, for a ``data:image/png`` URI.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : int, default=100
        Resolution of the PNG.

    Returns
    -------
    text : str
        ASCII base64 of the PNG bytes.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure_to_png_base64(Figure(figsize=(1, 1))).startswith("iVBORw0KGgo")
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# --------------------------------------------------------------------- helpers
def _text(value):
    """A user string made safe for matplotlib text (no mathtext, shown in legends)."""
    text = str(value).replace("$", r"\$")
    # Legend entries whose label starts with "_" are silently dropped.
    return " " + text if text.startswith("_") else text


def _positive(report):
    return f"y = {report.pos_label!r}"


def _negative_label(report):
    others = [c for c in report.classes if c != report.pos_label]
    return others[0] if others else "other"


def _fold_predictions(report, strategy):
    """The usable folds of one strategy: a list of (y_true, proba, threshold).

    Failed tasks and folds with missing probabilities are left out.
    """
    info = report.fold_info
    info = info[(info["strategy"] == strategy) & (info["status"] == "ok")]
    preds = report.predictions[report.predictions["strategy"] == strategy]
    groups = {key: g for key, g in preds.groupby(["repeat", "fold"], sort=True)}
    out = []
    for row in info.itertuples(index=False):
        group = groups.get((row.repeat, row.fold))
        if group is None or len(group) == 0:
            continue
        proba = group["proba"].to_numpy(dtype=np.float64)
        if np.isnan(proba).any():
            continue
        y_true = group["y_true"].to_numpy(dtype=np.int8)
        out.append((y_true, proba, float(row.threshold)))
    return out


def _n_tasks(report, strategy):
    return int((report.fold_info["strategy"] == strategy).sum())


def _mean_std(values):
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.nan, np.nan
    std = values.std(ddof=1) if len(values) > 1 else 0.0
    return float(values.mean()), float(std)


def _fold_count_text(used, total):
    return "" if used == total else f", {used} of {total} folds"


def _no_data(ax, message):
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        transform=ax.transAxes,
        color="0.4",
        wrap=True,
    )


def _check_report(report, func):
    if not hasattr(report, "predictions") or not hasattr(report, "strategies"):
        raise TypeError(
            f"{func}() expects an evalkit EvaluationReport, as returned by "
            f"evalkit.evaluate(). Got {type(report).__name__} instead."
        )


# -------------------------------------------------------------------- metrics
def plot_metrics(report, metrics=None):
    """Per-fold distribution of each metric per strategy: a box plus the folds.

    One panel per metric; in each panel a horizontal box per strategy
    summarises the per-fold values (median, quartiles, whiskers at 1.5 IQR) and
    every fold is drawn as a point, jittered vertically so ties stay visible.
    On the accuracy panel a dashed line marks the majority-class baseline (the
    mean ``baseline_accuracy``): accuracy at or below it is no better than
    always predicting the majority class.

    Parameters
    ----------
    report : EvaluationReport
    metrics : list of str or None, default=None
        Metrics to draw; ``None`` draws those of ``accuracy, precision,
        recall, f1, roc_auc, average_precision`` that the report has.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Panels in rows of three; each axes is titled with its metric.
    """
    _check_report(report, "plot_metrics")
    if metrics is None:
        metrics = [m for m in DEFAULT_PLOT_METRICS if m in report.metric_names]
        if not metrics:
            metrics = list(report.metric_names)
    else:
        if isinstance(metrics, str):
            metrics = [metrics]
        metrics = list(metrics)
        unknown = [m for m in metrics if m not in report.metric_names]
        if unknown or not metrics:
            raise ValueError(
                f"The `metrics` parameter of plot_metrics must list metrics of the "
                f"report ({', '.join(report.metric_names)}). Got {metrics!r}; "
                f"not in the report: {unknown!r}."
            )
    strategies = report.strategies
    colors = strategy_colors(strategies)
    n_cols = min(len(metrics), 3)
    n_rows = math.ceil(len(metrics) / n_cols)
    height = 0.9 + n_rows * (0.9 + 0.32 * len(strategies))
    fig = Figure(figsize=(_WIDTH, height), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, sharey=True, squeeze=False)
    baseline_handles = []
    rng = np.random.RandomState(0)  # jitter only; fixed so figures are stable
    positions = np.arange(len(strategies))[::-1]  # first strategy on top
    folds = report.folds
    for i, metric in enumerate(metrics):
        ax = axes[i // n_cols][i % n_cols]
        sub = folds[folds["metric"] == metric]
        for pos, strategy in zip(positions, strategies, strict=True):
            values = sub.loc[sub["strategy"] == strategy, "value"].to_numpy(
                dtype=np.float64
            )
            values = values[~np.isnan(values)]
            color = colors[strategy]
            if len(values) == 0:
                ax.text(
                    0.5,
                    pos,
                    "undefined",
                    ha="center",
                    va="center",
                    color="0.4",
                    fontsize="small",
                    transform=ax.get_yaxis_transform(),
                )
                continue
            box = ax.boxplot(
                values,
                positions=[pos],
                **_HORIZONTAL,
                widths=0.6,
                showfliers=False,
                patch_artist=True,
                manage_ticks=False,
            )
            for patch in box["boxes"]:
                patch.set(facecolor=color, alpha=0.25, edgecolor=color)
            for part in ("whiskers", "caps", "medians"):
                for line in box[part]:
                    line.set(color=color, linewidth=1.5)
            jitter = rng.uniform(-0.18, 0.18, len(values))
            ax.scatter(
                values,
                pos + jitter,
                s=14,
                color=color,
                edgecolor="white",
                linewidth=0.5,
                zorder=3,
            )
        if metric == "accuracy" and "baseline_accuracy" in report.metric_names:
            base = folds.loc[folds["metric"] == "baseline_accuracy", "value"]
            base = float(np.nanmean(base.to_numpy(dtype=np.float64)))
            if not np.isnan(base):
                ax.axvline(
                    base,
                    color="0.3",
                    linestyle="--",
                    linewidth=1.2,
                    label=f"majority-class baseline ({base:.3f})",
                )
                baseline_handles = ax.get_legend_handles_labels()[0]
        ax.set_title(_text(metric))
        ax.set_xlabel("value per fold")
        ax.grid(axis="x", color="0.9")
        ax.set_axisbelow(True)
    for ax in axes[:, 0]:
        ax.set_yticks(positions, [_text(s) for s in strategies])
    axes[0][0].set_ylim(-0.6, len(strategies) - 0.4)
    for j in range(len(metrics), n_rows * n_cols):
        axes[j // n_cols][j % n_cols].set_visible(False)
    if baseline_handles:
        fig.legend(handles=baseline_handles, loc="outside lower left", frameon=False)
    n_folds = report.n_folds
    fig.suptitle(
        f"Per-fold metrics ({n_folds} folds per strategy; "
        f"positive class {_positive(report)})"
    )
    return fig


# --------------------------------------------------------------------- curves
def _roc_fold(y_true, proba):
    from sklearn.metrics import roc_auc_score, roc_curve

    fpr, tpr, _ = roc_curve(y_true, proba)
    curve = np.interp(_GRID, fpr, tpr)
    curve[0] = 0.0
    return curve, roc_auc_score(y_true, proba)


def _pr_fold(y_true, proba):
    from sklearn.metrics import average_precision_score, precision_recall_curve

    precision, recall, _ = precision_recall_curve(y_true, proba)
    # Interpolated precision: the best precision reachable at recall >= r.
    order = np.argsort(recall, kind="stable")
    recall, precision = recall[order], precision[order]
    best = np.maximum.accumulate(precision[::-1])[::-1]
    index = np.searchsorted(recall, _GRID, side="left")
    curve = best[np.minimum(index, len(best) - 1)]
    return curve, average_precision_score(y_true, proba)


def _plot_curves(report, kind):
    strategies = report.strategies
    colors = strategy_colors(strategies)
    styles = _linestyles(strategies)
    fig = Figure(figsize=(6.4, 5.6), layout="constrained")
    ax = fig.subplots()
    per_fold = _roc_fold if kind == "roc" else _pr_fold
    score_name = "AUC" if kind == "roc" else "AP"
    pooled = []
    n_used = {}
    for strategy in strategies:
        folds = _fold_predictions(report, strategy)
        pooled.extend(y for y, _, _ in folds)
        usable = [(y, p) for y, p, _ in folds if 0 < y.sum() < len(y)]
        n_used[strategy] = len(usable)
        color = colors[strategy]
        total = _n_tasks(report, strategy)
        if not usable:
            ax.plot([], [], color=color, label=f"{_text(strategy)}: no usable fold")
            continue
        curves, scores = zip(*(per_fold(y, p) for y, p in usable), strict=True)
        curves = np.vstack(curves)
        mean = curves.mean(axis=0)
        std = curves.std(axis=0, ddof=1) if len(curves) > 1 else np.zeros_like(mean)
        score, score_std = _mean_std(scores)
        ax.plot(
            _GRID,
            mean,
            color=color,
            linestyle=styles[strategy],
            linewidth=2,
            label=(
                f"{_text(strategy)}: {score_name} {score:.3f} ± {score_std:.3f}"
                f"{_fold_count_text(len(usable), total)}"
            ),
        )
        ax.fill_between(
            _GRID,
            np.clip(mean - std, 0, 1),
            np.clip(mean + std, 0, 1),
            color=color,
            alpha=0.15,
            linewidth=0,
        )
    if kind == "roc":
        ax.plot([0, 1], [0, 1], color="0.5", linestyle=":", label="chance")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate (recall)")
        title = "ROC curve"
        loc = "lower right"
    else:
        prevalence = float(np.concatenate(pooled).mean()) if pooled else np.nan
        if not np.isnan(prevalence):
            ax.axhline(
                prevalence,
                color="0.5",
                linestyle=":",
                label=f"chance (prevalence {prevalence:.3f})",
            )
        ax.set_xlabel("recall")
        ax.set_ylabel("precision (interpolated)")
        title = "Precision-recall curve"
        loc = "below"
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_aspect("equal" if kind == "roc" else "auto")
    ax.grid(color="0.92")
    ax.set_axisbelow(True)
    if loc == "below":
        # PR curves fill every corner of the axes: the legend goes underneath.
        fig.legend(loc="outside lower center", ncols=2, fontsize="small")
    else:
        ax.legend(loc=loc, fontsize="small")
    n_max = max(n_used.values(), default=0)
    ax.set_title(
        f"{title}, positive class {_positive(report)}\n"
        f"mean over folds ± 1 std ({n_max} folds per strategy)"
    )
    return fig


def plot_roc(report):
    """Mean ROC curve per strategy across folds, with a ±1 std band.

    Each fold's ROC curve is interpolated on a common grid of 101 false
    positive rates; the line is the mean true positive rate and the band
    ±1 standard deviation across folds.  The legend gives the mean ROC-AUC ±
    its standard deviation over the folds.  Folds whose test part holds a
    single class (ROC undefined) and failed tasks are skipped, and the legend
    says how many folds were used when some were.

    Parameters
    ----------
    report : EvaluationReport

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes: a line and a band per strategy, and the chance diagonal.
    """
    _check_report(report, "plot_roc")
    return _plot_curves(report, "roc")


def plot_pr(report):
    """Mean precision-recall curve per strategy across folds, with a ±1 std band.

    Each fold's curve is turned into interpolated precision (the best
    precision reached at a recall at least ``r``) on a common grid of 101
    recall values; the line is the mean and the band ±1 standard deviation
    across folds.  The legend gives the mean average precision (PR-AUC) ± its
    standard deviation; the dotted line is the prevalence, the precision of a
    classifier that guesses.  Folds with a single class and failed tasks are
    skipped, and the legend says how many folds were used when some were.

    Parameters
    ----------
    report : EvaluationReport

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes: a line and a band per strategy, and the prevalence line.
    """
    _check_report(report, "plot_pr")
    return _plot_curves(report, "pr")


# ---------------------------------------------------------------- calibration
def plot_calibration(report):
    """Reliability curves per strategy, with a histogram of probabilities below.

    The out-of-fold probabilities of all folds are pooled and cut into 10 bins
    of equal width; each point is placed at the mean predicted probability of
    its bin (x) and the fraction of positives in it (y).  Points on the
    diagonal are perfectly calibrated.  The legend gives the expected
    calibration error of the pooled probabilities.  The lower panel counts the
    probabilities per bin (log scale: on imbalanced data most fall near 0).

    Parameters
    ----------
    report : EvaluationReport

    Returns
    -------
    fig : matplotlib.figure.Figure
        Two axes: the reliability diagram and the histogram.
    """
    _check_report(report, "plot_calibration")
    strategies = report.strategies
    colors = strategy_colors(strategies)
    styles = _linestyles(strategies)
    fig = Figure(figsize=(6.4, 6.4), layout="constrained")
    ax, hist = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.2]})
    edges = np.linspace(0.0, 1.0, _N_BINS + 1)
    ax.plot([0, 1], [0, 1], color="0.5", linestyle=":", label="perfectly calibrated")
    for strategy in strategies:
        folds = _fold_predictions(report, strategy)
        color = colors[strategy]
        if not folds:
            ax.plot([], [], color=color, label=f"{_text(strategy)}: no usable fold")
            continue
        y_true = np.concatenate([y for y, _, _ in folds]).astype(np.float64)
        proba = np.concatenate([p for _, p, _ in folds])
        bins = np.minimum((proba * _N_BINS).astype(int), _N_BINS - 1)
        counts = np.bincount(bins, minlength=_N_BINS)
        filled = counts > 0
        mean_proba = np.bincount(bins, weights=proba, minlength=_N_BINS)[filled]
        frac_pos = np.bincount(bins, weights=y_true, minlength=_N_BINS)[filled]
        mean_proba /= counts[filled]
        frac_pos /= counts[filled]
        ece = expected_calibration_error(y_true, proba, n_bins=_N_BINS)
        ax.plot(
            mean_proba,
            frac_pos,
            marker="o",
            markersize=4,
            color=color,
            linestyle=styles[strategy],
            linewidth=1.6,
            label=f"{_text(strategy)} (ECE {ece:.3f})",
        )
        hist.hist(
            proba,
            bins=edges,
            histtype="step",
            color=color,
            linestyle=styles[strategy],
            linewidth=1.5,
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("fraction of positives")
    ax.set_title(
        f"Calibration: out-of-fold P({_positive(report)}), "
        f"{_N_BINS} equal-width bins, folds pooled"
    )
    ax.grid(color="0.92")
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", fontsize="small")
    hist.set_yscale("log")
    hist.set_xlabel(f"predicted probability P({_positive(report)})")
    hist.set_ylabel("rows (log)")
    hist.grid(color="0.92")
    hist.set_axisbelow(True)
    return fig


# ------------------------------------------------------------------ confusion
def plot_confusion(report):
    """Confusion matrix per strategy, mean ± std of counts per fold.

    Each fold's test rows are predicted positive when their probability is
    above the fold's recorded threshold (``fold_info["threshold"]``: 0.5
    unless the strategy tunes it).  Cells show the mean ± standard deviation of
    the counts over the folds; their colour is the share of the true class
    (row), so the minority class's row reads as clearly as the majority's.

    Parameters
    ----------
    report : EvaluationReport

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per strategy (plus a colour bar).
    """
    _check_report(report, "plot_confusion")
    strategies = report.strategies
    n_cols = min(len(strategies), 4)
    n_rows = math.ceil(len(strategies) / n_cols)
    fig = Figure(figsize=(_WIDTH, 0.6 + 2.7 * n_rows), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    neg, pos = _negative_label(report), report.pos_label
    tick_labels = [_text(repr(neg)), _text(repr(pos))]
    image = None
    for i, strategy in enumerate(strategies):
        ax = axes[i // n_cols][i % n_cols]
        folds = _fold_predictions(report, strategy)
        ax.set_title(_text(strategy), fontsize="medium")
        ax.set_xticks([0, 1], tick_labels)
        ax.set_yticks([0, 1], tick_labels)
        ax.set_xlabel("predicted")
        if i % n_cols == 0:
            ax.set_ylabel("true")
        if not folds:
            ax.set_xlim(-0.5, 1.5)
            ax.set_ylim(1.5, -0.5)
            _no_data(ax, "no usable fold")
            continue
        counts = []
        thresholds = []
        for y_true, proba, threshold in folds:
            y_pred = proba > threshold
            truth = y_true.astype(bool)
            counts.append(
                [
                    [np.sum(~truth & ~y_pred), np.sum(~truth & y_pred)],
                    [np.sum(truth & ~y_pred), np.sum(truth & y_pred)],
                ]
            )
            thresholds.append(threshold)
        counts = np.asarray(counts, dtype=np.float64)
        mean = counts.mean(axis=0)
        std = counts.std(axis=0, ddof=1) if len(counts) > 1 else np.zeros((2, 2))
        row_sum = mean.sum(axis=1, keepdims=True)
        share = np.divide(mean, row_sum, out=np.zeros_like(mean), where=row_sum > 0)
        image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        for r in range(2):
            for c in range(2):
                # Large counts need no decimals, and the std goes on its own line
                # so the text stays inside its cell.
                digits = 0 if mean[r, c] >= 100 else 1
                ax.text(
                    c,
                    r,
                    f"{mean[r, c]:.{digits}f}\n± {std[r, c]:.{digits}f}\n"
                    f"({100 * share[r, c]:.0f} %)",
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if share[r, c] > 0.6 else "black",
                )
        low, high = min(thresholds), max(thresholds)
        at = (
            f"threshold {low:.2f}"
            if high - low < 5e-3
            else (f"thresholds {low:.2f}-{high:.2f}")
        )
        total = _n_tasks(report, strategy)
        ax.set_title(
            f"{_text(strategy)}\n{at}{_fold_count_text(len(folds), total)}",
            fontsize="medium",
        )
    for j in range(len(strategies), n_rows * n_cols):
        axes[j // n_cols][j % n_cols].set_visible(False)
    if image is not None:
        fig.colorbar(
            image, ax=axes.ravel().tolist(), shrink=0.8, label="share of the true class"
        )
    fig.suptitle(
        f"Confusion matrices, mean ± std of counts per fold "
        f"(positive class {_positive(report)}; predicted positive when "
        "P > threshold)"
    )
    return fig
