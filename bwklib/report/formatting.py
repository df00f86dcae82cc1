"""Formatting: numbers the Dutch way and escaped HTML tables, styled from one stylesheet.

Every piece of text that comes from data passes through html.escape here; notebooks never build
HTML themselves. Tables are plain HTML (no pandas Styler) so ids are stable and output is byte-identical.
"""

from __future__ import annotations

import hashlib
import html
import math
from decimal import ROUND_HALF_UP, Decimal

DASH = "–"


def round_half_up(value: float, digits: int = 0) -> Decimal:
    """Round the way the report does (0.5 up), not Python's banker's rounding.

    >>> round_half_up(2.5), round(2.5)
    (Decimal('3'), 2)
    >>> round_half_up(2.675, 2)  # the decimal the reader sees, not the binary float below it
    Decimal('2.68')
    """
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def is_missing(value) -> bool:
    """None or NaN.

    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_int(value) -> str:
    """A whole number with a dot per thousand; missing is a dash.

    >>> format_int(1085)
    '1.085'
    >>> format_int(1234567.5)
    '1.234.568'
    >>> format_int(None)
    '–'
    """
    if is_missing(value):
        return DASH
    n = int(round_half_up(float(value)))
    return f"{n:,}".replace(",", ".")


def format_eur(value) -> str:
    """Whole euros the Dutch way.

    >>> format_eur(3181)
    '€ 3.181'
    >>> format_eur(-3181)
    '€ -3.181'
    """
    if is_missing(value):
        return DASH
    return f"€ {format_int(value)}"


def format_percent(fraction) -> str:
    """A fraction as a whole percentage.

    >>> format_percent(0.3342)
    '33%'
    >>> format_percent(0.125)  # half up
    '13%'
    """
    if is_missing(fraction):
        return DASH
    return f"{round_half_up(float(fraction) * 100)}%"


def format_signed_eur(value) -> str:
    """A variance with an explicit sign.

    >>> format_signed_eur(1193), format_signed_eur(-3181), format_signed_eur(0)
    ('€ +1.193', '€ -3.181', '€ 0')
    """
    if is_missing(value):
        return DASH
    return f"€ +{format_int(value)}" if value > 0 else format_eur(value)


def format_figure(value, unit: str, missing: str = DASH) -> str:
    """A figure in its unit (figures.csv and published.csv units), the Dutch way.

    ``fraction`` shows as a whole percentage, ``percent`` as printed (one decimal when not whole),
    ``eur`` as money, anything else as a whole number.

    >>> format_figure(0.3342, "fraction"), format_figure(12.5, "percent"), format_figure(40.0, "percent")
    ('33%', '12,5%', '40%')
    >>> format_figure(370245, "eur"), format_figure(1942, "aantal"), format_figure(None, "eur")
    ('€ 370.245', '1.942', '–')
    """
    if is_missing(value):
        return missing
    if unit == "fraction":
        return format_percent(value)
    if unit == "percent":
        return f"{value:.1f}%".replace(".", ",") if value != int(value) else f"{int(value)}%"
    return format_eur(value) if unit == "eur" else format_int(value)


def format_change(value, unit: str) -> str:
    """A change with an explicit sign; shares change in percentage points.

    >>> format_change(0.02, "fraction"), format_change(1193, "eur")
    ('+2 procentpunt', '€ +1.193')
    >>> format_change(10, "aantal"), format_change(-1085, "aantal"), format_change(0, "aantal")
    ('+10', '-1.085', '0')
    """
    if is_missing(value):
        return DASH
    if unit == "fraction":
        return f"{int(round_half_up(value * 100)):+d} procentpunt"
    if unit == "eur":
        return format_signed_eur(value)  # € +1.193 / € -3.181, as everywhere else
    return ("+" if value > 0 else "-" if value < 0 else "") + format_int(abs(value))


def esc(text) -> str:
    """Escape any value for HTML text and attributes (missing becomes empty).

    >>> esc('<b title="x">'), esc(None)
    ('&lt;b title=&quot;x&quot;&gt;', '')
    """
    return html.escape("" if is_missing(text) else str(text), quote=True)


def cell(text, cls: str = "", tag: str = "td", title: str = "", label: str = "", mark=None) -> str:
    """One escaped table cell with an optional CSS class.

    `label` (a column heading) becomes data-label, which a phone shows beside the value when
    the table is stacked into cards (`html_table` gives its cells their labels once per table
    instead, in `card_labels`); `mark` is a band's (symbol, name), shown beside the value so the
    band never rests on colour alone.

    >>> cell("a < b", "num")
    '<td class="num">a &lt; b</td>'
    """
    attrs = f' class="{esc(cls)}"' if cls else ""
    attrs += f' title="{esc(title)}"' if title else ""
    attrs += f' data-label="{esc(label)}"' if label else ""
    shown = esc(text)
    if mark:
        symbol, name = mark
        shown += (
            f' <span class="mark" aria-hidden="true">{esc(symbol)}</span>'
            f'<span class="sr-only"> ({esc(name)})</span>'
        )
    return f"<{tag}{attrs}>{shown}</{tag}>"


def css_string(text: str) -> str:
    r"""Text as a quoted CSS string: anything but letters, digits and spaces as a hex escape, so
    that no text can end the string or the <style> element around it.

    >>> print(css_string('a "b" <c>'))
    "a \22 b\22  \3c c\3e "
    """
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def card_labels(header: list[str]) -> tuple[str, str]:
    """A table's class and its <style>: on a phone (cards) each value shows its column heading.

    One rule per column instead of the heading repeated in every cell; tables with the same
    headings share the class (and identical rules).
    """
    name = "t" + hashlib.sha256("\x1f".join(header).encode("utf-8")).hexdigest()[:8]
    rules = "".join(
        f".{name} td:nth-child({i + 1})::before{{content:{css_string(h)}}}"
        for i, h in enumerate(header)
        if i and h
    )
    if not rules:
        return "", ""
    return name, f"<style>@media (max-width:40rem){{{rules}}}</style>"


def band_marks(bands) -> dict[str, tuple[str, str]]:
    """CSS class -> (symbol, label) of every band of the legend (bands.csv)."""
    return {f"band-{b.band}": (b.symbol, b.label) for b in bands.itertuples()}


def html_table(
    header: list[str],
    rows: list[list],
    classes: list[list[str]] | None = None,
    caption: str = "",
    numeric: set[int] = frozenset(),
    css: str = "bwk-table",
    marks: dict[str, tuple[str, str]] | None = None,
) -> str:
    """An escaped HTML table.

    Parameters
    ----------
    header : list of str
        Column headings (Dutch).
    rows : list of list
        Cell texts, already formatted.
    classes : list of list of str, optional
        A CSS class per cell (e.g. the band of a result), same shape as rows.
    caption : str
        Table caption.
    numeric : set of int
        Indices of right-aligned numeric columns.
    marks : dict, optional
        CSS class -> (symbol, name) (see `band_marks`): a cell of that class also shows the symbol.
    """
    head = "".join(cell(h, "num" if i in numeric else "", "th") for i, h in enumerate(header))
    marks = marks or {}
    body = []
    for r, row in enumerate(rows):
        cls_row = classes[r] if classes else [""] * len(row)
        tds = []
        for i, value in enumerate(row):
            cls = " ".join(c for c in (cls_row[i], "num" if i in numeric else "") if c)
            tds.append(cell(value, cls, mark=marks.get(cls_row[i])))
        body.append("<tr>" + "".join(tds) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    # The wrapper scrolls a table wider than the page inside its own box (focusable, so the
    # keyboard can scroll it too); on a phone the table is stacked into cards instead.
    name = esc(caption or header[0] or "Tabel")
    labels, style = card_labels([str(h) for h in header])
    return (
        f'<div class="bwk-scroll" tabindex="0" role="region" aria-label="{name}">{style}'
        f'<table class="{esc(" ".join(c for c in (css, labels) if c))}">'
        f"{cap}<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def stylesheet(bands) -> str:
    """The band colours of the legend (bands.csv) as CSS; the rest of the look is bwk.css.

    Rules are scoped under `.bwk`, so they apply inside any page (a report, the index, Jupyter).
    """
    band_rules = "\n".join(
        f".bwk .band-{b.band}, .bwk .bwk-table td.band-{b.band} "
        f"{{ background: {b.colour}; color: {b.text_colour}; }}"
        for b in bands.itertuples()
    )
    return f"<style>\n{band_rules}\n</style>"
