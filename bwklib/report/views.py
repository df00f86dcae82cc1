"""Views: the report sections the notebooks display, built from bwklib's computations.

Each function returns an `Html` fragment: tables and charts whose text is escaped in
bwklib.report.formatting. Views format and arrange; the figures themselves come from scoring, finance and
consolidation, so every number shown traces to a named, tested function.

This module is the notebooks' single entry point (`from bwklib import views`); the sections live in
`results`, `participants`, `money` and `audit` beside it and are re-exported here.
"""

from __future__ import annotations

from pathlib import Path

from bwklib import paths
from bwklib.compute import consolidation as cons
from bwklib.compute.checks import figure_label
from bwklib.inputs.loading import YearData
from bwklib.report.audit import audit_section, formulas, provenance_block
from bwklib.report.calculation import calculation
from bwklib.report.formatting import (
    esc,
    format_change,
    format_figure,
    format_int,
    html_table,
    stylesheet,
)
from bwklib.report.html import Html, block
from bwklib.report.money import finance_chart, finance_table, income_chart, key_ratios_table
from bwklib.report.participants import (
    activity_section,
    counts_table,
    generic_charts,
    generic_section,
    housing_section,
    no_counts,
)
from bwklib.report.results import (
    achievement_chart,
    appendix,
    band_overview,
    legend,
    not_registered,
    registered,
    results_overview,
    results_table,
)

__all__ = [  # what the notebooks call: the sections of each stage, and the ones defined here
    "Html",
    "block",
    "load",
    "header",
    "audit_link",
    "story",
    "finance_conclusions",
    "comparison_section",
    "legend",
    "not_registered",
    "registered",
    "results_table",
    "achievement_chart",
    "results_overview",
    "band_overview",
    "appendix",
    "counts_table",
    "no_counts",
    "activity_section",
    "generic_section",
    "generic_charts",
    "housing_section",
    "finance_table",
    "key_ratios_table",
    "finance_chart",
    "income_chart",
    "formulas",
    "calculation",
    "audit_section",
    "provenance_block",
]


def load(year: int, data_dir: str | Path | None = None) -> YearData:
    """Load and validate a year's data (data_dir defaults to the project's data/).

    Within one kernel the validated year is reused while not one byte of the data folder changed.
    """
    from bwklib.inputs.memo import load_year_once

    return load_year_once(int(year), Path(data_dir) if data_dir else paths.DATA_DIR)


def nav(data: YearData, scope: str) -> str:
    """Links to the index, the scope's region and the other locations of that region."""
    if cons.is_region(data, scope):
        region = scope
    else:
        region = data["locations"].set_index("location").loc[scope, "region"]
    regions = data["regions"].set_index("region")

    def item(target: str, text: str) -> str:
        if target == scope:
            return f'<li><span aria-current="page">{esc(text)}</span></li>'
        return f'<li><a href="{esc(target)}.html">{esc(text)}</a></li>'

    links = [
        f'<li><a href="index.html">Alle rapporten {data.year}</a></li>',
        item(region, f"Regio {regions.loc[region, 'name']}"),
        *(item(loc, cons.scope_name(data, loc)) for loc in cons.scope_locations(data, region)),
    ]
    return f'<nav class="bwk-nav" aria-label="Rapporten"><ul>{"".join(links)}</ul></nav>'


def header(data: YearData, scope: str) -> Html:
    """The band colours, the navigation (index, region, other locations) and the title block."""
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
        + nav(data, scope)
        + block(f"<h1>{esc(title)}</h1>", f'<p class="subtitle">{esc(sub)}</p>')
    )


def audit_link(data: YearData, scope: str) -> Html:
    """The closing line of a stakeholder version: where to find the audit version."""
    return block(
        '<p class="bwk-audit-link">Hoe elk cijfer is berekend en nagerekend, staat in de '
        f'<a href="{esc(scope)}-audit.html">auditversie van dit rapport</a>.</p>'
    )


def story(data: YearData, scope: str) -> Html:
    """The narrative of a scope (data/<year>/stories/<scope>.md), rendered without raw HTML."""
    from bwklib.inputs.stories import render, split_section

    text = data.stories.get(scope)
    if not text:
        return block('<p class="notice">Voor dit rapport is geen verhaal aangeleverd.</p>')
    from bwklib.report.story import bind_figures, story_chart

    text, _ = split_section(text)  # the financial conclusions come with the finance figures
    folder = paths.year_dir(data.data_dir, data.year) / "stories"
    html = render(bind_figures(data, scope, text), folder, lambda n: story_chart(data, scope, n))
    return block(f'<div class="story">{html}</div>')


def finance_conclusions(data: YearData, scope: str) -> Html:
    """The financial conclusions of the story (its section "Financiële conclusies"), if any."""
    from bwklib.inputs.stories import FINANCE_CONCLUSIONS, render, split_section
    from bwklib.report.story import bind_figures, story_chart

    _, section = split_section(data.stories.get(scope) or "")
    if not section:
        return Html("")
    html = render(bind_figures(data, scope, section), None, lambda n: story_chart(data, scope, n))
    return block(
        f"<h3>{esc(FINANCE_CONCLUSIONS)}</h3>", f'<div class="story conclusions">{html}</div>'
    )


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
