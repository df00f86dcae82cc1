"""The calculation behind a section, for the audit version: the bwklib call and its full result.

`views.calculation(data, scope, section)` shows which bwklib function computes the section's figures
(as a call an auditor can repeat in Python) and the table it returns at full precision (floats as
Python prints them, nothing rounded), before the section's formatted table. The notebooks tag these
cells `audit-only`, so the stakeholder version does not show them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bwklib.compute import consolidation as cons
from bwklib.compute import finance as fin
from bwklib.report.formatting import esc, html_table
from bwklib.report.html import Html, block


def exact(value) -> str:
    """A value at full precision: floats as repr (shortest exact round trip), missing as empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def frame_table(frame: pd.DataFrame, index: bool = False) -> str:
    """A DataFrame as an HTML table at full precision (every column, every row)."""
    frame = frame.reset_index() if index else frame
    rows = [[exact(v) for v in r] for r in frame.itertuples(index=False)]
    numeric = {i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])}
    return html_table([str(c) for c in frame.columns], rows, numeric=numeric)


def counts_with_shares(series: pd.Series, share_of: pd.Series | None = None) -> pd.DataFrame:
    """Counts and their shares (of the total, or of `share_of` per category) as one table."""
    denominator = share_of if share_of is not None else pd.Series(series.sum(), series.index)
    return pd.DataFrame(
        {
            "value": series,
            "denominator": denominator.reindex(series.index),
            "share": series / denominator.reindex(series.index).replace(0, float("nan")),
        }
    )


def scores(data, scope: str) -> pd.DataFrame:
    """Scores of the locations of a scope (all columns but the label)."""
    from bwklib.compute.scoring import score_all

    s = score_all(data)
    return s[s.location.isin(cons.scope_locations(data, scope))].drop(columns=["label"])


def band_table(data, scope: str) -> pd.DataFrame:
    """Indicators per band per location, with the unscored ones."""
    from bwklib.compute.scoring import band_counts

    s = scores(data, scope)
    counts = band_counts(s, data["bands"])
    counts["unscored"] = s[s.band.isna()].groupby("location").size().reindex(counts.index).fillna(0)
    return counts.astype("int64")


def key_figures_table(data, scope: str) -> pd.DataFrame:
    """key_figures as a table: one row per key, one column per basis."""
    figs = fin.key_figures(data, scope)
    keys = list(dict.fromkeys(k for k, _ in figs))
    bases = list(dict.fromkeys(b for _, b in figs))
    return pd.DataFrame(
        [{"key": k, **{b: figs.get((k, b)) for b in bases}} for k in keys], columns=["key", *bases]
    )


def comparison(data, scope: str) -> pd.DataFrame:
    """The scope's figures over the years (bwklib.compute.history.comparison)."""
    from bwklib.compute.history import comparison as over_the_years

    return over_the_years(data, scope)


def region_generic(data, scope: str) -> pd.Series:
    """The generic counts of the scope's region (the denominator of generic_share)."""
    from bwklib.compute.figures import region_of

    return cons.generic_totals(data, region_of(data, scope))


Step = tuple[str, Callable[[object, str], pd.DataFrame], bool]

SECTIONS: dict[str, list[Step]] = {
    "results": [
        (
            "bwklib.compute.scoring.score_all(data)  # the rows of the locations of {scope!r}",
            scores,
            False,
        ),
    ],
    "bands": [
        ("bwklib.compute.scoring.band_counts(scores, data['bands'])", band_table, True),
    ],
    "activity": [
        (
            "bwklib.compute.consolidation.activity_totals(data, {scope!r})  "
            "# share: value / activity_total",
            lambda d, s: counts_with_shares(cons.activity_totals(d, s)),
            True,
        ),
    ],
    "generic": [
        (
            "bwklib.compute.consolidation.generic_totals(data, {scope!r})  "
            "# share: value / the region's generic_totals",
            lambda d, s: counts_with_shares(cons.generic_totals(d, s), region_generic(d, s)),
            True,
        ),
    ],
    "housing": [
        (
            "bwklib.compute.consolidation.housing_totals(data, {scope!r})  "
            "# share: value / housing_total",
            lambda d, s: counts_with_shares(cons.housing_totals(d, s)),
            True,
        ),
    ],
    "comparison": [
        ("bwklib.compute.history.comparison(data, {scope!r})", comparison, False),
    ],
    "finance": [
        (
            "bwklib.compute.finance.finance_lines(data, {scope!r})  # variance = actual - budget",
            lambda d, s: fin.finance_lines(d, s).drop(columns=["label", "chart_label"]),
            False,
        ),
        ("bwklib.compute.finance.key_figures(data, {scope!r})", key_figures_table, False),
    ],
    "income": [
        (
            "bwklib.compute.finance.income_chart_values(data, {scope!r})  "
            "# share: value / (income_total.actual + volunteer_value)",
            lambda d, s: counts_with_shares(fin.income_chart_values(d, s)),
            True,
        ),
    ],
}


def calculation(data, scope: str, section: str) -> Html:
    """The bwklib call(s) computing a section's figures and their results at full precision.

    Raises
    ------
    KeyError
        When `section` is not one of SECTIONS.
    """
    parts = []
    for call, compute, index in SECTIONS[section]:
        shown = call.format(scope=scope)
        parts.append(
            f'<p class="calculation"><small>Berekening: <code>{esc(shown)}</code></small></p>'
        )
        parts.append(frame_table(compute(data, scope), index=index))
    return block(
        '<details class="calculation" open><summary><small>Zo is dit berekend (volledige '
        "precisie)</small></summary>",
        *parts,
        "</details>",
    )
