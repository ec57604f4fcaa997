import base64
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from _reports import make_records

from evalkit import html as ek_html
from evalkit import plots
from evalkit._runner import FoldRecord
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
    "log_loss",
]
STRATEGIES = ("none", "smote", "<b>x</b>")
ERROR = "ValueError: boom <script>alert(1)</script>"


def _records(strategies=STRATEGIES, *, failed=None, seed=0):
    return make_records(
        strategies,
        seed=seed,
        n=60,
        n_pos=8,
        noise=0.6,
        failed=failed,
        error=ERROR,
        resampled=False,
        history=False,
    )


def _report(strategies=STRATEGIES, *, failed=None, data=None):
    return EvaluationReport(
        _records(strategies, failed=failed),
        metrics=METRICS,
        pos_label="fraud",
        classes=["fraud", "legit"],
        strategies=list(strategies),
        data=data
        or {
            "name": "cards <2024>",
            "n_samples": 180,
            "n_features": 3,
            "n_positive": 24,
            "n_missing": 0,
            "pos_label_reason": "pos_label='fraud': the <minority> class",
        },
        params={
            "random_state": 42,
            "estimator": "LogisticRegression(C=<1>)",
            "strategies": {s: f"Pipeline({s})" for s in strategies},
        },
    )


@pytest.fixture(scope="module")
def report():
    return _report(failed=("smote", 1, 2))


@pytest.fixture(scope="module")
def page(report):
    return ek_html.render_html(report)


def _row(page, table_class, header):
    table = re.search(rf'<table class="{table_class}">.*?</table>', page, re.S)
    assert table is not None
    row = re.search(rf"<tr><th[^>]*>{re.escape(header)}.*?</tr>", table.group(), re.S)
    assert row is not None
    return re.findall(r"<td([^>]*)>(.*?)</td>", row.group(), re.S)


def test_page_is_self_contained(page):
    """Check that nothing in the page needs a network or an external file."""
    lowered = page.lower()
    for needle in (
        "http://",
        "https://",
        "<script",
        "<link",
        "@import",
        "url(",
        "//cdn",
    ):
        assert needle not in lowered
    assert re.findall(r"""\ssrc=['"](?!data:image/png;base64,)""", page) == []
    hrefs = re.findall(r"""href=['"]([^'"]*)""", page)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_every_image_is_a_valid_inline_png(page):
    """Check that each of the five figures is an inline PNG of real size."""
    sources = re.findall(r"<img [^>]*src='([^']*)'", page)
    assert len(sources) == len(ek_html._FIGURES) == page.count("<img")
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert width > 300 and height > 200
        assert len(data) > 10_000


def test_sections_and_tables_present(page):
    """Check every section and table of the full report."""
    for section in ("data", "summary", "comparison", "notes", "plots", "folds"):
        assert f'<section id="{section}">' in page
    assert '<section id="provenance">' in page
    for table in ("summary", "comparison", "folds", "versions", "params"):
        assert f'<table class="{table}">' in page
    # 9 metrics as rows of the summary; 3 metrics x 2 strategies compared.
    summary = re.search(r'<table class="summary">.*?</table>', page, re.S).group()
    assert summary.count("<tr>") == 1 + len(METRICS)
    comparison = re.search(r'<table class="comparison">.*?</table>', page, re.S)
    assert comparison.group().count("<tr>") == 1 + 3 * 2


@pytest.mark.parametrize("metric, pick", [("roc_auc", max), ("brier", min)])
def test_best_value_is_highlighted(report, page, metric, pick):
    """Check that the best mean is highlighted, the smallest for lower-is-better
    metrics, and only that cell."""
    header = metric + ("" if pick is max else " (lower is better)")
    cells = _row(page, "summary", header)
    means = report.summary([metric])[(metric, "mean")]
    best = means.index.get_loc(getattr(means, "idxmax" if pick is max else "idxmin")())
    highlighted = [i for i, (attrs, _) in enumerate(cells) if "best" in attrs]
    assert highlighted == [best]
    assert cells[best][1].startswith(f"{pick(means):.3f} ± ")


def test_summary_cells_show_interval(report, page):
    """Check mean ± std and the 95 % interval of a cell against summary()."""
    s = report.summary(["f1"]).loc["none", "f1"]
    cell = _row(page, "summary", "f1")[0][1]
    assert cell.startswith(f"{s['mean']:.3f} ± {s['std']:.3f}")
    assert f"[{s['ci_low']:.3f}, {s['ci_high']:.3f}]" in cell


