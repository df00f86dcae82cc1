"""Finance: budget against actuals, key ratios, and the income and expense charts."""

from __future__ import annotations

from bwklib.compute import consolidation as cons
from bwklib.compute import finance as fin
from bwklib.compute.regions import definitions
from bwklib.inputs.loading import YearData
from bwklib.report.formatting import (
    esc,
    format_eur,
    format_percent,
    format_signed_eur,
    html_table,
)
from bwklib.report.html import Html, block
from bwklib.report.placement import chart_or_pointer


def no_locations(data: YearData, scope: str) -> Html:
    """The Dutch notice for a region without locations: there is nothing to add up yet."""
    return block(
        f'<p class="notice">{esc(cons.scope_name(data, scope))} heeft in {data.year} nog geen '
        "buurtwerkkamers, dus ook geen inkomsten en uitgaven.</p>"
    )


def finance_table(data: YearData, scope: str) -> Html:
    """Income and expense lines with budget, actual, variance and notes; totals and balance."""
    if not cons.scope_locations(data, scope):
        return no_locations(data, scope)
    table = fin.finance_lines(data, scope)
    figs = fin.key_figures(data, scope)
    header = ["", "Begroting", "Realisatie", "Verschil", "Toelichting"]
    rows, classes = [], []
    for kind, title, key in (
        ("income", "Inkomsten (financiers)", "income_total"),
        ("expense", "Uitgaven (middelen)", "expense_total"),
    ):
        rows.append([title, "", "", "", ""])
        classes.append(["section"] * 5)
        for r in table[table.kind == kind].itertuples():
            rows.append(
                [
                    r.label,
                    format_eur(r.budget),
                    format_eur(r.actual),
                    format_signed_eur(r.variance),
                    r.note,
                ]
            )
            classes.append([""] * 5)
        b, a, v = (figs[(key, basis)] for basis in ("budget", "actual", "variance"))
        rows.append(["Totaal", format_eur(b), format_eur(a), format_signed_eur(v), ""])
        classes.append(["total"] * 5)
    b, a, v = (figs[("balance", basis)] for basis in ("budget", "actual", "variance"))
    rows.append(
        ["Saldo inkomsten - uitgaven", format_eur(b), format_eur(a), format_signed_eur(v), ""]
    )
    classes.append(["total"] * 5)
    return block(html_table(header, rows, classes, numeric={1, 2, 3}))


def key_ratios_table(data: YearData, scope: str) -> Html:
    """The three key ratios (SROI, indirect costs, investment in people) as % of total expenses."""
    if not cons.scope_locations(data, scope):
        return no_locations(data, scope)
    figs = fin.key_figures(data, scope)
    rows = [
        [
            r.label,
            format_percent(figs[(r.ratio, "budget")]),
            format_percent(figs[(r.ratio, "actual")]),
            r.explanation,
        ]
        for r in definitions(data, "key_ratios", scope).itertuples()
    ]
    return block(
        html_table(["Kengetal", "Begroting", "Realisatie", "Toelichting"], rows, numeric={1, 2})
    )


def finance_chart(data: YearData, scope: str) -> Html:
    """Budget against actual per expense line (or where the story shows that chart)."""
    return Html(chart_or_pointer(data, scope, "uitgaven", expense_chart))


def income_chart(data: YearData, scope: str) -> Html:
    """Actual income per funder and the valued volunteer hours (or where the story shows them)."""
    return Html(chart_or_pointer(data, scope, "inkomsten", income_chart_block))


def expense_chart(data: YearData, scope: str) -> Html:
    """Budget against actual per expense line."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.scope_locations(data, scope):
        return Html("")
    table = fin.finance_lines(data, scope)
    return block(
        charts.budget_actual_chart(
            table[table.kind == "expense"],
            f"Uitgaven: begroting en realisatie — {cons.scope_name(data, scope)}",
        )
    )


def income_chart_block(data: YearData, scope: str) -> Html:
    """Actual income per funder, and the valued volunteer hours where the data has them."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.scope_locations(data, scope):
        return Html("")
    table = fin.finance_lines(data, scope)
    income = fin.income_chart_values(data, scope)
    labels = list(table[table.kind == "income"].chart_label)
    value, how, note = fin.volunteer_value(data, scope)
    parts = []
    title = f"Inkomsten {data.year} — {cons.scope_name(data, scope)}"
    if value is not None:
        labels.append("Ureninvestering bewoners / vrijwilligers")
        title = (
            f"Inkomsten {data.year} en vrijwilligersuren in euro's — {cons.scope_name(data, scope)}"
        )
        shown = "berekend als uren × uurtarief" if how == "berekend" else "de gepubliceerde waarde"
        parts.append(
            f"<p><small>Ureninvestering bewoners / vrijwilligers: {format_eur(value)}, "
            f"{shown}. {esc(note)}</small></p>"
        )
    elif cons.is_region(data, scope):  # never another year's value: entered for this year, or not
        parts.append(
            f"<p><small>Ureninvestering bewoners / vrijwilligers: niet ingevuld voor {data.year} "
            f"(data/{data.year}/volunteer_hours.csv).</small></p>"
        )
    chart = charts.hbar(
        income,
        labels,
        title,
        "Bedrag in euro's",
        annotate=format_eur,
        shares=fin.income_chart_shares(data, scope),
    )
    return block(chart, *parts)
