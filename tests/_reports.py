"""Small evaluation reports built from made-up fold records, for the report tests."""

import numpy as np

from evalkit._runner import FoldRecord
from evalkit.report import EvaluationReport


def make_records(
    strategies=("none", "smote"),
    n_repeats=2,
    n_splits=3,
    seed=0,
    *,
    n=30,
    n_pos=6,
    signal=0.3,
    noise=0.7,
    failed=None,
    error="ValueError: boom",
    single_class=None,
    thresholds=None,
    resampled=True,
    history=True,
):
    """Fold records of made-up probabilities, ``n_repeats`` x ``n_splits`` per strategy.

    Each test part has ``n`` rows, the first ``n_pos`` positive, and
    probabilities ``signal * y + uniform(0, noise) + 0.05 * (strategy's
    position)``, clipped to [0, 1].  ``failed`` is a (strategy, repeat, fold)
    recorded as failed with ``error``; ``single_class`` a (repeat, fold) whose
    test part holds no positive (for every strategy, as splits are shared);
    ``thresholds`` maps a strategy's position to its decision threshold.
    With ``history``, strategy "none" gets a short Keras-like history.
    """
    rng = np.random.RandomState(seed)
    records = []
    for s_i, strategy in enumerate(strategies):
        for r in range(n_repeats):
            for f in range(n_splits):
                y = np.zeros(n, dtype=np.int8)
                if (r, f) != single_class:
                    y[:n_pos] = 1
                proba = np.clip(
                    signal * y + rng.uniform(0, noise, n) + 0.05 * s_i, 0, 1
                )
                kwargs = {}
                if (strategy, r, f) == failed:
                    proba = np.full(n, np.nan)
                    kwargs = {"status": "failed", "error": error}
                if resampled:
                    kwargs.update(
                        n_train_resampled=2 * n, n_pos_train_resampled=2 * n_pos
                    )
                records.append(
                    FoldRecord(
                        strategy=strategy,
                        repeat=r,
                        fold=f,
                        seed=r * 10 + f,
                        test_index=np.arange(n) + f * n,
                        y_test=y,
                        proba=proba,
                        threshold=(thresholds or {}).get(s_i, 0.5),
                        n_train=2 * n,
                        n_test=n,
                        n_pos_train=2 * n_pos,
                        n_pos_test=int(y.sum()),
                        history=(
                            {"loss": [0.7, 0.5]}
                            if history and strategy == "none"
                            else None
                        ),
                        **kwargs,
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