def test_no_highlight_when_all_equal(page):
    """Check that baseline_accuracy, equal for every strategy, is not highlighted."""
    assert all(
        "best" not in attrs for attrs, _ in _row(page, "summary", "baseline_accuracy")
    )


def test_user_strings_are_escaped(page):
    """Check that strategy names, data names, reasons, parameters and errors are
    escaped and never appear as raw markup."""
    for raw in ("<b>x</b>", "<script>", "<2024>", "<minority>", "C=<1>"):
        assert raw not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "cards &lt;2024&gt;" in page
    assert "the &lt;minority&gt; class" in page


def test_failed_tasks_are_marked(page):
    """Check that the failed task's row is marked, with its error, and the
    details are open."""
    failed = re.findall(r'<tr class="failed">(.*?)</tr>', page, re.S)
    assert len(failed) == 1
    assert "FAILED" in failed[0] and "smote" in failed[0]
    assert "boom" in failed[0]
    assert "1 of 18 tasks failed" in page
    assert "<details open>" in page


def test_data_section(page):
    """Check rows, positives, imbalance ratio and the positive label's reason."""
    data = re.search(r'<section id="data">.*?</section>', page, re.S).group()
    assert "<dt>Rows</dt><dd>180</dd>" in data
    assert "24 (13.33 %)" in data
    assert "6.5 : 1" in data
    assert "&#x27;fraud&#x27;" in data


def test_notes_and_comparison_content(report, page):
    """Check that the report's notes and compare() results are shown."""
    for note in report._notes():
        assert ek_html._e(note) in page
    table = report.compare(metric=["roc_auc", "average_precision", "f1"])
    p = table.loc[("roc_auc", "smote"), "p_value"]
    comparison = re.search(r'<table class="comparison">.*?</table>', page, re.S)
    row = re.search(
        r'<td class="name">roc_auc</td><td class="name">smote</td>(.*?)</tr>',
        comparison.group(),
        re.S,
    ).group(1)
    assert f"{table.loc[('roc_auc', 'smote'), 'mean_diff']:.3f}" in row
    assert (f"{p:.3f}" if p >= 0.001 else "&lt; 0.001") in row
    w, t, losses = table.loc[("roc_auc", "smote"), ["wins", "ties", "losses"]]
    assert f"{int(w)} / {int(t)} / {int(losses)}" in row
    assert "baseline <code>none</code>" in page


def test_single_strategy_has_no_comparison():
    """Check that one strategy gives a note instead of a comparison table."""
    section = ek_html._comparison_section(_report(["none"]))
    assert '<table class="comparison">' not in section
    assert "nothing to compare" in section


def test_provenance_versions_params_and_seed(page):
    """Check library versions, the parameters and the seed."""
    import sklearn

    prov = re.search(r'<section id="provenance">.*?</section>', page, re.S).group()
    assert f'<td class="text">{sklearn.__version__}</td>' in prov
    for name in ("evalkit", "numpy", "pandas", "imbalanced-learn"):
        assert f">{name}</th>" in prov
    assert "random_state (seed)" in prov and "<code>42</code>" in prov
    assert "LogisticRegression(C=&lt;1&gt;)" in prov


def test_keras_versions_only_when_already_imported(report, monkeypatch):
    """Check that TensorFlow's version is listed only if it is already imported."""
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    names = [name for name, _ in ek_html._versions(report)]
    assert "tensorflow" not in names and "keras" not in names
    fake = types.ModuleType("tensorflow")
    fake.__version__ = "9.9.9"
    monkeypatch.setitem(sys.modules, "tensorflow", fake)
    assert ("tensorflow", "9.9.9") in ek_html._versions(report)


