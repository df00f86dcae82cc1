"""Views: the report sections the notebooks display, built from bwklib's computations.

Each function returns an `Html` fragment: tables and charts whose text is escaped in
bwklib.report.formatting. Views format and arrange; the figures themselves come from scoring, finance and
consolidation, so every number shown traces to a named, tested function.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bwklib import paths
from bwklib.build import provenance
from bwklib.compute import consolidation as cons
from bwklib.compute import finance as fin
from bwklib.compute.checks import compute_checks, figure_label
from bwklib.compute.figures import compute_figures
from bwklib.compute.scoring import band_counts, score_all, score_location
from bwklib.inputs.loading import YearData, load_year
from bwklib.report.formatting import (
    esc,
    format_change,
    format_eur,
    format_figure,
    format_int,
    format_percent,
    format_signed_eur,
    html_table,
    stylesheet,
)


class Html(str):
    """A fragment of HTML that Jupyter displays as HTML (and nbconvert renders as such)."""

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return "[HTML-fragment]"


def block(*parts: str) -> Html:
    """Wrap fragments in the report's styled container."""
    return Html('<div class="bwk">' + "".join(parts) + "</div>")


def load(year: int, data_dir: str | Path | None = None) -> YearData:
    """Load and validate a year's data (data_dir defaults to the project's data/)."""
    return load_year(int(year), Path(data_dir) if data_dir else paths.DATA_DIR)


def header(data: YearData, scope: str) -> Html:
    """The stylesheet and the title block of a report."""
    name = cons.scope_name(data, scope)
    if cons.is_region(data, scope):
        row = data["regions"].set_index("region").loc[scope]
        title, sub = (
            f"{row['title']} {data.year}",
            f"Geconsolideerde evaluatie — {row['organisation']}",
        )
    else:
        row = data["locations"].set_index("location").loc[scope]
        title = f"Buurtwerkkamer {name} {data.year}"
        sub = f"{row['neighbourhood']} — evaluatie van de samenwerkingsafspraak"
    return Html(
        stylesheet(data["bands"])
        + block(f"<h1>{esc(title)}</h1>", f'<p class="subtitle">{esc(sub)}</p>')
    )


def legend(data: YearData) -> Html:
    """The colour legend of the results table."""
    spans = "".join(
        f'<span class="band-{esc(b.band)}">{esc(b.label)}: {esc(b.description)}</span>'
        for b in data["bands"].itertuples()
    )
    return Html(f'<p class="legend">{spans}</p>')


def not_registered(data: YearData, location: str) -> Html:
    """The Dutch statement for a location that registered no results this year."""
    row = data["locations"].set_index("location").loc[location]
    text = row["note"] or "Deze locatie heeft dit jaar geen resultaten geregistreerd."
    return block(
        f'<p class="notice"><strong>Geen registratie van resultaten.</strong> {esc(text)}</p>'
    )


def registered(data: YearData, location: str) -> bool:
    """Whether a location registered results (De Klop in 2019 did not)."""
    return cons.has_registration(data, location)


def results_table(data: YearData, location: str) -> Html:
    """The colour-banded results-against-targets table of one location, by section, with legend."""
    if not registered(data, location):
        return not_registered(data, location)
    scores = score_location(data, location)
    rules = data["scoring_rules"].set_index("rule")
    sections = data["indicator_sections"].set_index("section")["label"]
    units = data["indicators"].set_index("indicator")["unit"]
    rows, classes = [], []
    for section, group in scores.groupby("section", sort=False):
        rows.append([sections[section], "", "", "", ""])
        classes.append(["section"] * 5)
        for s in group.itertuples():
            band = f"band-{s.band}" if isinstance(s.band, str) else "unscored"
            shown = (
                format_percent(s.achievement)
                if pd.notna(s.achievement)
                else (
                    "n.v.t."
                    if band == "unscored"
                    else "gehaald"
                    if s.band == rules.loc[s.rule, "pass_band"]
                    else "niet gehaald"
                )
            )
            rows.append([s.label, units[s.indicator], s.result, s.target, shown])
            classes.append(["", "", band, "", band])
    table = html_table(
        ["Indicator", "Eenheid", "Realisatie", "Streefwaarde", "Score"],
        rows,
        classes,
        numeric={2, 3, 4},
    )
    used = rules.loc[sorted(set(scores.rule))]
    notes = "".join(f"<li>{esc(r.explanation)}</li>" for r in used.itertuples())
    return block(
        legend(data), table, f"<p><small>Zo is gescoord:</small></p><ul><small>{notes}</small></ul>"
    )


