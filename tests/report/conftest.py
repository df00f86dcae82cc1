"""The browser tests' Chromium: one per test process, shared by their modules."""

import pytest
from browser import SharedChromium


@pytest.fixture(scope="session")
def chromium():
    """This test process's Chromium, launched on first use and closed at the end of the session."""
    shared = SharedChromium()
    yield shared
    shared.close()
