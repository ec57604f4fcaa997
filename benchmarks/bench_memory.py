"""Resident memory over many consecutive Keras fits in one process (case C10).

Runs ``--fits`` consecutive tasks through evalkit's runner (``run_task``: clone,
fit, predict once, release Keras memory), each a small MLP on 2000 x 20 rows,
and prints the resident memory after every ``--every``-th fit and the
difference between the last and the first.

``--no-release`` skips ``release_keras_memory`` after each task (to see what it
saves) and ``--plain`` turns evalkit's fast training loop off (``model.fit``
every fold).

Run ``python benchmarks/bench_memory.py`` (about a minute).
"""

import argparse
import os
import sys
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=100)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--no-release", action="store_true")
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    if args.plain:
        os.environ["EVALKIT_KERAS_FAST_LOOP"] = "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    from sklearn.datasets import make_classification
    from sklearn.model_selection import RepeatedStratifiedKFold

    import evalkit.keras as ek
    from evalkit._runner import Task, run_task
    from evalkit.strategies import make_imbalance_pipeline

    if args.no_release:
        ek.release_keras_memory = lambda **kwargs: False

    X, y = make_classification(
        n_samples=2000, n_features=20, weights=[0.9], random_state=0
    )
    X = X.astype(np.float32)
    pipe = make_imbalance_pipeline(
        ek.KerasBinaryClassifier(hidden_units=(16,), epochs=2, batch_size=64),
        "none",
        X=X,
    )
    n_repeats = -(-args.fits // 10)
    cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=n_repeats, random_state=0)
    splits = list(cv.split(X, y))[: args.fits]
    print(
        f"{args.fits} fits, MLP (16,), 2 epochs, 2000 x 20; fast loop "
        f"{'off' if args.plain else 'on'}; release after each fit "
        f"{'off' if args.no_release else 'on'}"
    )
    memory = []
    start = time.perf_counter()
    for i, (train, test) in enumerate(splits):
        record = run_task(
            pipe, X, y, Task("none", i // 10, i % 10, i, train, test), pos_label=1
        )
        if record.status != "ok":
            sys.exit(record.error)
        memory.append(record.memory_mb)
        if (i + 1) % args.every == 0 or i == 0:
            print(f"fit {i + 1:4d}: {record.memory_mb:8.1f} MB", flush=True)
    elapsed = time.perf_counter() - start
    growth = memory[-1] - memory[0]
    print(
        f"last - first: {growth:+.1f} MB; max - first: "
        f"{max(memory) - memory[0]:+.1f} MB; per fit after the first 10: "
        f"{(memory[-1] - memory[min(9, len(memory) - 1)]) / max(len(memory) - 10, 1):+.2f}"
        f" MB; {elapsed:.1f} s ({elapsed / len(memory):.3f} s per fit)"
    )


if __name__ == "__main__":
    main()