def achievement_chart(data: YearData, location: str) -> Html:
    """Bar chart of achievement per indicator in band colours."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not registered(data, location):
        return Html("")
    scores = score_location(data, location)
    name = cons.scope_name(data, location)
    return block(
        charts.achievement_chart(
            scores, data["bands"], f"Resultaten ten opzichte van de streefwaarden — {name}"
        )
    )


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
    """Short notice in a counts section of a location without registration."""
    return block(
        '<p class="notice">Voor deze locatie zijn dit jaar geen aantallen geregistreerd.</p>'
    )


def activity_section(data: YearData, scope: str) -> Html:
    """Participants per activity type: table and chart."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.has_registration(data, scope):
        return no_counts(data, scope)
    wide = cons.counts_by_location(
        data, "participants_activity", "activity_type", "participants", scope
    )
    labels = list(data["activity_types"].set_index("activity_type").loc[wide.index, "chart_label"])
    name = cons.scope_name(data, scope)
    title = f"Deelnemers per activiteitsoort — {name} (totaal {format_int(wide.values.sum())})"
    if len(wide.columns) > 1:
        chart = charts.stacked_by_location(
            wide,
            labels,
            [cons.scope_name(data, c) for c in wide.columns],
            title,
            "Aantal deelnemers",
        )
    else:
        totals = cons.activity_totals(data, scope)
        chart = charts.hbar(totals, labels, title, "Aantal deelnemers", shares=cons.shares(totals))
    return block(
        counts_table(
            data, scope, "participants_activity", "activity_type", "participants", "activity_types"
        ),
        chart,
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
        f"<p><small>Toelichting bij de gekozen waarden:</small></p><ul><small>{items}</small></ul>"
        if items
        else "",
    )


def generic_charts(data: YearData, region: str) -> Html:
    """Small multiples of the generic counts per location (the appendix 'Resultaten in beeld')."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    wide = cons.counts_by_location(data, "generic_counts", "measure", "value", region)
    labels = list(data["generic_measures"].set_index("measure").loc[wide.index, "chart_label"])
    names = [cons.scope_name(data, c) for c in wide.columns]
    return block(
        charts.small_multiples(
            wide, labels, names, f"Kengetallen per buurtwerkkamer — {cons.scope_name(data, region)}"
        )
    )


def housing_section(data: YearData, scope: str) -> Html:
    """Participants per housing corporation: table and chart with shares."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.has_registration(data, scope):
        return no_counts(data, scope)
    totals = cons.housing_totals(data, scope)
    labels = list(
        data["housing_corporations"].set_index("housing_corporation").loc[totals.index, "label"]
    )
    title = (
        f"Deelnemers per woningcorporatie — {cons.scope_name(data, scope)} "
        f"(totaal {format_int(totals.sum())})"
    )
    chart = charts.hbar(totals, labels, title, "Aantal deelnemers", shares=cons.shares(totals))
    return block(
        counts_table(
            data,
            scope,
            "participants_housing",
            "housing_corporation",
            "participants",
            "housing_corporations",
        ),
        chart,
    )


def finance_table(data: YearData, scope: str) -> Html:
    """Income and expense lines with budget, actual, variance and notes; totals and balance."""
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
        b, a = figs[(key, "budget")], figs[(key, "actual")]
        rows.append(["Totaal", format_eur(b), format_eur(a), format_signed_eur(a - b), ""])
        classes.append(["total"] * 5)
    b, a = figs[("balance", "budget")], figs[("balance", "actual")]
    rows.append(
        ["Saldo inkomsten - uitgaven", format_eur(b), format_eur(a), format_signed_eur(a - b), ""]
    )
    classes.append(["total"] * 5)
    return block(html_table(header, rows, classes, numeric={1, 2, 3}))


