"""Fixtures of the compute tests: the 2019 figures and checks, computed once per test process
(test_checks.py and test_claims.py read the same checks; read them, never change them)."""

import pytest

from bwklib.compute.checks import compute_checks
from bwklib.compute.figures import compute_figures


@pytest.fixture(scope="session")
def figures2019(data2019):
    """compute_figures of the shipped 2019 data."""
    return compute_figures(data2019)


@pytest.fixture(scope="session")
def checks(data2019, figures2019):
    """compute_checks of the shipped 2019 data: one row per published figure."""
    return compute_checks(data2019, figures2019)
