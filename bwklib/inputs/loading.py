"""Loading: read the data files of a year, validate them against data/datapackage.json.

Every file is read as text and checked cell by cell, so that the analyst gets one message listing every
problem (file, row as the spreadsheet shows it, column, value, what was expected) instead of a traceback.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bwklib import paths
from bwklib.errors import DataError, Problem, display, file_problem
from bwklib.inputs.schema import datapackage, parse_table, read_text
from bwklib.inputs.stories import check_figures, read_stories, story_paths


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
    # Results computed from the tables (scores, figures), kept once the data is read-only.
    derived: Derived | None = field(default=None, repr=False, compare=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name].frame

    def read_only(self, derived: Derived | None = None) -> YearData:
        """Declare that no table will change any more, so computed results may be kept.

        `derived`: the store of another copy of the same data, to share its results (the
        notebooks of one kernel, bwklib.inputs.memo); they are computed from that store's source.
        Returns the data itself.
        """
        self.derived = Derived(self) if derived is None else derived
        return self

    def remember(self, key: tuple, compute: Callable[..., object], *args):
        """`compute(data, *args)`, kept under `key` when the data is read-only; each caller gets a copy.

        Data that may still change (the default: tests and callers that edit tables) is computed
        afresh each time. Kept results are computed from the store's source, which no caller
        holds, and handed out as copies: no notebook can change what the next one is given.
        """
        if self.derived is None:
            return compute(self, *args)
        values = self.derived.values
        if key not in values:
            values[key] = compute(self.derived.source, *args)
        return copy.deepcopy(values[key])

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


@dataclass(eq=False)
class Derived:
    """Results computed from one read-only YearData (`source`), by key."""

    source: YearData
    values: dict = field(default_factory=dict)


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
    folders = Path(data_dir).iterdir()
    return sorted(int(p.name) for p in folders if p.is_dir() and paths.is_year_name(p.name))


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
            table = data[name]
            for number, value in zip(table["_row"].tolist(), table[col].tolist(), strict=True):
                if value not in known and value != "":  # empty: optional, e.g. every region
                    problems.append(
                        Problem(
                            display(data.path(name)),
                            int(number),
                            col,
                            value,
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
        check_figures(data, problems, display)
    if not problems:
        from bwklib.inputs.validation import check_consistency

        check_consistency(data, problems)
    if problems:
        raise DataError(problems)
    return data
