"""Importing a workbook: nothing lost without a word, no hang on a stray cell, Dutch messages for
broken files and impossible numbers. Each problem names sheet, row and column; nothing is written."""

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from workbooks import column_of, set_cells

from bwklib.cli import main
from bwklib.entry.importer import import_workbook
from bwklib.entry.reader import read_sheet
from bwklib.entry.sheets import SHEETS
from bwklib.errors import Problem
from bwklib.inputs.schema import datapackage

SHEET = {s.resource: s for s in SHEETS}
ACTIVITY = SHEET["participants_activity"]


def tree(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def import_fails(data: Path, book: Path, capsys) -> str:
    """Run `bwk import`; it must fail with a Dutch message and write nothing."""
    before = tree(data)
    code = main(["--data-dir", str(data), "import", str(book)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert re.search(r"\d+ (probleem|problemen) gevonden", err)
    assert tree(data) == before
    return err


class TestFormulasWithoutValue:
    def test_in_participants_per_activity(self, book2020, capsys):
        data, book = book2020
        set_cells(book, [(ACTIVITY.title, 3, "Deelnemers", "=100+3")])
        err = import_fails(data, book, capsys)
        assert f"blad '{ACTIVITY.title}', rij 3, kolom 'Deelnemers'" in err
        assert "formule zonder berekende waarde" in err

    def test_in_every_sheet_each_is_named(self, book2020, capsys):
        data, book = book2020
        cells = [
            (SHEET["locations"].title, 2, SHEET["locations"].columns["name"], '=UPPER("top")'),
            (SHEET["finance"].title, 4, SHEET["finance"].columns["budget"], "=SUM(1,2)"),
            (SHEET["results"].title, 5, SHEET["results"].columns["result"], "=A1"),
            (SHEET["finance"].title, 6, SHEET["finance"].columns["note"], '="x"&"y"'),
        ]
        set_cells(book, cells)
        err = import_fails(data, book, capsys)
        for title, row, header, _ in cells:
            assert f"blad '{title}', rij {row}, kolom '{header}'" in err, (title, row)
        assert err.count("formule zonder berekende waarde") == 4

    def test_a_formula_with_its_value_is_read(self, book2020):
        """As Excel saves it: the formula and its last calculated value."""
        data, book = book2020
        set_cells(book, [(ACTIVITY.title, 3, "Deelnemers", "=100+3")])
        with zipfile.ZipFile(book) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        name = next(n for n, x in parts.items() if b"<f>100+3</f>" in x)
        parts[name] = parts[name].replace(b"<f>100+3</f><v />", b"<f>100+3</f><v>103</v>")
        with zipfile.ZipFile(book, "w") as z:
            for n, x in parts.items():
                z.writestr(n, x)
        import_workbook(book)
        text = (data / "2020" / "participants_activity.csv").read_text(encoding="utf-8")
        assert "top,klussen,103" in text

    def test_an_error_value(self, book2020, capsys):
        data, book = book2020
        set_cells(book, [(ACTIVITY.title, 4, "Deelnemers", "#DIV/0!")])
        err = import_fails(data, book, capsys)
        assert f"blad '{ACTIVITY.title}', rij 4, kolom 'Deelnemers'" in err
        assert "foutwaarde #DIV/0!" in err


class TestStrayCells:
    def test_reading_visits_only_the_cells_the_file_holds(self, book2020):
        data, book = book2020
        wb = openpyxl.load_workbook(book)
        ws = wb[ACTIVITY.title]
        ws["XFD1048576"] = "x"
        held = len(ws._cells)
        problems: list[Problem] = []
        rows = read_sheet(ws, ACTIVITY, datapackage(data), "blad", problems)
        assert len(ws._cells) == held  # no cell was created while reading
        assert ws.max_row == 1048576 and len(rows) < 100 and problems == []

    def test_a_stray_cell_far_away_does_not_stop_the_import(self, book2020):
        data, book = book2020
        wb = openpyxl.load_workbook(book)
        for title in (ACTIVITY.title, SHEET["finance"].title):
            wb[title]["XFD1048576"] = "x"
        wb.save(book)
        written = import_workbook(book)
        assert len(written) >= 6

    def test_a_value_far_down_in_a_data_column_is_named(self, book2020, capsys):
        data, book = book2020
        wb = openpyxl.load_workbook(book)
        ws = wb[ACTIVITY.title]
        ws.cell(1048576, column_of(ws, "Deelnemers")).value = 5
        wb.save(book)
        err = import_fails(data, book, capsys)
        assert f"blad '{ACTIVITY.title}', rij 1048576" in err


def truncate(fraction: float):
    return lambda raw: raw[: int(len(raw) * fraction)]


def corrupt_sheet(raw: bytes, book: Path) -> bytes:
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[name] = parts[name][: len(parts[name]) // 2]
    book.unlink()
    with zipfile.ZipFile(book, "w") as z:
        for n, x in parts.items():
            z.writestr(n, x)
    return book.read_bytes()


class TestBrokenFiles:
    @pytest.mark.parametrize(
        "name, damage",
        [
            ("half", truncate(0.5)),
            ("nine-tenths", truncate(0.9)),
            ("first-100-bytes", lambda raw: raw[:100]),
            ("empty", lambda raw: b""),
            ("text", lambda raw: b"location,region\ntop,utrecht\n"),
            ("bit-flip", lambda raw: raw[:2000] + bytes([raw[2000] ^ 0xFF]) + raw[2001:]),
        ],
    )
    def test_a_damaged_workbook_gets_a_dutch_message(self, name, damage, book2020, capsys):
        data, book = book2020
        book.write_bytes(damage(book.read_bytes()))
        err = import_fails(data, book, capsys)
        assert "invoer-2020.xlsx" in err
        assert "werkmap" in err

    def test_a_half_written_sheet_inside_the_file(self, book2020, capsys):
        data, book = book2020
        corrupt_sheet(book.read_bytes(), book)
        err = import_fails(data, book, capsys)
        assert "kan niet worden gelezen" in err

    def test_validate_says_the_same(self, book2020, capsys):
        data, book = book2020
        book.write_bytes(book.read_bytes()[:5000])
        code = main(["--data-dir", str(data), "validate", "--year", "2020"])
        err = capsys.readouterr().err
        assert code == 1 and "Traceback" not in err and "kan niet worden gelezen" in err


class TestNumbersBeyondRange:
    @pytest.mark.parametrize(
        "value",
        [2**63, float(2**63), 9e18, "9" * 400, 1e300, 100_001],
    )
    def test_a_count(self, value, book2020, capsys):
        data, book = book2020
        set_cells(book, [(ACTIVITY.title, 3, "Deelnemers", value)])
        err = import_fails(data, book, capsys)
        assert f"blad '{ACTIVITY.title}', rij 3, kolom 'Deelnemers'" in err
        assert "hoogstens" in err

    def test_two_budgets_of_9e18(self, book2020, capsys):
        data, book = book2020
        header = SHEET["finance"].columns["budget"]
        set_cells(book, [(SHEET["finance"].title, r, header, 9 * 10**18) for r in (2, 3)])
        err = import_fails(data, book, capsys)
        assert err.count("hoogstens 100.000.000") == 2

    def test_a_note_over_ten_thousand_characters(self, book2020, capsys):
        data, book = book2020
        header = SHEET["finance"].columns["note"]
        set_cells(book, [(SHEET["finance"].title, 2, header, "lang " * 30_000)])
        err = import_fails(data, book, capsys)
        assert "hoogstens 10.000 tekens" in err and len(err) < 10_000


def test_the_workbook_folder_must_be_a_year(book2020, capsys, tmp_path):
    data, book = book2020
    odd = data / "2020²"
    shutil.copytree(data / "2020", odd)
    code = main(["--data-dir", str(data), "import", str(odd / book.name)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "in de map van zijn jaar" in err


def test_a_full_disk_replaces_no_csv_file(book2020, capsys, monkeypatch):
    import errno

    data, book = book2020
    import_workbook(book)
    set_cells(book, [(ACTIVITY.title, 3, "Deelnemers", 104)])
    before = tree(data / "2020")
    original, written = Path.write_text, []

    def write_text(self, *args, **kwargs):
        if self.name.endswith(".bwk-tmp"):
            written.append(self)
            if len(written) == 3:
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    code = main(["--data-dir", str(data), "import", str(book)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "de schijf is vol" in err
    assert tree(data / "2020") == before


@pytest.mark.parametrize(
    "new, expected",
    [("index", "bestand of map"), ("top-audit", "auditrapport van top"), ("k" * 70, "64 tekens")],
)
def test_a_location_id_that_would_overwrite_a_file(new, expected, book2020, capsys):
    """An id typed in the workbook is checked like one in locations.csv, told in sheet terms."""
    data, book = book2020
    wb = openpyxl.load_workbook(book)
    for sheet in SHEETS:
        for row in wb[sheet.title].iter_rows():
            for cell in row:
                if cell.value == "de-klop":
                    cell.value = new
    wb.save(book)
    err = import_fails(data, book, capsys)
    locations = SHEET["locations"]
    assert f"blad '{locations.title}', rij 5, kolom '{locations.columns['location']}'" in err
    assert expected in err
