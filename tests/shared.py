"""A module fixture's expensive work done once per test session, also under pytest-xdist.

pytest-xdist (`make test` runs `-n auto --dist worksteal`) hands the tests of one module to several
workers, and a module- or session-scoped fixture then runs in each of them: a build in a fixture
would be made twice. `once(tmp_path_factory, name, make)` runs `make(folder)` in the first worker to
arrive, under a lock in the session's common temporary folder; the others wait for the lock and get
the same folder and the same (pickled) value. Without xdist it is the fixture's plain body.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any


def once(tmp_path_factory, name: str, make: Callable[[Path], Any]) -> tuple[Path, Any]:
    """(folder, value) of `make(folder)`, made once per session.

    The value must pickle by name (builtins, bwklib's types; not a class of a conftest). A worker
    whose `make` failed leaves nothing behind, so the next one tries again (and reports the same).
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp(name)
        return folder, make(folder)
    common = tmp_path_factory.getbasetemp().parent / f"once-{name}"
    common.mkdir(exist_ok=True)
    folder, result = common / "work", common / "value.pickle"
    with open(common / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also on a crash
        if not result.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            value = make(folder)
            partial = result.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(value))
            partial.replace(result)
    return folder, pickle.loads(result.read_bytes())
