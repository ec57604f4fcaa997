"""Type I error of the naive and the corrected paired t-test on repeated CV.

On many simulated data sets, two logistic regressions with exactly the same
population performance (each sees one of two disjoint, equally informative
feature groups with identical distributions and coefficients) are compared
with R x K repeated stratified cross-validation on the same splits. Every
rejection of "equal performance" at ``--alpha`` is a false positive, so the
rejection rate estimates each test's Type I error.

The naive paired t-test treats the R*K fold differences as independent and
rejects far too often; the corrected resampled t-test of Nadeau and Bengio
(2003), as recommended by Bouckaert and Frank (2004), should stay near alpha.

Run from the repository root (a few minutes on 2 cores)::

    PYTHONPATH=. python benchmarks/bench_type1_error.py --jobs 2
"""

import argparse
import time

import numpy as np
from joblib import Parallel, delayed
from scipy import stats as sps
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from threadpoolctl import threadpool_limits

from evalkit.stats import (
    binomial_noise_floor,
    corrected_paired_t_test,
    paired_t_test,
    wilcoxon_test,
)

TESTS = ("naive paired t", "corrected paired t", "naive Wilcoxon")
METRICS = ("accuracy", "roc_auc")


def _roc_auc(y, score):
    """ROC-AUC as the Mann-Whitney statistic (ties count one half)."""
    ranks = sps.rankdata(score)
    n_pos = int(y.sum())
    n_neg = y.shape[0] - n_pos
    return (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def simulate_data_set(seed_seq, *, n_rows, n_features, coef, n_repeats, n_splits):
    """Simulate one data set, cross-validate both models, return p-values.

    Parameters
    ----------
    seed_seq : numpy.random.SeedSequence
        Seeds the data and the splits of this data set.
    n_rows : int
        Number of rows.
    n_features : int
        Features per group (two groups).
    coef : float
        Coefficient of every feature in the true logistic model.
    n_repeats, n_splits : int
        Repeated stratified K-fold settings.

    Returns
    -------
    dict
        ``{(test, metric): p_value}`` plus ``"n_train"``, ``"n_test"``.
    """
    rng = np.random.default_rng(seed_seq)
    X = rng.standard_normal((n_rows, 2 * n_features))
    logit = coef * X.sum(axis=1)
    y = (rng.random(n_rows) < 1 / (1 + np.exp(-logit))).astype(int)
    groups = (np.arange(n_features), np.arange(n_features, 2 * n_features))
    cv = RepeatedStratifiedKFold(
        n_splits=n_splits,
        n_repeats=n_repeats,
        random_state=int(rng.integers(2**31 - 1)),
    )
    scores = {m: np.empty((2, n_repeats * n_splits)) for m in METRICS}
    n_train = np.empty(n_repeats * n_splits)
    n_test = np.empty(n_repeats * n_splits)
    for i, (train, test) in enumerate(cv.split(X, y)):
        n_train[i], n_test[i] = train.shape[0], test.shape[0]
        for g, cols in enumerate(groups):
            model = LogisticRegression().fit(X[train][:, cols], y[train])
            proba = model.predict_proba(X[test][:, cols])[:, 1]
            scores["accuracy"][g, i] = np.mean((proba > 0.5) == y[test])
            scores["roc_auc"][g, i] = _roc_auc(y[test], proba)
    out = {"n_train": n_train.mean(), "n_test": n_test.mean()}
    for metric, (a, b) in scores.items():
        out[("naive paired t", metric)] = paired_t_test(a, b).p_value
        out[("corrected paired t", metric)] = corrected_paired_t_test(
            a, b, n_train=n_train, n_test=n_test
        ).p_value
        out[("naive Wilcoxon", metric)] = wilcoxon_test(a, b).p_value
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-datasets", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--n-rows", type=int, default=250)
    parser.add_argument("--n-features", type=int, default=5, help="per group")
    parser.add_argument("--coef", type=float, default=0.5)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    seeds = np.random.SeedSequence(args.seed).spawn(args.n_datasets)
    # Tiny fits: one BLAS thread per worker avoids oversubscribing the cores.
    with threadpool_limits(limits=1):
        results = Parallel(n_jobs=args.jobs)(
            delayed(simulate_data_set)(
                s,
                n_rows=args.n_rows,
                n_features=args.n_features,
                coef=args.coef,
                n_repeats=args.repeats,
                n_splits=args.splits,
            )
            for s in seeds
        )
    elapsed = time.perf_counter() - start

    n_train = np.mean([r["n_train"] for r in results])
    n_test = np.mean([r["n_test"] for r in results])
    print(
        f"{args.n_datasets} data sets x {args.repeats}x{args.splits} repeated "
        f"stratified CV, {args.n_rows} rows, 2 x {args.n_features} features "
        f"(coef {args.coef}), mean n_train {n_train:.1f}, n_test {n_test:.1f}, "
        f"n_test/n_train {n_test / n_train:.4f}; alpha = {args.alpha}; "
        f"seed {args.seed}; {elapsed:.0f} s with {args.jobs} job(s)"
    )
    print()
    header = (
        f"| {'test':<20} | {'metric':<8} | rejections | data sets | rate  "
        f"| binomial SE | 95% interval (Clopper-Pearson) |"
    )
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for metric in METRICS:
        for test in TESTS:
            p = np.array([r[(test, metric)] for r in results])
            k = int(np.sum(p <= args.alpha))
            n = p.shape[0]
            rate = k / n
            se = binomial_noise_floor(rate, n)
            ci = sps.binomtest(k, n).proportion_ci(confidence_level=0.95)
            print(
                f"| {test:<20} | {metric:<8} | {k:>10} | {n:>9} | {rate:.3f} "
                f"| {se:>11.3f} | [{ci.low:.3f}, {ci.high:.3f}]{'':<16} |"
            )


if __name__ == "__main__":
    main()
