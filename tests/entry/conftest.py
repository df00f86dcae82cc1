"""Fixtures of the workbook tests: a 2020 begun from the shipped data, its workbook filled (with
few spare rows: tests/entry/workbooks.py)."""

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
from workbooks import few_spare_rows

from bwklib import paths
from bwklib.entry.newyear import new_year
from bwklib.entry.sheets import NO, SHEETS, YES
from bwklib.formulas import restore


def fill_from_csv(book: Path, folder: Path, notes: dict[str, str] | None = None) -> None:
    """Fill every sheet of a workbook from the CSV files in `folder`, as an analyst types them
    (text stays text); `notes` puts a note in the first row of a table."""
    wb = openpyxl.load_workbook(book)
    for sheet in SHEETS:
        ws = wb[sheet.title]
        col = {c.value: c.column for c in ws[1]}
        for r in range(2, ws.max_row + 1):
            for c in col.values():
                ws.cell(r, c).value = None
        with open(folder / f"{sheet.resource}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        if notes and sheet.resource in notes:
            rows[0]["note"] = notes[sheet.resource]
        for r, row in enumerate(rows, start=2):
            for field, header in sheet.columns.items():
                text = restore(row.get(field, ""))
                value = {"true": YES, "false": NO}.get(text, int(text) if text.isdigit() else text)
                cell = ws.cell(r, col[header])
                cell.value = None if value == "" else value
                if isinstance(value, str):
                    cell.data_type = "s"  # typed as text, as Excel does with a quote prefix
    wb.save(book)


@pytest.fixture(scope="session")
def fill_book():
    """The function that fills a workbook from CSV files."""
    return fill_from_csv


@pytest.fixture(scope="module")
def book_template(tmp_path_factory) -> Path:
    """A data folder with 2020 begun from 2019 and its workbook filled with the 2019 figures."""
    data = tmp_path_factory.mktemp("book") / "data"
    shutil.copytree(paths.DATA_DIR, data)
    with few_spare_rows():
        book = new_year(2020, data)
    fill_from_csv(book, data / "2019")
    return data


@pytest.fixture
def book2020(book_template, tmp_path) -> tuple[Path, Path]:
    """A fresh copy of that data folder: (data folder, workbook)."""
    data = tmp_path / "data"
    shutil.copytree(book_template, data)
    return data, data / "2020" / "invoer-2020.xlsx"
