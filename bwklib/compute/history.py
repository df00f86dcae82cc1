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


def comparison(data, scope: str, current: pd.DataFrame | None = None) -> pd.DataFrame:
    """The configured figures of a scope over the years: one row per figure, one column per year.

    `current`, when given, is compute_figures(data) for at least this scope (computed once by a
    caller that compares every scope).

    Returns
    -------
    DataFrame
        Columns: key, basis, unit, then one column per year (NaN where unknown), then `change`
        (current minus previous year, NaN when either is unknown).
    """
    years = [*earlier_years(data), data.year]
    if current is None:
        current = compute_figures(data, [scope])
    frames = {y: figures_of_year(y, data.data_dir) for y in years[:-1]}
    frames[data.year] = current
    rows = []
    for want in data["comparison"].itertuples():
        row = {"key": want.key, "basis": want.basis, "unit": None}
        for year in years:
            f = frames[year]
            hit = f[(f.scope == scope) & (f.key == want.key) & (f.basis == want.basis)]
            row[year] = float(hit.value.iloc[0]) if len(hit) else float("nan")
            if len(hit) and row["unit"] is None:
                row["unit"] = hit.unit.iloc[0]
        rows.append(row)
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
    at least these scopes, when the caller has it already.
    """
    from bwklib.compute.figures import FIGURE_COLUMNS, scopes

    years = earlier_years(data)
    rows = []
    if not years:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    files = {y: "; ".join(relative_files(data, y)) for y in years}
    chosen = only if only is not None else scopes(data)
    if current is None:
        current = compute_figures(data, chosen)
    for scope in chosen:
        table = comparison(data, scope, current)
        for r in table.itertuples(index=False):
            values = dict(zip(table.columns, r, strict=True))
            for year in years:
                if pd.notna(values[year]):
                    rows.append(
                        {
                            "scope": scope,
                            "key": f"earlier:{year}:{values['key']}",
                            "basis": values["basis"],
                            "value": float(values[year]),
                            "unit": values["unit"],
                            "source": f"bwklib.compute.history.figures_of_year <- {files[year]}",
                        }
                    )
            if "change" in values and pd.notna(values["change"]):
                rows.append(
                    {
                        "scope": scope,
                        "key": f"change:{values['key']}",
                        "basis": values["basis"],
                        "value": float(values["change"]),
                        "unit": values["unit"],
                        "source": "bwklib.compute.history.comparison <- "
                        f"{files[years[-1]]}; {data.source('comparison')}",
                    }
                )
    out = pd.DataFrame(rows, columns=[c for c in FIGURE_COLUMNS if c != "year"])
    out.insert(0, "year", data.year)
    return out


def relative_files(data, year: int) -> list[str]:
    """The data files of an earlier year, relative to the data folder's parent."""
    root = data.data_dir.parent
    folder = paths.year_dir(data.data_dir, year)
    return [p.relative_to(root).as_posix() for p in sorted(folder.rglob("*.csv"))]
