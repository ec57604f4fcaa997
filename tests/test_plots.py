import base64

import matplotlib
import numpy as np
import pytest
from _reports import make_records
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from evalkit import plots
from evalkit.report import EvaluationReport

METRICS = [
    "accuracy",
    "baseline_accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "average_precision",
    "brier",
]
STRATEGIES = ("none", "smote", "tuned")
PLOTS = [
    plots.plot_metrics,
    plots.plot_roc,
    plots.plot_pr,
    plots.plot_calibration,
    plots.plot_confusion,
]


def _records(strategies=STRATEGIES, *, single_class=None, failed=None, seed=0):
    """Two repeats x three folds of 60 rows (8 positives) per strategy.

    The strategy at position 2 uses threshold 0.4; ``single_class`` is a
    (repeat, fold) whose test part has no positive (for every strategy, as
    splits are shared); ``failed`` a (strategy, repeat, fold) that failed.
    """
    return make_records(
        strategies,
        seed=seed,
        n=60,
        n_pos=8,
        signal=0.35,
        noise=0.6,
        failed=failed,
        single_class=single_class,
        thresholds={2: 0.4},
        resampled=False,
        history=False,
    )


def _report(strategies=STRATEGIES, *, pos_label="fraud", **kwargs):
    return EvaluationReport(
        _records(strategies, **kwargs),
        metrics=METRICS,
        pos_label=pos_label,
        classes=sorted(["legit", pos_label]) if pos_label == "fraud" else [0, 1],
        strategies=list(strategies),
        data={"n_samples": 180, "n_features": 3, "n_positive": 24},
        params={"random_state": 0},
    )


@pytest.fixture(scope="module")
def report():
    return _report()


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def _legend_texts(fig):
    texts = []
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return texts


@pytest.mark.parametrize("plot", PLOTS, ids=lambda f: f.__name__)
def test_plots_return_figures_outside_pyplot(report, plot):
    """Check that each plot returns a Figure not registered with pyplot and
    leaves matplotlib's settings and NumPy's global random state untouched."""
    rc_before = dict(matplotlib.rcParams)
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    fig = plot(report)
    assert isinstance(fig, Figure)
    assert fig.canvas.manager is None
    assert dict(matplotlib.rcParams) == rc_before
    assert np.array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    assert fig.get_size_inches()[0] <= 10.5


@pytest.mark.parametrize("plot", PLOTS, ids=lambda f: f.__name__)
def test_report_methods_call_the_plots(report, plot):
    """Check that the report's plot methods return the same kind of figure."""
    fig = getattr(report, plot.__name__)()
    assert isinstance(fig, Figure)
    assert len(_visible_axes(fig)) == len(_visible_axes(plot(report)))


def test_strategy_colors_are_stable_and_distinct():
    """Check that colours follow strategy order, are distinct, and cycle."""
    colors = plots.strategy_colors(["a", "b", "c"])
    assert list(colors) == ["a", "b", "c"]
    assert len(set(colors.values())) == 3
    assert plots.strategy_colors(["a", "b", "c"]) == colors
    many = plots.strategy_colors([f"s{i}" for i in range(40)])
    assert len(set(many.values())) == len(plots._PALETTE)


def test_plot_metrics_panels_and_baseline(report):
    """Check one titled panel per default metric, strategy tick labels, and the
    dashed majority-class baseline on the accuracy panel."""
    fig = plots.plot_metrics(report)
    axes = _visible_axes(fig)
    assert [ax.get_title() for ax in axes] == list(plots.DEFAULT_PLOT_METRICS)
    ticks = {
        t.get_text(): y
        for t, y in zip(axes[0].get_yticklabels(), axes[0].get_yticks(), strict=True)
    }
    assert sorted(ticks, key=ticks.get, reverse=True) == list(STRATEGIES)
    baseline = report.folds.query("metric == 'baseline_accuracy'")["value"].mean()
    dashed = [
        line
        for line in axes[0].get_lines()
        if line.get_linestyle() == "--" and np.allclose(line.get_xdata(), baseline)
    ]
    assert len(dashed) == 1
    assert any("baseline" in t for t in _legend_texts(fig))
    for ax in axes[1:]:
        assert not any(line.get_linestyle() == "--" for line in ax.get_lines())
    assert "'fraud'" in fig.get_suptitle()


