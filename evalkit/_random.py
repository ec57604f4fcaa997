"""One ``random_state`` in, reproducible per-task seeds out.

Seeds for every task are drawn in a fixed order *before* any parallel work
starts, so results depend neither on ``n_jobs`` nor on the joblib backend nor
on the order in which tasks finish.
"""

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
