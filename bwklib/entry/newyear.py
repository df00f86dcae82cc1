"""New year: create data/<year>/ from an earlier year and the workbook in which its figures are entered.

The definition files (regions, locations, indicators, activity types, housing corporations, finance
lines, key ratios, ...) are copied; the figures are not: they are entered in data/<year>/invoer-<year>.xlsx,
which starts with every location and indicator and last year's targets, and become CSV files with
`bwk import`. Which files are definitions follows from data/datapackage.json: every file of a year
that is not filled in the workbook and holds no figures (published.csv, volunteer_hours.csv). No
figure of an earlier year becomes a figure of the new year.

Regions begin, pause and end like locations. `--region R` begins one region: in a new year folder
(only R's rows and the definitions that apply to R), or in a year folder that exists for other
regions (R's rows are added, with a workbook invoer-<year>-R.xlsx of its own whose import changes
only R's rows). A region new that year gets its name and title from `--name` and `--title`.
"""

from __future__ import annotations

import csv
import io
import os
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
CLAIMS = "claims"  # like published.csv, about the published report of that year alone
NOT_CARRIED = (PUBLISHED, CLAIMS, "volunteer_hours")
"""Year files that hold figures although no sheet fills them: never copied into a new year."""
REGION_WORKBOOK = "invoer-{year}-{region}.xlsx"
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


def check_target(folder: Path) -> None:
    """The new year's folder must not exist yet (an empty folder is fine)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise file_problem(
            folder,
            "deze map bestaat al en is niet leeg; kies een ander jaar, of hernoem of verwijder "
            "de map eerst als u opnieuw wilt beginnen; of begin er een regio in met --region",
        )


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


def copy_definitions(source: Path, target: Path, package: dict, region: str | None) -> None:
    """Copy the definition files; with a region, only the rows that apply to it."""
    for name in definition_names(package):
        resource = package[name]
        src, dst = source / resource["path"], target / resource["path"]
        if not src.exists():  # an optional definition file
            continue
        header, rows = read_csv(src)
        filtered = bool(region) and "region" in header
        if filtered:
            rows = [r for r in rows if of_region(name, r, region)]
        safe = csv_of(header, rows)
        if not filtered and cells(safe) == cells(src.read_text(encoding="utf-8")):
            shutil.copyfile(src, dst)  # nothing to filter or quote: an exact copy
        else:
            dst.write_text(safe, encoding="utf-8", newline="")


def known_regions(folder: Path, package: dict) -> list[dict]:
    """The rows of a year folder's regions.csv (schema-checked)."""
    problems: list[Problem] = []
    rows = read_definitions(folder, package, ["regions"], problems).get("regions", [])
    if problems:
        raise DataError(problems)
    return rows


def check_region(source: Path, package: dict, region: str | None) -> None:
    """A region given must be a region of the source year.

    Raises
    ------
    DataError
        When the region is not in the source year's regions.csv.
    """
    if region is None:
        return
    known = [r["region"] for r in known_regions(source, package)]
    if region not in known:
        raise file_problem(
            source / package["regions"]["path"],
            f"onbekende regio {region!r}; verwacht een van: " + ", ".join(known) + ". Begint "
            "de regio dit jaar, geef dan ook --name en --title (bijv. --name 'Amsterdam Zuidoost' "
            "--title 'Buurtwerkkamers Amsterdam Zuidoost')",
        )


def region_row(region: str, folder: Path, package: dict, identity: dict) -> dict:
    """The regions.csv row of a region that begins this year, from --name, --title, --organisation.

    Raises
    ------
    DataError
        When the name or title is missing, or the region id is not a valid id.
    """
    import re

    shown = folder / package["regions"]["path"]
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", region):
        raise file_problem(
            shown,
            f"regio {region!r}: verwacht een id van kleine letters, cijfers en streepjes "
            "(bijv. amsterdam-zuidoost)",
        )
    missing = [o for o in ("name", "title") if not identity.get(o)]
    if missing:
        raise file_problem(
            shown,
            f"regio {region!r} bestaat nog niet; geef haar naam en titel: --name 'Amsterdam "
            "Zuidoost' --title 'Buurtwerkkamers Amsterdam Zuidoost' (ontbreekt: "
            + ", ".join("--" + m for m in missing)
            + ")",
        )
    organisation = identity.get("organisation") or next(
        (r["organisation"] for r in known_regions(folder, package)), "BuurtWerkKamer Coöperatie"
    )
    return {
        "region": region,
        "name": identity["name"],
        "title": identity["title"],
        "organisation": organisation,
    }


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


def append_rows(path: Path, rows: list[dict]) -> None:
    """Append definition rows to a year file, adding a `region` column when a row needs one."""
    header, existing = read_csv(path) if path.exists() else ([], [])
    if not header:
        header = list(rows[0]) if rows else []
    if any(r.get("region") for r in rows) and "region" not in header:
        header.append("region")
    fresh = [r for r in rows if r not in existing]
    path.write_text(csv_of(header, [*existing, *fresh]), encoding="utf-8", newline="")


