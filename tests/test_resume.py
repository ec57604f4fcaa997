import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression

from evalkit import evaluate
from evalkit.cli import main

TESTS_DIR = Path(__file__).resolve().parent
# Columns that describe how a run went rather than what it computed.
_RUN_COLUMNS = ["fit_time", "predict_time", "memory_mb"]


class SlowLogistic(LogisticRegression):
    """LogisticRegression that can sleep and leave a marker file per fit.

    ``delay`` and ``marker_dir`` are class attributes, not parameters, so that
    they do not change the cached tasks' keys.
    """

    delay = 0.0
    marker_dir = None
    fail_with_class_weight = False

    def fit(self, X, y, sample_weight=None):
        if self.fail_with_class_weight and self.class_weight is not None:
            raise RuntimeError("simulated transient failure")
        time.sleep(self.delay)
        super().fit(X, y, sample_weight=sample_weight)
        if self.marker_dir is not None:
            digest = hashlib.sha256(np.ascontiguousarray(X).tobytes())
            digest.update(repr(self.class_weight).encode())
            name = f"{digest.hexdigest()[:16]}-{uuid.uuid4().hex}"
            (Path(self.marker_dir) / name).write_text("")
        return self


def make_data():
    rng = np.random.RandomState(0)
    n = 240
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, 48, replace=False)] = 1
    X = pd.DataFrame(
        rng.normal(size=(n, 3)) + 1.5 * y[:, None], columns=["a", "b", "c"]
    )
    return X, y


def run(cache_dir=None, **kwargs):
    """The evaluation used by the tests (also run in a subprocess)."""
    X, y = make_data()
    kwargs.setdefault("strategies", ["none", "class_weight"])
    kwargs.setdefault("n_splits", 3)
    kwargs.setdefault("n_repeats", 2)
    return evaluate(
        SlowLogistic(max_iter=500), X, y, cache_dir=cache_dir, verbose=0, **kwargs
    )


@pytest.fixture
def markers(tmp_path, monkeypatch):
    folder = tmp_path / "markers"
    folder.mkdir()
    monkeypatch.setattr(SlowLogistic, "marker_dir", str(folder))
    monkeypatch.setattr(SlowLogistic, "delay", 0.0)
    return folder


def _fits(folder):
    return sorted(p.name.split("-")[0] for p in folder.iterdir())


def _records(cache):
    return sorted(cache.glob("*.json")) if cache.exists() else []


def _assert_same_results(report, expected):
    pd.testing.assert_frame_equal(report.folds, expected.folds)
    pd.testing.assert_frame_equal(
        report.fold_info.drop(columns=_RUN_COLUMNS),
        expected.fold_info.drop(columns=_RUN_COLUMNS),
    )
    pd.testing.assert_frame_equal(report.predictions, expected.predictions)


def test_killed_run_resumes_without_refitting(tmp_path, markers):
    """Check that a run killed mid-way resumes: finished tasks load, results equal a full run."""
    cache = tmp_path / "cache"
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS_DIR)!r})\n"
        "import test_resume as t\n"
        "t.SlowLogistic.delay = 0.3\n"
        f"t.SlowLogistic.marker_dir = {str(markers)!r}\n"
        f"t.run({str(cache)!r})\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while len(_records(cache)) < 3:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no record written within 60 s"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
    n_tasks = 2 * 3 * 2
    saved = len(_records(cache))
    assert 3 <= saved < n_tasks
    before = _fits(markers)

    report = run(cache)

    after = _fits(markers)
    refitted = list(after)
    for name in before:
        refitted.remove(name)
    assert report.params["n_cached"] == saved
    assert len(refitted) == n_tasks - saved
    # At most the one task that finished fitting but was not yet saved is fitted
    # twice; every task is fitted at least once.
    assert len(set(before) & set(refitted)) <= 1
    assert len(set(after)) == n_tasks
    assert len(_records(cache)) == n_tasks
    assert not [p for p in cache.iterdir() if ".tmp-" in p.name]
    _assert_same_results(report, run())


def _damage(cache):
    records = _records(cache)
    npz = records[0].with_suffix(".npz")
    npz.write_bytes(npz.read_bytes()[:100])
    text = records[1].read_text()
    records[1].write_text(text.replace('"n_test":80', '"n_test":81'))
    npz = bytearray(records[2].with_suffix(".npz").read_bytes())
    npz[-30] ^= 0xFF
    records[2].with_suffix(".npz").write_bytes(bytes(npz))


def test_corrupted_records_are_recomputed(tmp_path, markers):
    """Check that truncated or altered records are reported once and fitted again."""
    cache = tmp_path / "cache"
    first = run(cache, n_repeats=1)
    assert first.params["n_cached"] == 0
    assert len(_fits(markers)) == 6
    _damage(cache)
    with pytest.warns(UserWarning, match=r"^3 cached record\(s\) in .* were truncated"):
        report = run(cache, n_repeats=1)
    assert report.params["n_cached"] == 3
    assert len(_fits(markers)) == 9
    _assert_same_results(report, first)
    assert len(_records(cache)) == 6


def test_leftover_temporary_files_are_ignored_and_cleaned(tmp_path, markers):
    """Check that a temporary file left by a killed writer is ignored and removed."""
    cache = tmp_path / "cache"
    first = run(cache, n_repeats=1)
    key = _records(cache)[0].stem
    leftover = cache / f"{key}.json.tmp-{2**22 + 12345}-deadbeef"
    leftover.write_text('{"payload": ')
    report = run(cache, n_repeats=1)
    assert not leftover.exists()
    assert report.params["n_cached"] == 6
    assert len(_fits(markers)) == 6
    _assert_same_results(report, first)


