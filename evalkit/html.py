"""The self-contained HTML report of an evaluation.

One file holds everything: inline CSS, figures as base64 PNG data URIs, no
scripts, fonts or links that need a network, so the report can be mailed,
archived or opened offline years later.  Every string that comes from the
user (strategy names, labels, parameters, errors, the command line) is
escaped.

:meth:`EvaluationReport.to_html` writes the full report; Jupyter shows the
compact form (data line and summary table, no images) through
:meth:`EvaluationReport._repr_html_`.
"""

import datetime
import html
import json
import os
import platform
import shlex
import sys
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np

from .metrics import get_metric

__all__ = ["render_html", "write_html"]

_COMPARE_METRICS = ("roc_auc", "average_precision", "f1")
_FOLD_METRICS = ("accuracy", "f1", "roc_auc", "average_precision")
_LIBRARIES = (
    ("numpy", "numpy"),
    ("pandas", "pandas"),
    ("scipy", "scipy"),
    ("scikit-learn", "sklearn"),
    ("imbalanced-learn", "imblearn"),
    ("matplotlib", "matplotlib"),
)
# Reported only when the evaluation already imported them: the report never
# imports TensorFlow itself.
_OPTIONAL_LIBRARIES = (
    ("tensorflow", "tensorflow"),
    ("keras", "keras"),
    ("scikeras", "scikeras"),
)
_FIGURES = (
    (
        "plot_metrics",
        "Per-fold metrics",
        "Each point is one fold; boxes show the median and quartiles. The dashed "
        "line on the accuracy panel is the majority-class baseline.",
    ),
    (
        "plot_roc",
        "ROC curves",
        "Mean curve across folds with a ±1 std band; the legend gives the mean "
        "ROC-AUC ± std.",
    ),
    (
        "plot_pr",
        "Precision-recall curves",
        "Mean interpolated precision across folds with a ±1 std band; the dotted "
        "line is the prevalence (a classifier that guesses).",
    ),
    (
        "plot_calibration",
        "Calibration",
        "Reliability curves from the pooled out-of-fold probabilities; points on "
        "the diagonal are well calibrated.",
    ),
    (
        "plot_confusion",
        "Confusion matrices",
        "Counts per fold (mean ± std) at each fold's decision threshold.",
    ),
)

_CSS = """
.evalkit { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica,
  Arial, sans-serif; color: #1b1b1b; line-height: 1.45; font-size: 15px; }
.evalkit.page { max-width: 1120px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.evalkit h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
.evalkit h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 2px solid #0072B2; }
.evalkit h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.evalkit .sub, .evalkit .hint { color: #555; font-size: .9rem; }
.evalkit nav a { margin-right: .9rem; color: #0072B2; text-decoration: none; }
.evalkit .wrap { overflow-x: auto; }
.evalkit table { border-collapse: collapse; margin: .4rem 0 .8rem;
  font-size: .88rem; }
.evalkit th, .evalkit td { border: 1px solid #d5d5d5; padding: .25rem .55rem;
  text-align: right; vertical-align: top; }
.evalkit th { background: #f0f3f7; }
.evalkit td.name, .evalkit th.name { text-align: left; white-space: nowrap; }
.evalkit td.text { text-align: left; }
.evalkit tbody tr:nth-child(even) { background: #fafafa; }
.evalkit .num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.evalkit .ci { display: block; color: #666; font-size: .8rem; }
.evalkit td.best { background: #d9ecf7; font-weight: 600;
  box-shadow: inset 3px 0 0 #0072B2; }
.evalkit td.signif { font-weight: 600; }
.evalkit tr.failed td { background: #fde8e4; }
.evalkit .badge-failed { color: #fff; background: #D55E00; border-radius: 3px;
  padding: 0 .35rem; font-weight: 600; }
.evalkit .error { font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: .8rem; white-space: pre-wrap; text-align: left; max-width: 32rem; }
.evalkit dl { display: grid; grid-template-columns: max-content auto;
  gap: .2rem 1rem; margin: .4rem 0; }
.evalkit dt { font-weight: 600; }
.evalkit dd { margin: 0; }
.evalkit figure { margin: 1rem 0 1.6rem; }
.evalkit .pair { display: grid; grid-template-columns: repeat(auto-fit,
  minmax(420px, 1fr)); gap: 1rem; align-items: start; }
.evalkit figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
.evalkit figcaption { color: #555; font-size: .88rem; }
.evalkit pre { background: #f6f8fa; padding: .6rem; overflow-x: auto;
  font-size: .8rem; white-space: pre-wrap; word-break: break-word; }
.evalkit .notes li { margin-bottom: .3rem; }
.evalkit details summary { cursor: pointer; color: #0072B2; }
.evalkit .plot-error { color: #a33; }
"""


