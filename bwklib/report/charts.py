"""Charts: matplotlib figures embedded in the reports as inline SVG (no files, no network).

Each function takes computed figures (never raw data files) and returns an HTML <figure>: the title
as an HTML caption (it wraps and scales like the text around it), the chart as SVG with real,
searchable text. Figures are drawn narrow (`WIDTH`) with large type, so that on a 390 px phone the
chart text is still about two thirds of the body text. SVG output carries no date or software
version and its ids are salted per chart, so reruns are byte-identical and ids unique on a page.
Each chart function is `cached`: in a build, a chart whose inputs and code did not change is read
back instead of drawn (bwklib.report.chartcache).
"""

from __future__ import annotations

import hashlib
import io
import re

import matplotlib
import matplotlib.ticker
import pandas as pd
from matplotlib.figure import Figure

from bwklib.report import chartlayout
from bwklib.report.chartcache import cached
from bwklib.report.chartlayout import MAX_LINES, wrap  # noqa: F401 - charts.wrap, as before
from bwklib.report.formatting import esc, format_eur, format_int, format_percent

BLUE = "#2b6a9b"
GREY = "#a9b7c6"
PALETTE = ["#2b6a9b", "#e08a2c", "#4c9a5b", "#8c5fa8", "#c8553d", "#5aa5b8", "#8a8a3b", "#b36b8f"]
WIDTH = 5.2  # inches: 374 pt; a chart shown 348 px wide keeps 70% of its type size
FONT = 11  # points: tick labels and annotations (never smaller than SMALL)
SMALL = 10
matplotlib.rcParams.update(
    {
        "font.family": ["DejaVu Sans", "sans-serif"],
        "font.size": FONT,
        "axes.titlesize": FONT,
        "axes.labelsize": SMALL,
        "xtick.labelsize": SMALL,
        "ytick.labelsize": FONT,
        "legend.fontsize": SMALL,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",  # real text, not paths: searchable, sharp, small
        "text.parse_math": False,  # a '$' in a label is a dollar sign, not mathtext
    }
)


DUTCH_TICKS = matplotlib.ticker.FuncFormatter(lambda v, _: format_int(v))
EURO_TICKS = matplotlib.ticker.FuncFormatter(lambda v, _: format_eur(v))


def new_figure(height: float, **kwargs):
    """A figure of the chart width and one axes; `lay_out` places the axes once texts are set.

    The figure is not pyplot's (nothing shows it twice in Jupyter, nothing keeps it alive): a plain
    Figure at 72 dpi (pixels are points, as in the SVG) with an Agg canvas for anyone measuring it.
    """
    fig = Figure(figsize=(WIDTH, height), dpi=chartlayout.DPI)
    chartlayout.Canvas(fig)
    return fig, fig.add_subplot(**kwargs)


def dutch_ticks(fig) -> None:
    """Numeric x axes with Dutch thousands separators (before the layout measures them)."""
    for ax in fig.axes:
        if isinstance(ax.xaxis.get_major_formatter(), matplotlib.ticker.ScalarFormatter):
            ax.xaxis.set_major_formatter(DUTCH_TICKS)


def lay_out(fig, ax, pad: float = 0.02) -> None:
    """Margins from the texts' sizes and an x range in which every annotation fits (no drawing)."""
    dutch_ticks(fig)
    chartlayout.lay_out(fig, ax, pad)


def figure_id(title: str) -> str:
    """A short id, the same for the same title on every run."""
    return "c" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:10]


def compact_coordinates(m: re.Match) -> str:
    """An SVG geometry attribute: numbers to one decimal (trailing zeros dropped), no spare spaces."""
    value = re.sub(r"\d+\.\d+", lambda n: f"{float(n[0]):.1f}".rstrip("0").rstrip("."), m[2])
    value = re.sub(r"\s*([MLCZz])\s*", r"\1", value)  # no spaces around path commands
    return f'{m[1]}="{" ".join(value.split())}"'


TEXT_CLASSES = {"text-anchor: middle": "m", "text-anchor: end": "e", "text-anchor: start": ""}
STROKE = "stroke: #000000; stroke-width: 0.8"  # every axis tick of matplotlib's style
SPINE = "fill: none; " + STROKE + "; stroke-linejoin: miter; stroke-linecap: square"