@pytest.mark.parametrize(
    "change, n_cached, n_new_fits",
    [
        ({"scoring": ["roc_auc", "recall"]}, 6, 0),
        ({"costs": {"fp": 1.0, "fn": 10.0}}, 6, 0),
        ({"strategies": ["none", "class_weight", "random_over"]}, 6, 3),
        ({"strategies": ["class_weight"]}, 3, 0),
        ({"n_repeats": 2}, 6, 6),
        ({"random_state": 1}, 0, 6),
        ({"pos_label": 0}, 0, 6),
        ({"threshold": 0.3}, 0, 6),
        ({"n_splits": 4}, 0, 8),
    ],
)
def test_changes_recompute_only_what_they_affect(
    tmp_path, markers, change, n_cached, n_new_fits
):
    """Check that a rerun reuses every task a change does not affect and fits the rest."""
    cache = tmp_path / "cache"
    run(cache, n_repeats=1)
    assert len(_fits(markers)) == 6
    kwargs = {"n_repeats": 1, **change}
    report = run(cache, **kwargs)
    assert report.params["n_cached"] == n_cached
    assert len(_fits(markers)) == 6 + n_new_fits
    _assert_same_results(report, run(**kwargs))


def test_changed_estimator_parameter_refits(tmp_path, markers):
    """Check that changing a parameter of the classifier refits every task."""
    cache = tmp_path / "cache"
    X, y = make_data()
    kwargs = {"strategies": ["none"], "n_splits": 3, "n_repeats": 1, "verbose": 0}
    evaluate(SlowLogistic(C=1.0), X, y, cache_dir=cache, **kwargs)
    report = evaluate(SlowLogistic(C=0.5), X, y, cache_dir=cache, **kwargs)
    assert report.params["n_cached"] == 0
    assert len(_fits(markers)) == 6


def test_changed_data_refits(tmp_path, markers):
    """Check that changing one feature value refits every task."""
    cache = tmp_path / "cache"
    X, y = make_data()
    kwargs = {"strategies": ["none"], "n_splits": 3, "n_repeats": 1, "verbose": 0}
    evaluate(SlowLogistic(), X, y, cache_dir=cache, **kwargs)
    X.iloc[0, 0] += 1e-9
    report = evaluate(SlowLogistic(), X, y, cache_dir=cache, **kwargs)
    assert report.params["n_cached"] == 0
    assert len(_fits(markers)) == 6


def test_failed_tasks_are_stored_and_retried(tmp_path, markers, monkeypatch):
    """Check that failed tasks are saved with their error and fitted again on a rerun."""
    cache = tmp_path / "cache"
    monkeypatch.setattr(SlowLogistic, "fail_with_class_weight", True)
    with pytest.warns(FitFailedWarning, match="3 of 6 tasks failed"):
        first = run(cache, n_repeats=1)
    assert (first.fold_info["status"] == "failed").sum() == 3
    stored = [json.loads(p.read_text())["payload"]["fields"] for p in _records(cache)]
    assert sorted(f["status"] for f in stored) == ["failed"] * 3 + ["ok"] * 3
    assert all(
        "simulated transient failure" in f["error"]
        for f in stored
        if f["status"] == "failed"
    )
    monkeypatch.setattr(SlowLogistic, "fail_with_class_weight", False)
    report = run(cache, n_repeats=1)
    assert report.params["n_cached"] == 3
    assert len(_fits(markers)) == 6
    assert (report.fold_info["status"] == "ok").all()
    _assert_same_results(report, run(n_repeats=1))


def test_no_cache_by_default(markers):
    """Check that without cache_dir nothing is loaded and n_cached is 0."""
    report = run(n_repeats=1)
    assert report.params["n_cached"] == 0
    assert len(_fits(markers)) == 6


def test_cli_cache_option_resumes(tmp_path, capsys):
    """Check that 'evalkit compare --cache DIR' reuses the fits of an earlier run."""
    X, y = make_data()
    frame = X.assign(label=np.where(y == 1, "fraud", "legit"))
    data = tmp_path / "tx.csv"
    frame.to_csv(data, index=False)
    cache = tmp_path / "cache"
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
        "none,smote",
        "--cache",
        str(cache),
        "--quiet",
    ]
    assert main([*argv, "--out", str(tmp_path / "one")]) == 0
    assert len(_records(cache)) == 6
    assert main([*argv, "--out", str(tmp_path / "two")]) == 0
    capsys.readouterr()
    one = pd.read_csv(tmp_path / "one" / "fold_info.csv")
    two = pd.read_csv(tmp_path / "two" / "fold_info.csv")
    # Loaded records keep the fit time measured when they were computed.
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "one" / "folds.csv"),
        pd.read_csv(tmp_path / "two" / "folds.csv"),
    )


def test_cli_cache_that_is_a_file(tmp_path, capsys):
    """Check that --cache naming a file is one line on stderr and exit code 2."""
    X, y = make_data()
    data = tmp_path / "tx.csv"
    X.assign(label=y).to_csv(data, index=False)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    code = main(
        [
            "compare",
            str(data),
            "--target",
            "label",
            "--model",
            "logistic",
            "--cache",
            str(not_a_folder),
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"evalkit: error: --cache {str(not_a_folder)!r} is a file, not a folder; give "
        "a folder name\n"
    )


@pytest.mark.parametrize(
    "command", [["demo"], ["compare", "data.csv", "--target", "y"]]
)
def test_cli_cache_option_is_parsed(command):
    """Check that demo and compare both accept --cache DIR (default: no cache)."""
    from evalkit.cli import _parser

    assert (
        _parser().parse_args([*command, "--cache", "runs/cache"]).cache == "runs/cache"
    )
    assert _parser().parse_args(command).cache is None
