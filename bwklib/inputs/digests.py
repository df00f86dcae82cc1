"""Content digests of folders: the cheap, dependency-free test of whether any input changed.

Used by the no-op fast path (bwklib.build.fastpath) and by the kernels' cache of loaded data
(bwklib.inputs.memo). Standard library only, so it can run before pandas is imported.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}


def tree_digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under root, by path relative to root (empty when root is absent).

    Every file counts, whatever its name: a file bwk does not read costs one full run, never a
    wrong report. Only caches of Python and Jupyter are skipped.
    """
    root = Path(root)
    digests = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in files:
            path = Path(folder) / name
            try:
                digests[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
            except OSError:  # unreadable or vanished: never equal to a recorded digest
                digests[path.relative_to(root).as_posix()] = "unreadable"
    return dict(sorted(digests.items()))
