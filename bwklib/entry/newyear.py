"""New year: create data/<year>/ from an earlier year and the workbook in which its figures are entered.

The definition files (regions, locations, indicators, activity types, housing corporations, finance
lines, key ratios, ...) are copied; the figures are not: they are entered in data/<year>/invoer-<year>.xlsx,
which starts with every location and indicator and last year's targets, and become CSV files with
`bwk import`. Which files are definitions follows from data/datapackage.json: every file of a year
that is not filled in the workbook and is not the list of published figures.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from bwklib import paths
from bwklib.entry.reader import read_definitions
from bwklib.entry.sheets import SHEETS, WORKBOOK_NAME
from bwklib.entry.writer import build_workbook
from bwklib.errors import DataError, Problem, file_problem
from bwklib.formulas import neutralise, restore
from bwklib.inputs.loading import complete_years
from bwklib.inputs.schema import datapackage

PUBLISHED = "published"


def definition_names(package: dict) -> list[str]:
    """Resources of a year that are copied to a new year: all but the figures and published.csv."""
    figures = {s.resource for s in SHEETS if s.resource != "locations"}
    return [
        name
        for name, r in package.items()
        if r["scope"] == "year" and name not in figures and name != PUBLISHED
    ]


def source_year(data_dir: Path, package: dict, year: int, given: int | None) -> int:
    """The year to start from: the one given, or the latest complete year before `year`.

    Raises
    ------
    DataError
        When the given year has no complete data, or no earlier year has.
    """
    years = [y for y in complete_years(data_dir) if y != year]
    shown = ", ".join(map(str, years)) or "geen"
    if given is not None:
        if given not in years:
            raise file_problem(
                paths.year_dir(data_dir, given),
                f"van {given} zijn geen volledige gegevens om mee te beginnen; kies een van: {shown}",
            )
        return given
    earlier = [y for y in years if y < year]
    if not earlier:
        raise file_problem(
            data_dir, f"er is geen eerder jaar dan {year} om mee te beginnen (jaren: {shown})"
        )
    return earlier[-1]


def check_target(folder: Path) -> None:
    """The new year's folder must not exist yet (an empty folder is fine)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise file_problem(
            folder,
            "deze map bestaat al en is niet leeg; kies een ander jaar, of hernoem of verwijder "
            "de map eerst als u opnieuw wilt beginnen",
        )


def cells(text: str) -> list[list[str]]:
    """The non-empty rows of a CSV text."""
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


def filtered_csv(text: str, column: str | None = None, value: str | None = None) -> str:
    """CSV text keeping only the rows whose `column` equals `value` (header kept; all rows when no
    column is given). Formula-like text gets a leading quote (bwklib.formulas)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    at = rows[0].index(column) if column else None
    kept = [r for r in rows[1:] if r and (at is None or r[at] == value)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows([[neutralise(restore(c)) for c in r] for r in [rows[0], *kept]])
    return buf.getvalue()


def copy_definitions(source: Path, target: Path, package: dict, region: str | None) -> None:
    """Copy the definition files; with a region, only its rows of files that have a region column."""
    for name in definition_names(package):
        resource = package[name]
        src, dst = source / resource["path"], target / resource["path"]
        columns = [f["name"] for f in resource["schema"]["fields"]]
        text = src.read_text(encoding="utf-8")
        column = "region" if region and "region" in columns else None
        safe = filtered_csv(text, column, region)
        if column is None and cells(safe) == cells(text):  # nothing to filter or quote: copy
            shutil.copyfile(src, dst)
        else:
            dst.write_text(safe, encoding="utf-8", newline="")


def check_region(source: Path, package: dict, region: str | None) -> None:
    """A region given must be a region of the source year."""
    if region is None:
        return
    problems: list[Problem] = []
    rows = read_definitions(source, package, ["regions"], problems).get("regions", [])
    if problems:
        raise DataError(problems)
    known = [r["region"] for r in rows]
    if region not in known:
        raise file_problem(
            source / package["regions"]["path"],
            f"onbekende regio {region!r}; verwacht een van: " + ", ".join(known),
        )


def last_targets(source: Path, package: dict, locations: set[str]) -> dict:
    """The targets of the source year by (location, indicator), for the locations kept."""
    if not (source / package["results"]["path"]).exists():
        return {}
    problems: list[Problem] = []
    rows = read_definitions(source, package, ["results"], problems).get("results", [])
    if problems:
        raise DataError(problems)
    return {
        (r["location"], r["indicator"]): {"target": r["target"]}
        for r in rows
        if r["location"] in locations
    }


def fresh_locations(rows: list[dict]) -> list[dict]:
    """Locations as they start a new year: results registered, no note (both are per year)."""
    return [{**r, "results_registered": True, "note": ""} for r in rows]


def write_workbook(folder: Path, year: int, source: Path, package: dict) -> Path:
    """Build the new year's workbook from the copied definitions and last year's targets."""
    problems: list[Problem] = []
    definitions = read_definitions(folder, package, definition_names(package), problems)
    if problems:
        raise DataError(problems)
    definitions["locations"] = fresh_locations(definitions["locations"])
    ids = {r["location"] for r in definitions["locations"]}
    carried = {"results": last_targets(source, package, ids)}
    path = folder / WORKBOOK_NAME.format(year=year)
    return build_workbook(path, year, package, definitions, carried)


def new_year(
    year: int,
    data_dir: Path = paths.DATA_DIR,
    region: str | None = None,
    from_year: int | None = None,
) -> Path:
    """Create data/<year>/ with the definition files and the data-entry workbook.

    Parameters
    ----------
    year : int
        The new year.
    data_dir : Path
        The data folder.
    region : str, optional
        Only this region (its row of regions.csv and its locations).
    from_year : int, optional
        The year to copy from; default the latest complete year before `year`.

    Returns
    -------
    Path
        The workbook data/<year>/invoer-<year>.xlsx.

    Raises
    ------
    DataError
        When the year folder exists, the source year or region is unknown, or a definition file
        of the source year does not fit the schema. Nothing is created then.
    """
    data_dir = Path(data_dir).resolve()
    package = datapackage(data_dir)
    target = paths.year_dir(data_dir, year)
    check_target(target)
    source = paths.year_dir(data_dir, source_year(data_dir, package, year, from_year))
    check_region(source, package, region)
    staging = Path(tempfile.mkdtemp(prefix=f".bwk-nieuw-{year}-", dir=data_dir))
    try:
        staging.chmod(0o755)
        copy_definitions(source, staging, package, region)
        book = write_workbook(staging, year, source, package)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target / book.name
