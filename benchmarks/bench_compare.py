"""Time evalkit's Keras evaluation against the naive scikit-learn + scikeras loop.

The job: fraud-like data (``--rows`` x 30 numeric features, 0.5 % positives),
strategies ``none``, ``class_weight``, ``random_under`` and ``smote``, on
``RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)``, with a
(64, 32) ReLU MLP, a sigmoid output, Adam (learning rate 1e-3), ``--epochs``
epochs and batch size 256, in float32.

- The peer: for each strategy, scikit-learn's ``cross_validate`` (``n_jobs=1``)
  on the same splits over an imbalanced-learn pipeline (StandardScaler, the
  sampler, a plain scikeras ``KerasClassifier`` declared a classifier), scoring
  ``roc_auc`` and ``average_precision``.
- evalkit: ``evaluate`` with its defaults and the same network and settings
  (``--jobs`` sets ``n_jobs``).

Each side runs in its own Python process, so that its peak resident memory
(``ru_maxrss``) is its own.  Printed: the job's wall time on each side (data
generation and imports excluded, the same on both sides), their ratio, mean
ROC-AUC and PR-AUC per strategy on each side, peak memory, and a lower bound
for the job: its floating-point operations divided by the machine's measured
dense float32 matrix-product throughput.

Run ``python benchmarks/bench_compare.py`` (several minutes) or
``python benchmarks/bench_compare.py --quick`` (a small smoke test).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

STRATEGIES = ("none", "class_weight", "random_under", "smote")
HIDDEN = (64, 32)
N_FEATURES = 30
BATCH_SIZE = 256
N_SPLITS, N_REPEATS = 5, 2


def make_data(rows):
    """Return the fraud-like data set: float32 X, int y, 0.5 % positives."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=rows,
        n_features=N_FEATURES,
        n_informative=8,
        weights=[0.995],
        flip_y=0.001,
        class_sep=0.8,
        random_state=0,
    )
    return X.astype(np.float32), y.astype(np.int64)


def splits(y, n_repeats):
    from sklearn.model_selection import RepeatedStratifiedKFold

    cv = RepeatedStratifiedKFold(n_splits=N_SPLITS, n_repeats=n_repeats, random_state=0)
    return list(cv.split(np.zeros((len(y), 1)), y))


# ---------------------------------------------------------------- the peer --


