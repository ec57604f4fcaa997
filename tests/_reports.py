"""Small evaluation reports built from made-up fold records, for the report tests."""

import numpy as np

from evalkit._runner import FoldRecord
from evalkit.report import EvaluationReport


def make_records(strategies=("none", "smote"), n_repeats=2, n_splits=3, seed=0):
    rng = np.random.RandomState(seed)
    records = []
    n = 30
    for s_i, strategy in enumerate(strategies):
        for r in range(n_repeats):
            for f in range(n_splits):
                y = np.zeros(n, dtype=np.int8)
                y[:6] = 1
                proba = np.clip(0.3 * y + rng.uniform(0, 0.7, n) + 0.05 * s_i, 0, 1)
                records.append(
                    FoldRecord(
                        strategy=strategy,
                        repeat=r,
                        fold=f,
                        seed=r * 10 + f,
                        test_index=np.arange(n) + f * n,
                        y_test=y,
                        proba=proba,
                        n_train=60,
                        n_test=30,
                        n_pos_train=12,
                        n_pos_test=6,
                        n_train_resampled=60,
                        n_pos_train_resampled=12,
                        history={"loss": [0.7, 0.5]} if strategy == "none" else None,
                    )
                )
    return records


def make_report(**kw):
    return EvaluationReport(
        make_records(**kw),
        metrics=["accuracy", "roc_auc", "brier"],
        pos_label=1,
        classes=[0, 1],
        strategies=["none", "smote"],
        data={"n_samples": 90, "n_features": 3, "n_positive": 18},
        params={"random_state": 0},
    )
