"""Story figures and charts: `{{ figuur: ... }}` replaced by the computed value, and the charts a
story places with `{{ grafiek: ... }}` drawn by the functions that draw them in their sections."""

from __future__ import annotations

from bwklib.compute.figures import compute_figures
from bwklib.inputs.stories import FigureRef, bind, figure_refs
from bwklib.report.formatting import esc, format_figure
from bwklib.report.placement import chart_anchor


def bind_figures(data, scope: str, text: str) -> str:
    """The story of a scope with each figure it names shown the Dutch way (1.085, € 370.245, 33%).

    A reference without `van <scope>` is the story's own scope. A figure the year does not have for
    that scope (validation has checked the key itself) shows as "niet bekend".
    """
    refs = figure_refs(text)
    if not refs:
        return text
    wanted = sorted({r.scope or scope for r in refs if r.key})
    figures = compute_figures(data, wanted)
    lookup = {(f.scope, f.key, f.basis): (f.value, f.unit) for f in figures.itertuples()}

    def value(ref: FigureRef) -> str:
        hit = lookup.get((ref.scope or scope, ref.key, ref.basis))
        return format_figure(hit[0], hit[1], missing="niet bekend") if hit else "niet bekend"

    return bind(text, value)


def chart_views() -> dict:
    """Chart name (bwklib.inputs.stories.CHARTS) -> the function that draws it for a scope.

    The same functions draw the chart in its section, so the story shows exactly that chart.
    """
    from bwklib.report import money, participants

    return {
        "deelnemers-per-activiteit": participants.activity_chart,
        "kengetallen": participants.generic_chart,
        "woningcorporaties": participants.housing_chart,
        "inkomsten": money.income_chart_block,
        "uitgaven": money.expense_chart,
    }


def story_chart(data, scope: str, name: str) -> str:
    """The HTML of a chart a story places, with the anchor its section links to ("" if none)."""
    html = chart_views()[name](data, scope)
    if not html:
        return ""
    return f'<div class="story-chart" id="{esc(chart_anchor(name))}">{html}</div>'