def key_ratios_table(data: YearData, scope: str) -> Html:
    """The three key ratios (SROI, indirect costs, investment in people) as % of total expenses."""
    figs = fin.key_figures(data, scope)
    rows = [
        [
            r.label,
            format_percent(figs[(r.ratio, "budget")]),
            format_percent(figs[(r.ratio, "actual")]),
            r.explanation,
        ]
        for r in data["key_ratios"].itertuples()
    ]
    return block(
        html_table(["Kengetal", "Begroting", "Realisatie", "Toelichting"], rows, numeric={1, 2})
    )


def finance_chart(data: YearData, scope: str) -> Html:
    """Budget against actual per expense line."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    table = fin.finance_lines(data, scope)
    return block(
        charts.budget_actual_chart(
            table[table.kind == "expense"],
            f"Uitgaven: begroting en realisatie — {cons.scope_name(data, scope)}",
        )
    )


def income_chart(data: YearData, scope: str) -> Html:
    """Actual income per funder, and the valued volunteer hours where the data has them."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    table = fin.finance_lines(data, scope)
    income = table[table.kind == "income"].set_index("line")["actual"].astype(float)
    labels = list(table[table.kind == "income"].chart_label)
    value, how, note = fin.volunteer_value(data, scope)
    parts = []
    title = f"Inkomsten {data.year} — {cons.scope_name(data, scope)}"
    if value is not None:
        income = pd.concat([income, pd.Series({"vrijwilligersuren": value})])
        labels.append("Ureninvestering bewoners / vrijwilligers")
        title = (
            f"Inkomsten {data.year} en vrijwilligersuren in euro's — {cons.scope_name(data, scope)}"
        )
        shown = "berekend als uren × uurtarief" if how == "berekend" else "de gepubliceerde waarde"
        parts.append(
            f"<p><small>Ureninvestering bewoners / vrijwilligers: {format_eur(value)}, "
            f"{shown}. {esc(note)}</small></p>"
        )
    chart = charts.hbar(
        income, labels, title, "Bedrag in euro's", annotate=format_eur, shares=cons.shares(income)
    )
    return block(chart, *parts)


def results_overview(data: YearData, region: str) -> Html:
    """Results of all locations of a region side by side: 'result [target]' coloured by band."""
    locs = [loc for loc in cons.scope_locations(data, region) if registered(data, loc)]
    scores = score_all(data)
    scores = scores[scores.location.isin(locs)]
    by_key = {(s.location, s.indicator): s for s in scores.itertuples()}
    names = [cons.scope_name(data, loc) for loc in locs]
    sections = data["indicator_sections"].set_index("section")["label"]
    rows, classes = [], []
    for section, group in data["indicators"].groupby("section", sort=False):
        rows.append([sections[section], *[""] * len(locs)])
        classes.append(["section"] * (len(locs) + 1))
        for ind in group.itertuples():
            row, cls = [ind.label], [""]
            for loc in locs:
                s = by_key[(loc, ind.indicator)]
                row.append(f"{s.result} [{s.target}]")
                cls.append(f"band-{s.band}" if isinstance(s.band, str) else "unscored")
            rows.append(row)
            classes.append(cls)
    missing = [
        cons.scope_name(data, loc)
        for loc in cons.scope_locations(data, region)
        if not registered(data, loc)
    ]
    note = (
        f"<p><small>Zonder registratie van resultaten: {esc(', '.join(missing))}.</small></p>"
        if missing
        else ""
    )
    return block(
        legend(data),
        html_table(["Indicator", *names], rows, classes, numeric=set(range(1, len(locs) + 1))),
        note,
    )


def band_overview(data: YearData, region: str | None = None) -> Html:
    """Per location, how many indicators fall in each band (and how many are not scored)."""
    scores = score_all(data)
    if region:
        scores = scores[scores.location.isin(cons.scope_locations(data, region))]
    counts = band_counts(scores, data["bands"])
    unscored = (
        scores[scores.band.isna()].groupby("location").size().reindex(counts.index, fill_value=0)
    )
    labels = list(data["bands"].label)
    rows = [
        [cons.scope_name(data, loc), *map(format_int, counts.loc[loc]), format_int(unscored[loc])]
        for loc in counts.index
    ]
    classes = [["", *(f"band-{b}" for b in data["bands"].band), "unscored"] for _ in rows]
    return block(
        html_table(
            ["Locatie", *labels, "Niet gescoord"],
            rows,
            classes,
            numeric=set(range(1, len(labels) + 2)),
        )
    )


