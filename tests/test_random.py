import random

import numpy as np
import pytest

from evalkit._random import check_seed, draw_seeds, preserved_global_random_state


def test_draw_seeds_reproducible_and_distinct():
    """Check that the same random_state draws the same seeds, a different one others."""
    assert np.array_equal(draw_seeds(0, 5), draw_seeds(0, 5))
    assert not np.array_equal(draw_seeds(0, 5), draw_seeds(1, 5))
    assert len(set(draw_seeds(0, 50).tolist())) == 50


def test_check_seed_distinguishes_random_states():
    """Check that two different RandomState objects give two different seeds."""
    a = check_seed(np.random.RandomState(1))
    b = check_seed(np.random.RandomState(2))
    assert a != b
    assert check_seed(np.random.RandomState(1)) == a
    assert check_seed(7) == 7


@pytest.mark.parametrize(
    "value, error, match",
    [
        (True, TypeError, "must be an int"),
        (-1, ValueError, r"range \[0, 2\*\*32\)"),
        ("0", TypeError, "Got str instead"),
    ],
)
def test_check_seed_errors(value, error, match):
    """Check that bad random_state values raise a message naming the parameter."""
    with pytest.raises(error, match=match):
        check_seed(value)


def test_preserved_global_random_state_restores():
    """Check that global Python and NumPy random state are restored on exit."""
    random.seed(3)
    np.random.seed(3)  # noqa: NPY002
    expected = (random.random(), np.random.rand())  # noqa: NPY002
    random.seed(3)
    np.random.seed(3)  # noqa: NPY002
    with preserved_global_random_state():
        random.seed(99)
        np.random.seed(99)  # noqa: NPY002
        random.random()
    assert (random.random(), np.random.rand()) == expected  # noqa: NPY002
