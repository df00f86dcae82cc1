"""Loading: read the data files of a year, validate them against data/datapackage.json.

Every file is read as text and checked cell by cell, so that the analyst gets one message listing every
problem (file, row as the spreadsheet shows it, column, value, what was expected) instead of a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from bwklib import paths
from bwklib.errors import DataError, Problem, decode_utf8
from bwklib.inputs.stories import read_stories, story_paths

TYPE_HINTS = {
    "integer": "een geheel getal zonder punten, spaties of €-teken (bijv. 3181)",
    "number": "een getal met een punt als decimaalteken (bijv. 0.2)",
    "boolean": "true of false",
    "string": "tekst",
}
TRUE_WORDS = {"true"}
FALSE_WORDS = {"false"}


@dataclass
class Table:
    """A validated data file: its rows as a DataFrame and where it came from."""

    name: str
    path: Path
    frame: pd.DataFrame


@dataclass
class YearData:
    """Every validated table of one year, plus the configuration, keyed by resource name."""

    year: int
    data_dir: Path
    tables: dict[str, Table] = field(default_factory=dict)
    stories: dict[str, str] = field(default_factory=dict)
    story_files: dict[str, Path] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name].frame

    def path(self, name: str) -> Path:
        """The file a table was read from."""
        return self.tables[name].path

    def source(self, *names: str) -> str:
        """Data files of the given tables, relative to the data folder, for the `source` columns."""
        return "; ".join(
            self.path(n).relative_to(self.data_dir.parent).as_posix()
            if self.path(n).is_relative_to(self.data_dir.parent)
            else str(self.path(n))
            for n in names
        )

    @property
    def files(self) -> list[Path]:
        """Every file read, sorted, for provenance and caching (optional files only when present)."""
        tables = [t.path for t in self.tables.values() if t.path.exists()]
        return sorted([*tables, *self.story_files.values()])


def file_problem(where: Path | str, message: str) -> DataError:
    """A DataError with one problem about a whole folder or file."""
    return DataError([Problem(display(where), None, None, None, message)])


@cache
def datapackage(data_dir: Path) -> dict:
    """The resource descriptors of data/datapackage.json, by name.

    Raises
    ------
    DataError
        When the data folder or its datapackage.json is missing or is not valid JSON.
    """
    path = Path(data_dir) / paths.DATAPACKAGE
    if not path.is_file():
        raise file_problem(path, "niet gevonden; klopt de map met gegevens (--data-dir)?")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise file_problem(path, f"geen geldige JSON ({e}); herstel het bestand uit git") from None
    return {r["name"]: r for r in package["resources"]}


def display(path: Path) -> str:
    """A path as the analyst knows it: relative to the current folder when possible."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """Read a file as UTF-8 without byte-order mark; record a problem and return None otherwise."""
    shown = display(path)
    if not path.exists():
        problems.append(
            Problem(
                shown,
                None,
                None,
                None,
                "bestand ontbreekt; maak het aan of kopieer het uit het vorige jaar",
            )
        )
        return None
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(
            Problem(
                shown,
                None,
                None,
                None,
                "het bestand begint met een byte-order mark "
                "(BOM); sla het op als 'CSV UTF-8' zonder BOM",
            )
        )
        return None
    text = decode_utf8(
        raw, shown, problems, "het bestand is geen UTF-8; sla het op als 'CSV UTF-8'"
    )
    if text is None:
        return None
    if not text.strip():
        problems.append(
            Problem(
                shown,
                None,
                None,
                None,
                "het bestand is leeg; verwacht een kopregel "
                "met kolomnamen en daaronder de gegevens",
            )
        )
        return None
    return text


def convert(value: str, spec: dict) -> tuple[object, str | None]:
    """Convert one cell to its schema type; return (value, None) or (None, what was expected)."""
    kind = spec.get("type", "string")
    cons = spec.get("constraints", {})
    if value == "":
        if cons.get("required"):
            return None, f"een verplichte waarde ({TYPE_HINTS[kind]}); de cel is leeg"
        return (None if kind != "string" else ""), None
    if value != value.strip():
        return None, "een waarde zonder spaties aan het begin of eind"
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return None, TYPE_HINTS[kind]
        out: object = int(value)
    elif kind == "number":
        if not re.fullmatch(r"-?\d+(\.\d+)?", value):
            return None, TYPE_HINTS[kind]
        out = float(value)
    elif kind == "boolean":
        if value.lower() not in TRUE_WORDS | FALSE_WORDS:
            return None, TYPE_HINTS[kind]
        out = value.lower() in TRUE_WORDS
    else:
        out = value
    if "enum" in cons and out not in cons["enum"]:
        return None, "een van: " + ", ".join(cons["enum"])
    if "pattern" in cons and not re.fullmatch(cons["pattern"], str(out)):
        return None, (
            "een id van kleine letters, cijfers en streepjes (bijv. de-verbinding)"
            if cons["pattern"].startswith("^[a-z0-9]+(-")
            else f"een waarde volgens het patroon {cons['pattern']}"
        )
    if "minimum" in cons and out < cons["minimum"]:
        return None, f"een waarde van minstens {cons['minimum']} (geen negatief getal)"
    return out, None


def parse_table(text: str, resource: dict, shown: str, problems: list[Problem]) -> list[dict]:
    """Check header, row shape, cell types and the primary key of one CSV text."""
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    for n in missing:
        problems.append(
            Problem(
                shown,
                1,
                n,
                None,
                "deze kolom ontbreekt in de kopregel; verwacht de kolommen: " + ", ".join(names),
            )
        )
    for h in extra:
        problems.append(
            Problem(shown, 1, h, None, "onbekende kolom; verwacht alleen: " + ", ".join(names))
        )
    if len(set(header)) != len(header):
        problems.append(
            Problem(shown, 1, None, None, "een kolomnaam staat twee keer in de kopregel")
        )
    if missing or extra:
        return []
    specs = {f["name"]: f for f in fields}
    rows, seen = [], {}
    key = resource["schema"].get("primaryKey", [])
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    shown,
                    number,
                    None,
                    None,
                    f"{len(header)} cellen verwacht, "
                    f"{len(cells)} gevonden (let op komma's in tekst: zet die tekst "
                    "tussen aanhalingstekens)",
                )
            )
            continue
        row, ok = {"_row": number}, True
        for name, value in zip(header, cells, strict=True):
            out, expected = convert(value, specs[name])
            if expected:
                problems.append(Problem(shown, number, name, value, f"verwacht {expected}"))
                ok = False
            row[name] = out
        if not ok:
            continue
        ident = tuple(row[k] for k in key)
        if ident in seen:
            problems.append(
                Problem(
                    shown,
                    number,
                    ", ".join(key),
                    " / ".join(map(str, ident)),
                    f"dubbele regel: dezelfde combinatie staat al in rij {seen[ident]}",
                )
            )
            continue
        seen[ident] = number
        rows.append(row)
    return rows


def resource_path(data_dir: Path, year: int, resource: dict) -> Path:
    """Where a resource lives: data/config/ or data/<year>/."""
    base = (
        paths.config_dir(data_dir)
        if resource["scope"] == "config"
        else paths.year_dir(data_dir, year)
    )
    return base / resource["path"]


def frame(rows: list[dict], resource: dict) -> pd.DataFrame:
    """Rows as a DataFrame with the schema's columns (and the source row number in `_row`)."""
    columns = ["_row", *(f["name"] for f in resource["schema"]["fields"])]
    df = pd.DataFrame(rows, columns=columns)
    for f in resource["schema"]["fields"]:
        if f["type"] == "integer" and df[f["name"]].notna().all():
            df[f["name"]] = df[f["name"]].astype("int64")
        elif f["type"] == "string":
            df[f["name"]] = df[f["name"]].astype(object)
    return df


