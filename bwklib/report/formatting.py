"""Formatting: numbers the Dutch way and escaped HTML tables, styled from one stylesheet.

Every piece of text that comes from data passes through html.escape here; notebooks never build
HTML themselves. Tables are plain HTML (no pandas Styler) so ids are stable and output is byte-identical.
"""

from __future__ import annotations

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


def cell(text, cls: str = "", tag: str = "td", title: str = "") -> str:
    """One escaped table cell with an optional CSS class.

    >>> cell("a < b", "num")
    '<td class="num">a &lt; b</td>'
    """
    attrs = f' class="{esc(cls)}"' if cls else ""
    attrs += f' title="{esc(title)}"' if title else ""
    return f"<{tag}{attrs}>{esc(text)}</{tag}>"


def html_table(
    header: list[str],
    rows: list[list],
    classes: list[list[str]] | None = None,
    caption: str = "",
    numeric: set[int] = frozenset(),
    css: str = "bwk-table",
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
    """
    head = "".join(cell(h, "num" if i in numeric else "", "th") for i, h in enumerate(header))
    body = []
    for r, row in enumerate(rows):
        cls_row = classes[r] if classes else [""] * len(row)
        tds = []
        for i, value in enumerate(row):
            cls = " ".join(c for c in (cls_row[i], "num" if i in numeric else "") if c)
            tds.append(cell(value, cls))
        body.append("<tr>" + "".join(tds) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    # The wrapper scrolls a wide table inside its own box, so the page never scrolls sideways.
    return (
        f'<div class="bwk-scroll"><table class="{esc(css)}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def stylesheet(bands) -> str:
    """The one stylesheet of every report: fonts, tables, band colours (from bands.csv), print rules.

    Rules are scoped under `.bwk` with enough specificity to win over the notebook theme's table CSS.
    """
    band_rules = "\n".join(
        f".bwk .band-{b.band}, .bwk .bwk-table td.band-{b.band} "
        f"{{ background: {b.colour}; color: {b.text_colour}; }}"
        for b in bands.itertuples()
    )
    return f"""<style>
.bwk {{ font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 15px;
        line-height: 1.45; color: #1d2733; max-width: 72rem; }}
.bwk h1 {{ font-size: 1.9rem; margin: 0.2rem 0 0.4rem; color: #123b5e; }}
.bwk .subtitle {{ color: #4a5b6c; margin-bottom: 1rem; }}
.bwk table.bwk-table {{ border-collapse: collapse; margin: 0.6rem 0 1.2rem; width: 100%;
        table-layout: auto; font-size: 14px; }}
.bwk .bwk-scroll {{ overflow-x: auto; max-width: 100%; }}
.bwk .bwk-table caption {{ text-align: left; font-weight: 600; padding: 0.3rem 0; }}
.bwk .bwk-table th, .bwk .bwk-table td {{ border: none; border-bottom: 1px solid #d5dde5;
        padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; line-height: 1.35; }}
.bwk .bwk-table tbody tr {{ background: #ffffff; }}
.bwk .bwk-table th {{ background: #eef3f7; font-weight: 600; }}
.bwk .bwk-table td:first-child {{ min-width: 14rem; }}
.bwk .bwk-table .num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.bwk .bwk-table td.total {{ font-weight: 700; border-top: 2px solid #7a8b9c; }}
.bwk .bwk-table td.section {{ background: #e3eaf1; font-weight: 700; color: #123b5e; }}
.bwk .bwk-table td.unscored {{ background: #eeeeee; color: #333333; }}
.bwk .notice {{ border-left: 4px solid #ff9f1c; background: #fff7ea; padding: 0.7rem 1rem; }}
.bwk .legend span {{ display: inline-block; padding: 0.15rem 0.5rem; margin: 0 0.3rem 0.3rem 0;
        border-radius: 3px; }}
.bwk figure {{ margin: 0.5rem 0 1.5rem; }}
.bwk img {{ max-width: 100%; height: auto; }}
.bwk small {{ color: #4a5b6c; }}
{band_rules}
@media (max-width: 40rem) {{ .bwk {{ font-size: 14px; }} .bwk table.bwk-table {{ font-size: 12px; }}
        .bwk .bwk-table td:first-child {{ min-width: 8rem; }} }}
@media print {{ .bwk table.bwk-table tr, .bwk figure {{ page-break-inside: avoid; break-inside: avoid; }}
        .bwk h2 {{ page-break-after: avoid; break-after: avoid; }} }}
</style>"""
