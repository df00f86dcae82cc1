"""Editing a workbook in tests, cheaply.

Loading a workbook with openpyxl costs more than anything else these tests do, and most tests
start from a copy of the same workbook. `loaded(book)` therefore keeps the workbook of each distinct
file content loaded once (per test process), and `set_cells` edits that loaded copy, saves it to the
test's file and undoes the edit: the file written is the one load-edit-save would write (up to
the time stamp in docProps/core.xml; tests/entry/test_workbook.py checks it).

openpyxl's time also grows with the cells a workbook holds. bwk writes 200 formatted spare rows
under each table (bwklib.entry.sheets.SPARE_ROWS): four fifths of the cells. Where their number is
not the point, tests edit workbooks written within `few_spare_rows()`; the workbook new-year writes
for the analyst is tested as it is (tests/entry/test_workbook.py: TestBuildWorkbook, the round trip).
"""

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from copy import copy
from pathlib import Path

import openpyxl
import pytest

from bwklib.entry import writer

_LOADED: dict[str, openpyxl.Workbook] = {}  # sha-256 of a workbook file -> the file, loaded
_PLAIN = (str, int, float, bool, type(None))  # values that set no number format when assigned
SPARE = 3  # the spare rows under each table of a workbook written within few_spare_rows()


@contextmanager
def few_spare_rows() -> Iterator[None]:
    """Workbooks written in this block have SPARE spare rows under each table instead of 200."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(writer, "SPARE_ROWS", SPARE)
        yield


def loaded(book: Path) -> openpyxl.Workbook:
    """The workbook in `book`, loaded once per file content: read it, never change it."""
    digest = hashlib.sha256(Path(book).read_bytes()).hexdigest()
    if digest not in _LOADED:
        if len(_LOADED) >= 8:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[digest] = openpyxl.load_workbook(book)
    return _LOADED[digest]


def column_of(ws, header: str) -> int:
    """The column number of a header in the first row of a sheet."""
    return next(c.column for c in ws[1] if c.value == header)


def set_cells(book: Path, cells: Iterable[tuple[str, int, str, object]]) -> None:
    """Set (sheet title, row, column header, value) cells and save, as openpyxl stores them.

    Plain values are set on the shared loaded workbook and undone after saving; anything else
    (a date sets a number format) on a workbook loaded for this edit alone.
    """
    cells = list(cells)
    if not all(isinstance(value, _PLAIN) for *_, value in cells):
        wb = openpyxl.load_workbook(book)
        for title, row, header, value in cells:
            ws = wb[title]
            ws.cell(row, column_of(ws, header)).value = value
        wb.save(book)
        return
    wb = loaded(book)
    undo = []
    # Saving sets this (for the next save, openpyxl writes outlineLevelCol="0"): undone as well.
    outline = [(ws, ws.column_dimensions.max_outline) for ws in wb.worksheets]
    try:
        for title, row, header, value in cells:
            ws = wb[title]
            at = (row, column_of(ws, header))
            old = ws._cells.get(at)
            undo.append((ws, at, old and (old._value, old.data_type, copy(old._style))))
            ws.cell(*at).value = value
        wb.save(book)
    finally:
        for ws, at, state in reversed(undo):
            if state is None:
                ws._cells.pop(at, None)
            else:
                cell = ws._cells[at]
                cell._value, cell.data_type, cell._style = state
        for ws, level in outline:
            ws.column_dimensions.max_outline = level
