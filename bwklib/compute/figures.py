"""Figures: every computed figure of a year as tidy rows, each traced to its function and data files.

The rows feed output/<year>/figures.csv and the published-versus-recomputed checks.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from bwklib.compute import consolidation as cons
from bwklib.compute import finance
from bwklib.compute.scoring import score_all

FIGURE_COLUMNS = ["year", "scope", "key", "basis", "value", "unit", "source"]


def scopes(data) -> list[str]:
    """Every location, then every region, in file order."""
    return [*data["locations"].location, *data["regions"].region]


def finance_figures(data, scope: str) -> list[dict]:
    """Totals, balance, key ratios and each line of a scope's finance table."""
    source_files = data.source("finance", "finance_lines", "key_ratio_lines")
    rows = []
    for (key, basis), value in finance.key_figures(data, scope).items():
        unit = "fraction" if key.endswith("_share") else "eur"
        rows.append(
            {
                "scope": scope,
                "key": key,
                "basis": basis,
                "value": value,
                "unit": unit,
                "source": f"bwklib.compute.finance.key_figures <- {source_files}",
            }
        )
    value, how, _ = finance.volunteer_value(data, scope)
    if how:  # a published amount alone is shown as such (basis published), not as computed
        rows.append(
            {
                "scope": scope,
                "key": "volunteer_value",
                "basis": "actual" if how == "berekend" else "published",
                "value": value,
                "unit": "eur",
                "source": f"bwklib.compute.finance.volunteer_value <- {data.source('volunteer_hours')}",
            }
        )
    for line, share in finance.income_chart_shares(data, scope).items():
        rows.append(
            {
                "scope": scope,
                "key": f"income_chart_share:{line}",
                "basis": "actual",
                "value": float(share),
                "unit": "fraction",
                "source": "bwklib.compute.finance.income_chart_shares <- "
                f"{data.source('finance', 'finance_lines', 'volunteer_hours')}",
            }
        )
    for line in finance.finance_lines(data, scope).itertuples():
        for basis in (*finance.BASES, finance.VARIANCE):
            rows.append(
                {
                    "scope": scope,
                    "key": f"{line.kind}:{line.line}",
                    "basis": basis,
                    "value": int(getattr(line, basis)),
                    "unit": "eur",
                    "source": f"bwklib.compute.finance.finance_lines <- {data.source('finance')}",
                }
            )
    return rows


def count_figures(
    data,
    scope: str,
    prefix: str,
    series: pd.Series,
    function: str,
    table: str,
    share_of: pd.Series | None = None,
) -> list[dict]:
    """Counts per category with a total and shares (of the scope total, or of `share_of`)."""
    src = f"bwklib.compute.consolidation.{function} <- {data.source(table)}"
    rows = [
        {
            "scope": scope,
            "key": f"{prefix}:{k}",
            "basis": "actual",
            "value": int(v),
            "unit": "count",
            "source": src,
        }
        for k, v in series.items()
    ]
    total = series.sum()
    if prefix != "generic":
        rows.append(
            {
                "scope": scope,
                "key": f"{prefix}_total",
                "basis": "actual",
                "value": int(total),
                "unit": "count",
                "source": src,
            }
        )
    for k, v in series.items():
        d = share_of.get(k, 0) if share_of is not None else total
        rows.append(
            {
                "scope": scope,
                "key": f"{prefix}_share:{k}",
                "basis": "actual",
                "value": float(v / d) if d else float("nan"),
                "unit": "fraction",
                "source": f"bwklib.compute.consolidation.shares <- {data.source(table)}",
            }
        )
    return rows


def region_of(data, scope: str) -> str:
    """The region a scope belongs to (a region belongs to itself)."""
    if cons.is_region(data, scope):
        return scope
    locs = data["locations"]
    return str(locs.loc[locs.location == scope, "region"].iloc[0])


def participant_figures(data, scope: str) -> list[dict]:
    """Participants per activity type and housing corporation, and the generic counts.

    The sums of `consolidation.activity_totals`, `housing_totals` and `generic_totals`. The generic
    shares are of the region's generic counts (a region's are its own).
    """
    if not cons.has_registration(data, scope):
        return []
    generic = cons.generic_totals(data, scope)
    region = region_of(data, scope)
    region_generic = generic if region == scope else cons.generic_totals(data, region)
    return [
        *count_figures(
            data,
            scope,
            "activity",
            cons.activity_totals(data, scope),
            "activity_totals",
            "participants_activity",
        ),
        *count_figures(
            data,
            scope,
            "housing",
            cons.housing_totals(data, scope),
            "housing_totals",
            "participants_housing",
        ),
        *count_figures(
            data,
            scope,
            "generic",
            generic,
            "generic_totals",
            "generic_counts",
            share_of=region_generic,
        ),
    ]


def location_bands(data) -> dict[str, dict]:
    """How many indicators of each location fall in each band (None: not scored), from score_all.

    The count per location and band that `band_counts` tabulates, as plain dicts.
    """
    counts: dict[str, dict] = {}
    scores = score_all(data)
    for location, band in zip(scores.location.tolist(), scores.band.tolist(), strict=True):
        per_band = counts.setdefault(location, {})
        band = None if pd.isna(band) else band
        per_band[band] = per_band.get(band, 0) + 1
    return counts


def band_figures(data, scope: str) -> list[dict]:
    """How many of the scope's indicators fall in each band, and how many are not scored.

    The sums over the scope's locations of `location_bands`, kept once per read-only year.
    """
    if not cons.has_registration(data, scope):
        return []
    per_location = data.remember(("location_bands",), location_bands)
    bands = list(data["bands"].band)
    counts = dict.fromkeys([*bands, None], 0)
    for location in cons.scope_locations(data, scope):
        for band, n in per_location.get(location, {}).items():
            if band in counts:  # a band outside the legend is in no column of band_counts
                counts[band] += n
    src = (
        "bwklib.compute.scoring.band_counts <- "
        f"{data.source('results', 'indicators', 'scoring_rules', 'bands')}"
    )
    return [
        {
            "scope": scope,
            "key": f"band:{band}",
            "basis": "actual",
            "value": counts[band],
            "unit": "count",
            "source": src,
        }
        for band in bands
    ] + [
        {
            "scope": scope,
            "key": "band:unscored",
            "basis": "actual",
            "value": counts[None],
            "unit": "count",
            "source": src,
        }
    ]


def scope_figures(data, scope: str) -> list[dict]:
    """The figure rows of one scope: finances, participants, bands."""
    return (
        finance_figures(data, scope) + participant_figures(data, scope) + band_figures(data, scope)
    )


def compute_figures(data, only: list[str] | None = None) -> pd.DataFrame:
    """Every figure of every scope of the year (or of the scopes in `only`), in a fixed order.

    Each scope's rows are computed once per read-only year (`YearData.remember`). Data that may
    still change is read as it is at the call, through a read-only view of its tables kept for
    this call only: what the scopes share (scores, key figures, the rows of the count tables) is
    computed once per call, not once per scope.
    """
    rows = []
    if data.derived is not None:
        for scope in only if only is not None else scopes(data):
            rows += data.remember(("scope_figures", scope), scope_figures, scope)
    else:  # the view is this call's alone: its rows need no copy
        view = replace(data, derived=None).read_only()
        for scope in only if only is not None else scopes(view):
            rows += scope_figures(view, scope)
    df = pd.DataFrame(rows)
    df.insert(0, "year", data.year)
    return df[FIGURE_COLUMNS]


REQUIRED_KEYS = [
    "income_total",
    "expense_total",
    "balance",
    "sroi_share",
    "indirect_share",
    "people_share",
]