def text_class(m: re.Match) -> str:
    """A text's inline style as classes: its font size ("f10") and anchor ("m", "e")."""
    classes, rest = [], []
    for rule in (r.strip() for r in m[1].split(";")):
        size = re.fullmatch(r"font-size: (\d+(?:\.\d+)?)px", rule)
        if size:
            classes.append("f" + size[1].replace(".", "_"))
        elif rule in TEXT_CLASSES:
            classes.append(TEXT_CLASSES[rule])
        elif rule:
            rest.append(rule)
    attrs = f' class="{" ".join(c for c in classes if c)}"' if any(classes) else ""
    return attrs + (f' style="{"; ".join(rest)}"' if rest else "")


def shared_styles(svg: str) -> str:
    """Repeated inline styles as classes with one small stylesheet per chart (a third fewer bytes).

    The rules are scoped to `.bwk-svg`, identical in every chart, so repeating them on a page
    changes nothing; the chart looks the same in a report and in Jupyter (no bwk.css needed).
    """
    svg = svg.replace(f'style="{STROKE}"', 'class="k"').replace(f'style="{SPINE}"', 'class="s"')
    svg = re.sub(r'(?<=<text) style="([^"]*)"', text_class, svg)
    sizes = sorted(set(re.findall(r'class="[^"]*\bf(\d+(?:_\d+)?)\b', svg)))
    rules = "".join(f".bwk-svg .f{s}{{font-size:{s.replace('_', '.')}px}}" for s in sizes)
    rules = (
        ".bwk-svg *{stroke-linejoin:round;stroke-linecap:butt}"
        ".bwk-svg .k{stroke:#000;stroke-width:.8}"
        ".bwk-svg .s{fill:none;stroke:#000;stroke-width:.8;stroke-linejoin:miter;stroke-linecap:square}"
        ".bwk-svg .m{text-anchor:middle}.bwk-svg .e{text-anchor:end}" + rules
    )
    return re.sub(
        r'<defs><style type="text/css">[^<]*</style></defs>',
        f"<defs><style>{rules}</style></defs>",
        svg,
        count=1,
    )


def unwrap_groups(svg: str) -> str:
    """Drop every <g> without attributes (and its </g>): a bare group changes nothing drawn."""
    out, bare, pos = [], [], 0
    for m in re.finditer(r"<g( [^>]*)?>|</g>", svg):
        out.append(svg[pos : m.start()])
        pos = m.end()
        if m[0] == "</g>":
            if not bare.pop():
                out.append(m[0])
        else:
            bare.append(m[1] is None)
            if m[1] is not None:
                out.append(m[0])
    out.append(svg[pos:])
    return "".join(out)


def to_svg(fig, salt: str) -> str:
    """The figure as an inline <svg> element (no XML prolog, no metadata), and close it."""
    buf = io.StringIO()
    fig.patch.set_visible(False)  # white backgrounds on a white page: not drawn
    for ax in fig.axes:
        ax.patch.set_visible(False)
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    svg = re.sub(r">\s+<", "><", svg)  # indentation only
    svg = re.sub(r'<g id="[^"]*"', "<g", svg)  # group ids are never referenced
    svg = re.sub(r"font-family: [^;\"]*;? ?", "", svg)  # the page's font (bwk.css), once
    svg = re.sub(r' transform="rotate\(-?0 [^)]*\)"', "", svg)  # no rotation
    svg = svg.replace(' style=""', "")
    # Coordinates to 0.1 pt (a tenth of a pixel at full size): a third of the bytes.
    svg = re.sub(r'\b(d|x|y|transform|points)="([^"]*)"', compact_coordinates, svg)
    svg = re.sub(r'style="fill: (#[0-9a-f]{6})"', r'fill="\1"', svg)
    # Everything drawn lies inside its axes (the x limits leave room), so nothing needs clipping.
    svg = re.sub(r' clip-path="url\(#[^)]*\)"', "", svg)
    svg = re.sub(r"<defs><clipPath .*?</clipPath></defs>", "", svg, flags=re.S)
    for _ in range(3):  # a group around one element is no group
        svg = re.sub(r"<g>(<(path|use|text)\b[^>]*(?:/>|>[^<]*</\2>))</g>", r"\1", svg)
    svg = shared_styles(unwrap_groups(svg))
    # Ids (clip paths, glyph-free since text is text) are unique per chart on a page.
    prefix = figure_id(salt)
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', svg)
    return svg.replace("<svg ", '<svg class="bwk-svg" ', 1)