def region_source(data_dir: Path, package: dict, year: int, region: str, given: int | None):
    """The earlier year a region's locations, definitions and targets come from (None: new).

    The year given, else the latest complete year before `year` that has the region: a region that
    paused for a year continues from the last year it took part.
    """
    if given is not None:
        source = paths.year_dir(data_dir, source_year(data_dir, package, year, given))
        return source if region in [r["region"] for r in known_regions(source, package)] else None
    for earlier in reversed([y for y in complete_years(data_dir) if y < year]):
        source = paths.year_dir(data_dir, earlier)
        if region in [r["region"] for r in known_regions(source, package)]:
            return source
    return None


def add_region(
    year: int, data_dir: Path, package: dict, region: str, from_year: int | None, identity: dict
) -> Path:
    """Begin a region in a year folder that exists for other regions.

    A region not yet in the year gets its row of regions.csv, its locations and its own definitions
    from the source year (or, new that year, a row from --name and --title); the definitions of every
    region stay as the year has them. A region already in the year (its rows added by the analyst)
    gets the workbook only. The workbook invoer-<year>-<region>.xlsx holds only its rows, and its
    import changes only them.

    Raises
    ------
    DataError
        When the region already has its workbook, or begins without --name and --title.
    """
    target = paths.year_dir(data_dir, year)
    book = target / REGION_WORKBOOK.format(year=year, region=region)
    if not (target / package["regions"]["path"]).exists():
        raise file_problem(
            target,
            f"deze map heeft geen {package['regions']['path']}; verwijder de map als die leeg "
            f"hoort te zijn, of maak het jaar opnieuw met bwk new-year {year}",
        )
    if book.exists():
        raise file_problem(
            book,
            f"regio {region} heeft in {year} al een werkmap; vul die in en lees hem in met "
            f"bwk import {book.name}, of hernoem of verwijder hem om een nieuwe te maken",
        )
    source = region_source(data_dir, package, year, region, from_year)
    rows: dict[str, list[dict]] = {}
    if region not in [r["region"] for r in known_regions(target, package)]:
        if source is None:
            rows["regions"] = [region_row(region, target, package, identity)]
        else:
            for name in definition_names(package):
                path = source / package[name]["path"]
                if path.exists():
                    header, found = read_csv(path)
                    if "region" in header:
                        rows[name] = [r for r in found if (r.get("region") or "") == region]
    staging = Path(tempfile.mkdtemp(prefix=f".bwk-regio-{year}-", dir=data_dir))
    try:
        files = [package[n]["path"] for n in definition_names(package)]
        for file in files:
            if (target / file).exists():
                shutil.copy2(target / file, staging / file)
        for name, new in rows.items():
            if new:
                append_rows(staging / package[name]["path"], new)
        staged_book = write_workbook(staging, year, source, package, region, book.name)
        for file in files:
            if (staging / file).exists():
                os.replace(staging / file, target / file)
        os.replace(staged_book, book)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return book


def new_year(
    year: int,
    data_dir: Path = paths.DATA_DIR,
    region: str | None = None,
    from_year: int | None = None,
    name: str | None = None,
    title: str | None = None,
    organisation: str | None = None,
) -> Path:
    """Create data/<year>/ with the definition files and the data-entry workbook.

    Parameters
    ----------
    year : int
        The new year.
    data_dir : Path
        The data folder.
    region : str, optional
        Only this region (its row of regions.csv, its locations and the definitions that apply to
        it). When the year folder exists for other regions, the region is added to it with a
        workbook of its own (invoer-<year>-<region>.xlsx).
    from_year : int, optional
        The year to copy from; default the latest complete year before `year`.
    name, title, organisation : str, optional
        For a region that is in no earlier year: its name, report title and organisation
        (default the organisation of the other regions).

    Returns
    -------
    Path
        The workbook data/<year>/invoer-<year>.xlsx (or invoer-<year>-<region>.xlsx).

    Raises
    ------
    DataError
        When the year folder exists (without --region), the source year or region is unknown, or
        a definition file of the source year does not fit the schema. Nothing is created then.
    """
    data_dir = Path(data_dir).resolve()
    package = datapackage(data_dir)
    target = paths.year_dir(data_dir, year)
    identity = {"name": name, "title": title, "organisation": organisation}
    if region and target.is_dir() and any(target.iterdir()):
        return add_region(year, data_dir, package, region, from_year, identity)
    check_target(target)
    source = paths.year_dir(data_dir, source_year(data_dir, package, year, from_year))
    if region and from_year is None:  # a region that paused continues from its last year
        source = region_source(data_dir, package, year, region, None) or source
    beginning = None
    if region and (name or title):
        if region in [r["region"] for r in known_regions(source, package)]:
            raise file_problem(
                source / package["regions"]["path"],
                f"regio {region} bestaat al in {source.name}; laat --name en --title weg (of pas "
                "naam en titel daarna aan in regions.csv)",
            )
        beginning = region_row(region, source, package, identity)
    else:
        check_region(source, package, region)
    staging = Path(tempfile.mkdtemp(prefix=f".bwk-nieuw-{year}-", dir=data_dir))
    try:
        staging.chmod(0o755)
        copy_definitions(source, staging, package, region)
        if beginning:
            append_rows(staging / package["regions"]["path"], [beginning])
        book = write_workbook(staging, year, source, package, region)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target / book.name