def test_rendering_never_imports_tensorflow(tmp_path):
    """Check in a fresh interpreter that writing a report imports no TensorFlow."""
    report = _report(["none", "smote"])
    report.to_csv(tmp_path / "run")
    code = (
        "import sys, evalkit\n"
        f"r = evalkit.load_report({str(tmp_path / 'run')!r})\n"
        f"r.to_html({str(tmp_path / 'r.html')!r})\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert (tmp_path / "r.html").stat().st_size > 10_000


@pytest.mark.parametrize(
    "argv, expected",
    [
        (
            ["/usr/local/bin/evalkit", "compare", "data.csv", "--target", "<y>"],
            "evalkit compare data.csv --target &#x27;&lt;y&gt;&#x27;",
        ),
        (["/usr/bin/pytest", "-q"], None),
    ],
)
def test_command_line_only_from_the_evalkit_command(
    report, monkeypatch, argv, expected
):
    """Check that the evalkit command line is shown (escaped) only when the
    report was produced by the ``evalkit`` command."""
    monkeypatch.setattr(sys, "argv", argv)
    prov = ek_html._provenance_section(report)
    if expected is None:
        assert "<h3>Command</h3>" not in prov
    else:
        assert f"<pre>{expected}</pre>" in prov


def test_compact_mode_has_no_images(report):
    """Check that the compact form is a fragment with the data line and summary."""
    text = ek_html.render_html(report, compact=True)
    assert "<img" not in text and "base64" not in text
    assert "<!DOCTYPE" not in text and "<html" not in text
    assert '<table class="summary">' in text
    assert "180 rows, 24 positives" in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text
    assert report._repr_html_() == text


def test_write_html_returns_path(report, tmp_path, monkeypatch):
    """Check that write_html writes the page into a new folder and returns its
    path, and that to_html goes through it."""
    monkeypatch.setattr(ek_html, "render_html", lambda report: "<p>é</p>")
    path = ek_html.write_html(report, tmp_path / "sub" / "report.html")
    assert isinstance(path, Path) and path.is_file()
    assert path.read_text(encoding="utf-8") == "<p>é</p>"
    other = report.to_html(str(tmp_path / "r.html"))
    assert other == tmp_path / "r.html"
    assert other.read_text(encoding="utf-8") == "<p>é</p>"


def test_a_failing_figure_is_reported_not_fatal(report, monkeypatch):
    """Check that a figure that cannot be drawn warns and leaves a visible
    message, while the rest of the report is written."""

    def broken(report):
        raise ValueError("no <data>")

    monkeypatch.setattr(plots, "plot_roc", broken)
    with pytest.warns(RuntimeWarning, match="could not draw the 'ROC curves' figure"):
        page = ek_html.render_html(report)
    assert "Could not draw the ROC curves figure: ValueError: no &lt;data&gt;" in page
    assert page.count("<img") == len(ek_html._FIGURES) - 1


def test_render_html_rejects_other_objects():
    """Check that render_html says what it expects."""
    with pytest.raises(TypeError, match="expects an evalkit EvaluationReport"):
        ek_html.render_html([1, 2])


def test_real_evaluation_renders():
    """Check the full report of a real (small) evaluation end to end."""
    from sklearn.linear_model import LogisticRegression

    import evalkit

    X, y = evalkit.make_fraud(600, fraud_rate=0.1, random_state=0)
    report = evalkit.evaluate(
        LogisticRegression(max_iter=1000),
        X,
        y,
        strategies=["none", "class_weight"],
        n_splits=3,
        n_repeats=1,
        verbose=0,
    )
    page = ek_html.render_html(report)
    assert page.count("data:image/png;base64,") == len(ek_html._FIGURES)
    assert '<table class="comparison">' in page
    assert "class_weight" in page and "balanced" in page


def test_accuracy_at_the_baseline_is_not_highlighted():
    """Check that a best accuracy equal to the majority-class rate gets no highlight."""

    records = []
    for s_i, strategy in enumerate(["none", "smote"]):
        for f in range(3):
            y = np.array([0] * 9 + [1], dtype=np.int8)
            # "none" predicts all negative (accuracy 0.9 = baseline); "smote" worse.
            proba = (
                np.full(10, 0.1)
                if s_i == 0
                else np.array([0.9] * 2 + [0.1] * 7 + [0.9])
            )
            records.append(
                FoldRecord(
                    strategy=strategy,
                    repeat=0,
                    fold=f,
                    seed=f,
                    test_index=np.arange(10),
                    y_test=y,
                    proba=proba,
                    n_train=20,
                    n_test=10,
                )
            )
    report = EvaluationReport(
        records,
        metrics=["accuracy", "baseline_accuracy", "recall"],
        pos_label=1,
        classes=[0, 1],
        strategies=["none", "smote"],
    )
    page = ek_html.render_html(report, compact=True)
    row = re.search(
        r"<tr><th scope=\"row\" class=\"name\">accuracy</th>(.*?)</tr>", page
    ).group(1)
    assert "best" not in row
    recall_row = re.search(
        r"<tr><th scope=\"row\" class=\"name\">recall</th>(.*?)</tr>", page
    ).group(1)
    assert "best" in recall_row