MAX_APPENDIX_PANELS = 12  # beyond this a figure of per-location panels is a wall, not a chart


def appendix(data: YearData, region: str) -> Html:
    """Per location: participants per activity type and per housing corporation (appendix charts).

    One panel per location in a single figure each, so the appendix stays one image per topic
    however many locations a region has.
    """
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if len(cons.scope_locations(data, region)) > MAX_APPENDIX_PANELS:
        return block(
            f"<p>Met meer dan {MAX_APPENDIX_PANELS} buurtwerkkamers staan deze figuren alleen "
            "in de rapporten per buurtwerkkamer.</p>"
        )
    parts = []
    for table, category, defs, label_col, topic in (
        (
            "participants_activity",
            "activity_type",
            "activity_types",
            "chart_label",
            "Deelnemers per activiteitsoort",
        ),
        (
            "participants_housing",
            "housing_corporation",
            "housing_corporations",
            "label",
            "Deelnemers per woningcorporatie",
        ),
    ):
        wide = cons.counts_by_location(data, table, category, "participants", region)
        labels = list(data[defs].set_index(category).loc[wide.index, label_col])
        names = [cons.scope_name(data, loc) for loc in wide.columns]
        parts.append(
            charts.panels(wide, labels, names, f"{topic} per buurtwerkkamer", "Aantal deelnemers")
        )
    return block(*parts)


def formulas(data: YearData, scope: str) -> Html:
    """For auditors: each key figure with the formula and the amounts that produced it."""
    table = fin.finance_lines(data, scope)
    figs = fin.key_figures(data, scope)
    labels = table.set_index("line")["label"]
    rows = []
    for basis, nl in (("budget", "begroting"), ("actual", "realisatie")):
        inc, exp = figs[("income_total", basis)], figs[("expense_total", basis)]
        rows.append(
            [
                f"Saldo ({nl})",
                f"inkomsten {format_eur(inc)} - uitgaven {format_eur(exp)}",
                format_eur(figs[("balance", basis)]),
            ]
        )
        for r in data["key_ratios"].itertuples():
            parts, total = fin.ratio_components(data, table, r.ratio, basis)
            terms = " + ".join(f"{labels[k]} {format_eur(v)}" for k, v in parts.items())
            exact = f"{figs[(r.ratio, basis)] * 100:.2f}".replace(".", ",")
            rows.append(
                [
                    f"{r.label} ({nl})",
                    f"({terms}) / totale uitgaven {format_eur(total)}",
                    f"{exact}% ≈ {format_percent(figs[(r.ratio, basis)])}",
                ]
            )
    return block(
        html_table(
            ["Kengetal", "Berekening (bwklib.compute.finance.key_figures)", "Uitkomst"],
            rows,
            numeric={2},
        )
    )


def audit_section(data: YearData, scope: str) -> Html:
    """Every printed figure that the recomputation does not confirm, with both values and places."""
    from bwklib.compute.checks import published_rows

    scopes = cons.scope_locations(data, scope) + ([scope] if cons.is_region(data, scope) else [])
    mine = compute_checks(data, compute_figures(data, scopes), only=scopes)
    units = {(p.scope, f"{p.key}.{p.basis}"): p.unit for p in published_rows(data).itertuples()}
    bad = mine[mine.status != "agrees"]
    counts = mine.status.value_counts()
    summary = (
        f"<p>{format_int(len(mine))} gepubliceerde cijfers opnieuw berekend: "
        f"{format_int(counts.get('agrees', 0))} kloppen, {format_int(counts.get('differs', 0))} "
        f"wijken af en {format_int(counts.get('not_reproducible', 0))} zijn niet na te rekenen.</p>"
    )
    if bad.empty:
        return block(summary)
    rows = []
    for c in bad.itertuples():
        unit = units[(c.scope, c.figure)]
        status = "wijkt af" if c.status == "differs" else "niet na te rekenen"
        rows.append(
            [
                cons.scope_name(data, c.scope),
                figure_label(data, c.figure),
                c.source_location,
                format_figure(c.reported, unit),
                format_figure(c.recomputed, unit),
                status,
                c.note,
            ]
        )
    return block(
        summary,
        html_table(
            [
                "Locatie",
                "Cijfer",
                "Waar in het rapport",
                "Gepubliceerd",
                "Herberekend",
                "Oordeel",
                "Toelichting",
            ],
            rows,
            numeric={3, 4},
        ),
    )


