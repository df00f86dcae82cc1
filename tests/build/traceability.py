"""Helpers of the traceability tests: the numbers of a report's tables and the exports' values."""

import re
from html.parser import HTMLParser

from bwklib.formulas import restore
from bwklib.report.formatting import (
    format_change,
    format_eur,
    format_figure,
    format_int,
    format_percent,
    format_signed_eur,
)


def shown_forms(figures, scores, checks) -> set[str]:
    """Every way the reports format an exported value."""
    forms = set()
    for r in figures:
        if r["value"] == "":
            continue
        v, unit = float(r["value"]), r["unit"]
        forms |= {format_figure(v, unit), format_change(v, unit)}
        if unit == "eur":
            forms |= {format_eur(v), format_signed_eur(v)}
        if unit == "count":
            forms.add(format_int(v))
    for s in scores:
        result, target = restore(s["result"]), restore(s["target"])  # CSV text, read back
        forms |= {result, target, f"{result} [{target}]"}
        if s["achievement"]:
            forms.add(format_percent(float(s["achievement"])))
    for c in checks:
        for v in (c["reported"], c["recomputed"]):
            try:
                x = float(v)
            except ValueError:
                forms |= {v, f"{v}%"}
                continue
            forms |= {format_int(x), format_eur(x), format_figure(x, "percent")}
    return forms


class Cells(HTMLParser):
    """The texts of the right-aligned (numeric) cells of every table (a band's mark left out)."""

    def __init__(self):
        super().__init__()
        self.cells, self.current, self.nested = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self.current, self.nested = ["num" in (dict(attrs).get("class") or "").split(), ""], 0
        elif tag == "span" and self.current is not None:
            self.nested += 1  # the band's symbol and its name for screen readers

    def handle_endtag(self, tag):
        if tag == "span" and self.current is not None:
            self.nested -= 1
        if tag == "td" and self.current is not None:
            numeric, text = self.current
            if numeric and text.strip() not in ("", "–", "—"):
                self.cells.append(text.strip())
            self.current = None

    def handle_data(self, data):
        if self.current is not None and not self.nested:
            self.current[1] += data


def numeric_cells(html: str) -> list[str]:
    """The texts of the right-aligned cells of every table that hold a number."""
    parser = Cells()
    parser.feed(html)
    return [c for c in parser.cells if re.search(r"\d", c)]