def to_html(fig, title: str) -> str:
    """Render a figure as inline SVG inside a <figure> whose caption is the title, and close it.

    Numeric x axes get Dutch thousands separators. The SVG is an image for assistive technology
    (role="img", labelled by the caption); its text stays selectable and searchable.
    """
    dutch_ticks(fig)
    cap = figure_id(title) + "-t"
    svg = to_svg(fig, title).replace("<svg ", f'<svg role="img" aria-labelledby="{cap}" ', 1)
    return (
        f'<figure class="bwk-chart"><figcaption id="{cap}">{esc(title)}</figcaption>{svg}</figure>'
    )


@cached
def hbar(
    values: pd.Series,
    labels: list[str],
    title: str,
    xlabel: str,
    colours=None,
    annotate=format_int,
    shares: pd.Series | None = None,
) -> str:
    """Horizontal bars, largest on top in the given order, each labelled with its value (and share)."""
    n = len(values)
    fig, ax = new_figure(0.5 * n + 1.0)
    y = list(range(n))[::-1]
    chartlayout.bars(ax, y, list(values), color=colours or BLUE)
    chartlayout.category_labels(ax, y, [wrap(lbl) for lbl in labels])
    ax.set_xlabel(xlabel)
    top = max([float(v) for v in values] + [1])
    for yi, (k, v) in zip(y, values.items(), strict=True):
        text = annotate(v) + (f" ({format_percent(shares[k])})" if shares is not None else "")
        ax.text(float(v) + top * 0.02, yi, text, va="center", fontsize=SMALL)
    ax.set_xlim(0, top * 1.1)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
    if annotate is format_eur:
        ax.xaxis.set_major_formatter(EURO_TICKS)
    lay_out(fig, ax)
    return to_html(fig, title)


@cached
def achievement_chart(scores: pd.DataFrame, bands: pd.DataFrame, title: str) -> str:
    """Achievement (result / target) per scored indicator, bars in the legend's band colours."""
    scored = scores[scores.achievement.notna()]
    colour = dict(zip(bands.band, bands.colour, strict=True))
    n = len(scored)
    labels = [wrap(lbl) for lbl in scored.label.str.split(":").str[0]]
    lines = sum(lbl.count("\n") + 1 for lbl in labels)
    fig, ax = new_figure(0.3 * lines + 0.2 * n + 1.0)
    y = list(range(n))[::-1]
    values = [min(a * 100, 300) for a in scored.achievement]
    chartlayout.bars(
        ax, y, values, color=[colour[b] for b in scored.band], edgecolor="#333333", linewidth=0.4
    )
    chartlayout.category_labels(ax, y, labels)
    for yi, a in zip(y, scored.achievement, strict=True):
        ax.text(min(a * 100, 300) + 4, yi, format_percent(a), va="center", fontsize=SMALL)
    for x in (80, 120):
        ax.axvline(x, color="#555555", linestyle=":", linewidth=1)
    ax.axvline(100, color="#222222", linewidth=1)
    ax.set_xlim(0, 340)
    ax.set_xticks([0, 100, 200, 300], ["0%", "100%", "200%", "300%"])
    ax.set_xlabel("Realisatie in % van de streefwaarde\n(max. 300%)")
    lay_out(fig, ax)
    return to_html(fig, title)


@cached
def stacked_by_location(
    wide: pd.DataFrame, labels: list[str], names: list[str], title: str, xlabel: str
) -> str:
    """Horizontal bars per category, stacked by location, with the total at the end of each bar."""
    n = len(wide)
    fig, ax = new_figure(0.55 * n + 1.2 + 0.3 * len(names))
    y = list(range(n))[::-1]
    left = [0.0] * n
    for i, (loc, name) in enumerate(zip(wide.columns, names, strict=True)):
        vals = [float(v) for v in wide[loc]]
        chartlayout.bars(ax, y, vals, left=left, color=PALETTE[i % len(PALETTE)], label=name)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    top = max(left + [1])
    for yi, total in zip(y, left, strict=True):
        ax.text(total + top * 0.02, yi, format_int(total), va="center", fontsize=SMALL)
    chartlayout.category_labels(ax, y, [wrap(lbl) for lbl in labels])
    ax.set_xlim(0, top * 1.1)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
    ax.set_xlabel(xlabel)
    # The legend goes under the chart, where it never covers a bar.
    fig.legend(loc="lower center", frameon=False, ncols=min(2, len(names)), fontsize=SMALL)
    lay_out(fig, ax)
    return to_html(fig, title)


