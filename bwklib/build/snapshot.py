"""The input snapshot: a run reads every input file once, so all its outputs come from the same bytes.

At the start of `bwk run` (and `bwk export`), under the year's lock, every file of the data folder
(datapackage.json, config/, the year and the earlier years it compares with, its stories) and of
the notebook folder is copied into output/.bwk-input-<year>/. Validation, the exports, provenance,
the per-report cache keys, the fast path's record and the notebooks all read that copy: a file
edited while the run executes changes nothing of this run, and the next run sees the edit (its keys
and record differ).

The copy has a fixed place per year, so the notebooks' data_dir parameter (relative to the kernels'
folder, see bwklib.build.plan) is the same in every run and names no absolute folder.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from bwklib.errors import DataError, display
from bwklib.inputs.digests import SKIP_DIRS, tree_digests

SNAPSHOT = ".bwk-input"


@dataclass(frozen=True)
class Snapshot:
    """A private copy of a run's inputs.

    Attributes
    ----------
    root : Path
        The snapshot folder (the kernels' working folder).
    data_dir : Path
        root/data: the copy of the data folder.
    notebook_dir : Path or None
        root/notebooks: the copy of the template notebooks (None when not copied).
    source_data_dir : Path
        The data folder the copy was made from (named in messages to the analyst).
    """

    root: Path
    data_dir: Path
    notebook_dir: Path | None
    source_data_dir: Path

    def load(self, year: int):
        """Load and validate the year from the copy; problems name the analyst's own files.

        Raises
        ------
        DataError
            As `load_year`, with the paths of the original data folder.
        """
        from bwklib.inputs.loading import load_year

        try:
            return load_year(year, self.data_dir)
        except DataError as e:
            raise relocate(e, self.data_dir, self.source_data_dir) from None


def location(output_dir: Path, year: int) -> Path:
    """Where a run of the year keeps its copy of the inputs (one at a time: the year is locked)."""
    return Path(output_dir) / f"{SNAPSHOT}-{year}"


def copy_files(source: Path, target: Path) -> None:
    """Copy the regular files under source (recursively, symlinked folders not followed)."""
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            src = Path(folder, name)
            if src.is_file():  # not a FIFO or socket: reading one could block the run
                shutil.copyfile(src, target / rel / name)


def take(data_dir: Path, year: int, target: Path, notebook_dir: Path | None = None) -> Snapshot:
    """Copy the inputs of a year's run into target (a leftover of a killed run is replaced).

    Copied: every file under data_dir and under notebook_dir (as the fast path fingerprints them;
    caches of Python and Jupyter excepted). A file missing from data_dir is missing from the copy,
    so validation reports it.

    Parameters
    ----------
    data_dir : Path
        The analyst's data folder.
    year : int
        The year to build.
    target : Path
        The snapshot folder to create.
    notebook_dir : Path, optional
        The template notebooks to copy as well.

    Returns
    -------
    Snapshot
    """
    data_dir, target = Path(data_dir), Path(target)
    shutil.rmtree(target, ignore_errors=True)
    data = target / "data"
    data.mkdir(parents=True)
    if data_dir.is_dir():
        copy_files(data_dir, data)
    notebooks = None
    if notebook_dir is not None:
        notebooks = target / "notebooks"
        notebooks.mkdir()
        if Path(notebook_dir).is_dir():
            copy_files(Path(notebook_dir), notebooks)
    return Snapshot(target, data, notebooks, data_dir)


def digests(snap: Snapshot) -> dict:
    """The fast path's file parts (bwklib.build.fastpath.fingerprint) for the bytes the run read."""
    parts = {"data": tree_digests(snap.data_dir)}
    if snap.notebook_dir is not None:
        parts["notebooks"] = tree_digests(snap.notebook_dir)
    return parts


def relocate(error: DataError, copy: Path, original: Path) -> DataError:
    """The same problems, naming the files in the analyst's data folder instead of in the copy."""
    shown_copy, shown_original = display(copy), display(original)

    def fix(text):
        return text.replace(shown_copy, shown_original) if isinstance(text, str) else text

    return DataError(
        [replace(p, file=fix(p.file), expected=fix(p.expected)) for p in error.problems]
    )
