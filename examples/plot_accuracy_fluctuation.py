"""
====================================================
Why does accuracy move from run to run? Measure it.
====================================================

Train the same Keras network on the same data twice and the accuracy changes;
train it on another cross-validation split and it changes again.  This example
measures where that movement comes from on a real imbalanced data set
(``yeast4`` from the KEEL collection: 1,484 proteins, 51 positives, 3.4 %):

* the **data split** versus the **network's seed** (initial weights, order of
  the mini-batches), with every split trained with every seed;
* the spread that a test fold of this size makes **unavoidable**;
* the **majority-class baseline** that accuracy has to beat;
* the **epoch-to-epoch** movement of held-out accuracy, for two mini-batch
  sizes.

Run it with ``python examples/plot_accuracy_fluctuation.py`` after
``python -m pip install -e ".[data]"``.  It trains 100 small networks (5 seeds x 10
splits x 2 batch sizes) and takes a few minutes on two cores.
"""

# %%
# Load the data
# -------------
import pandas as pd

import evalkit

X, y = evalkit.load_benchmark("yeast4")
print(f"{len(y)} rows, {int(y.sum())} positives ({100 * y.mean():.1f} %)")

# %%
# Every split with every seed
# ---------------------------
# Five-fold stratified cross-validation repeated twice gives 10 splits; each
# is trained with 5 network seeds, once with mini-batches of 32 rows and once
# with 256.  The held-out accuracy of every epoch is measured on the fold's
# test rows (they never influence training).
model = evalkit.KerasBinaryClassifier(hidden_units=(32,), epochs=20)
report = evalkit.explain_fluctuation(
    model,
    X,
    y,
    n_seeds=5,
    n_splits=5,
    n_repeats=2,
    batch_sizes=(32, 256),
    random_state=0,
)

# %%
# Where the spread comes from
# ---------------------------
# ``split_share``, ``seed_share`` and ``residual_share`` add up to 1 for every
# metric; the residual is the part that neither the split nor the seed explains
# alone (which seed is lucky changes from split to split).
pd.set_option("display.width", 140)
columns = ["batch_size", "metric", "mean", "std"]
columns += ["split_share", "seed_share", "residual_share"]
print(report.components[columns].round(4).to_string(index=False))

# %%
# The spread a test fold of this size cannot avoid, and the baseline
# ------------------------------------------------------------------
print(report.noise_floor.round(4).to_string(index=False))
print(report.baseline.round(4).to_string(index=False))

# %%
# Epoch to epoch
# --------------
print(report.volatility.round(4).to_string(index=False))
fig = report.plot_epochs()
fig.savefig("accuracy_fluctuation.png", dpi=100)

# %%
# In plain words
# --------------
for sentence in report.explain():
    print("-", sentence)
