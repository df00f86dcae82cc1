"""The input snapshot: a run reads every input file once, so all its outputs come from the same bytes.

At the start of `bwk run` (and `bwk export`) the data files (datapackage.json, config/, the year and
the earlier years it compares with, its stories) and the template notebooks are copied into a
folder inside the staging folder. Validation, the exports, provenance, the cache keys and the
notebooks all read that copy: a data file edited while the run executes changes nothing of this run
(the next run sees the edit, since its key differs).

The notebooks get `data_dir = "data"`, relative to the kernel's working folder (the snapshot), so the
parameter is the same in every run and no absolute path ends up in a notebook or HTML.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from bwklib import paths
from bwklib.errors import DataError, display

SNAPSHOT = ".bwk-input"
DATA_PARAMETER = "data"  # the notebooks' data_dir: relative to the snapshot, the kernel's cwd


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


def copy_files(source: Path, target: Path) -> None:
    """Copy the regular files under source (recursively, symlinked folders not followed)."""
    for folder, dirs, files in os.walk(source):
        dirs.sort()
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            src = Path(folder, name)
            if src.is_file():  # not a FIFO or socket: reading one could block the run
                shutil.copyfile(src, target / rel / name)


def take(data_dir: Path, year: int, target: Path, notebook_dir: Path | None = None) -> Snapshot:
    """Copy the inputs of a year's run into target (which must not exist yet).

    Copied: data_dir/datapackage.json, data_dir/config/, every year folder up to and including
    `year` (the earlier ones are what the comparison reads) and the notebooks (*.ipynb) of
    notebook_dir. A file missing from data_dir is missing from the copy, so validation reports it.

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
    data = target / "data"
    data.mkdir(parents=True)
    package = data_dir / paths.DATAPACKAGE
    if package.is_file():
        shutil.copyfile(package, data / paths.DATAPACKAGE)
    config = paths.config_dir(data_dir)
    if config.is_dir():
        copy_files(config, data / paths.CONFIG_SUBDIR)
    if data_dir.is_dir():
        for folder in sorted(data_dir.iterdir()):
            if folder.name.isdigit() and len(folder.name) == 4 and int(folder.name) <= year:
                if folder.is_dir():
                    copy_files(folder, data / folder.name)
    notebooks = None
    if notebook_dir is not None:
        notebooks = target / "notebooks"
        notebooks.mkdir()
        for nb in sorted(Path(notebook_dir).glob("*.ipynb")):
            if nb.is_file():
                shutil.copyfile(nb, notebooks / nb.name)
    return Snapshot(target, data, notebooks, data_dir)


def relocate(error: DataError, copy: Path, original: Path) -> DataError:
    """The same problems, naming the files in the analyst's data folder instead of in the copy."""
    shown_copy, shown_original = display(copy), display(original)

    def fix(text):
        return text.replace(shown_copy, shown_original) if isinstance(text, str) else text

    return DataError(
        [replace(p, file=fix(p.file), expected=fix(p.expected)) for p in error.problems]
    )
