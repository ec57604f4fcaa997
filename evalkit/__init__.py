"""evalkit: honest evaluation of imbalance remedies for binary classifiers.

evalkit answers two questions for anyone training a classifier on fraud-like,
imbalanced data: *which imbalance remedy works for my model*, and *how sure am
I?*  It runs every remedy on the same repeated stratified cross-validation
splits, keeps each fold's out-of-fold probabilities, and reports accuracy's
spread next to precision, recall, F1, ROC-AUC and PR-AUC, with comparisons that
respect the correlation between folds.

The public API is the list below; everything else is private.  Importing
evalkit does not import TensorFlow: :class:`KerasBinaryClassifier` is loaded on
first use.
"""

from importlib import import_module as _import_module

__version__ = "0.1.0"

__all__ = [
    "EvaluationReport",
    "FluctuationReport",
    "KerasBinaryClassifier",
    "__version__",
    "available_strategies",
    "evaluate",
    "explain_fluctuation",
    "load_benchmark",
    "load_csv",
    "load_report",
    "make_fraud",
    "make_imbalance_pipeline",
]

# Public name -> module that defines it.  Modules are imported on first
# access, so ``import evalkit`` stays instant and never imports TensorFlow.
_LAZY = {
    "EvaluationReport": "evalkit.report",
    "FluctuationReport": "evalkit.fluctuation",
    "KerasBinaryClassifier": "evalkit.keras",
    "available_strategies": "evalkit.strategies",
    "evaluate": "evalkit.evaluation",
    "explain_fluctuation": "evalkit.fluctuation",
    "load_benchmark": "evalkit.datasets",
    "load_csv": "evalkit.datasets",
    "load_report": "evalkit._saved_run",
    "make_fraud": "evalkit.datasets",
    "make_imbalance_pipeline": "evalkit.strategies",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evalkit' has no attribute {name!r}")


def __dir__():
    return sorted(set(__all__) | {"__version__"})
