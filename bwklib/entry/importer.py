"""Importing the workbook: cross-checked on a staging copy, then written as the year's CSV files."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from bwklib import paths
from bwklib.entry.reader import Entry, csv_text, headers, read_entry, sheet_terms
from bwklib.entry.sheets import SHEETS, WORKBOOK_GLOB, WORKBOOK_NAME
from bwklib.errors import DataError, Problem, display
from bwklib.formulas import neutralise, restore
from bwklib.inputs.loading import load_year
from bwklib.inputs.schema import datapackage


def read_rows(path: Path) -> list[dict]:
    """The rows of a CSV file as text (none when it does not exist)."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def region_of_row(row: dict, regions_of: dict[str, str]) -> str | None:
    """The region a row of a workbook table belongs to (by its location, or its own region)."""
    if "location" in row and row.get("location") in regions_of:
        return regions_of[row["location"]]
    return row.get("region")


def merged_text(entry: Entry, package: dict, resource: str, regions_of: dict[str, str]) -> str:
    """A table's CSV text: the workbook's rows, and the rows of the regions it does not hold.

    A workbook made for some regions (bwk new-year --region) replaces only their rows; the other
    regions' rows stay as the year's file has them, in their order. New locations of the
    workbook's regions come where its first location stood, or at the end.
    """
    names = [f["name"] for f in package[resource]["schema"]["fields"]]
    if entry.regions is None:
        return csv_text(names, entry.tables[resource])
    mine = [[neutralise(row.texts.get(x, "")) for x in names] for row in entry.tables[resource]]
    out, placed = [], False
    for row in read_rows(entry.year_dir / package[resource]["path"]):
        if region_of_row(row, regions_of) not in entry.regions:
            out.append([neutralise(restore(row.get(x) or "")) for x in names])
        elif not placed and resource == "locations":
            out += mine
            placed = True
    if not placed:
        out += mine
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(out)
    return buf.getvalue()


def locations_by_region(entry: Entry, package: dict) -> dict[str, str]:
    """Location -> region, from the year's locations.csv and the workbook's Locaties sheet."""
    rows = read_rows(entry.year_dir / package["locations"]["path"])
    regions_of = {r["location"]: r["region"] for r in rows}
    regions_of.update({r.texts["location"]: r.texts["region"] for r in entry.tables["locations"]})
    return regions_of


def pending_regions(entry: Entry, files: dict[str, str], package: dict) -> list[str]:
    """Regions of the year whose figures are still to be imported from a workbook of their own.

    A region whose locations all lack finance rows (every location has some once imported) and
    that the workbook does not hold.
    """
    if entry.regions is None:
        return []
    text = files.get(package["locations"]["path"], "")
    locations = list(csv.DictReader(io.StringIO(text, newline="")))
    finance = {
        r["location"]
        for r in csv.DictReader(io.StringIO(files[package["finance"]["path"]], newline=""))
    }
    waiting = []
    for r in read_rows(entry.year_dir / package["regions"]["path"]):
        locs = [x["location"] for x in locations if x["region"] == r["region"]]
        if r["region"] not in entry.regions and locs and not finance & set(locs):
            waiting.append(r["region"])
    return waiting


def table_files(entry: Entry, package: dict) -> dict[str, str]:
    """File name -> CSV text of every table the workbook fills, plus an empty published.csv when
    the year has none. A workbook of some regions keeps the other regions' rows."""
    files = {}
    regions_of = locations_by_region(entry, package)
    for sheet in SHEETS:
        files[package[sheet.resource]["path"]] = merged_text(
            entry, package, sheet.resource, regions_of
        )
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


def stage(entry: Entry, files: dict[str, str], tmp: Path, waiting: list[str] | None = None) -> Path:
    """A copy of the data folder in tmp with the year's new files in place; returns its year folder.

    The locations of regions still waiting for their own import are left out of the staged copy,
    so that the regions imported are checked completely and the waiting ones not yet.
    """
    shutil.copy2(entry.data_dir / paths.DATAPACKAGE, tmp / paths.DATAPACKAGE)
    shutil.copytree(paths.config_dir(entry.data_dir), paths.config_dir(tmp))
    staged = paths.year_dir(tmp, entry.year)
    ignore = shutil.ignore_patterns("*.xlsx", "*.xls", "*.ods", "~$*", ".~lock*")
    shutil.copytree(entry.year_dir, staged, ignore=ignore)
    for name, text in files.items():
        (staged / name).write_text(text, encoding="utf-8", newline="")
    if waiting:
        path = staged / "locations.csv"
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if r["region"] not in waiting)
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
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
        staged = stage(entry, files, root, pending_regions(entry, files, package))
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
    if not pending_regions(entry, files, datapackage(entry.data_dir)):
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