def test_plot_metrics_points_are_the_fold_values(report):
    """Check that each strategy's points are exactly its per-fold values."""
    fig = plots.plot_metrics(report, metrics=["f1"])
    (ax,) = _visible_axes(fig)
    expected = report.folds.query("metric == 'f1'")
    points = [c for c in ax.collections if len(c.get_offsets())]
    assert len(points) == len(STRATEGIES)
    for collection, strategy in zip(points, STRATEGIES, strict=True):
        values = expected.loc[expected["strategy"] == strategy, "value"]
        xs = np.asarray(collection.get_offsets())[:, 0]
        np.testing.assert_allclose(xs, values.to_numpy())
        assert to_hex(collection.get_facecolor()[0]) == to_hex(
            plots.strategy_colors(STRATEGIES)[strategy]
        )


@pytest.mark.parametrize(
    "metrics, match",
    [
        (["nope"], "not in the report: \\['nope'\\]"),
        (["f1", "mcc"], "not in the report: \\['mcc'\\]"),
        ([], "must list metrics of the report"),
    ],
)
def test_plot_metrics_rejects_unknown_metrics(report, metrics, match):
    """Check that metrics absent from the report raise a teaching error."""
    with pytest.raises(ValueError, match=match):
        plots.plot_metrics(report, metrics=metrics)


def test_plot_metrics_single_metric_string(report):
    """Check that a single metric name gives a single panel."""
    fig = plots.plot_metrics(report, metrics="roc_auc")
    assert [ax.get_title() for ax in _visible_axes(fig)] == ["roc_auc"]


@pytest.mark.parametrize(
    "plot, metric, word",
    [(plots.plot_roc, "roc_auc", "AUC"), (plots.plot_pr, "average_precision", "AP")],
)
def test_curves_one_line_and_band_per_strategy(report, plot, metric, word):
    """Check one mean line and one band per strategy, the reference line, and
    the mean score ± std of the report in the legend."""
    fig = plot(report)
    (ax,) = fig.axes
    colors = plots.strategy_colors(STRATEGIES)
    texts = _legend_texts(fig)
    summary = report.summary([metric])
    for strategy in STRATEGIES:
        lines = [
            line for line in ax.get_lines() if line.get_label().startswith(strategy)
        ]
        assert len(lines) == 1
        assert to_hex(lines[0].get_color()) == to_hex(colors[strategy])
        mean = summary.loc[strategy, (metric, "mean")]
        std = summary.loc[strategy, (metric, "std")]
        expected = f"{strategy}: {word} {mean:.3f} ± {std:.3f}"
        assert expected in texts
    assert len(ax.collections) == len(STRATEGIES)
    assert any(t.startswith("chance") for t in texts)
    assert "'fraud'" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()


def test_roc_chance_diagonal_and_pr_prevalence(report):
    """Check the ROC chance diagonal and the PR prevalence line's height."""
    roc = plots.plot_roc(report).axes[0]
    chance = [line for line in roc.get_lines() if line.get_label() == "chance"]
    np.testing.assert_array_equal(chance[0].get_xdata(), [0, 1])
    np.testing.assert_array_equal(chance[0].get_ydata(), [0, 1])
    pr = plots.plot_pr(report).axes[0]
    prevalence = report.predictions["y_true"].mean()
    lines = [line for line in pr.get_lines() if line.get_label().startswith("chance")]
    np.testing.assert_allclose(lines[0].get_ydata(), prevalence)


def test_curves_skip_single_class_folds_and_say_so():
    """Check that a fold without positives is skipped and the legend says how
    many folds were used."""
    report = _report(single_class=(1, 2))
    for plot, word in ((plots.plot_roc, "AUC"), (plots.plot_pr, "AP")):
        texts = _legend_texts(plot(report))
        for strategy in STRATEGIES:
            entry = [t for t in texts if t.startswith(f"{strategy}: {word}")]
            assert entry and entry[0].endswith(", 5 of 6 folds")


def test_curves_skip_failed_tasks():
    """Check that a failed task is left out of the curves of its strategy only."""
    report = _report(failed=("smote", 0, 1))
    texts = _legend_texts(plots.plot_roc(report))
    smote = [t for t in texts if t.startswith("smote")][0]
    none = [t for t in texts if t.startswith("none")][0]
    assert smote.endswith("5 of 6 folds") and "folds" not in none


