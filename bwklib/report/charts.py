"""Charts: matplotlib figures embedded in the reports as PNG data URIs (no files, no network).

Each function takes computed figures (never raw data files) and returns an escaped HTML <figure>.
PNG output carries no timestamp or software version, so reruns are byte-identical.
"""

from __future__ import annotations

import base64
import io

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from bwklib.report.formatting import esc, format_eur, format_int, format_percent  # noqa: E402

BLUE = "#2b6a9b"
GREY = "#a9b7c6"
PALETTE = ["#2b6a9b", "#e08a2c", "#4c9a5b", "#8c5fa8", "#c8553d", "#5aa5b8", "#8a8a3b", "#b36b8f"]
plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "bwk",
        "text.parse_math": False,  # a label from the data such as "$5 op $10" is text, not mathtext
    }
)


DUTCH_TICKS = matplotlib.ticker.FuncFormatter(lambda v, _: format_int(v))


CHAR_WIDTH_IN = 0.085  # average width of a 10 pt DejaVu Sans character, in inches


def fit_margins(fig, labels: list[str], fontsize: float = 10) -> None:
    """Leave room for the longest y label, the title and the x label, without a layout engine.

    A fixed layout draws the figure once; constrained or tight layouts draw it twice.
    """
    width, height = fig.get_size_inches()
    for ax in fig.axes:  # a long title starts at the figure's edge, not the axes'
        title = ax.get_title(loc="left")
        if title:
            ax.set_title("", loc="left")
            fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=12)
    longest = max((len(str(lbl)) for lbl in labels), default=0)
    left = min(0.6, (CHAR_WIDTH_IN * fontsize / 10 * longest + 0.3) / width)
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.45 / height, bottom=0.6 / height)


def to_html(fig, alt: str) -> str:
    """Render a figure as an embedded PNG inside a <figure>, and close it.

    Numeric x axes get Dutch thousands separators; the title doubles as the alt text.
    """
    for ax in fig.axes:
        if isinstance(ax.xaxis.get_major_formatter(), matplotlib.ticker.ScalarFormatter):
            ax.xaxis.set_major_formatter(DUTCH_TICKS)
    buf = io.BytesIO()
    fig.savefig(
        buf, format="png", dpi=110, metadata={"Software": None}
    )  # no bbox_inches="tight": one draw
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<figure class="bwk-chart"><img src="data:image/png;base64,{data}" alt="{esc(alt)}"></figure>'


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
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * n + 1.2))
    y = list(range(n))[::-1]
    ax.barh(y, list(values), color=colours or BLUE)
    ax.set_yticks(y, labels)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    top = max([float(v) for v in values] + [1])
    for yi, (k, v) in zip(y, values.items(), strict=True):
        text = annotate(v) + (f" ({format_percent(shares[k])})" if shares is not None else "")
        ax.text(float(v) + top * 0.01, yi, text, va="center", fontsize=9)
    ax.set_xlim(0, top * 1.22)
    fit_margins(fig, labels)
    return to_html(fig, title)


def achievement_chart(scores: pd.DataFrame, bands: pd.DataFrame, title: str) -> str:
    """Achievement (result / target) per scored indicator, bars in the legend's band colours."""
    scored = scores[scores.achievement.notna()]
    colour = dict(zip(bands.band, bands.colour, strict=True))
    n = len(scored)
    fig, ax = plt.subplots(figsize=(7.5, 0.4 * n + 1.4))
    y = list(range(n))[::-1]
    values = [min(a * 100, 300) for a in scored.achievement]
    ax.barh(y, values, color=[colour[b] for b in scored.band], edgecolor="#333333", linewidth=0.4)
    labels = [
        lbl if len(lbl) <= 38 else lbl[:36] + "…" for lbl in scored.label.str.split(":").str[0]
    ]
    ax.set_yticks(y, labels)
    for yi, a in zip(y, scored.achievement, strict=True):
        ax.text(min(a * 100, 300) + 3, yi, format_percent(a), va="center", fontsize=9)
    for x in (80, 120):
        ax.axvline(x, color="#555555", linestyle=":", linewidth=1)
    ax.axvline(100, color="#222222", linewidth=1)
    ax.set_xlim(0, 340)
    ax.set_xlabel("Realisatie in % van de streefwaarde (max. 300%)")
    ax.set_title(title, loc="left")
    fit_margins(fig, labels)
    return to_html(fig, title)


