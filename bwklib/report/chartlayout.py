"""The layout of a chart computed from its text sizes, so that matplotlib draws it once.

Matplotlib's constrained layout draws a figure to learn where its texts end, and a chart whose
annotations must fit beside its bars needs a draw more for each change of the x range: three
draws for one saved chart. For the charts of the reports the layout follows from the sizes of
their texts alone, so `lay_out` computes it directly:

- left: the widest (multi-line) y tick label, the tick and its pad, and a rotated y label if any;
- bottom: the x tick labels, the x label and the legend under the chart;
- top: a small edge, more where the top y tick label reaches above the axes;
- right: a small edge, more where the last x tick label reaches beyond the axes;
- x range: every text beside a bar (`ax.texts`, placed in data coordinates, left aligned) ends
  inside the axes. For a text at x with width w (points) in axes of width W and range lo..hi,
  it ends at (x - lo)·W/(hi - lo) + w, which must stay below W·(1 - pad): so
  hi ≥ lo + (x - lo)·W/(W·(1 - pad) - w).

Texts are measured in points with matplotlib's own metrics, each string once per process: the
larger of the Agg renderer's (on screen, at the figure's resolution) and the SVG renderer's (the
saved chart). Tests check the result with matplotlib's own extents after a full draw.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import textwrap

import matplotlib
import matplotlib.text
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.lines import TICKLEFT, Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

EDGE = 4.0  # points between any text and the edge of the figure
GAP = 2.0  # points between the x label and the legend under it (which has its own pad)
DPI = 100  # the figure's resolution on screen (matplotlib's default): Agg measures at it


MAX_LINES = 6  # of a label beside a bar; 2019's longest (an indicator) has 5


def wrap(label, width: int = 24, lines: int = MAX_LINES) -> str:
    r"""A label broken over lines of about `width` characters, at most `lines` of them.

    Words stay whole up to twice the width; a longer run without spaces (a pasted address, a
    hostile text) is cut into pieces of that length, and a label of more lines ends with "…" on
    its last (the tables show it whole). A chart must keep room for its bars whatever its labels.

    >>> wrap("Koffie en een praatje", 10)
    'Koffie en\neen\npraatje'
    >>> wrap("x" * 30, 10)
    'xxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxx'
    >>> wrap("een " * 20, 10, lines=2)
    'een een\neen een…'
    """
    text = str(label)
    parts = []
    for line in textwrap.wrap(text, width, break_long_words=False) or [text]:
        parts += [line[i : i + 2 * width] for i in range(0, len(line), 2 * width)] or [line]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: 2 * width - 1].rstrip() + "…"
    return "\n".join(parts)


class SVGRenderer(RendererSVG):
    """Matplotlib's SVG renderer, remembering text sizes across charts (and from `measure`).

    Matplotlib keeps text sizes per renderer, and a saved chart has a renderer of its own: every
    label, tick and legend text would be laid out with FreeType again for each chart.
    """

    _sizes: dict = {}

    def get_text_width_height_descent(self, s, prop, ismath):
        """Width, height and descent of a text, as RendererSVG measures it (kept per process)."""
        key = (s, prop.copy(), ismath)  # a copy: FontProperties is mutable, hashed by value
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) > 20000:  # a long-lived kernel: bounded memory
                self._sizes.clear()
            size = self._sizes[key] = super().get_text_width_height_descent(s, prop, ismath)
        return size


class Canvas(FigureCanvasAgg):
    """An Agg canvas (to measure on screen) that saves SVG through `SVGRenderer`."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_ignored):
        """As FigureCanvasSVG.print_svg (matplotlib 3.x), with SVGRenderer.

        savefig passes every canvas its colours and orientation; SVG, as matplotlib's own SVG
        canvas, takes them from the figure (`_ignored`).
        """
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            renderer = MixedModeRenderer(
                self.figure,
                width,
                height,
                dpi,
                SVGRenderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore,
            )
            self.figure.draw(renderer)
            renderer.finalize()


