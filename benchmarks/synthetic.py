"""Synthetic years for benchmarks: N locations generated from the 2019 data (copies with new ids)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

PER_LOCATION = [
    "results.csv",
    "participants_activity.csv",
    "participants_housing.csv",
    "generic_counts.csv",
    "finance.csv",
]


def read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def write(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def make(source: Path, target: Path, n: int, year: int = 2019) -> Path:
    """Copy data/ to target with year `year` holding n locations cycled from the 2019 ones."""
    shutil.copytree(source / "config", target / "config")
    shutil.copy(source / "datapackage.json", target / "datapackage.json")
    src, dst = source / str(year), target / str(year)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("stories"))
    header, locations = read(src / "locations.csv")
    new_locations, mapping = [], []
    for i in range(n):
        base = locations[i % len(locations)]
        new_id = f"syn-{i + 1:03d}"
        new_locations.append({**base, "location": new_id, "name": f"Synthetisch {i + 1}"})
        mapping.append((base["location"], new_id))
    write(dst / "locations.csv", header, new_locations)
    for name in PER_LOCATION:
        header, rows = read(src / name)
        out = [{**r, "location": new} for old, new in mapping for r in rows if r["location"] == old]
        write(dst / name, header, out)
    header, _ = read(src / "published.csv")
    write(dst / "published.csv", header, [])
    return target