def stacked_by_location(
    wide: pd.DataFrame, labels: list[str], names: list[str], title: str, xlabel: str
) -> str:
    """Horizontal bars per category, stacked by location, with the total at the end of each bar."""
    n = len(wide)
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * n + 1.6))
    y = list(range(n))[::-1]
    left = [0.0] * n
    for i, (loc, name) in enumerate(zip(wide.columns, names, strict=True)):
        vals = [float(v) for v in wide[loc]]
        ax.barh(y, vals, left=left, color=PALETTE[i % len(PALETTE)], label=name)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    top = max(left + [1])
    for yi, total in zip(y, left, strict=True):
        ax.text(total + top * 0.01, yi, format_int(total), va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, top * 1.15)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    fit_margins(fig, labels)
    return to_html(fig, title)


def budget_actual_chart(table: pd.DataFrame, title: str) -> str:
    """Budget against actual per finance line (grouped horizontal bars, euros)."""
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.4))
    y = list(range(n))[::-1]
    ax.barh([v + 0.2 for v in y], list(table.budget), height=0.4, color=GREY, label="Begroting")
    ax.barh([v - 0.2 for v in y], list(table.actual), height=0.4, color=BLUE, label="Realisatie")
    ax.set_yticks(y, list(table.chart_label))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: format_eur(v)))
    ax.set_xlabel("Bedrag in euro's")
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right", frameon=False)
    fit_margins(fig, list(table.chart_label))
    return to_html(fig, title)


def small_multiples(wide: pd.DataFrame, labels: list[str], names: list[str], title: str) -> str:
    """One small bar chart per row of `wide` (a measure), bars per location, total in the title."""
    n = len(wide)
    cols = 3
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(
        rows, cols, figsize=(9, 2.6 * rows), squeeze=False, layout="constrained"
    )
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_visible(False)
            continue
        vals = [float(v) for v in wide.iloc[i]]
        ax.bar(range(len(vals)), vals, color=PALETTE[: len(vals)])
        ax.set_xticks(range(len(vals)), names, rotation=20, ha="right", fontsize=8)
        ax.set_title(f"{labels[i]}\nTotaal {format_int(sum(vals))}", fontsize=10)
        ax.set_ylabel("Aantal", fontsize=8)
        for x, v in enumerate(vals):
            ax.text(x, v, format_int(v), ha="center", va="bottom", fontsize=8)
        ax.set_ylim(0, max(vals + [1]) * 1.25)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    fig.suptitle(title, x=0.02, ha="left", fontweight="bold")
    return to_html(fig, title)


def trend_chart(values: pd.DataFrame, labels: list[str], years: list[int], title: str) -> str:
    """Lines over the years, one per figure; unknown years are gaps, not zeros."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
    for i, (label, (_, row)) in enumerate(zip(labels, values.iterrows(), strict=True)):
        ax.plot(
            years, [float(v) for v in row], marker="o", color=PALETTE[i % len(PALETTE)], label=label
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel("Jaar")
    ax.set_ylabel("Aantal")
    ax.set_title(title, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return to_html(fig, title)


def panels(wide: pd.DataFrame, labels: list[str], names: list[str], title: str, xlabel: str) -> str:
    """One small horizontal bar chart per location (a column of `wide`), with counts and shares."""
    n = wide.shape[1]
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(9, 0.28 * len(wide) * rows + 0.9 * rows + 0.6),
        squeeze=False,
        sharey=True,
    )
    y = list(range(len(wide)))[::-1]
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_visible(False)
            continue
        vals = [float(v) for v in wide.iloc[:, i]]
        total = sum(vals)
        ax.barh(y, vals, color=PALETTE[i % len(PALETTE)])
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_title(f"{names[i]} (totaal {format_int(total)})", fontsize=10, loc="left")
        for yi, v in zip(y, vals, strict=True):
            share = f" ({format_percent(v / total)})" if total else ""
            ax.text(v, yi, f" {format_int(v)}{share}", va="center", fontsize=7)
        ax.set_xlim(0, max(vals + [1]) * 1.35)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel(xlabel, fontsize=8)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.subplots_adjust(
        left=0.2, right=0.98, top=1 - 0.5 / fig.get_figheight(), hspace=0.55, wspace=0.15
    )
    return to_html(fig, title)