KNOWN_FIGURES = "known_figures.csv"


def is_partial_year(folder: Path) -> bool:
    """A year folder with only figures known from later reports (no locations.csv of its own)."""
    return (folder / KNOWN_FIGURES).exists() and not (folder / "locations.csv").exists()


def load_known_figures(year: int, data_dir: Path = paths.DATA_DIR) -> pd.DataFrame:
    """The validated known_figures.csv of a partial year.

    Raises
    ------
    DataError
        When the file is unreadable or a cell does not fit the schema.
    """
    data_dir = Path(data_dir).resolve()
    resource = datapackage(data_dir)["known_figures"]
    path = paths.year_dir(data_dir, year) / KNOWN_FIGURES
    problems: list[Problem] = []
    text = read_text(path, problems)
    rows = parse_table(text, resource, display(path), problems) if text is not None else []
    if problems:
        raise DataError(problems)
    return frame(rows, resource)


def is_complete_year(data_dir: Path, year: int) -> bool:
    """Whether every data file of a year exists (a new year is incomplete until `bwk import`)."""
    folder = paths.year_dir(data_dir, year)
    return all(
        (folder / r["path"]).exists()
        for r in datapackage(Path(data_dir).resolve()).values()
        if r["scope"] == "year" and not r.get("optional")
    )


