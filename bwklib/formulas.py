"""Text that a spreadsheet would take for a formula, made harmless (OWASP CSV injection).

Excel and LibreOffice evaluate a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula, also when it comes from a CSV file: `=HYPERLINK(...)` becomes a link,
`=cmd|' /C calc'!A0` asks to start a program. Every CSV file bwk writes passes its text cells through
`neutralise`, which puts a single quote in front of such text; a plain number (`-3`, `0.25`) stays
as it is. `restore` undoes it when bwk reads its own CSV files back, so the round trip
new-year -> workbook -> import -> reports keeps the text exactly.

The rule is a bijection: text that already starts with a quote followed by text that needs one
(`'=x`) gets a second quote, so `restore(neutralise(t)) == t` for every t, and text such as
`'s-Hertogenbosch` is left alone both ways.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?(e[+-]?\d+)?", re.IGNORECASE)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could evaluate this text: it starts (after spaces) with = + - @ tab or CR.

    A plain number such as -3 or -0.25 is not a formula: it stays a number.

    >>> looks_like_formula("=1+1"), looks_like_formula("-2+3"), looks_like_formula("-3")
    (True, True, False)
    """
    start = text.lstrip(" ")
    return start.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text)


def needs_quote(text: str) -> bool:
    """Whether `neutralise` puts a quote in front: formula-like text, or a quote before such text."""
    if looks_like_formula(text):
        return True
    return text.startswith(QUOTE) and needs_quote(text[1:])


def neutralise(value: object) -> object:
    """A cell for a CSV file: text a spreadsheet would evaluate gets a leading single quote.

    Anything that is not a str (a number, None) is returned unchanged.

    >>> neutralise('=HYPERLINK("http://x","klik")')
    '\\'=HYPERLINK("http://x","klik")'
    >>> neutralise("-3"), neutralise(-3), neutralise("Ondiep")
    ('-3', -3, 'Ondiep')
    """
    if isinstance(value, str) and needs_quote(value):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """Undo `neutralise` on a text cell read from a CSV file bwk wrote.

    >>> restore("'=SUM(A1)"), restore("'s-Hertogenbosch")
    ('=SUM(A1)', "'s-Hertogenbosch")
    """
    if text.startswith(QUOTE) and needs_quote(text[1:]):
        return text[1:]
    return text
