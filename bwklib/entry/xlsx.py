"""Reading an .xlsx file: opened safely, only the cells it holds, formulas without a saved value.

A workbook comes from the analyst's spreadsheet program, or from a converter: it may be damaged,
may carry a stray cell at XFD1048576, or formulas whose value was never calculated. These functions
turn each of those into a Problem or a bounded amount of work.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from bwklib.entry.sheets import BOOLEAN_WORDS
from bwklib.errors import Problem, display

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
UNCACHED = (
    "verwacht een waarde; deze cel heeft een formule zonder berekende waarde (de werkmap is niet in Excel "
    "of LibreOffice opgeslagen): open de werkmap, sla hem op en lees hem opnieuw in, of typ de "
    "waarde zelf in"
)


def filled_cells(ws) -> dict[tuple[int, int], object]:
    """(row, column) -> value of every cell that holds one, 1-based.

    Read from the cells the file holds, never from the sheet's dimension: one stray cell at
    XFD1048576 must not make bwk visit a million empty rows.
    """
    return {rc: cell.value for rc, cell in ws._cells.items() if cell.value is not None}


def sheet_rows(cells: dict, width: int, extra: set[int]) -> list[tuple[int, tuple]]:
    """(row number, values of the first `width` columns) of the rows with a value there, from
    row 2, plus the rows in `extra`, in row order."""
    rows: dict[int, list] = {r: [None] * width for r in extra if r > 1}
    for (r, c), value in cells.items():
        if r > 1 and c <= width:
            rows.setdefault(r, [None] * width)[c - 1] = value
    return [(r, tuple(rows[r])) for r in sorted(rows)]


def open_workbook(path: Path, problems: list[Problem]):
    """The workbook opened for reading cell values (as last calculated), or None."""
    if not Path(path).is_file():
        problems.append(Problem(display(path), None, None, None, "de werkmap bestaat niet"))
        return None
    try:
        return load_workbook(path, data_only=True)  # not read_only: it trusts the dimensions
    except Exception:  # a truncated or corrupt file fails deep inside zipfile,
        # zlib or the XML parser (BadZipFile, InvalidFileException, KeyError, EOFError, ...)
        problems.append(
            Problem(
                display(path),
                None,
                None,
                None,
                "de werkmap kan niet worden gelezen; sla hem op als Excel-werkmap (.xlsx)",
            )
        )
        return None


def has_formulas(path: Path) -> bool:
    """Whether any worksheet of the file holds a formula (an <f> element), read without openpyxl."""
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return any(re.search(rb"<f[ >/]", z.read(n)) for n in sheets)


def without_value(formulas, values) -> set[tuple[int, int]]:
    """(row, column) of the formula cells of a sheet whose value (data_only) is missing."""
    cached = values._cells
    return {
        rc
        for rc, cell in formulas._cells.items()
        if cell.data_type == "f" and getattr(cached.get(rc), "value", None) is None
    }


def uncached_formulas(path: Path, wb) -> dict[str, set[tuple[int, int]]]:
    """Sheet title -> (row, column) of every formula whose calculated value the file lacks.

    openpyxl (and some converters) write formulas without a value; read with data_only they are
    empty cells, so without this check their rows would be lost without a word.
    """
    if not has_formulas(path):
        return {}
    formulas = load_workbook(path)
    try:
        return {ws.title: without_value(ws, wb[ws.title]) for ws in formulas.worksheets}
    finally:
        formulas.close()


def hint(kind: str) -> str:
    """What a cell of a schema type should hold, in the analyst's terms."""
    from bwklib.inputs.schema import TYPE_HINTS

    return "ja of nee" if kind == "boolean" else TYPE_HINTS[kind]


def cell_text(value: object, kind: str = "string") -> tuple[str, str | None]:
    """An Excel cell value as the text the schema rules check.

    Parameters
    ----------
    value : object
        The cell value as openpyxl reads it (data_only): None, str, int, float, bool or a date.
    kind : str
        The schema type of the column (string, integer, number, boolean).

    Returns
    -------
    tuple
        (text, None), or ("", what was expected) when the value cannot be used (a date or time).
        Whole floats become integers (12.0 -> "12"), text is stripped, ja/nee become true/false.
    """
    if value is None:
        return "", None
    if isinstance(value, str) and value in EXCEL_ERRORS:
        return "", (
            f"{hint(kind)}; Excel geeft hier de foutwaarde {value}: verbeter de formule of typ "
            "de waarde zelf in"
        )
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return "", (
            f"{hint(kind)}; Excel heeft deze cel als datum of tijd opgeslagen: zet de celopmaak "
            "op Standaard of Tekst en typ de waarde opnieuw"
        )
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    else:
        text = str(value).strip()
    if kind == "boolean":
        text = BOOLEAN_WORDS.get(text.lower(), text)
    return text, None


def shown(value: object) -> str:
    """A cell value as it appears in a message."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
