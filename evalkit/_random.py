"""One ``random_state`` in, reproducible per-task seeds out.

Seeds for every task are drawn in a fixed order *before* any parallel work
starts, so results depend neither on ``n_jobs`` nor on the joblib backend nor
on the order in which tasks finish.
"""

import copy
import numbers
import random
from contextlib import contextmanager

import numpy as np
from sklearn.utils import check_random_state

_MAX_SEED = 2**31 - 1


def draw_seeds(random_state, n):
    """Draw ``n`` integer seeds from ``random_state`` in a fixed order.

    Parameters
    ----------
    random_state : int, numpy.random.RandomState or None
        Source of randomness.  ``None`` draws from fresh OS entropy (results
        then differ between runs).
    n : int
        Number of seeds.

    Returns
    -------
    seeds : numpy.ndarray of shape (n,)
        Integers in ``[0, 2**31 - 1)``.

    Examples
    --------
    >>> from evalkit._random import draw_seeds
    >>> (draw_seeds(0, 3) == draw_seeds(0, 3)).all()
    np.True_
    """
    if random_state is None:
        rng = np.random.RandomState()
    else:
        rng = check_random_state(random_state)
    return rng.randint(0, _MAX_SEED, size=n).astype(np.int64)


def check_seed(random_state, *, name="random_state"):
    """Turn ``random_state`` into a plain integer seed.

    Unlike a mapping of every ``RandomState`` object to one constant seed, two
    different ``RandomState`` objects give two different seeds: one integer is
    drawn from the state.

    Parameters
    ----------
    random_state : int, numpy.random.RandomState, numpy.random.Generator or None
        ``None`` draws a seed from fresh OS entropy.
    name : str, default="random_state"
        Parameter name used in error messages.

    Returns
    -------
    seed : int
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] % _MAX_SEED)
    if isinstance(random_state, (bool, np.bool_)):
        raise TypeError(
            f"The `{name}` parameter must be an int, a numpy RandomState or None. "
            f"Got {random_state!r} instead."
        )
    if isinstance(random_state, (int, np.integer)):
        if not 0 <= int(random_state) < 2**32:
            raise ValueError(
                f"The `{name}` parameter must be an int in the range [0, 2**32). "
                f"Got {random_state} instead."
            )
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, _MAX_SEED))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, _MAX_SEED))
    raise TypeError(
        f"The `{name}` parameter must be an int, a numpy RandomState or None. "
        f"Got {type(random_state).__name__} instead."
    )


@contextmanager
def preserved_global_random_state():
    """Restore Python's and NumPy's global random state on exit.

    Code run inside may seed or draw from :mod:`random` and the legacy
    :mod:`numpy.random` functions; callers see the global state exactly as it
    was before.
    """
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002 (restoring it)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002


def set_random_states(estimator, random_state):
    """Set every ``random_state`` inside an estimator to one int, in place.

    Every parameter named ``random_state`` or ending in ``__random_state``
    (nested steps of pipelines, wrapped samplers, the inner model of a
    ``TunedThresholdClassifierCV``) is set to ``random_state``. A
    cross-validation splitter held in a ``cv`` parameter that shuffles (such as
    the inner ``StratifiedKFold`` of ``"+tuned"``) is replaced by a copy with
    that ``random_state``. Unlike scikit-learn's private ``_set_random_states``,
    no seeds are drawn: the same int always gives the same estimator.

    Parameters
    ----------
    estimator : estimator
        The estimator to modify; clone it first if the original must stay as is.
    random_state : int
        The seed, in the range [0, 2**32 - 1].

    Returns
    -------
    estimator : estimator
        The same object, modified.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from evalkit.strategies import make_imbalance_pipeline, set_random_states
    >>> pipe = make_imbalance_pipeline(LogisticRegression(), "smote")
    >>> pipe = set_random_states(pipe, 7)
    >>> pipe.get_params()["sampler__sampler__random_state"]
    7
    """
    if (
        not isinstance(random_state, numbers.Integral)
        or isinstance(random_state, bool)
        or not 0 <= random_state <= 2**32 - 1
    ):
        raise ValueError(
            "The `random_state` parameter of set_random_states must be an int in "
            f"the range [0, 4294967295]. Got {random_state!r} instead."
        )
    random_state = int(random_state)
    changes = {}
    for key, value in estimator.get_params(deep=True).items():
        if key == "random_state" or key.endswith("__random_state"):
            changes[key] = random_state
        elif (
            (key == "cv" or key.endswith("__cv"))
            and hasattr(value, "split")
            and hasattr(value, "random_state")
            and getattr(value, "shuffle", True)
        ):
            splitter = copy.copy(value)
            splitter.random_state = random_state
            changes[key] = splitter
    if changes:
        estimator.set_params(**changes)
    return estimator