@functools.cache
def _measurers() -> tuple[
    tuple[matplotlib.text.Text, RendererAgg], tuple[matplotlib.text.Text, RendererSVG]
]:
    """Per renderer that matters, a text artist on a scratch figure of its resolution, to measure.

    Agg at the figure's resolution is the renderer matplotlib measures with on screen (and tests
    with); the SVG renderer, at 72 dpi, draws the saved chart. Their metrics differ by hinting, a
    few percent.
    """
    agg = matplotlib.text.Text(0, 0, "", figure=Figure(dpi=DPI))
    svg = matplotlib.text.Text(0, 0, "", figure=Figure(dpi=72))
    return (agg, RendererAgg(8, 8, DPI)), (svg, SVGRenderer(8, 8, io.StringIO()))


@functools.lru_cache(maxsize=4096)
def measure(text: str, size: float, rotation: float = 0.0) -> tuple[float, float]:
    """Width and height in points of a (multi-line) text at a font size, as matplotlib lays it out.

    The larger of Agg's and the SVG renderer's measures. Rotation 90 swaps width and height (a y
    label). The font is the rcParams' font at the first call for the same arguments; charts.py
    sets it once at import.
    """
    width = height = 0.0
    for artist, renderer in _measurers():
        artist.set_text(text)
        artist.set_fontsize(size)
        artist.set_rotation(rotation)
        box = artist.get_window_extent(renderer)
        scale = 72 / artist.get_figure(root=True).dpi
        width, height = max(width, box.width * scale), max(height, box.height * scale)
    return width, height


class CategoryLabel(matplotlib.text.Text):
    """A label of a bar left of the axes, as a y tick label looks (not one of `ax.texts`' notes)."""


def category_labels(ax, y: list[float], labels: list[str]) -> None:
    """Label bars at heights `y` left of the axes, each with a tick mark: y ticks, drawn cheaper.

    Matplotlib's ticks are five artists each, made and laid out anew per chart; these are one text
    per bar and one line of tick marks, with the same rcParams (size, pad, alignment, colour).
    """
    rc = matplotlib.rcParams
    fig = ax.get_figure(root=True)
    ax.set_yticks([])
    axes_x = ax.get_yaxis_transform()  # x in axes fractions, y in data
    shift = ScaledTranslation(-_tick_space("ytick") / 72, 0, fig.dpi_scale_trans)
    for yi, label in zip(y, labels, strict=True):
        ax.add_artist(
            CategoryLabel(
                0,
                yi,
                label,
                ha="right",
                va=rc["ytick.alignment"],
                fontsize=rc["ytick.labelsize"],
                color=rc["ytick.labelcolor"]
                if rc["ytick.labelcolor"] != "inherit"
                else rc["ytick.color"],
                transform=axes_x + shift,
            )
        )
    ticks = Line2D(
        [0] * len(y),
        y,
        transform=axes_x,
        marker=TICKLEFT,
        markersize=rc["ytick.major.size"],
        markeredgewidth=rc["ytick.major.width"],
        color=rc["ytick.color"],
        linestyle="none",
        clip_on=False,
        zorder=2.01,  # as matplotlib's ticks: over the bars
    )
    ax.add_line(ticks)


def bars(ax, y, widths, *, left=None, height: float = 0.8, color=None, label=None, **style):
    """Horizontal bars as `ax.barh` draws them (one Rectangle each), with one data-limit update.

    `barh` updates the axes' data limits per bar through a general (and slow) transform; these
    bars are in data coordinates, so their extent is added once. Colours: one, or a list, repeated.
    The first bar carries the legend label.
    """
    n = len(widths)
    lefts = [0.0] * n if left is None else [float(v) for v in left]
    palette = list(color) if isinstance(color, list | tuple) and color else [color]
    colours = list(itertools.islice(itertools.cycle(palette), n))
    corners = []
    for i, (yi, w, x0, c) in enumerate(zip(y, widths, lefts, colours, strict=True)):
        w = float(w)
        rect = Rectangle(
            (x0, yi - height / 2),
            w,
            height,
            facecolor=c,
            label=label if i == 0 and label else "_nolegend_",
            **style,
        )
        rect.sticky_edges.x.append(x0)  # as barh: the range starts at the bars' base, no margin
        ax.add_artist(rect)
        corners += [(x0, yi - height / 2), (x0 + w, yi + height / 2)]
    if corners:
        ax.update_datalim(corners)
        ax.autoscale_view()


