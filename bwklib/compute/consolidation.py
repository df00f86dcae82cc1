"""Consolidation: sums over the locations of a region, and per-scope views of the counts.

A scope is a location id or a region id; a region's figures are the sums over its locations
(locations.csv says which locations belong to which region).
"""

from __future__ import annotations

import pandas as pd


def is_region(data, scope: str) -> bool:
    """Whether a scope id names a region (otherwise it names a location)."""
    return scope in set(data["regions"].region)


def scope_locations(data, scope: str) -> list[str]:
    """The locations a scope covers, in the order of locations.csv."""
    locs = data["locations"]
    if is_region(data, scope):
        return list(locs[locs.region == scope].location)
    if scope in set(locs.location):
        return [scope]
    raise KeyError(f"unknown scope {scope!r}")


def scope_name(data, scope: str) -> str:
    """The Dutch display name of a location or region."""
    table, key = ("regions", "region") if is_region(data, scope) else ("locations", "location")
    df = data[table]
    return str(df.loc[df[key] == scope, "name"].iloc[0])


COUNT_TABLES = {
    "participants_activity": "activity_types",
    "participants_housing": "housing_corporations",
    "generic_counts": "generic_measures",
}
"""Count table -> the definition table that orders its categories."""


def counts_by_location(data, table: str, category: str, value: str, scope: str) -> pd.DataFrame:
    """A wide table of counts: categories as rows (in definition order), the scope's locations as columns.

    Locations that registered nothing for this table are left out; categories no location has are
    left out too.
    """
    rows = data[table][data[table].location.isin(scope_locations(data, scope))]
    wide = rows.pivot_table(index=category, columns="location", values=value, aggfunc="sum")
    order = [c for c in data[COUNT_TABLES[table]][category] if c in wide.index]
    cols = [loc for loc in scope_locations(data, scope) if loc in wide.columns]
    return wide.reindex(index=order, columns=cols).fillna(0).astype("int64")


def count_rows(data, table: str, category: str, value: str) -> list[tuple]:
    """The rows of a count table as (location, category, value) tuples, in file order."""
    frame = data[table]
    return list(zip(*(frame[c].tolist() for c in ("location", category, value)), strict=True))


def totals(data, table: str, category: str, value: str, scope: str) -> pd.Series:
    """Sum over the scope's locations per category, in definition order (int64).

    The row sums of `counts_by_location`: only the categories the scope's locations have rows for.
    Summed from the table's rows, read once per read-only year (`YearData.remember`), without a
    pivot table per scope: a year's figures ask for every scope and every location's region.
    """
    locations = set(scope_locations(data, scope))
    sums: dict = {}
    for location, key, amount in data.remember(
        ("count_rows", table), count_rows, table, category, value
    ):
        if location in locations:
            sums[key] = sums.get(key, 0) + amount
    order = [c for c in data[COUNT_TABLES[table]][category].tolist() if c in sums]
    return pd.Series([sums[c] for c in order], index=order, dtype="int64")


def activity_totals(data, scope: str) -> pd.Series:
    """Participants per activity type, summed over the scope's locations."""
    return totals(data, "participants_activity", "activity_type", "participants", scope)


def housing_totals(data, scope: str) -> pd.Series:
    """Participants per housing corporation, summed over the scope's locations."""
    return totals(data, "participants_housing", "housing_corporation", "participants", scope)


def generic_totals(data, scope: str) -> pd.Series:
    """Generic counts (volunteers, key holders, ...), summed over the scope's locations."""
    return totals(data, "generic_counts", "measure", "value", scope)


def shares(series: pd.Series) -> pd.Series:
    """Each value as a fraction of the sum (empty when the sum is zero)."""
    total = series.sum()
    return series / total if total else series * float("nan")


def has_registration(data, scope: str) -> bool:
    """Whether any location of the scope registered results and participants."""
    locs = data["locations"]
    covered = locs[locs.location.isin(scope_locations(data, scope))]
    return bool(covered.results_registered.any())