def complete_years(data_dir: Path) -> list[int]:
    """Years whose data is complete (not partial, not awaiting `bwk import`), ascending."""
    return [y for y in available_years(data_dir) if is_complete_year(data_dir, y)]


def available_years(data_dir: Path) -> list[int]:
    """Years with a data folder, ascending.

    Raises
    ------
    DataError
        When the data folder itself does not exist.
    """
    if not Path(data_dir).is_dir():
        raise file_problem(
            data_dir, "de map met gegevens bestaat niet; geef de juiste map met --data-dir"
        )
    return sorted(int(p.name) for p in Path(data_dir).iterdir() if p.is_dir() and p.name.isdigit())


def check_foreign_keys(data: YearData, problems: list[Problem]) -> None:
    """Every reference (location, indicator, line, ...) must exist in the table it points to."""
    for name, resource in datapackage(data.data_dir).items():
        if name not in data.tables:
            continue
        for fkey in resource["schema"].get("foreignKeys", []):
            (col,), ref = fkey["fields"], fkey["reference"]
            if ref["resource"] not in data.tables:
                continue
            known = set(data[ref["resource"]][ref["fields"][0]])
            for _, row in data[name].iterrows():
                if row[col] not in known:
                    problems.append(
                        Problem(
                            display(data.path(name)),
                            int(row["_row"]),
                            col,
                            row[col],
                            f"onbekend; verwacht een van de waarden in {ref['resource']}.csv: "
                            + ", ".join(sorted(map(str, known))),
                        )
                    )


def load_year(year: int, data_dir: Path = paths.DATA_DIR) -> YearData:
    """Read and validate every data file of a year and the configuration.

    Parameters
    ----------
    year : int
        The evaluation year; data/<year>/ must exist.
    data_dir : Path
        The data folder (holding datapackage.json, config/ and the year folders).

    Returns
    -------
    YearData
        All tables, validated, with the row numbers of the source files.

    Raises
    ------
    DataError
        Listing every problem found: missing or unreadable files, wrong columns, bad cells,
        duplicate rows, unknown references and inconsistencies between files.
    """
    data_dir = Path(data_dir).resolve()
    folder = paths.year_dir(data_dir, year)
    if not folder.is_dir():
        years = (
            ", ".join(
                str(y)
                for y in available_years(data_dir)
                if not is_partial_year(paths.year_dir(data_dir, y))
            )
            or "geen"
        )
        raise file_problem(
            folder, f"de map voor jaar {year} bestaat niet; beschikbare jaren: {years}"
        )
    problems: list[Problem] = []
    data = YearData(year=year, data_dir=data_dir)
    if is_partial_year(folder):
        raise file_problem(
            folder,
            f"{year} bevat alleen losse cijfers ({KNOWN_FIGURES}) om mee te vergelijken, geen "
            "volledige gegevens; van dit jaar kan geen rapport worden gemaakt",
        )
    for name, resource in datapackage(data_dir).items():
        if resource["scope"] == "history":
            continue
        path = resource_path(data_dir, year, resource)
        if resource.get("optional") and not path.exists():
            data.tables[name] = Table(name, path, frame([], resource))
            continue
        text = read_text(path, problems)
        if text is None:
            continue
        rows = parse_table(text, resource, display(path), problems)
        data.tables[name] = Table(name, path, frame(rows, resource))
    books = sorted(folder.glob("invoer-*.xlsx"))
    if books and any(p.expected.startswith("bestand ontbreekt") for p in problems):
        problems.append(
            Problem(
                display(books[-1]),
                None,
                None,
                None,
                f"lees eerst de ingevulde werkmap in: bwk import {display(books[-1])}",
            )
        )
    if not problems:
        check_foreign_keys(data, problems)
    if not problems:
        scopes = set(data["locations"].location) | set(data["regions"].region)
        data.stories = read_stories(folder, scopes, problems, display)
        data.story_files = {k: v for k, v in story_paths(folder).items() if k in data.stories}
    if not problems:
        from bwklib.inputs.validation import check_consistency

        check_consistency(data, problems)
    if problems:
        raise DataError(problems)
    return data
