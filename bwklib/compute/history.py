"""History: each report compares its figures with earlier years.

An earlier year is either complete (its figures are recomputed from its data with the same
functions) or partial: data/<year>/known_figures.csv holds the few values later reports print about
it (the 2019 report mentions 2018 values in its text). Which figures are compared is configuration
(data/config/comparison.csv). A figure unknown for a year is shown as unknown, never as zero.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from bwklib import paths
from bwklib.compute.figures import compute_figures
from bwklib.errors import DataError
from bwklib.inputs.loading import (
    available_years,
    is_complete_year,
    is_partial_year,
    load_known_figures,
    load_year,
)
from bwklib.inputs.memo import content_key


def figures_of_year(year: int, data_dir: Path) -> pd.DataFrame:
    """All figures of a year: recomputed for a complete year, as recorded for a partial one.

    A year whose data does not validate contributes no figures (each is shown as unknown); `bwk run`
    of that year names its problems. Kept per content, as `bwklib.inputs.memo` keeps a year: the
    key holds the SHA-256 of every file under the data folder, so a kernel that stays
    (`bwk run --watch`, whose snapshot folder keeps its name) computes an edited earlier year anew.
    """
    return _figures_of_year(content_key(year, data_dir))


@cache
def _figures_of_year(key: tuple) -> pd.DataFrame:
    year, data_dir = key[0], Path(key[1])
    try:
        if is_partial_year(paths.year_dir(data_dir, year)):
            known = load_known_figures(year, data_dir)
            return known.drop(columns=["_row"]).assign(year=year)
        # read-only: its scores are computed once for all its scopes, not once per scope
        return compute_figures(load_year(year, data_dir).read_only())
    except DataError:
        return pd.DataFrame(columns=["year", "scope", "key", "basis", "value", "unit"])


def earlier_years(data, limit: int = 4) -> list[int]:
    """Up to `limit` earlier years with figures to compare with, ascending.

    A year folder that is empty or only begun (definitions without figures, awaiting `bwk import`)
    has no figures and is left out; a partial year (known_figures.csv) counts.
    """
    years = [
        y
        for y in available_years(data.data_dir)
        if y < data.year
        and (
            is_partial_year(paths.year_dir(data.data_dir, y)) or is_complete_year(data.data_dir, y)
        )
    ]
    return years[-limit:]


def history_files(data) -> list[Path]:
    """The data files of the earlier years a report compares with (for provenance and caching)."""
    files = []
    for year in earlier_years(data):
        files += sorted(paths.year_dir(data.data_dir, year).rglob("*.csv"))  # not the workbook
    return files


Index = dict[tuple[str, str, str], tuple[object, object]]


def figure_index(frame: pd.DataFrame) -> Index:
    """The figures of a frame by (scope, key, basis): (value, unit) of the first such row."""
    index: Index = {}
    for scope, key, basis, value, unit in zip(
        *(frame[c].tolist() for c in ("scope", "key", "basis", "value", "unit")), strict=True
    ):
        index.setdefault((scope, key, basis), (value, unit))
    return index


@cache
def _year_index(key: tuple) -> Index:
    """figure_index of `_figures_of_year(key)`, kept with it."""
    return figure_index(_figures_of_year(key))


def year_indexes(
    data, current: pd.DataFrame, earlier: list[int] | None = None
) -> tuple[list[int], dict[int, Index]]:
    """The years a report compares (earlier ones, then this one) and the figure index of each.

    `current` holds this year's figures; the earlier years' (`earlier`, by default
    `earlier_years(data)`) are recomputed or recorded ones.
    """
    earlier = earlier_years(data) if earlier is None else earlier
    indexes = {}
    if earlier:
        key = content_key(earlier[0], data.data_dir)  # digests once for every earlier year
        indexes = {y: _year_index((int(y), *key[1:])) for y in earlier}
    indexes[data.year] = figure_index(current)
    return [*earlier, data.year], indexes


def comparison_rows(data, scope: str, years: list[int], indexes: dict[int, Index]) -> list[dict]:
    """The rows of `comparison` before it leaves out the unknown ones and adds the change.

    One row per configured figure: key, basis, unit (that of the first year with the figure)
    and the value of each year (NaN where unknown).
    """
    rows = []
    for want_key, want_basis in zip(
        data["comparison"].key.tolist(), data["comparison"].basis.tolist(), strict=True
    ):
        row = {"key": want_key, "basis": want_basis, "unit": None}
        for year in years:
            hit = indexes[year].get((scope, want_key, want_basis))
            row[year] = float(hit[0]) if hit is not None else float("nan")
            if hit is not None and row["unit"] is None:
                row["unit"] = hit[1]
        rows.append(row)
    return rows


def comparison(data, scope: str, current: pd.DataFrame | None = None) -> pd.DataFrame:
    """The configured figures of a scope over the years: one row per figure, one column per year.

    `current`, when given, is compute_figures(data) for at least this scope (computed once by a
    caller that compares every scope). Each year's figures are looked up by (scope, key, basis)
    in a dict built once per frame (the first row of a figure counts).

    Returns
    -------
    DataFrame
        Columns: key, basis, unit, then one column per year (NaN where unknown), then `change`
        (current minus previous year, NaN when either is unknown).
    """
    if current is None:
        current = compute_figures(data, [scope])
    years, indexes = year_indexes(data, current)
    rows = comparison_rows(data, scope, years, indexes)
    table = pd.DataFrame(rows, columns=["key", "basis", "unit", *years])
    table = table[table[data.year].notna() | table[years[:-1]].notna().any(axis=1)]
    if len(years) > 1:
        table["change"] = table[data.year] - table[years[-2]]
    return table.reset_index(drop=True)


def history_figures(
    data, only: list[str] | None = None, current: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The earlier years' values and the changes each report's comparison shows, as figure rows.

    `earlier:<year>:<key>` is the value of an earlier year (recomputed for a complete year, as
    recorded in known_figures.csv for a partial one); `change:<key>` is this year's value minus the
    previous year's. Only values that are known are listed. `current`: compute_figures(data) of
    at least these scopes, when the caller has it already. The rows are those of `comparison`
    per scope, built from one figure index per year (not one table per scope).
    """
    from bwklib.compute.figures import FIGURE_COLUMNS, scopes

    columns = [c for c in FIGURE_COLUMNS if c != "year"]
    years = earlier_years(data)
    if not years:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    files = {y: "; ".join(relative_files(data, y)) for y in years}
    change_source = (
        f"bwklib.compute.history.comparison <- {files[years[-1]]}; {data.source('comparison')}"
    )
    chosen = only if only is not None else scopes(data)
    if current is None:
        current = compute_figures(data, chosen)
    shown, indexes = year_indexes(data, current, years)
    rows = []
    for scope in chosen:
        for r in comparison_rows(data, scope, shown, indexes):
            values = [r[y] for y in shown]
            if all(pd.isna(v) for v in values):  # comparison leaves out what no year knows
                continue
            for year in years:
                if pd.notna(r[year]):
                    rows.append(
                        [
                            scope,
                            f"earlier:{year}:{r['key']}",
                            r["basis"],
                            r[year],
                            r["unit"],
                            f"bwklib.compute.history.figures_of_year <- {files[year]}",
                        ]
                    )
            change = r[data.year] - r[years[-1]]
            if pd.notna(change):
                rows.append(
                    [scope, f"change:{r['key']}", r["basis"], change, r["unit"], change_source]
                )
    out = pd.DataFrame(rows, columns=columns)
    out.insert(0, "year", data.year)
    return out


def relative_files(data, year: int) -> list[str]:
    """The data files of an earlier year, relative to the data folder's parent."""
    root = data.data_dir.parent
    folder = paths.year_dir(data.data_dir, year)
    return [p.relative_to(root).as_posix() for p in sorted(folder.rglob("*.csv"))]
