"""Overview per region, for the index page: band counts per location and the region's key figures.

The index page shows each region with its own locations side by side; these functions give it the
figures, computed with the same functions as the reports (scoring, finance, consolidation).
"""

from __future__ import annotations

import pandas as pd

from bwklib.compute import consolidation as cons
from bwklib.compute import finance
from bwklib.compute.regions import definition_ids, region_locations
from bwklib.compute.scoring import score_location


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
