"""Wall time of one small Keras evaluation with n_jobs=1 and n_jobs=2.

The same evaluation (evalkit's Keras MLP on ``make_fraud`` data, two
strategies, 5 folds x 1 repeat, 10 fits) runs three times in one process:

1. ``n_jobs=1``: TensorFlow is already imported in this process;
2. ``n_jobs=2``, cold: joblib's loky backend starts two worker processes,
   each of which imports TensorFlow before its first fit;
3. ``n_jobs=2``, warm: the same workers are reused.

Per-task seeds are drawn before dispatch, so every run must give the same
per-fold tables; the last column checks it against the ``n_jobs=1`` run.

Run from the repository root::

    PYTHONPATH=. python benchmarks/bench_scaling.py
"""

import argparse
import os
import time
import warnings

import pandas as pd

from evalkit import evaluate, make_fraud

_RUN_COLUMNS = ["fit_time", "predict_time", "memory_mb"]


def _same(report, reference):
    try:
        pd.testing.assert_frame_equal(report.folds, reference.folds)
        pd.testing.assert_frame_equal(
            report.fold_info.drop(columns=_RUN_COLUMNS),
            reference.fold_info.drop(columns=_RUN_COLUMNS),
        )
        pd.testing.assert_frame_equal(report.history, reference.history)
    except AssertionError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    # Precision is undefined in a fold or two where the untuned model predicts no
    # fraud; the evaluation says so in a warning that is not the point here.
    warnings.filterwarnings("ignore", message="Some metrics are undefined")

    from evalkit.keras import KerasBinaryClassifier  # imports TensorFlow

    X, y = make_fraud(args.rows, fraud_rate=0.05, random_state=0)
    estimator = KerasBinaryClassifier(
        hidden_units=(32,), epochs=args.epochs, batch_size=128
    )

    def run(n_jobs):
        start = time.perf_counter()
        report = evaluate(
            estimator,
            X,
            y,
            strategies=["none", "class_weight"],
            n_splits=5,
            n_repeats=1,
            random_state=0,
            n_jobs=n_jobs,
            verbose=0,
        )
        return report, time.perf_counter() - start

    rows = []
    reference, seconds = run(1)
    rows.append(("1", seconds, reference, True))
    for label in ("2 (cold workers)", "2 (warm workers)"):
        report, seconds = run(2)
        rows.append((label, seconds, report, _same(report, reference)))

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    print(
        f"make_fraud({args.rows}, fraud_rate=0.05), Keras MLP (32,), "
        f"{args.epochs} epochs, 2 strategies x 5 folds = 10 fits; {cores} cores; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"| {'n_jobs':<16} | {'wall time (s)':>13} | {'sum of fit times (s)':>20} "
        f"| {'tables equal n_jobs=1':>21} |"
    )
    print(f"|{'-' * 18}|{'-' * 14}:|{'-' * 21}:|{'-' * 22}:|")
    for label, seconds, report, same in rows:
        fit_sum = report.fold_info["fit_time"].sum()
        print(
            f"| {label:<16} | {seconds:>13.1f} | {fit_sum:>20.1f} | {str(same):>21} |"
        )


if __name__ == "__main__":
    main()
