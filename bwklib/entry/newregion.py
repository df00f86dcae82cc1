"""A region begun in a year that exists for other regions (`bwk new-year Y --region R`).

The region gets its row of regions.csv (from the last year it took part, or from --name and
--title when it is new), its locations and its own definitions, and a workbook of its own,
invoer-<year>-<region>.xlsx, whose import changes only its rows. The definitions of every region
stay as the year has them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from bwklib import paths
from bwklib.entry.yeardefs import (
    csv_of,
    definition_names,
    known_regions,
    read_csv,
    source_year,
    write_workbook,
)
from bwklib.errors import file_problem
from bwklib.inputs.loading import complete_years

REGION_WORKBOOK = "invoer-{year}-{region}.xlsx"


def region_row(region: str, folder: Path, package: dict, identity: dict) -> dict:
    """The regions.csv row of a region that begins this year, from --name, --title, --organisation.

    Raises
    ------
    DataError
        When the name or title is missing, or the region id is not a valid id.
    """

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
