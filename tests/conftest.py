"""Shared fixtures: the shipped 2019 data, and a writable copy of data/ for malformed-input tests."""

import shutil

import pytest

from bwklib import paths
from bwklib.inputs.loading import load_year

ROOT = paths.ROOT


@pytest.fixture(scope="session")
def data2019():
    """The shipped 2019 data, loaded and validated once."""
    return load_year(2019, paths.DATA_DIR)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ (config, datapackage and 2019) that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target
