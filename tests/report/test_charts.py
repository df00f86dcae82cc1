"""Every label of every chart of 2019 lies inside its figure and overlaps no other label.

The views are called as the notebooks call them; `charts.to_html` is wrapped so each figure is drawn
and measured (window extents of every visible text, after matplotlib's own layout) before it is
rendered.
"""

from __future__ import annotations

import itertools

import matplotlib.text
import pytest
from matplotlib.backends.backend_agg import RendererAgg

from bwklib import views
from bwklib.compute import consolidation as cons
from bwklib.report import chartlayout, charts

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


RENDERERS: dict[float, RendererAgg] = {}  # per resolution, kept: text sizes measured once


def laid_out(fig) -> RendererAgg:
    """Draw the figure as the Agg canvas does, but without rasterising anything; its renderer.

    Every position a draw settles (ticks, legend, titles) is set as by `fig.canvas.draw()`; only
    the renderer's draw_* calls are skipped (matplotlib's `draw_without_rendering`), and one Agg
    renderer per resolution serves every figure, so matplotlib measures each text once per run.
    Its size plays no part in any extent: the extents are those of a full draw.
    """
    renderer = RENDERERS.get(fig.dpi)
    if renderer is None:
        renderer = RENDERERS[fig.dpi] = RendererAgg(8, 8, fig.dpi)
    with renderer._draw_disabled():
        fig.draw(renderer)
    return renderer


def label_problems(fig, renderer: RendererAgg | None = None) -> list[str]:
    """Labels outside the figure or overlapping each other, described for a failure message.

    `renderer`: the one `laid_out` returned for this figure as it is now (else it is laid out).
    """
    renderer = renderer or laid_out(fig)
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


def test_a_label_of_any_length_leaves_room_for_the_bars():
    """A 300-character label without spaces (a pasted text, a hostile value) and one of many
    words: the chart is drawn, each label cut to pieces and lines a bar has room for, with "…"
    where a label had more lines."""
    import pandas as pd

    endless, wordy = "x" * 300, "woord " * 60
    html = charts.hbar(pd.Series({"a": 1200, "b": 3}), [endless, wordy], "Lang", "Aantal")
    for label in (endless, wordy):
        lines = charts.wrap(label).split("\n")
        assert len(lines) <= charts.MAX_LINES and all(len(line) <= 48 for line in lines)
    assert "…" in html and "1.200" in html


# The layout is computed from text sizes (bwklib.report.chartlayout), not by drawing: for random
# labels and values, matplotlib's own draw afterwards (`laid_out`: every position a full draw sets)
# finds every text inside the figure, no two texts on one spot, and every annotation beside a bar
# inside the axes. (An x label is a short unit: it is not wrapped.)

WORDS = [
    "en",
    "de",
    "Buurt",
    "werkkamer",
    "deelnemers",
    "vrijwilligers",
    "Taalverwerving",
    "Schuldhulptoeleiding",
    "(mede)",
    "ondersteund",
    "Computervaardigheden",
    "€",
    "CV-",
    "Participatiewerkgelegenheidstraject",
]  # the last: longer than a wrapped line
LOCATIONS = [
    "TOP",
    "De Klop",
    "Hart voor Leidsche Rijn",
    "De Verbinding",
    "Wijkcentrum Oost",
    "Het Huis van de Wijk Kanaleneiland",
    "Buurtkamer Zuilen",
]


def random_label(rng, words: int = 7, lines: int = 2, width: int = 24) -> str:
    """A label of up to `words` words that wraps (at `width`) to at most `lines` lines.

    The charts give each bar a fixed height (the achievement chart one per line of its labels), so
    a bar's label has at most two lines there; the layout must fit any width.
    """
    while True:
        label = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, words)))
        if charts.wrap(label, width).count("\n") < lines:
            return label


def random_values(rng, n: int) -> list[float]:
    scale = rng.choice([1, 10, 1000, 100_000, 2_000_000])
    return [float(rng.choice([0, rng.randint(0, scale)])) for _ in range(n)]


def random_chart(kind: str, rng):
    """Arguments for one chart function, random but of the shapes the views pass."""
    import pandas as pd

    from bwklib.report.formatting import format_eur

    n = rng.randint(1, 12)
    width = {"panels": 20, "small_multiples": 18}.get(kind, 24)
    lines = {"achievement_chart": 6, "trend_chart": 6}.get(kind, 2)
    labels = [random_label(rng, lines=lines, width=width) for _ in range(n)]
    names = [random_label(rng, 4, 2, 18) for _ in range(rng.randint(1, 7))]
    wide = pd.DataFrame(
        {f"loc{i}": random_values(rng, n) for i in range(len(names))}, index=range(n)
    )
    if kind == "hbar":
        values = pd.Series(random_values(rng, n), index=[f"k{i}" for i in range(n)])
        total = values.sum()
        shares = values / total if total and rng.random() < 0.5 else None
        annotate = format_eur if rng.random() < 0.5 else charts.format_int
        return (values, labels, "t", random_label(rng, 2)), {"annotate": annotate, "shares": shares}
    if kind == "achievement_chart":
        bands = pd.DataFrame({"band": ["a", "b", "c"], "colour": ["#003300", "#aaddaa", "#ffbb66"]})
        scores = pd.DataFrame(
            {
                "label": [f"{lbl}: uitleg" for lbl in labels],
                "achievement": [rng.choice([float("nan"), rng.uniform(0, 4)]) for _ in range(n)],
                "band": [rng.choice("abc") for _ in range(n)],
            }
        )
        return (scores, bands, "t"), {}
    if kind == "budget_actual_chart":
        table = pd.DataFrame(
            {
                "chart_label": labels,
                "budget": random_values(rng, n),
                "actual": random_values(rng, n),
            }
        )
        return (table, "t"), {}
    if kind == "trend_chart":
        years = list(range(2019 - rng.randint(2, 6), 2020))
        values = pd.DataFrame(
            {y: [rng.choice([float("nan"), v]) for v in random_values(rng, n)] for y in years}
        )
        return (values, labels, years, "t"), {}
    if kind == "small_multiples":
        return (wide.iloc[: min(n, 4)], labels[:4], names, "t"), {}
    return (wide, labels, names, "t", random_label(rng, 2)), {}  # stacked_by_location, panels