@cached
def budget_actual_chart(table: pd.DataFrame, title: str) -> str:
    """Budget against actual per finance line (grouped horizontal bars, euros)."""
    n = len(table)
    labels = [wrap(lbl) for lbl in table.chart_label]
    fig, ax = new_figure(0.6 * n + 1.5)
    y = list(range(n))[::-1]
    chartlayout.bars(
        ax, [v + 0.2 for v in y], list(table.budget), height=0.4, color=GREY, label="Begroting"
    )
    chartlayout.bars(
        ax, [v - 0.2 for v in y], list(table.actual), height=0.4, color=BLUE, label="Realisatie"
    )
    chartlayout.category_labels(ax, y, labels)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
    ax.xaxis.set_major_formatter(EURO_TICKS)
    ax.set_xlabel("Bedrag in euro's")
    fig.legend(loc="lower center", frameon=False, ncols=2)
    lay_out(fig, ax)
    return to_html(fig, title)


@cached
def small_multiples(wide: pd.DataFrame, labels: list[str], names: list[str], title: str) -> str:
    """One small bar chart per row of `wide` (a measure), bars per location, total in its title.

    Each measure is a figure of its own; the page sets them in a grid (one column on a phone).
    """
    figures = []
    for i in range(len(wide)):
        vals = [float(v) for v in wide.iloc[i]]
        fig, ax = new_figure(0.45 * len(vals) + 1.0)
        y = list(range(len(vals)))[::-1]
        chartlayout.bars(ax, y, vals, color=PALETTE[: len(vals)])
        chartlayout.category_labels(ax, y, [wrap(n, 18) for n in names])
        for yi, v in zip(y, vals, strict=True):
            ax.text(v + max(vals + [1]) * 0.02, yi, format_int(v), va="center", fontsize=SMALL)
        ax.set_xlim(0, max(vals + [1]) * 1.1)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3, integer=True))
        lay_out(fig, ax)
        figures.append(to_html(fig, f"{labels[i]} (totaal {format_int(sum(vals))})"))
    return grid(title, figures)


def grid(title: str, figures: list[str]) -> str:
    """Several figures under one heading, set side by side where the page is wide enough."""
    return (
        f'<div class="bwk-charts" role="group" aria-label="{esc(title)}">'
        f'<p class="bwk-charts-title">{esc(title)}</p>{"".join(figures)}</div>'
    )


@cached
def trend_chart(values: pd.DataFrame, labels: list[str], years: list[int], title: str) -> str:
    """Lines over the years, one per figure; unknown years are gaps, not zeros."""
    fig, ax = new_figure(3.2 + 0.3 * len(labels))
    for i, (label, (_, row)) in enumerate(zip(labels, values.iterrows(), strict=True)):
        ax.plot(
            years,
            [float(v) for v in row],
            marker="o",
            color=PALETTE[i % len(PALETTE)],
            label=wrap(label, 30),
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel("Jaar")
    ax.set_ylabel("Aantal")
    ax.yaxis.set_major_formatter(DUTCH_TICKS)
    fig.legend(loc="lower center", frameon=False, ncols=1, fontsize=SMALL)
    lay_out(fig, ax)
    return to_html(fig, title)


@cached
def panels(wide: pd.DataFrame, labels: list[str], names: list[str], title: str, xlabel: str) -> str:
    """One horizontal bar chart per location (a column of `wide`), with counts and shares.

    Each location is a figure of its own; the page sets them in a grid (one column on a phone).
    """
    figures = []
    wrapped = [wrap(lbl, 20) for lbl in labels]
    for i in range(wide.shape[1]):
        vals = [float(v) for v in wide.iloc[:, i]]
        total = sum(vals)
        fig, ax = new_figure(0.42 * len(wide) + 1.0)
        y = list(range(len(wide)))[::-1]
        chartlayout.bars(ax, y, vals, color=PALETTE[i % len(PALETTE)])
        chartlayout.category_labels(ax, y, wrapped)
        for yi, v in zip(y, vals, strict=True):
            share = f" ({format_percent(v / total)})" if total else ""
            ax.text(v, yi, f" {format_int(v)}{share}", va="center", fontsize=SMALL)
        ax.set_xlim(0, max(vals + [1]) * 1.1)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3, integer=True))
        ax.set_xlabel(xlabel)
        lay_out(fig, ax)
        figures.append(to_html(fig, f"{names[i]} (totaal {format_int(total)})"))
    return grid(title, figures)
