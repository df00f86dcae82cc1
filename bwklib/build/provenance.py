"""Provenance: what a run was made from (data hashes, code version, package versions, parameters).

Nothing time-dependent is recorded, so the same data and code give the same provenance.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

from bwklib import __version__, paths

PACKAGES = ["pandas", "matplotlib", "papermill", "nbconvert", "nbformat", "ipykernel"]


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@cache
def git_state(root: Path = paths.ROOT) -> dict:
    """The commit of the code and whether the tracked tree differs from it (None outside git).

    Asked once per process: a run's workers execute many notebooks within seconds.
    """

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(
            git(
                "status", "--porcelain", "--untracked-files=no", "--", "bwklib", "notebooks", "data"
            )
        )
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def collect(data, parameters: dict | None = None) -> dict:
    """The provenance record of a year's outputs.

    Parameters
    ----------
    data : YearData
        The loaded year (its files are hashed).
    parameters : dict, optional
        Run parameters that shape the output (year, scope, ...).
    """
    root = data.data_dir.parent
    files = [data.data_dir / paths.DATAPACKAGE, *data.files]
    return {
        "bwk_version": __version__,
        "git": git_state(),
        "python": platform.python_version(),
        "packages": {p: metadata.version(p) for p in PACKAGES},
        "parameters": {"year": data.year, **(parameters or {})},
        "data_files": {
            (f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f)): sha256(f)
            for f in files
        },
    }


# Tables whose rows belong to one location and feed only that location's figures. generic_counts is
# not among them: a location's report checks its share of the region's total (the appendix pies).
LOCATION_ROW_INPUTS = ("results", "participants_activity", "participants_housing", "finance")


def rows_digest(frame) -> str:
    """SHA-256 of the content of some rows (row numbers excluded), independent of other rows."""
    body = frame.drop(columns=["_row"]).to_json(orient="records", force_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def input_digests(data, scope: str) -> dict:
    """What one report depends on, file by file.

    A region's report depends on every data file. A location's report depends on the definition and
    configuration files and, of the tables that hold every location's figures, only its own rows:
    so a change in one location's figures leaves the other locations' reports valid.
    """
    from bwklib.compute.consolidation import is_region

    root = data.data_dir.parent
    digests = {
        f"{data.data_dir.name}/{paths.DATAPACKAGE}": sha256(data.data_dir / paths.DATAPACKAGE)
    }
    for name in sorted(data.tables):
        path = data.path(name)
        if not path.exists():  # an optional file that is absent
            continue
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if not is_region(data, scope) and name in LOCATION_ROW_INPUTS:
            frame = data[name]
            digests[f"{shown} (regels van {scope})"] = rows_digest(frame[frame.location == scope])
        else:
            digests[shown] = sha256(path)
    from bwklib.compute.history import history_files

    for path in history_files(data):  # earlier years the report compares with
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        digests[shown] = sha256(path)
    if scope in data.story_files:
        path = data.story_files[scope]
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        digests[shown] = sha256(path)
    return digests