def annotation_problems(fig, renderer: RendererAgg | None = None) -> list[str]:
    """Texts beside the bars (data coordinates) that end outside their axes (`renderer`: as in
    `label_problems`)."""
    renderer = renderer or laid_out(fig)
    problems = []
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        for t in ax.texts:
            if isinstance(t, chartlayout.CategoryLabel) or not t.get_text():
                continue
            b = t.get_window_extent(renderer)
            if b.x1 > box.x1 + TOLERANCE_PX or b.x0 < box.x0 - TOLERANCE_PX:
                problems.append(f"annotation outside the axes: {t.get_text()!r}")
    return problems


KINDS = [
    "hbar",
    "achievement_chart",
    "budget_actual_chart",
    "stacked_by_location",
    "small_multiples",
    "panels",
    "trend_chart",
]


SEEDS, FAST_SEEDS = 8, 3  # random cases per kind of chart: the whole suite, and `--fast`


def pytest_generate_tests(metafunc):
    """Random layouts: 8 seeds per kind of chart in the whole suite, 3 in the fast tier (the same
    first 3), so that `make test-fast` keeps its seconds and `make test` its breadth."""
    if "seed" in metafunc.fixturenames:
        fast = metafunc.config.getoption("--fast", default=False)
        metafunc.parametrize("seed", range(FAST_SEEDS if fast else SEEDS))


@pytest.mark.parametrize("kind", KINDS)
def test_layout_fits_random_labels_and_values(kind, seed, monkeypatch):
    import random

    rng = random.Random(f"{kind}-{seed}")
    args, kwargs = random_chart(kind, rng)
    original = charts.to_html
    problems: list[str] = []

    def measuring(fig, title):
        renderer = laid_out(fig)  # one layout for both checks
        problems.extend(label_problems(fig, renderer) + annotation_problems(fig, renderer))
        return original(fig, title)

    monkeypatch.setattr(charts, "to_html", measuring)
    html = getattr(charts, kind).__wrapped__(*args, **kwargs)
    assert html.count("<svg") >= 1
    assert problems == []


def test_a_draw_without_rendering_places_texts_as_a_full_draw():
    """`laid_out` (no pixels, a kept renderer) gives every text the extent a full Agg draw gives:
    tick labels, category labels, annotations, the x label under the ticks, a legend's texts."""
    import random

    args, kwargs = random_chart("stacked_by_location", random.Random("stacked_by_location-5"))
    figures = []
    original = charts.to_html

    def keep(fig, title):
        figures.append(fig)
        return original(fig, title)

    charts.to_html = keep
    try:
        charts.stacked_by_location.__wrapped__(*args, **kwargs)
    finally:
        charts.to_html = original
    (fig,) = figures
    texts = visible_texts(fig) + fig.axes
    assert fig.legends and len(texts) > 10
    renderer = laid_out(fig)
    quick = [tuple(t.get_window_extent(renderer).bounds) for t in texts]
    fig.canvas.draw()
    full = [tuple(t.get_window_extent(fig.canvas.get_renderer()).bounds) for t in texts]
    assert quick == full


def test_annotation_check_finds_a_text_beyond_the_axes():
    """The check itself: a text written past the x range is reported."""
    fig, ax = charts.new_figure(2)
    ax.set_xlim(0, 10)
    ax.text(9.5, 0.5, "€ 1.000.000 (100%)")
    assert annotation_problems(fig) == ["annotation outside the axes: '€ 1.000.000 (100%)'"]


def test_layout_is_measured_not_drawn(monkeypatch):
    """One draw per chart: the saved SVG's (laying out never draws the figure)."""
    import pandas as pd
    from matplotlib.figure import Figure

    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: draws.append(1) or original(self, r))
    charts.hbar.__wrapped__(pd.Series({"a": 3, "b": 200}), ["a", "b"], "t", "x")
    assert len(draws) == 1


def test_more_bars_than_colours_repeat_the_palette():
    """A region of 50 locations: one small chart per measure with a bar per location, coloured
    from the 8 of the palette in turn (as matplotlib's barh repeats a shorter list)."""
    import pandas as pd

    names = [f"Locatie {i}" for i in range(12)]
    wide = pd.DataFrame([list(range(1, 13))], columns=names)
    html = charts.small_multiples.__wrapped__(wide, ["Deelnemers"], names, "Per locatie")
    fills = [c for c in charts.PALETTE if c in html]
    assert "Locatie 11" in html and fills == charts.PALETTE
