"""Code style is part of the suite: ruff must pass on bwklib, tests and benchmarks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bwklib import paths

ROOT = paths.ROOT
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff not installed (make install adds it)")
@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    r = subprocess.run(
        [RUFF, *args, "bwklib", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