def provenance_block(data: YearData, scope: str) -> Html:
    """Where this report came from: its input data (SHA-256), code commit, package versions.

    For a location the shared per-location tables are hashed over its own rows only, which is
    exactly what the report depends on (see bwklib.build.provenance.input_digests).
    """
    record = provenance.collect(data, {"scope": scope})
    git = record["git"]
    commit = git["commit"] or "onbekend (geen git)"
    state = {True: " (met niet-vastgelegde wijzigingen)", False: "", None: ""}[git["dirty"]]
    versions = ", ".join(f"{k} {v}" for k, v in record["packages"].items())
    params = ", ".join(f"{k} = {v}" for k, v in record["parameters"].items())
    rows = [[name, digest] for name, digest in provenance.input_digests(data, scope).items()]
    return block(
        f"<p><small>Gemaakt met bwk {esc(record['bwk_version'])}, code {esc(commit)}{esc(state)}; "
        f"Python {esc(record['python'])}; {esc(versions)}. Parameters: {esc(params)}.</small></p>",
        "<details><summary><small>Gebruikte gegevens (SHA-256)</small></summary>",
        html_table(["Bestand", "SHA-256"], rows),
        "</details>",
    )


def story(data: YearData, scope: str) -> Html:
    """The narrative of a scope (data/<year>/stories/<scope>.md), rendered without raw HTML."""
    from bwklib.inputs.stories import render

    text = data.stories.get(scope)
    if not text:
        return block(
            '<p class="notice">Voor dit rapport is geen verhaal aangeleverd '
            f"(data/{data.year}/stories/{esc(scope)}.md).</p>"
        )
    return block(f'<div class="story">{render(text)}</div>')


def comparison_section(data: YearData, scope: str) -> Html:
    """The scope's figures next to those of earlier years, the change, and a trend from 3 years on."""
    from bwklib.compute.history import comparison, earlier_years
    from bwklib.report import charts

    years = earlier_years(data)
    if not years:
        return block(
            '<p class="notice">Er zijn geen gegevens van eerdere jaren om mee te vergelijken.</p>'
        )
    table = comparison(data, scope)
    shown = [*years, data.year]
    known = table[shown[:-1]].notna().any(axis=1)
    if not known.any():
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        return block(
            f'<p class="notice">Voor {esc(cons.scope_name(data, scope))} zijn geen cijfers van '
            f"{span} bekend om mee te vergelijken.</p>"
        )
    unknown = int((~known).sum())
    table = table[known]
    rows = [
        [
            figure_label(data, f"{r['key']}.{r['basis']}"),
            *(format_figure(r[y], r["unit"], missing="niet bekend") for y in shown),
            format_change(r["change"], r["unit"]),
        ]
        for _, r in table.iterrows()
    ]
    parts = [
        html_table(
            ["Cijfer", *map(str, shown), f"Verschil met {shown[-2]}"],
            rows,
            numeric=set(range(1, len(shown) + 2)),
        )
    ]
    if unknown:
        parts.append(
            f"<p><small>Van {format_int(unknown)} andere cijfers is geen eerdere waarde "
            "bekend.</small></p>"
        )
    if len(shown) >= 3:
        counts = table[table.unit == "count"].set_index("key")
        labels = [figure_label(data, f"{k}.actual") for k in counts.index]
        parts.append(
            charts.trend_chart(
                counts[shown],
                labels,
                shown,
                f"Ontwikkeling over de jaren — {cons.scope_name(data, scope)}",
            )
        )
    return block(*parts)
