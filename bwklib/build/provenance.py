"""Provenance: what a run was made from (data hashes, code version, package versions, parameters).

Nothing time-dependent is recorded, so the same data and code give the same provenance.
"""

from __future__ import annotations

import csv
import hashlib
import io
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
    from bwklib.compute.history import history_files

    root = data.data_dir.parent
    files = [data.data_dir / paths.DATAPACKAGE, *data.files, *history_files(data)]
    return {
        "bwk_version": __version__,
        "git": git_state(),
        "python": platform.python_version(),
        "packages": {p: metadata.version(p) for p in PACKAGES},
        "parameters": {"year": data.year, **(parameters or {})},
        "data_files": {relative(f, root): sha256(f) for f in files},
        "lock_file": lock_state(),
    }


def relative(path: Path, root: Path) -> str:
    """A file as shown in outputs: relative to the data folder's parent, never absolute.

    A file outside it (which bwk does not read) is shown by its name alone, so no output carries
    the folder layout of the machine that built it.
    """
    path = Path(path)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


LOCK_FILE = "requirements.lock"


def lock_state(root: Path = paths.ROOT) -> dict:
    """The lock file of exact package versions the installation follows, with its SHA-256."""
    path = Path(root) / LOCK_FILE
    return {"path": LOCK_FILE, "sha256": sha256(path) if path.exists() else None}


# Tables whose rows belong to one location and feed only that location's figures. generic_counts is
# not among them: a location's report checks its share of the region's total (the appendix pies).
LOCATION_ROW_INPUTS = ("results", "participants_activity", "participants_housing", "finance")


def canonical_rows(path: Path, column: str, value: str) -> bytes:
    """A canonical CSV of some rows of a file: its header and the rows whose `column` is `value`.

    The recipe (docs/herkomst.md), reproducible with standard tools: read the file as UTF-8 (a BOM
    dropped) with a CSV reader; write the header and each selected row as CSV with minimal quoting
    and LF line ends; sort the selected rows by their text (code point order, which is byte order of
    UTF-8, i.e. `LC_ALL=C sort`); the digest is the SHA-256 of the UTF-8 bytes.
    """
    header, by_value = _rows_by_value(path, column)
    return _canonical(header, by_value.get(value, []))


def _rows_by_value(path: Path, column: str) -> tuple[str, dict[str, list[str]]]:
    """A file's header line and its row lines (as `canonical_rows` writes them) by `column`."""
    text = Path(path).read_text(encoding="utf-8").removeprefix("\ufeff")
    records = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def line(cells: list[str]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(cells)
        return out.getvalue()

    header, body = records[0], records[1:]
    at = header.index(column)
    by_value: dict[str, list[str]] = {}
    for r in body:
        if len(r) > at:
            by_value.setdefault(r[at], []).append(line(r))
    return line(header), by_value


def _canonical(header: str, lines: list[str]) -> bytes:
    return (header + "".join(sorted(lines))).encode("utf-8")


def rows_digest(path: Path, column: str, value: str) -> str:
    """SHA-256 of the canonical CSV of a file's rows for one value (see `canonical_rows`)."""
    return hashlib.sha256(canonical_rows(path, column, value)).hexdigest()


class FileDigests:
    """The digests `input_digests` needs, each file read once: for many reports of one snapshot.

    Only for files that do not change while it is used (a run's input snapshot,
    bwklib.build.snapshot): a run with many reports, and earlier years to compare with, would
    otherwise hash every file and parse every table once per report.
    """

    def __init__(self):
        self._files: dict[Path, str] = {}
        self._rows: dict[tuple[Path, str], tuple[str, dict[str, list[str]]]] = {}
        self._history: dict[tuple[Path, int], list[Path]] = {}

    def file(self, path: Path) -> str:
        """SHA-256 of a file's bytes (`sha256`)."""
        path = Path(path)
        if path not in self._files:
            self._files[path] = sha256(path)
        return self._files[path]

    def rows(self, path: Path, column: str, value: str) -> str:
        """SHA-256 of the canonical CSV of a file's rows for one value (`rows_digest`)."""
        key = (Path(path), column)
        if key not in self._rows:
            self._rows[key] = _rows_by_value(path, column)
        header, by_value = self._rows[key]
        return hashlib.sha256(_canonical(header, by_value.get(value, []))).hexdigest()

    def history_files(self, data) -> list[Path]:
        """bwklib.compute.history.history_files of a year."""
        from bwklib.compute.history import history_files

        key = (Path(data.data_dir), data.year)
        if key not in self._history:
            self._history[key] = history_files(data)
        return self._history[key]


def input_digests(data, scope: str, digests: FileDigests | None = None) -> dict:
    """What one report depends on, file by file.

    A region's report depends on every data file. A location's report depends on the definition and
    configuration files and, of the tables that hold every location's figures, only its own rows:
    so a change in one location's figures leaves the other locations' reports valid. `digests`
    shares the reading of the files among the reports of one snapshot (`FileDigests`).
    """
    from bwklib.compute.consolidation import is_region
    from bwklib.inputs.stories import figure_refs

    root = data.data_dir.parent
    # a story naming another scope's figure ({{ figuur: ... van top }}) depends on all the rows
    others = {
        r.scope for r in figure_refs(data.stories.get(scope, "")) if r.scope not in (None, scope)
    }
    own_rows = not is_region(data, scope) and not others
    read = digests or FileDigests()
    out = {
        f"{data.data_dir.name}/{paths.DATAPACKAGE}": read.file(data.data_dir / paths.DATAPACKAGE)
    }
    for name in sorted(data.tables):
        path = data.path(name)
        if not path.exists():  # an optional file that is absent
            continue
        shown = relative(path, root)
        if own_rows and name in LOCATION_ROW_INPUTS:
            out[f"{shown} (regels van {scope})"] = read.rows(path, "location", scope)
        else:
            out[shown] = read.file(path)
    for path in read.history_files(data):  # earlier years the report compares with
        out[relative(path, root)] = read.file(path)
    if scope in data.story_files:
        path = data.story_files[scope]
        out[relative(path, root)] = read.file(path)
    return out
