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

import shutil
import tempfile
from pathlib import Path

from bwklib import paths
from bwklib.entry.newregion import add_region, append_rows, region_row, region_source
from bwklib.entry.yeardefs import (
    cells,
    csv_of,
    definition_names,
    known_regions,
    of_region,
    read_csv,
    source_year,
    write_workbook,
)
from bwklib.errors import file_problem
from bwklib.inputs.schema import datapackage


def check_target(folder: Path) -> None:
    """The new year's folder must not exist yet (an empty folder is fine)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise file_problem(
            folder,
            "deze map bestaat al en is niet leeg; kies een ander jaar, of hernoem of verwijder "
            "de map eerst als u opnieuw wilt beginnen; of begin er een regio in met --region",
        )


CARRIED_COLUMNS = {"indicators": ("housing_corporations",)}
"""Optional columns a new year always has, empty if the source year lacks them, so that the
analyst sees where to fill them in (the housing-corporation marker, data/README.md)."""


def copy_definitions(source: Path, target: Path, package: dict, region: str | None) -> None:
    """Copy the definition files; with a region, only the rows that apply to it."""
    for name in definition_names(package):
        resource = package[name]
        src, dst = source / resource["path"], target / resource["path"]
        if not src.exists():  # an optional definition file
            continue
        header, rows = read_csv(src)
        header += [c for c in CARRIED_COLUMNS.get(name, ()) if c not in header]
        filtered = bool(region) and "region" in header
        if filtered:
            rows = [r for r in rows if of_region(name, r, region)]
        safe = csv_of(header, rows)
        if not filtered and cells(safe) == cells(src.read_text(encoding="utf-8")):
            shutil.copyfile(src, dst)  # nothing to filter or quote: an exact copy
        else:
            dst.write_text(safe, encoding="utf-8", newline="")


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