def test_pr_curve_is_interpolated_precision():
    """Check the interpolated precision: the best precision at recall >= r."""
    y = np.array([1, 0, 1, 0, 0, 1])
    proba = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    curve, ap = plots._pr_fold(y, proba)
    # Ranked: 1 (P=1, R=1/3), 0, 1 (P=2/3, R=2/3), 0, 0, 1 (P=1/2, R=1).
    assert curve[0] == 1.0 and curve[33] == 1.0
    assert curve[34] == pytest.approx(2 / 3) and curve[66] == pytest.approx(2 / 3)
    assert curve[67] == pytest.approx(0.5) and curve[100] == pytest.approx(0.5)
    assert ap == pytest.approx((1 + 2 / 3 + 1 / 2) / 3)


def test_plot_calibration_points_at_bin_means(report):
    """Check one reliability curve per strategy with points at the pooled bin
    means, the diagonal, and a log-scale histogram below."""
    fig = plots.plot_calibration(report)
    top, hist = fig.axes
    preds = report.predictions[report.predictions["strategy"] == "smote"]
    bins = np.minimum((preds["proba"] * 10).astype(int), 9)
    expected_x = preds.groupby(bins)["proba"].mean().to_numpy()
    expected_y = preds.groupby(bins)["y_true"].mean().to_numpy()
    line = [ln for ln in top.get_lines() if ln.get_label().startswith("smote")][0]
    np.testing.assert_allclose(line.get_xdata(), expected_x)
    np.testing.assert_allclose(line.get_ydata(), expected_y)
    strategy_lines = [
        ln for ln in top.get_lines() if ln.get_label().split(" ")[0] in STRATEGIES
    ]
    assert len(strategy_lines) == len(STRATEGIES)
    assert any(ln.get_label() == "perfectly calibrated" for ln in top.get_lines())
    assert hist.get_yscale() == "log"
    assert len(hist.patches) == len(STRATEGIES)
    assert "P(y = 'fraud')" in hist.get_xlabel()


def test_plot_confusion_counts_at_each_fold_threshold(report):
    """Check one matrix per strategy whose cells are the mean ± std of counts
    per fold at the fold's recorded threshold (0.4 for the third strategy)."""
    fig = plots.plot_confusion(report)
    axes = [ax for ax in _visible_axes(fig) if ax.get_images()]
    assert len(axes) == len(STRATEGIES)
    preds = report.predictions[report.predictions["strategy"] == "tuned"]
    tp = [
        int(((g["proba"] > 0.4) & (g["y_true"] == 1)).sum())
        for _, g in preds.groupby(["repeat", "fold"])
    ]
    text = f"{np.mean(tp):.1f}\n± {np.std(tp, ddof=1):.1f}"
    cells = [t.get_text() for t in axes[2].texts]
    assert len(cells) == 4
    assert cells[3].startswith(text)
    assert "threshold 0.40" in axes[2].get_title()
    labels = [t.get_text() for t in axes[0].get_xticklabels()]
    assert labels == ["'legit'", "'fraud'"]
    assert all(ax.get_xlabel() == "predicted" for ax in axes)


def test_plot_confusion_many_strategies_wrap():
    """Check that more than four strategies wrap onto further rows."""
    names = [f"s{i}" for i in range(6)]
    fig = plots.plot_confusion(_report(names))
    matrices = [ax for ax in _visible_axes(fig) if ax.get_images()]
    assert len(matrices) == 6
    assert len({round(ax.get_position().y0, 3) for ax in matrices}) == 2


def test_user_strings_are_not_mathtext():
    """Check that a strategy name with dollars or a leading underscore is shown
    literally in the legend."""
    report = _report(["$a$", "_b"], pos_label="fraud")
    texts = _legend_texts(plots.plot_roc(report))
    assert any(t.startswith(r"\$a\$: AUC") for t in texts)
    assert any(t.startswith(" _b: AUC") for t in texts)
    plots.figure_to_png_base64(plots.plot_metrics(report))


def test_figure_to_png_base64_is_a_png(report):
    """Check that the helper returns base64 of a real PNG of the figure's size."""
    fig = plots.plot_roc(report)
    data = base64.b64decode(plots.figure_to_png_base64(fig, dpi=50))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width == pytest.approx(fig.get_size_inches()[0] * 50, abs=2)
    assert len(data) > 5000


@pytest.mark.parametrize("plot", PLOTS, ids=lambda f: f.__name__)
def test_plots_reject_other_objects(plot):
    """Check that passing something other than a report says what is expected."""
    with pytest.raises(TypeError, match="expects an evalkit EvaluationReport"):
        plot({"not": "a report"})
