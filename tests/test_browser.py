"""The HTML report in a real browser: headless Chromium, no extra packages.

A test-only copy of the report gets a small probe script at the top of its
``<head>`` (the report itself never contains a script).  The probe records
JavaScript and resource errors, ``console.error`` calls, every image's natural
size and any resource the page fetched, and writes them as JSON into the DOM
once the page has loaded; Chromium's ``--dump-dom`` then hands the DOM back.
Console messages Chromium logs on stderr are checked as well.
"""

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def _find_chromium():
    configured = os.environ.get("EVALKIT_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _find_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium not found: install it (apt-get install chromium) "
        "or point EVALKIT_CHROMIUM to the binary",
    ),
]

_PROBE = """<script>
window.__probeErrors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  if (t && t !== window && (t.src || t.href)) {
    window.__probeErrors.push('resource failed: ' + String(t.src || t.href).slice(0, 60));
  } else {
    window.__probeErrors.push('error: ' + e.message);
  }
}, true);
var __consoleError = console.error;
console.error = function () {
  window.__probeErrors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
  __consoleError.apply(console, arguments);
};
window.addEventListener('load', function () {
  var out = document.createElement('pre');
  out.id = 'evalkit-probe';
  out.style.display = 'none';
  out.textContent = JSON.stringify({
    images: Array.prototype.map.call(document.images, function (i) {
      return {complete: i.complete, width: i.naturalWidth, height: i.naturalHeight};
    }),
    errors: window.__probeErrors,
    resources: performance.getEntriesByType('resource').map(function (r) { return r.name; }),
    tables: Array.prototype.map.call(document.querySelectorAll('table'), function (t) {
      return {cls: t.className, rows: t.rows.length};
    })
  });
  document.body.appendChild(out);
});
</script>"""


def _load(page, tmp_path, *, screenshot=None):
    """Open ``page`` with the probe in headless Chromium; return (probe, console)."""
    probed = tmp_path / f"probed-{page.name}"
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("<head>", "<head>" + _PROBE, 1), encoding="utf-8")
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # needed as root (containers, CI)
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        # Any network request fails: the report must not need one.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        "--run-all-compositor-stages-before-draw",
        "--hide-scrollbars",
        "--window-size=1280,4000",
        "--dump-dom",
    ]
    if screenshot is not None:
        command.append(f"--screenshot={screenshot}")
    command.append(probed.as_uri())
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=90, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"Chromium did not finish within 90 s: {exc}")
    match = re.search(r'<pre id="evalkit-probe"[^>]*>(.*?)</pre>', done.stdout, re.S)
    assert match, (
        f"the probe never ran (exit code {done.returncode}); stderr:\n"
        + done.stderr[-2000:]
    )
    probe = json.loads(html.unescape(match.group(1)))
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line.upper()]
    return probe, console


@pytest.fixture(scope="module")
def report_path(tmp_path_factory):
    from sklearn.linear_model import LogisticRegression

    import evalkit

    X, y = evalkit.make_fraud(600, fraud_rate=0.1, random_state=0)
    report = evalkit.evaluate(
        LogisticRegression(max_iter=1000),
        X,
        y,
        strategies=["none", "class_weight", "random_under"],
        n_splits=3,
        n_repeats=1,
        verbose=0,
    )
    return report.to_html(tmp_path_factory.mktemp("report") / "report.html")


def test_report_loads_cleanly_in_chromium(report_path, tmp_path):
    """Check that the report loads in headless Chromium with no console or
    resource error, fetches nothing, shows every image decoded at a real size,
    and has its tables; the screenshot is kept as an artifact."""
    screenshot = tmp_path / "report.png"
    probe, console = _load(report_path, tmp_path, screenshot=screenshot)
    assert probe["errors"] == []
    assert console == []
    assert probe["resources"] == []
    assert len(probe["images"]) == 5
    for image in probe["images"]:
        assert image["complete"]
        assert image["width"] > 100 and image["height"] > 100
    tables = {t["cls"]: t["rows"] for t in probe["tables"]}
    assert tables["summary"] > 5
    assert tables["comparison"] == 1 + 3 * 2
    assert tables["folds"] == 1 + 3 * 3
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000
    artifacts = os.environ.get("EVALKIT_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(artifacts) / "report-screenshot.png")
        shutil.copy(report_path, Path(artifacts) / "report.html")


def test_probe_sees_broken_pages(tmp_path):
    """Check that the browser check can fail: a broken image, a script error
    and a network fetch are all caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<link rel='stylesheet' href='https://example.invalid/x.css'></head><body>"
        "<img src='data:image/png;base64,iVBORw0KGgoAAAA='>"
        "<script>undefinedFunction();</script><table></table></body></html>",
        encoding="utf-8",
    )
    probe, console = _load(page, tmp_path)
    assert probe["images"] == [{"complete": True, "width": 0, "height": 0}]
    assert any("undefinedFunction" in e for e in probe["errors"])
    assert any(e.startswith("resource failed") for e in probe["errors"])
    assert console
