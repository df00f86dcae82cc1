"""Every label of every chart of 2019 lies inside its figure and overlaps no other label.

The views are called as the notebooks call them; `charts.to_html` is wrapped so each figure is drawn
and measured (window extents of every visible text) before it is rendered.
"""

from __future__ import annotations

import itertools

import matplotlib.text
import pytest

from bwklib import views
from bwklib.compute import consolidation as cons
from bwklib.report import charts

YEAR = 2019
TOLERANCE_PX = 0.5


def visible_texts(fig) -> list[matplotlib.text.Text]:
    """The texts a reader sees: drawn, non-empty; tick labels only of ticks inside the view."""
    texts = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            texts += [t.label1 for t in axis._update_ticks() if t.label1.get_visible()]
            texts.append(axis.label)
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.get_legend():
            texts += ax.get_legend().get_texts()
    for legend in fig.legends:
        texts += legend.get_texts()
    texts += fig.texts
    if fig._suptitle is not None:
        texts.append(fig._suptitle)
    unique = {id(t): t for t in texts}  # a suptitle is also among fig.texts
    return [t for t in unique.values() if t.get_visible() and t.get_text().strip()]


def label_problems(fig) -> list[str]:
    """Labels outside the figure or overlapping each other, described for a failure message."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in visible_texts(fig)]
    problems = [
        f"outside the figure: {text!r}"
        for text, b in boxes
        if b.x0 < page.x0 - TOLERANCE_PX
        or b.y0 < page.y0 - TOLERANCE_PX
        or b.x1 > page.x1 + TOLERANCE_PX
        or b.y1 > page.y1 + TOLERANCE_PX
    ]
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        if (
            min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX
            and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX
        ):
            problems.append(f"overlap: {ta!r} and {tb!r}")
    return problems


@pytest.fixture(scope="module")
def data():
    return views.load(YEAR)


def scopes(data) -> list[str]:
    return list(data["locations"].location) + list(data["regions"].region)


CHARTED = [
    "achievement_chart",
    "activity_section",
    "housing_section",
    "income_chart",
    "finance_chart",
    "comparison_section",
    "story",  # the charts a story places ({{ grafiek: ... }}), drawn there instead of a section
]
REGION_ONLY = ["appendix", "generic_charts"]


@pytest.fixture(scope="module")
def measured(data):
    """Per scope and view: the labels problems of every figure drawn, and how many were drawn."""
    original = charts.to_html
    found: dict[tuple[str, str], list[list[str]]] = {}
    current: list[tuple[str, str]] = []

    def measuring(fig, title):
        found.setdefault(current[0], []).append(label_problems(fig))
        return original(fig, title)

    charts.to_html = measuring
    try:
        for scope in scopes(data):
            names = CHARTED + (REGION_ONLY if cons.is_region(data, scope) else [])
            for name in names:
                current[:] = [(scope, name)]
                getattr(views, name)(data, scope)
    finally:
        charts.to_html = original
    return found


def test_every_scope_has_charts(data, measured):
    drawn = {scope for scope, _ in measured}
    assert drawn == set(scopes(data))  # finance charts even where no results were registered
    assert sum(len(v) for v in measured.values()) >= 20


def test_no_label_cut_or_overlapping(measured):
    problems = {
        f"{scope} {view}": p for (scope, view), figures in measured.items() for p in figures if p
    }
    assert problems == {}


def test_label_check_finds_a_cut_and_an_overlap():
    """The check itself: a text beyond the edge and two texts on one spot are reported."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "hier")
    ax.text(0.5, 0.5, "daar")
    ax.text(0.98, 0.2, "€ 369.200 (50%)", transform=fig.transFigure)
    problems = label_problems(fig)
    plt.close(fig)
    assert "overlap: 'hier' and 'daar'" in problems
    assert "outside the figure: '€ 369.200 (50%)'" in problems


def test_a_dollar_is_text_not_mathematics():
    """'$' in a label would start matplotlib's mathtext; it shows as a dollar sign."""
    import pandas as pd

    html = charts.hbar(pd.Series({"a": 1, "b": 2}), ["$5 per uur", "prijs $x$"], "Dollar $", "x")
    assert "$5 per uur" in html and "prijs $x$" in html