def _e(value):
    """Escape any value for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def _fmt(value, digits=3):
    if value is None:
        return ""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return _e(value)
    if np.isnan(value):
        return "nan"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def _p(value):
    if value is None or np.isnan(value):
        return "nan"
    return "&lt; 0.001" if value < 0.001 else f"{value:.3f}"


def _greater_is_better(report, name):
    try:
        return report._metric(name).greater_is_better
    except (AttributeError, ValueError):
        return get_metric(name).greater_is_better


# ------------------------------------------------------------------- sections
def _data_section(report):
    d = report.data
    items = []
    if d.get("name"):
        items.append(("Data set", _e(d["name"])))
    n, pos = d.get("n_samples"), d.get("n_positive")
    if n is not None:
        items.append(("Rows", f"{int(n):,}"))
    if d.get("n_features") is not None:
        items.append(("Features", _e(d["n_features"])))
    if n is not None and pos is not None and n:
        items.append(("Positives", f"{int(pos):,} ({100 * pos / n:.2f} %)"))
        ratio = (n - pos) / pos if pos else float("inf")
        items.append(("Imbalance ratio", f"{ratio:.1f} : 1 (negatives per positive)"))
    reason = d.get("pos_label_reason")
    label = f"<code>{_e(repr(report.pos_label))}</code>"
    items.append(
        ("Positive label", label + (f" &mdash; {_e(reason)}" if reason else ""))
    )
    if d.get("n_missing") is not None:
        items.append(("Missing values", _e(d["n_missing"])))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    return f"<dl>{body}</dl>"


def _data_line(report):
    d = report.data
    parts = []
    if d.get("name"):
        parts.append(f"<strong>{_e(d['name'])}</strong>")
    n, pos = d.get("n_samples"), d.get("n_positive")
    if n is not None and pos is not None and n:
        ratio = (n - pos) / pos if pos else float("inf")
        parts.append(
            f"{int(n):,} rows, {int(pos):,} positives ({100 * pos / n:.2f} %), "
            f"imbalance {ratio:.1f}:1"
        )
    parts.append(f"positive label <code>{_e(repr(report.pos_label))}</code>")
    parts.append(f"{len(report.strategies)} strategies &times; {report.n_folds} folds")
    return "; ".join(parts)


def _summary_table(report):
    summary = report.summary()
    strategies = report.strategies
    head = "".join(f'<th scope="col">{_e(s)}</th>' for s in strategies)
    rows = []
    for metric in report.metric_names:
        means = summary[(metric, "mean")].reindex(strategies).to_numpy(np.float64)
        best = set()
        finite = means[~np.isnan(means)]
        if metric != "baseline_accuracy" and len(finite) > 1 and np.ptp(finite) > 0:
            target = (
                finite.max() if _greater_is_better(report, metric) else finite.min()
            )
            best = {i for i, m in enumerate(means) if m == target}
        if metric == "accuracy" and "baseline_accuracy" in report.metric_names:
            # An accuracy that does not beat always predicting the majority class
            # is no achievement, whatever the other strategies score.
            base = summary[("baseline_accuracy", "mean")].reindex(strategies)
            best = {i for i in best if means[i] > base.iloc[i]}
        direction = "" if _greater_is_better(report, metric) else " (lower is better)"
        cells = [f'<th scope="row" class="name">{_e(metric)}{direction}</th>']
        for i, strategy in enumerate(strategies):
            row = summary.loc[strategy]
            mean, std = row[(metric, "mean")], row[(metric, "std")]
            low, high, k = (
                row[(metric, "ci_low")],
                row[(metric, "ci_high")],
                row[(metric, "n")],
            )
            text = _fmt(mean)
            if not np.isnan(std):
                text += f" ± {_fmt(std)}"
            if int(k) < report.n_folds:
                text += f" (n={int(k)})"
            ci = (
                ""
                if np.isnan(low)
                else f'<span class="ci">[{_fmt(low)}, {_fmt(high)}]</span>'
            )
            cls = "num best" if i in best else "num"
            title = ' title="best"' if i in best else ""
            cells.append(f'<td class="{cls}"{title}>{text}{ci}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<div class="wrap"><table class="summary">'
        f'<thead><tr><th class="name">metric</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        '<p class="hint">Mean ± std over folds; below it, the 95 % interval '
        "(corrected resampled t, Nadeau and Bengio 2003). The best mean of each "
        "metric is highlighted (accuracy only where it beats the majority-class "
        "baseline); for metrics marked lower-is-better the smallest "
        "wins. (n=k) counts folds where the metric is defined when fewer than all."
        "</p>"
    )


def _comparison_section(report):
    if len(report.strategies) < 2:
        return (
            '<p class="hint">Only one strategy was evaluated: nothing to compare.</p>'
        )
    metrics = [m for m in _COMPARE_METRICS if m in report.metric_names]
    if not metrics:
        return (
            '<p class="hint">None of roc_auc, average_precision, f1 was computed: '
            "no comparison.</p>"
        )
    table = report.compare(metric=metrics)
    baseline = table.attrs.get("baseline") or (
        "none" if "none" in report.strategies else report.strategies[0]
    )
    rows = []
    for (metric, strategy), row in table.iterrows():
        signif = not np.isnan(row["p_holm"]) and row["p_holm"] < 0.05
        ci = (
            ""
            if np.isnan(row["ci_low"])
            else f"[{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]"
        )
        rows.append(
            "<tr>"
            f'<td class="name">{_e(metric)}</td><td class="name">{_e(strategy)}</td>'
            f'<td class="num">{_fmt(row["mean_diff"])}</td>'
            f'<td class="num">{ci}</td>'
            f'<td class="num">{_p(row["p_value"])}</td>'
            f'<td class="num{" signif" if signif else ""}">{_p(row["p_holm"])}</td>'
            f'<td class="num">{int(row["wins"])} / {int(row["ties"])} / '
            f"{int(row['losses'])}</td>"
            f'<td class="num">{int(row["n_folds"])}</td>'
            "</tr>"
        )
    return (
        f"<p>Each strategy minus the baseline <code>{_e(baseline)}</code>, paired "
        "fold by fold on identical splits; corrected resampled paired t-test "
        "(Nadeau and Bengio 2003), p-values adjusted across strategies with Holm's "
        "method (bold when below 0.05).</p>"
        '<div class="wrap"><table class="comparison"><thead><tr>'
        '<th class="name">metric</th><th class="name">strategy</th>'
        "<th>mean difference</th><th>95 % interval</th><th>p-value</th>"
        "<th>Holm p</th><th>wins / ties / losses</th><th>folds</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _notes_section(report):
    notes = report._notes()
    if not notes:
        return '<p class="hint">Nothing to flag.</p>'
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f'<ul class="notes">{items}</ul>'


def _figure_html(report, name, title, caption):
    # Imported here: the compact view (Jupyter) needs no matplotlib.
    from . import plots

    try:
        fig = getattr(plots, name)(report)
        data = plots.figure_to_png_base64(fig, dpi=100)
    except Exception as exc:  # one figure must not cost the whole report
        warnings.warn(
            f"evalkit could not draw the {title!r} figure of the HTML report: "
            f"{type(exc).__name__}: {exc}",
            RuntimeWarning,
            stacklevel=4,
        )
        return (
            f"<figure><p class='plot-error'>Could not draw the {_e(title)} "
            f"figure: {_e(type(exc).__name__)}: {_e(exc)}</p></figure>"
        )
    return (
        f"<figure><img alt='{_e(title)}' src='data:image/png;base64,{data}'>"
        f"<figcaption><strong>{_e(title)}.</strong> {_e(caption)}</figcaption>"
        "</figure>"
    )


def _plots_section(report):
    figures = {
        name: _figure_html(report, name, title, caption)
        for name, title, caption in _FIGURES
    }
    return (
        figures["plot_metrics"]
        + f'<div class="pair">{figures["plot_roc"]}{figures["plot_pr"]}</div>'
        + f'<div class="pair">{figures["plot_calibration"]}</div>'
        + figures["plot_confusion"]
    )


def _folds_section(report):
    info = report.fold_info
    values = report.folds[report.folds["metric"].isin(_FOLD_METRICS)]
    wide = values.pivot_table(
        index=["strategy", "repeat", "fold"],
        columns="metric",
        values="value",
        aggfunc="first",
        dropna=False,
    )
    shown = [m for m in _FOLD_METRICS if m in report.metric_names]
    columns = [
        ("status", "status"),
        ("threshold", "threshold"),
        ("n_train", "train rows"),
        ("n_pos_train", "train positives"),
        ("n_train_resampled", "train rows after resampling"),
        ("n_pos_train_resampled", "positives after resampling"),
        ("n_test", "test rows"),
        ("n_pos_test", "test positives"),
        ("class_weight", "class weight"),
        ("fit_time", "fit (s)"),
    ]
    head = (
        '<th class="name">strategy</th><th>repeat</th><th>fold</th>'
        + "".join(f"<th>{_e(label)}</th>" for _, label in columns)
        + "".join(f"<th>{_e(m)}</th>" for m in shown)
        + '<th class="name">error</th>'
    )
    rows = []
    for rec in info.itertuples(index=False):
        failed = rec.status != "ok"
        cells = [
            f'<td class="name">{_e(rec.strategy)}</td>',
            f'<td class="num">{int(rec.repeat)}</td>',
            f'<td class="num">{int(rec.fold)}</td>',
        ]
        for col, _ in columns:
            value = getattr(rec, col)
            if col == "status":
                text = '<span class="badge-failed">FAILED</span>' if failed else "ok"
                cells.append(f'<td class="text">{text}</td>')
            elif col in ("threshold", "fit_time"):
                cells.append(f'<td class="num">{_fmt(value)}</td>')
            elif col == "class_weight":
                cells.append(f'<td class="text">{_e(value or "")}</td>')
            else:
                try:
                    text = "" if np.isnan(float(value)) else f"{int(value):,}"
                except (TypeError, ValueError):
                    text = "" if value is None else _e(value)
                cells.append(f'<td class="num">{text}</td>')
        key = (rec.strategy, rec.repeat, rec.fold)
        for m in shown:
            value = (
                wide.loc[key, m] if key in wide.index and m in wide.columns else np.nan
            )
            cells.append(f'<td class="num">{_fmt(value)}</td>')
        cells.append(f'<td class="error">{_e(rec.error or "")}</td>')
        row_class = ' class="failed"' if failed else ""
        rows.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    n_failed = report.n_failed
    status = (
        f'<p><span class="badge-failed">{n_failed} of {len(info)} tasks failed</span>'
        " &mdash; their rows are marked below; their metrics are NaN and left out "
        "of every mean.</p>"
        if n_failed
        else f'<p class="hint">All {len(info)} tasks succeeded.</p>'
    )
    return (
        status + f"<details{' open' if n_failed else ''}><summary>Show the "
        f"{len(info)} tasks (strategy &times; repeat &times; fold)</summary>"
        '<div class="wrap"><table class="folds">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></div></details>"
    )


def _version_of(distribution, module):
    mod = sys.modules.get(module)
    version = getattr(mod, "__version__", None) if mod is not None else None
    if version is None:
        try:
            version = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            version = "not installed"
    return str(version)


def _versions(report):
    from . import __version__

    rows = [("evalkit", __version__), ("Python", platform.python_version())]
    rows += [(name, _version_of(name, module)) for name, module in _LIBRARIES]
    for name, module in _OPTIONAL_LIBRARIES:
        if module in sys.modules:
            rows.append((name, _version_of(name, module)))
    rows.append(("platform", platform.platform()))
    return rows


def _command_line():
    """The ``evalkit ...`` command that produced the report, or ``None``."""
    program = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if program not in ("evalkit", "evalkit.exe", "evalkit-script.py"):
        return None
    return shlex.join(["evalkit", *sys.argv[1:]])


def _provenance_section(report):
    versions = "".join(
        f'<tr><th class="name">{_e(k)}</th><td class="text">{_e(v)}</td></tr>'
        for k, v in _versions(report)
    )
    params = dict(report.params)
    pipelines = params.pop("strategies", None)
    param_rows = []
    seed = params.get("random_state")
    param_rows.append(("random_state (seed)", repr(seed)))
    for key, value in params.items():
        if key == "random_state":
            continue
        if isinstance(value, (dict, list, tuple)):
            value = json.dumps(value, default=str)
        param_rows.append((key, value))
    params_html = "".join(
        f'<tr><th class="name">{_e(k)}</th><td class="text"><code>{_e(v)}</code></td>'
        "</tr>"
        for k, v in param_rows
    )
    parts = [
        '<div class="wrap"><table class="versions"><tbody>'
        f"{versions}</tbody></table></div>",
        "<h3>Parameters</h3>",
        '<div class="wrap"><table class="params"><tbody>'
        f"{params_html}</tbody></table></div>",
    ]
    if isinstance(pipelines, dict) and pipelines:
        items = "".join(
            f"<h4>{_e(name)}</h4><pre>{_e(text)}</pre>"
            for name, text in pipelines.items()
        )
        parts.append(
            f"<details><summary>Pipelines of the {len(pipelines)} strategies"
            f"</summary>{items}</details>"
        )
    command = _command_line()
    if command:
        parts.append(f"<h3>Command</h3><pre>{_e(command)}</pre>")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(f'<p class="hint">Generated {now}.</p>')
    return "".join(parts)


# --------------------------------------------------------------------- public
def render_html(report, *, compact=False):
    """Render a report as self-contained HTML.

    Parameters
    ----------
    report : EvaluationReport
        The evaluation to show.
    compact : bool, default=False
        ``False`` gives a complete HTML document: the data set, the summary
        table (best mean per metric highlighted), the comparison against the
        baseline strategy, the notes, the figures (inline PNG), the per-fold
        details (failed tasks marked) and how the report was produced
        (versions, parameters, seed, command line).  ``True`` gives an HTML
        fragment with only the data line and the summary table and no images,
        for Jupyter.

    Returns
    -------
    text : str
        HTML with inline CSS and images, no scripts and no external resources.

    See Also
    --------
    write_html : Write the full report to a file.
    """
    if not hasattr(report, "summary") or not hasattr(report, "fold_info"):
        raise TypeError(
            "render_html() expects an evalkit EvaluationReport, as returned by "
            f"evalkit.evaluate(). Got {type(report).__name__} instead."
        )
    name = report.data.get("name")
    title = "evalkit report" + (f": {name}" if name else "")
    if compact:
        return (
            f'<div class="evalkit"><style>{_CSS}</style>'
            f"<p><strong>{_e(title)}</strong> &mdash; {_data_line(report)}</p>"
            f"{_summary_table(report)}</div>"
        )
    sections = [
        ("data", "Data", _data_section(report)),
        ("summary", "Summary", _summary_table(report)),
        ("comparison", "Comparison with the baseline", _comparison_section(report)),
        ("notes", "Notes", _notes_section(report)),
        ("plots", "Figures", _plots_section(report)),
        ("folds", "Per-fold details", _folds_section(report)),
        ("provenance", "How this report was produced", _provenance_section(report)),
    ]
    nav = "".join(f'<a href="#{key}">{_e(label)}</a>' for key, label, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{_e(label)}</h2>{content}</section>'
        for key, label, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        '<body><main class="evalkit page">'
        f"<h1>{_e(title)}</h1>"
        f'<p class="sub">{_data_line(report)}</p>'
        f"<nav>{nav}</nav>{body}</main></body></html>\n"
    )


def write_html(report, path):
    """Write the self-contained HTML report to ``path``.

    Parameters
    ----------
    report : EvaluationReport
    path : str or path-like
        The file to write (UTF-8); its folder is created if missing.

    Returns
    -------
    path : pathlib.Path
        The file written.

    See Also
    --------
    render_html : The HTML as a string.
    """
    path = Path(path)
    text = render_html(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
