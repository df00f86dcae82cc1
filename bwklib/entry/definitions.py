"""A year's definition files (regions, locations, indicators, lines, ...): read, filtered by region,
copied into a new year. Figures are never among them (NOT_CARRIED)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from bwklib.entry.reader import read_definitions
from bwklib.entry.sheets import SHEETS
from bwklib.errors import DataError, Problem
from bwklib.formulas import neutralise, restore

PUBLISHED = "published"


CLAIMS = "claims"  # like published.csv, about the published report of that year alone


NOT_CARRIED = (PUBLISHED, CLAIMS, "volunteer_hours")


REGION_FILES = ("regions", "locations")


def definition_names(package: dict) -> list[str]:
    """Resources of a year that are copied to a new year: all but the figures (NOT_CARRIED)."""
    figures = {s.resource for s in SHEETS if s.resource != "locations"}
    return [
        name
        for name, r in package.items()
        if r["scope"] == "year" and name not in figures and name not in NOT_CARRIED
    ]


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


def append_rows(path: Path, rows: list[dict]) -> None:
    """Append definition rows to a year file, adding a `region` column when a row needs one."""
    header, existing = read_csv(path) if path.exists() else ([], [])
    if not header:
        header = list(rows[0]) if rows else []
    if any(r.get("region") for r in rows) and "region" not in header:
        header.append("region")
    fresh = [r for r in rows if r not in existing]
    path.write_text(csv_of(header, [*existing, *fresh]), encoding="utf-8", newline="")
