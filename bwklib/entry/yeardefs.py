"""What a new year is made of: its definition files, read and written as CSV, and its workbook.

Shared by `newyear` (a year begun from an earlier one) and `newregion` (a region begun in a year):
which files are definitions (every file of a year that no sheet fills and that holds no figures),
which rows of them belong to a region, the source year, and the workbook with last year's targets.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bwklib import paths
from bwklib.entry.reader import read_definitions
from bwklib.entry.sheets import SHEETS, WORKBOOK_NAME
from bwklib.entry.writer import build_workbook
from bwklib.errors import DataError, Problem, file_problem
from bwklib.formulas import neutralise, restore
from bwklib.inputs.loading import complete_years

PUBLISHED = "published"

CLAIMS = "claims"  # like published.csv, about the published report of that year alone
NOT_CARRIED = (PUBLISHED, CLAIMS, "volunteer_hours")
"""Year files that hold figures although no sheet fills them: never copied into a new year."""

REGION_FILES = ("regions", "locations")
"""Definition files whose rows belong to exactly one region (its `region` column)."""


def definition_names(package: dict) -> list[str]:
    """Resources of a year that are copied to a new year: all but the figures (NOT_CARRIED)."""
    figures = {s.resource for s in SHEETS if s.resource != "locations"}
    return [
        name
        for name, r in package.items()
        if r["scope"] == "year" and name not in figures and name not in NOT_CARRIED
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


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    """Header and rows (as text) of a CSV file."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def cells(text: str) -> list[list[str]]:
    """The non-empty rows of a CSV text."""
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


def csv_of(header: list[str], rows: list[dict]) -> str:
    """CSV text with this header (cells missing in a row are empty); formula-like text gets a
    leading quote (bwklib.formulas)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([neutralise(restore(r.get(h) or "")) for h in header] for r in rows)
    return buf.getvalue()


def of_region(name: str, row: dict, region: str) -> bool:
    """Whether a definition row is carried for a region: its own rows, and rows of every region."""
    own = row.get("region") or ""
    return own == region if name in REGION_FILES else own in ("", region)


def known_regions(folder: Path, package: dict) -> list[dict]:
    """The rows of a year folder's regions.csv (schema-checked)."""
    problems: list[Problem] = []
    rows = read_definitions(folder, package, ["regions"], problems).get("regions", [])
    if problems:
        raise DataError(problems)
    return rows


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


def region_definitions(definitions: dict, region: str) -> dict:
    """The definitions of a workbook for one region: its own rows and those of every region."""
    return {
        name: [r for r in rows if of_region(name, r, region)] for name, rows in definitions.items()
    }


def write_workbook(
    folder: Path,
    year: int,
    source: Path | None,
    package: dict,
    region: str | None = None,
    name: str | None = None,
) -> Path:
    """Build a workbook from the year folder's definitions and the source year's targets.

    With a region, the workbook holds only that region's locations and definitions.
    """
    problems: list[Problem] = []
    definitions = read_definitions(folder, package, definition_names(package), problems)
    if problems:
        raise DataError(problems)
    if region:
        definitions = region_definitions(definitions, region)
    definitions["locations"] = fresh_locations(definitions["locations"])
    ids = {r["location"] for r in definitions["locations"]}
    carried = {"results": last_targets(source, package, ids) if source else {}}
    path = folder / (name or WORKBOOK_NAME.format(year=year))
    regions = [region] if region else None
    return build_workbook(path, year, package, definitions, carried, regions=regions)
