"""Importing the workbook: cross-checked on a staging copy, then written as the year's CSV files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bwklib import paths
from bwklib.entry.reader import Entry, csv_text, headers, read_entry, sheet_terms
from bwklib.entry.sheets import SHEETS, WORKBOOK_GLOB, WORKBOOK_NAME
from bwklib.errors import DataError, Problem, display
from bwklib.inputs.loading import load_year
from bwklib.inputs.schema import datapackage


def table_files(entry: Entry, package: dict) -> dict[str, str]:
    """File name -> CSV text of every table the workbook fills, plus an empty published.csv when
    the year has none."""
    files = {}
    for sheet in SHEETS:
        names = [f["name"] for f in package[sheet.resource]["schema"]["fields"]]
        files[package[sheet.resource]["path"]] = csv_text(names, entry.tables[sheet.resource])
    published = package["published"]
    if not (entry.year_dir / published["path"]).exists():
        files[published["path"]] = csv_text([f["name"] for f in published["schema"]["fields"]], [])
    return files


def relabel(p: Problem, entry: Entry, staged: Path, package: dict) -> Problem:
    """A problem found in a staged CSV file, told in terms of the sheet and row it came from."""
    for sheet in SHEETS:
        if p.file == display(staged / package[sheet.resource]["path"]):
            rows = entry.tables[sheet.resource]
            row = p.row
            if row is not None and 2 <= row < len(rows) + 2:
                row = rows[row - 2].number
            expected = sheet_terms(p.expected, package)
            label = sheet.label(entry.workbook)
            return Problem(label, row, headers(p.column, sheet), p.value, expected)
    file = p.file.replace(display(staged), display(entry.year_dir))
    return Problem(file, p.row, p.column, p.value, sheet_terms(p.expected, package))


def stage(entry: Entry, files: dict[str, str], tmp: Path) -> Path:
    """A copy of the data folder in tmp with the year's new files in place; returns its year folder."""
    shutil.copy2(entry.data_dir / paths.DATAPACKAGE, tmp / paths.DATAPACKAGE)
    shutil.copytree(paths.config_dir(entry.data_dir), paths.config_dir(tmp))
    staged = paths.year_dir(tmp, entry.year)
    ignore = shutil.ignore_patterns("*.xlsx", "*.xls", "*.ods", "~$*", ".~lock*")
    shutil.copytree(entry.year_dir, staged, ignore=ignore)
    for name, text in files.items():
        (staged / name).write_text(text, encoding="utf-8", newline="")
    return staged


def cross_check(entry: Entry, files: dict[str, str], package: dict) -> None:
    """Run every check of load_year on a staging copy, so that nothing is written on a problem.

    Raises
    ------
    DataError
        The problems of load_year, told in terms of the sheets where the data came from.
    """
    with tempfile.TemporaryDirectory(prefix="bwk-invoer-") as tmp:
        root = Path(tmp).resolve()
        staged = stage(entry, files, root)
        try:
            load_year(entry.year, root)
        except DataError as e:
            raise DataError([relabel(p, entry, staged, package) for p in e.problems]) from None


def check_workbook(workbook: Path) -> tuple[Entry, dict[str, str]]:
    """Check a filled workbook completely, as `bwk import` would, without writing anything.

    Parameters
    ----------
    workbook : Path
        data/<year>/invoer-<year>.xlsx.

    Returns
    -------
    tuple
        The checked entry and file name -> CSV text of the files an import writes.

    Raises
    ------
    DataError
        Every problem found, each naming sheet, row, column header, value and what was expected.
    """
    entry = read_entry(workbook)
    package = datapackage(entry.data_dir)
    files = table_files(entry, package)
    cross_check(entry, files, package)
    return entry, files


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write every file to a temporary file in the same folder first, then rename each into place.

    A full disk or a folder without write permission fails while writing the temporary files,
    before any CSV file is replaced (the temporary files are removed).
    """
    temporary = {Path(folder) / name: Path(folder) / f".{name}.bwk-tmp" for name in files}
    try:
        for tmp, text in zip(temporary.values(), files.values(), strict=True):
            tmp.write_text(text, encoding="utf-8", newline="")
    except BaseException:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
        raise
    for target, tmp in temporary.items():
        os.replace(tmp, target)
    return list(temporary)


def import_workbook(workbook: Path) -> list[Path]:
    """Check a filled workbook and write the CSV files of its year.

    Parameters
    ----------
    workbook : Path
        data/<year>/invoer-<year>.xlsx.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    DataError
        When anything is wrong; then nothing is written.
    """
    entry, files = check_workbook(workbook)
    written = write_files(entry.year_dir, files)
    load_year(entry.year, entry.data_dir)
    return written


def pending_workbook(year_dir: Path) -> Path | None:
    """The year's workbook when it is newer than the CSV files it fills (or one is missing).

    Parameters
    ----------
    year_dir : Path
        data/<year>/.

    Returns
    -------
    Path or None
        invoer-<year>.xlsx (or else the newest invoer-*.xlsx) when the workbook should be checked
        rather than the CSV files; None when there is no workbook or the CSV files are newer.
    """
    year_dir = Path(year_dir)
    books = sorted(year_dir.glob(WORKBOOK_GLOB), key=lambda p: p.stat().st_mtime)
    if not books:
        return None
    preferred = year_dir / WORKBOOK_NAME.format(year=year_dir.name)
    book = preferred if preferred.exists() else books[-1]
    package = datapackage(year_dir.resolve().parent)
    tables = [year_dir / package[s.resource]["path"] for s in SHEETS]
    if not all(p.exists() for p in tables):
        return book
    return book if book.stat().st_mtime > min(p.stat().st_mtime for p in tables) else None
