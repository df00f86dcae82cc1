"""Participants: per activity, generic counts, and where participants live (housing corporation)."""

from __future__ import annotations

from bwklib.compute import consolidation as cons
from bwklib.inputs.loading import YearData
from bwklib.report.formatting import (
    esc,
    format_int,
    html_table,
)
from bwklib.report.html import Html, block
from bwklib.report.placement import chart_or_pointer


def counts_table(
    data: YearData,
    scope: str,
    table: str,
    category: str,
    value: str,
    defs: str,
    label_col: str = "label",
    total: bool = True,
) -> Html:
    """A counts table: one column per location of the scope (and a total for a region)."""
    wide = cons.counts_by_location(data, table, category, value, scope)
    labels = data[defs].set_index(category)[label_col]
    names = [cons.scope_name(data, loc) for loc in wide.columns]
    many = len(wide.columns) > 1
    header = ["", *names, "Totaal"] if many else ["", "Aantal"]
    rows = [
        [labels[k], *(format_int(v) for v in r), *([format_int(sum(r))] if many else [])]
        for k, r in zip(wide.index, wide.values.tolist(), strict=True)
    ]
    classes = [[""] * len(header) for _ in rows]
    if total:
        sums = wide.sum()
        rows.append(
            ["Totaal", *(format_int(v) for v in sums), *([format_int(sums.sum())] if many else [])]
        )
        classes.append(["total"] * len(header))
    return block(html_table(header, rows, classes, numeric=set(range(1, len(header)))))


def no_counts(data: YearData, scope: str) -> Html:
    """Short notice in a counts section of a scope without registration."""
    if not cons.is_region(data, scope):
        return block(
            '<p class="notice">Voor deze locatie zijn dit jaar geen aantallen geregistreerd.</p>'
        )
    if not cons.scope_locations(data, scope):
        return block(
            f'<p class="notice">{esc(cons.scope_name(data, scope))} heeft in {data.year} nog geen '
            "buurtwerkkamers, dus ook geen aantallen.</p>"
        )
    return block(
        '<p class="notice">Geen van de buurtwerkkamers van deze regio heeft dit jaar aantallen '
        "geregistreerd.</p>"
    )


def activity_chart(data: YearData, scope: str) -> str:
    """The chart of participants per activity type (stacked by location for a region), or ""."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.has_registration(data, scope):
        return ""
    wide = cons.counts_by_location(
        data, "participants_activity", "activity_type", "participants", scope
    )
    labels = list(data["activity_types"].set_index("activity_type").loc[wide.index, "chart_label"])
    name = cons.scope_name(data, scope)
    title = f"Deelnemers per activiteitsoort — {name} (totaal {format_int(wide.values.sum())})"
    if len(wide.columns) > 1:
        return charts.stacked_by_location(
            wide,
            labels,
            [cons.scope_name(data, c) for c in wide.columns],
            title,
            "Aantal deelnemers",
        )
    totals = cons.activity_totals(data, scope)
    return charts.hbar(totals, labels, title, "Aantal deelnemers", shares=cons.shares(totals))


def activity_section(data: YearData, scope: str) -> Html:
    """Participants per activity type: table and chart (or where the story shows the chart)."""
    if not cons.has_registration(data, scope):
        return no_counts(data, scope)
    return block(
        counts_table(
            data, scope, "participants_activity", "activity_type", "participants", "activity_types"
        ),
        chart_or_pointer(data, scope, "deelnemers-per-activiteit", activity_chart),
    )


def generic_section(data: YearData, scope: str) -> Html:
    """The generic counts (participants, volunteers, key holders, groups, referrals, ...)."""
    if not cons.has_registration(data, scope):
        return no_counts(data, scope)
    table = counts_table(
        data, scope, "generic_counts", "measure", "value", "generic_measures", total=False
    )
    notes = data["generic_counts"]
    notes = notes[notes.location.isin(cons.scope_locations(data, scope)) & (notes.note != "")]
    items = "".join(
        f"<li>{esc(cons.scope_name(data, n.location))}: {esc(n.note)}</li>"
        for n in notes.itertuples()
    )
    return block(
        table,
        f'<p class="note">Toelichting bij de gekozen waarden:</p><ul class="note">{items}</ul>'
        if items
        else "",
    )


def generic_chart(data: YearData, scope: str) -> str:
    """The generic counts as charts: small multiples per location for a region (the appendix
    'Resultaten in beeld'), one bar chart for a location; "" without registration."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.has_registration(data, scope):
        return ""
    wide = cons.counts_by_location(data, "generic_counts", "measure", "value", scope)
    labels = list(data["generic_measures"].set_index("measure").loc[wide.index, "chart_label"])
    names = [cons.scope_name(data, c) for c in wide.columns]
    if cons.is_region(data, scope):
        title = f"Kengetallen per buurtwerkkamer — {cons.scope_name(data, scope)}"
        return charts.small_multiples(wide, labels, names, title)
    return charts.hbar(wide.iloc[:, 0], labels, f"Kengetallen — {names[0]}", "Aantal")


def generic_charts(data: YearData, region: str) -> Html:
    """Small multiples of the generic counts per location (the appendix 'Resultaten in beeld'),
    or where the story shows them."""
    if not cons.has_registration(data, region):
        return no_counts(data, region)
    return block(chart_or_pointer(data, region, "kengetallen", generic_chart))


def housing_chart(data: YearData, scope: str) -> str:
    """The chart of participants per housing corporation, with shares; "" without registration."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.has_registration(data, scope):
        return ""
    totals = cons.housing_totals(data, scope)
    labels = list(
        data["housing_corporations"].set_index("housing_corporation").loc[totals.index, "label"]
    )
    title = (
        f"Deelnemers per woningcorporatie — {cons.scope_name(data, scope)} "
        f"(totaal {format_int(totals.sum())})"
    )
    return charts.hbar(totals, labels, title, "Aantal deelnemers", shares=cons.shares(totals))


def housing_section(data: YearData, scope: str) -> Html:
    """Participants per housing corporation: table and chart (or where the story shows the chart)."""
    if not cons.has_registration(data, scope):
        return no_counts(data, scope)
    return block(
        counts_table(
            data,
            scope,
            "participants_housing",
            "housing_corporation",
            "participants",
            "housing_corporations",
        ),
        chart_or_pointer(data, scope, "woningcorporaties", housing_chart),
    )