def build_mlp(meta):
    """The benchmark's network, compiled (a scikeras model builder)."""
    import keras

    model = keras.Sequential(
        [keras.Input((meta["n_features_in_"],))]
        + [keras.layers.Dense(u, activation="relu") for u in HIDDEN]
        + [keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss="binary_crossentropy",
    )
    return model


def run_peer(X, y, cv, epochs):
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline
    from imblearn.under_sampling import RandomUnderSampler
    from scikeras.wrappers import KerasClassifier
    from sklearn.base import BaseEstimator
    from sklearn.model_selection import cross_validate
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils import ClassifierTags

    class Classifier(KerasClassifier):
        # scikeras 0.13 is not seen as a classifier by scikit-learn >= 1.6.
        def __sklearn_tags__(self):
            tags = BaseEstimator.__sklearn_tags__(self)
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
            tags.target_tags.required = True
            return tags

    samplers = {
        "none": "passthrough",
        "class_weight": "passthrough",
        "random_under": RandomUnderSampler(random_state=0),
        "smote": SMOTE(random_state=0),
    }
    results = {}
    for strategy in STRATEGIES:
        clf = Classifier(
            model=build_mlp,
            epochs=epochs,
            batch_size=BATCH_SIZE,
            verbose=0,
            random_state=0,
            class_weight="balanced" if strategy == "class_weight" else None,
        )
        pipe = Pipeline(
            [
                ("scaler", StandardScaler()),
                ("sampler", samplers[strategy]),
                ("clf", clf),
            ]
        )
        scores = cross_validate(
            pipe, X, y, cv=cv, scoring=["roc_auc", "average_precision"], n_jobs=1
        )
        results[strategy] = {
            "roc_auc": float(np.mean(scores["test_roc_auc"])),
            "average_precision": float(np.mean(scores["test_average_precision"])),
            "fit_time": float(np.sum(scores["fit_time"])),
        }
    return results


# ----------------------------------------------------------------- evalkit --


def run_evalkit(X, y, n_repeats, epochs, jobs):
    from evalkit import KerasBinaryClassifier, evaluate

    clf = KerasBinaryClassifier(
        hidden_units=HIDDEN, epochs=epochs, batch_size=BATCH_SIZE, random_state=0
    )
    report = evaluate(
        clf,
        X,
        y,
        strategies=STRATEGIES,
        n_splits=N_SPLITS,
        n_repeats=n_repeats,
        scoring=["roc_auc", "average_precision"],
        random_state=0,
        n_jobs=jobs,
        verbose=0,
    )
    info = report.fold_info
    results = {}
    if "memory_mb" in info:
        # Resident memory of the process that ran each task, after it (the
        # worker processes' when n_jobs > 1).
        results["_worker_mb"] = float(info["memory_mb"].max())
    for strategy in STRATEGIES:
        scores = report.folds[report.folds["strategy"] == strategy]
        mean = scores.groupby("metric")["value"].mean()
        rows = info[info["strategy"] == strategy]
        results[strategy] = {
            "roc_auc": float(mean["roc_auc"]),
            "average_precision": float(mean["average_precision"]),
            "fit_time": float(rows["fit_time"].sum()),
            "n_train_resampled": rows["n_train_resampled"].astype(float).tolist(),
        }
    return results


def side(args):
    """Run one side in this process; print a JSON line with its results."""
    X, y = make_data(args.rows)
    cv = splits(y, args.repeats)
    start = time.perf_counter()
    if args.side == "peer":
        results = run_peer(X, y, cv, args.epochs)
    else:
        results = run_evalkit(X, y, args.repeats, args.epochs, args.jobs)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_mb": peak_mb, "results": results}))


# -------------------------------------------------------------- the floor --


def matmul_gflops(repeats=7):
    """Measured dense float32 matrix-product throughput (1024 x 1024), GFLOP/s."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((1024, 1024), dtype=np.float32)
    b = rng.standard_normal((1024, 1024), dtype=np.float32)
    a @ b
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * 1024**3 / best / 1e9


def job_flops(X, y, cv, epochs):
    """Floating-point operations of the whole job (training and prediction)."""
    macs = 0
    units = (X.shape[1], *HIDDEN, 1)
    macs = sum(a * b for a, b in zip(units[:-1], units[1:], strict=False))
    train_rows = 0
    test_rows = 0
    for train, test in cv:
        n_pos = int(y[train].sum())
        n_neg = len(train) - n_pos
        # none, class_weight: all rows; random_under: 2 x minority;
        # smote: 2 x majority.
        train_rows += 2 * len(train) + 2 * n_pos + 2 * n_neg
        test_rows += len(STRATEGIES) * len(test)
    # Forward + backward is about 3 x the forward pass (2 FLOP per MAC).
    return 3 * 2 * macs * train_rows * epochs + 2 * macs * test_rows


def child(args, which):
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--side",
        which,
        "--rows",
        str(args.rows),
        "--epochs",
        str(args.epochs),
        "--repeats",
        str(args.repeats),
    ]
    if args.jobs is not None:
        cmd += ["--jobs", str(args.jobs)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"the {which} side failed")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    result = json.loads(line)
    result["process"] = elapsed
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="evaluate's n_jobs")
    parser.add_argument("--repeats", type=int, default=N_REPEATS)
    parser.add_argument("--quick", action="store_true", help="a small smoke test")
    parser.add_argument("--side", choices=["peer", "evalkit"], help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["peer", "evalkit"], help="run one side only")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.epochs, args.repeats = 4_000, 2, 1
    if args.side:
        side(args)
        return

    X, y = make_data(args.rows)
    cv = splits(y, args.repeats)
    print(
        f"job: {args.rows} rows x {N_FEATURES} features, {int(y.sum())} positives; "
        f"strategies {', '.join(STRATEGIES)}; {N_SPLITS} folds x {args.repeats} "
        f"repeats; MLP {HIDDEN}, {args.epochs} epochs, batch {BATCH_SIZE}; "
        f"evalkit n_jobs={args.jobs}",
        flush=True,
    )
    runs = {}
    for which in ("peer", "evalkit"):
        if args.only and which != args.only:
            continue
        runs[which] = child(args, which)
        worker = runs[which]["results"].pop("_worker_mb", None)
        print(
            f"{which:8s} job {runs[which]['wall']:8.1f} s   process "
            f"{runs[which]['process']:8.1f} s   peak {runs[which]['peak_mb']:7.0f} MB"
            + ("" if worker is None else f"   task workers up to {worker:7.0f} MB"),
            flush=True,
        )

    print("\nmean over folds        ROC-AUC              PR-AUC")
    print("strategy          " + "   ".join(f"{w:>8s}" for w in runs) * 2)
    for strategy in STRATEGIES:
        roc = "   ".join(
            f"{runs[w]['results'][strategy]['roc_auc']:8.4f}" for w in runs
        )
        ap = "   ".join(
            f"{runs[w]['results'][strategy]['average_precision']:8.4f}" for w in runs
        )
        print(f"{strategy:16s}  {roc}   {ap}")

    print("\nsummed fit time per strategy (s)")
    for strategy in STRATEGIES:
        times = "   ".join(
            f"{w} {runs[w]['results'][strategy]['fit_time']:7.1f}" for w in runs
        )
        print(f"{strategy:16s}  {times}")

    flops = job_flops(X, y, cv, args.epochs)
    gflops = matmul_gflops()
    floor = flops / (gflops * 1e9)
    print(
        f"\nfloor: {flops / 1e9:.1f} GFLOP at {gflops:.0f} GFLOP/s "
        f"(numpy 1024x1024 float32 matmul) = {floor:.2f} s"
    )
    if "peer" in runs and "evalkit" in runs:
        ratio = runs["peer"]["wall"] / runs["evalkit"]["wall"]
        print(f"speed-up (peer job time / evalkit job time): {ratio:.1f}x")
    if "evalkit" in runs:
        print(f"evalkit job time / floor: {runs['evalkit']['wall'] / floor:.1f}x")


if __name__ == "__main__":
    main()