def legend_size(legend) -> tuple[float, float]:
    """Width and height in points of a legend (the larger of both renderers' measures)."""
    fig = legend.get_figure(root=True)
    (_, agg), (_, svg) = _measurers()
    a = legend.get_window_extent(agg)
    with cbook._setattr_cm(fig, dpi=72):  # as when saved
        b = legend.get_window_extent(svg)
    scale = 72 / fig.dpi
    return max(a.width * scale, b.width), max(a.height * scale, b.height)


def tick_labels(axis) -> tuple[list[float], list[str], float]:
    """The positions and texts of an axis' major tick labels inside its view, and their size."""
    lo, hi = sorted(axis.get_view_interval())
    eps = (hi - lo) * 1e-10
    locs = [float(v) for v in axis.get_majorticklocs() if lo - eps <= v <= hi + eps]
    texts = axis.get_major_formatter().format_ticks(locs)
    # The labels' size as matplotlib's get_tick_space reads it, without making a Tick (costly).
    size = axis._get_tick_label_size(axis.axis_name) if locs else 0.0
    return locs, [t for t in texts], size


def _tick_space(axis_name: str) -> float:
    """Points from the axes' edge to the near side of its tick labels (tick length and pad)."""
    rc = matplotlib.rcParams
    return rc[f"{axis_name}.major.size"] + rc[f"{axis_name}.major.pad"]


def lay_out(fig, ax, pad: float = 0.02) -> None:
    """Place the axes (and the legend under it) so that every text fits; widen the x range.

    Parameters
    ----------
    fig, ax
        A figure with one axes, drawn with fixed texts: tick formatters, labels, annotations and
        at most one figure legend are set before the call.
    pad
        Room left free right of the widest annotation, as a fraction of the axes' width.

    Raises
    ------
    ValueError
        If an annotation is wider than the axes can ever hold (a figure far too narrow).
    """
    fw, fh = fig.get_size_inches() * 72  # points
    # The legend (matplotlib allows several, these charts have one at most) under the chart.
    under = sum(fit_legend(fig, legend) for legend in fig.legends)
    _place(fig, ax, fw, fh, pad, under)
    sized = [
        a for a in (ax.xaxis, ax.yaxis) if getattr(a.get_major_locator(), "_nbins", 0) == "auto"
    ]
    for _ in range(2 if sized else 0):  # automatic ticks depend on the axes' size: again if changed
        ticks = [tick_labels(a)[1] for a in sized]
        _place(fig, ax, fw, fh, pad, under)
        if [tick_labels(a)[1] for a in sized] == ticks:
            return


def fit_legend(fig, legend) -> float:
    """Place a legend at the bottom centre, as wide as the figure at most: one column, else wrapped
    labels. Returns the height in points it takes from the bottom (its own pad under it included).
    """
    room = fig.get_size_inches()[0] * 72 - 2 * EDGE
    legend.set_bbox_to_anchor((0.5, 0.0), transform=fig.transFigure)
    size = legend_size(legend)
    if size[0] > room:
        legend.set_ncols(1)
        texts = legend.get_texts()
        lines = [t.get_text().replace("\n", " ") for t in texts]
        for chars in (30, 24, 18, 12, 8):
            size = legend_size(legend)
            if size[0] <= room:
                break
            for t, line in zip(texts, lines, strict=True):
                t.set_text(textwrap.fill(line, chars, break_long_words=False) or line)
        size = legend_size(legend)
    return legend.borderaxespad * legend._fontsize + size[1]


def thin_ticks(axis, lo: float, hi: float, length: float) -> None:
    """Fewer ticks where an automatic locator's labels would touch (long numbers, narrow axes)."""
    locator = axis.get_major_locator()
    if not isinstance(locator, MaxNLocator):
        return
    for _ in range(8):
        locs, texts, size = tick_labels(axis)
        ends = [
            ((x - lo) / (hi - lo) * length - w / 2, (x - lo) / (hi - lo) * length + w / 2)
            for x, t in zip(locs, texts, strict=True)
            for w in [measure(t, size)[0]]
        ]
        if all(b[0] - a[1] >= size / 2 for a, b in itertools.pairwise(ends)) or len(locs) <= 2:
            return
        locator.set_params(nbins=max(1, len(locs) - 2))


