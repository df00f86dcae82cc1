"""Finance: income and expense lines, totals, balance, variance and the three key ratios.

Amounts are whole euros. Key ratios are fractions of total expenses; which expense lines form
each ratio is data (key_ratio_lines.csv), see docs/assumptions.md for the evidence behind it.
"""

from __future__ import annotations

import pandas as pd

from bwklib.compute.consolidation import is_region, scope_locations, shares
from bwklib.compute.regions import definition_ids, definitions

BASES = ("budget", "actual")
VARIANCE = "variance"  # the "Verschil" column: actual - budget


def finance_lines(data, scope: str) -> pd.DataFrame:
    """The finance table of a scope: one row per line with budget, actual, variance and note.

    For a location the rows of finance.csv; for a region the sums over its locations, with the
    notes of the published regional table (finance_region.csv).
    """
    rows = data["finance"][data["finance"].location.isin(scope_locations(data, scope))]
    summed = rows.groupby("line", sort=False)[list(BASES)].sum()
    if is_region(data, scope):
        published = data["finance_region"]
        notes = published[published.region == scope].set_index("line")["note"]
    else:
        notes = rows.set_index("line")["note"]
    lines = definitions(data, "finance_lines", scope).set_index("line")
    table = lines[["kind", "label", "chart_label"]].join(summed, how="inner")
    table["variance"] = table["actual"] - table["budget"]
    table["note"] = notes.reindex(table.index).fillna("")
    return table.reset_index()


def totals(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Income total, expense total and balance (income - expenses) per basis, and their variance.

    The variance (basis "variance") is actual minus budget: the "Verschil" column of the table.
    """
    out = {}
    for basis in BASES:
        income = int(table.loc[table.kind == "income", basis].sum())
        expense = int(table.loc[table.kind == "expense", basis].sum())
        out[("income_total", basis)] = income
        out[("expense_total", basis)] = expense
        out[("balance", basis)] = income - expense
    for key in ("income_total", "expense_total", "balance"):
        out[(key, VARIANCE)] = out[(key, "actual")] - out[(key, "budget")]
    return out


def ratio_lines(data, scope: str, ratio: str) -> list[str]:
    """The expense lines that form a key ratio in a scope's region (key_ratio_lines.csv)."""
    members = definitions(data, "key_ratio_lines", scope)
    own = set(definition_ids(data, "finance_lines", scope))
    return [x for x in members.loc[members.ratio == ratio, "line"] if x in own]


def ratio_components(
    data, table: pd.DataFrame, ratio: str, basis: str, scope: str | None = None
) -> tuple[pd.Series, int]:
    """The expense lines of a key ratio with their amounts, and total expenses (the denominator).

    With a scope, only the lines that apply to its region (see bwklib.compute.regions).
    """
    if scope is None:
        members = data["key_ratio_lines"]
        lines = list(members.loc[members.ratio == ratio, "line"])
    else:
        lines = ratio_lines(data, scope, ratio)
    expenses = table[table.kind == "expense"].set_index("line")[basis]
    return expenses.reindex(lines).fillna(0).astype("int64"), int(expenses.sum())


def key_ratios(data, table: pd.DataFrame, scope: str | None = None) -> dict[tuple[str, str], float]:
    """Each key ratio per basis: the sum of its lines divided by total expenses.

    With a scope, the ratios and lines of its region only. A ratio is NaN when total expenses
    are zero. The same sums as `ratio_components`, with the definitions read once per call.
    """
    members = data["key_ratio_lines"]
    if scope is None:
        ratios = list(data["key_ratios"].ratio)
        own = None
    else:
        members = definitions(data, "key_ratio_lines", scope)
        ratios = definition_ids(data, "key_ratios", scope)
        own = set(definition_ids(data, "finance_lines", scope))
    expenses = table[table.kind == "expense"].set_index("line")
    out = {}
    for ratio in ratios:
        lines = [x for x in members.loc[members.ratio == ratio, "line"] if own is None or x in own]
        for basis in BASES:
            column = expenses[basis]
            parts, total = column.reindex(lines).fillna(0).astype("int64"), int(column.sum())
            out[(ratio, basis)] = float(parts.sum() / total) if total else float("nan")
    return out


def key_figures(data, scope: str) -> dict[tuple[str, str], float]:
    """Totals, balance (with their variances) and key ratios of a scope, keyed by (key, basis).

    Computed once per scope of a read-only year (`YearData.remember`).
    """
    return data.remember(("key_figures", scope), _key_figures, scope)


def _key_figures(data, scope: str) -> dict[tuple[str, str], float]:
    table = finance_lines(data, scope)
    figs = {**totals(table), **key_ratios(data, table, scope)}
    return {**figs, **conclusion_ratios(figs)}


def conclusion_ratios(figs: dict) -> dict[tuple[str, str], float]:
    """The two percentages of the financial conclusions ("ca. 3% tekort", "bijna 4% lager").

    balance_share: balance / income_total (actual), negative for a deficit;
    expense_variance_share: expense_total variance / expense_total budget, negative when lower.
    NaN when the denominator is 0.
    """

    def ratio(a: float, b: float) -> float:
        return float(a / b) if b else float("nan")

    return {
        ("balance_share", "actual"): ratio(
            figs[("balance", "actual")], figs[("income_total", "actual")]
        ),
        ("expense_variance_share", "actual"): ratio(
            figs[("expense_total", VARIANCE)], figs[("expense_total", "budget")]
        ),
    }


def summary(data, scope: str) -> pd.DataFrame:
    """Totals, balance and key ratios as a small table: one row per key, columns budget and actual."""
    figs = key_figures(data, scope)
    keys = ["income_total", "expense_total", "balance", *definition_ids(data, "key_ratios", scope)]
    return pd.DataFrame([{"key": k, **{b: figs[(k, b)] for b in BASES}} for k in keys])


def volunteer_value(data, scope: str) -> tuple[float | None, str, str]:
    """The value of volunteer hours of a scope: (amount, how it was obtained, note).

    hours x hourly_rate when both are in volunteer_hours.csv ("berekend"); otherwise the published
    amount ("gepubliceerd", not reproducible); (None, "", "") when the scope has no row.
    """
    rows = data["volunteer_hours"]
    hit = rows[rows.scope == scope]
    if hit.empty:
        return None, "", ""
    r = hit.iloc[0]
    if pd.notna(r["hours"]) and pd.notna(r["hourly_rate"]):
        return float(r["hours"] * r["hourly_rate"]), "berekend", r["note"]
    if pd.notna(r["published_value"]):
        return float(r["published_value"]), "gepubliceerd", r["note"]
    return None, "", r["note"]


VOLUNTEER_BAR = "volunteer_value"  # the income chart's bar of the valued volunteer hours


def income_chart_values(data, scope: str) -> pd.Series:
    """The bars of the income chart: actual income per funder line, then the volunteer value.

    The chart's percentages are each bar over the sum of the bars: cash income plus the valued
    volunteer hours (e.g. Utrecht 2019: 187.000 / 739.700), see `income_chart_shares`.
    """
    table = finance_lines(data, scope)
    income = table[table.kind == "income"].set_index("line")["actual"].astype(float)
    value, _, _ = volunteer_value(data, scope)
    if value is not None:
        income = pd.concat([income, pd.Series({VOLUNTEER_BAR: float(value)})])
    return income


def income_chart_shares(data, scope: str) -> pd.Series:
    """Each bar of the income chart over income_total.actual + volunteer_value (NaN if that is 0)."""
    return shares(income_chart_values(data, scope))
