"""Where a chart stands: in its section, or in the story when the story places it there.

A story places a chart with `{{ grafiek: <naam> }}` (bwklib.inputs.stories); the section that
would draw it then shows a line linking to it, so that a chart appears once on a page. Kept apart
from bwklib.report.story (which draws the story's charts with the sections' functions) so that the
sections can ask without importing the story.
"""

from __future__ import annotations

from bwklib.compute import consolidation as cons
from bwklib.inputs.stories import CHARTS, placed_charts
from bwklib.report.formatting import esc


def chart_anchor(name: str) -> str:
    """The id of a chart a story places (its section links to it)."""
    return f"grafiek-{name}"


def in_story(data, scope: str, name: str) -> bool:
    """Whether the scope's story shows chart `name` (then its section does not draw it again):
    the story places it and the scope has the figures it is drawn from."""
    if name not in placed_charts(data.stories.get(scope) or ""):
        return False
    if name in ("inkomsten", "uitgaven"):
        return bool(cons.scope_locations(data, scope))
    return cons.has_registration(data, scope)


def chart_or_pointer(data, scope: str, name: str, draw) -> str:
    """A section's chart: drawn by `draw(data, scope)`, or, when the story already shows it, a
    line that says so and links to it (a chart appears once on a page)."""
    if not in_story(data, scope, name):
        return draw(data, scope)
    return (
        '<p class="note chart-pointer">De grafiek bij deze cijfers staat bij de tekst '
        f'die ernaar verwijst: <a href="#{esc(chart_anchor(name))}">naar de grafiek '
        f"({esc(CHARTS[name])})</a>.</p>"
    )
