"""Regions: which definitions apply to a region, and the per-region summaries of the index page.

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


def region_band_counts(data, region: str) -> pd.DataFrame:
    """Per location of a region that registered results, the number of indicators per band.

    Parameters
    ----------
    data : YearData
        The year's data.
    region : str
        A region id of regions.csv.

    Returns
    -------
    DataFrame
        Indexed by location id (order of locations.csv, only locations with registered results);
        one column per band of the legend (legend order, zeros kept) and `unscored` (indicators
        without a band, such as a target '5 op 10'). Empty (with these columns) for a region
        without locations or without registered results.
    """
    from bwklib.compute.scoring import score_location

    bands = list(data["bands"].band)
    rows = {}
    for loc in region_locations(data, region):
        if not cons.has_registration(data, loc):
            continue
        scores = score_location(data, loc)
        counts = scores.band.value_counts()
        rows[loc] = {
            **{b: int(counts.get(b, 0)) for b in bands},
            "unscored": int(scores.band.isna().sum()),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=[*bands, "unscored"])
    frame.index.name = "location"
    return frame.astype("int64")


REGION_KEY_FIGURES = (
    "locations",
    "locations_registered",
    "participants",
    "income_total",
    "expense_total",
    "balance",
)
"""The keys of region_key_figures, in display order."""


def region_key_figures(data, region: str) -> dict[str, float | None]:
    """The key figures of a region for an overview: its size, participants and money (actuals).

    Parameters
    ----------
    data : YearData
        The year's data.
    region : str
        A region id of regions.csv.

    Returns
    -------
    dict
        `locations` (number of locations), `locations_registered` (of which registered results),
        `participants` (the generic count 'deelnemers' summed over the locations, None when no
        location registered it), `income_total`, `expense_total`, `balance` (actuals in whole
        euros, as in figures.csv; 0 for a region without locations), and each key ratio of the
        region by its id (a fraction; NaN when total expenses are zero).
    """
    from bwklib.compute import finance

    locs = region_locations(data, region)
    generic = cons.generic_totals(data, region) if locs else pd.Series(dtype="int64")
    figures = finance.key_figures(data, region)
    out: dict[str, float | None] = {
        "locations": len(locs),
        "locations_registered": sum(cons.has_registration(data, loc) for loc in locs),
        "participants": int(generic["deelnemers"]) if "deelnemers" in generic.index else None,
    }
    for key in ("income_total", "expense_total", "balance"):
        out[key] = figures[(key, "actual")]
    for ratio in definition_ids(data, "key_ratios", region):
        out[ratio] = figures[(ratio, "actual")]
    return out
