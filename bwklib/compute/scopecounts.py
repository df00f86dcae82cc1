"""Counts per scope from plain rows: the sums of `consolidation.totals` without a pivot per scope.

`figures.participant_figures` needs the participants per activity type and housing corporation and
the generic counts of every scope, and of every location's region. `consolidation.totals` pivots
the count table for each of those calls; here the table's rows are read once per read-only year (as
plain tuples, `YearData.remember`) and each scope sums those of its locations. The result is the
same Series: categories in the order of their definition table, only those the scope's locations
have rows for, int64 sums (tests/compute/test_figures.py holds the two equal).
"""

from __future__ import annotations

import pandas as pd

from bwklib.compute import consolidation as cons

TABLES = {
    "participants_activity": ("activity_types", "activity_type", "participants"),
    "participants_housing": ("housing_corporations", "housing_corporation", "participants"),
    "generic_counts": ("generic_measures", "measure", "value"),
}
"""Count table -> (definition table, category column, value column)."""


def count_rows(data, table: str) -> list[tuple]:
    """The rows of a count table as (location, category, value) tuples, in file order."""
    _, category, value = TABLES[table]
    frame = data[table]
    return list(zip(*(frame[c].tolist() for c in ("location", category, value)), strict=True))


def scope_totals(data, table: str, scope: str) -> pd.Series:
    """The sum over the scope's locations per category, as `consolidation.totals` gives it.

    Raises
    ------
    KeyError
        When the scope is neither a location nor a region of the year.
    """
    definitions, category, _ = TABLES[table]
    locations = set(cons.scope_locations(data, scope))
    sums: dict = {}
    for location, key, value in data.remember(("count_rows", table), count_rows, table):
        if location in locations:
            sums[key] = sums.get(key, 0) + value
    order = [c for c in data[definitions][category].tolist() if c in sums]
    return pd.Series([sums[c] for c in order], index=order, dtype="int64")
