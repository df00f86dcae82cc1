"""Regions: which definitions apply to a region (the summaries per region are in `overview`).

Definitions (finance lines, housing corporations, activity types, generic measures, indicators and
their sections, key ratios and their lines) carry an optional `region` column: empty means the row
applies to every region, a region id that it applies to that region only. A location's definitions
are those of its region, so adding a region with funders, landlords or activity types of its own
changes nothing in another region's figures or reports.
"""

from __future__ import annotations

import pandas as pd

from bwklib.compute import consolidation as cons

DEFINITION_TABLES = (
    "indicator_sections",
    "indicators",
    "activity_types",
    "generic_measures",
    "housing_corporations",
    "finance_lines",
    "key_ratios",
    "key_ratio_lines",
)
"""The definition tables that may hold rows of one region only (their `region` column)."""

DEFINITION_ID = {
    "indicator_sections": "section",
    "indicators": "indicator",
    "activity_types": "activity_type",
    "generic_measures": "measure",
    "housing_corporations": "housing_corporation",
    "finance_lines": "line",
    "key_ratios": "ratio",
}
"""The id column of each definition table that other tables refer to."""


def region_of(data, scope: str) -> str:
    """The region a scope belongs to: a region is its own, a location that of locations.csv.

    Raises
    ------
    KeyError
        When the scope is neither a region nor a location of the year.
    """
    if cons.is_region(data, scope):
        return scope
    locs = data["locations"]
    hit = locs.loc[locs.location == scope, "region"]
    if hit.empty:
        raise KeyError(f"unknown scope {scope!r}")
    return str(hit.iloc[0])


def applies(frame: pd.DataFrame, region: str) -> pd.Series:
    """Which rows of a definition table apply to a region (empty `region`: every region)."""
    if "region" not in frame.columns:
        return pd.Series(True, index=frame.index)
    own = frame["region"].fillna("").astype(str)
    return (own == "") | (own == region)


def definitions(data, table: str, scope: str) -> pd.DataFrame:
    """The rows of a definition table that apply to a scope's region, in file order."""
    frame = data[table]
    return frame[applies(frame, region_of(data, scope))]


def definition_ids(data, table: str, scope: str) -> list[str]:
    """The ids of the definitions of a table that apply to a scope's region, in file order."""
    return list(definitions(data, table, scope)[DEFINITION_ID[table]])


def region_locations(data, region: str) -> list[str]:
    """The locations of a region, in file order (empty for a region without locations yet)."""
    return cons.scope_locations(data, region)
