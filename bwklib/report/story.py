"""Story figures: the `{{ figuur: ... }}` references of a story replaced by the computed values."""

from __future__ import annotations

from bwklib.compute.figures import compute_figures
from bwklib.inputs.stories import FigureRef, bind, figure_refs
from bwklib.report.formatting import format_figure


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
