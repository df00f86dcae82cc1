"""The 2019 figures and checks, computed once per test process for the compute tests.

test_checks.py and test_claims.py read the same checks of the session's `data2019`; read them, never
change them. (A module, not tests/compute/conftest.py: with --doctest-modules a second conftest
module collected before tests/conftest.py clashes with it under the name `conftest`.)
"""

from bwklib.compute.checks import compute_checks
from bwklib.compute.figures import compute_figures

_DONE: dict[
    int, tuple
] = {}  # id(data) -> (data, figures, checks); data kept so the id stays its own


def figures_of(data):
    """compute_figures(data), once per data object."""
    return _computed(data)[1]


def checks_of(data):
    """compute_checks(data, compute_figures(data)), once per data object."""
    return _computed(data)[2]


def _computed(data) -> tuple:
    if id(data) not in _DONE:
        figures = compute_figures(data)
        _DONE[id(data)] = (data, figures, compute_checks(data, figures))
    return _DONE[id(data)]