def _place(fig, ax, fw: float, fh: float, pad: float, under: float) -> None:
    """One pass of `lay_out`: margins from the current tick labels, the x range, the position.

    `under` is the height of the legend under the chart (points; 0 without one).
    """
    # Bottom, from the figure's edge up: legend, x label, x tick labels.
    bottom = under + GAP if under else EDGE
    xlabel = ax.xaxis.label
    xlabel_w = 0.0
    if xlabel.get_text():
        xlabel_w, h = measure(xlabel.get_text(), xlabel.get_fontsize())
        bottom += h + ax.xaxis.labelpad
    locs, texts, size = tick_labels(ax.xaxis)
    bottom += max((measure(t, size)[1] for t in texts), default=0.0) + _tick_space("xtick")

    # Left: y tick labels (widest line), y label (rotated).
    ylocs, ytexts, ysize = tick_labels(ax.yaxis)
    yboxes = [measure(t, ysize) for t in ytexts]
    for label in ax.texts:
        if isinstance(label, CategoryLabel):
            ylocs.append(float(label.get_position()[1]))
            yboxes.append(measure(label.get_text(), label.get_fontsize()))
    left = EDGE + _tick_space("ytick") + max((w for w, _ in yboxes), default=0.0)
    ylabel = ax.yaxis.label
    if ylabel.get_text():
        left += ax.yaxis.labelpad + measure(ylabel.get_text(), ylabel.get_fontsize(), 90)[0]

    # Top and bottom: y tick labels are centred on their ticks and may reach beyond the axes.
    y0, y1 = ax.get_ylim()
    top = EDGE
    for _ in range(2):
        height = fh - bottom - top
        for y, (_, h) in zip(ylocs, yboxes, strict=True):
            below = (y - y0) / (y1 - y0) * height  # the tick's distance above the axes' bottom
            if h / 2 > below:  # reaches under the axes, into the x tick labels: lower the range
                y0 = (y * height - h / 2 * y1) / (height - h / 2)
        for y, (_, h) in zip(ylocs, yboxes, strict=True):
            f = (y - y0) / (y1 - y0)
            if f > 0:  # the label's top reaches above the axes by h/2 - (1 - f)·height
                top = max(top, (EDGE + h / 2 - (1 - f) * (fh - bottom)) / f)
    ax.set_ylim(y0, y1)
    height = fh - bottom - top

    # Right and x range: annotations inside the axes, the last x tick label inside the figure.
    lo, hi = ax.get_xlim()
    notes = [
        (float(t.get_position()[0]), measure(t.get_text(), t.get_fontsize())[0])
        for t in ax.texts
        if t.get_visible() and t.get_text() and not isinstance(t, CategoryLabel)
    ]
    # The x label is centred under the axes: (fw + left - right) / 2 ± xlabel_w / 2 in the figure.
    least = max(EDGE, left + xlabel_w + 2 * EDGE - fw)
    right = least
    for _ in range(4):
        width = fw - left - right
        room = width * (1 - pad)
        for x, w in notes:
            if w >= room:  # fits at no range (labels left the axes little room): it may reach
                continue  # past the axes; a report is never refused for the length of a text
            hi = max(hi, lo + (x - lo) * width / (room - w))
        ax.set_xlim(lo, hi)
        thin_ticks(ax.xaxis, lo, hi, width)
        locs, texts, size = tick_labels(ax.xaxis)
        over = max(
            (
                (x - lo) / (hi - lo) * width + measure(t, size)[0] / 2 - width
                for x, t in zip(locs, texts, strict=True)
            ),
            default=0.0,
        )
        needed = max(least, EDGE + over)
        if needed <= right:
            break
        right = needed
    ax.set_position([left / fw, bottom / fh, (fw - left - right) / fw, height / fh])
