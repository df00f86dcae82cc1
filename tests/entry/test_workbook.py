"""The analyst's yearly path: new-year, the Excel workbook, import, validate, run (temporary folders)."""

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from inprocess import report_html
from workbooks import SPARE, few_spare_rows, loaded, set_cells

from bwklib import paths
from bwklib.cli import main
from bwklib.entry.importer import check_workbook, import_workbook, pending_workbook, relabel
from bwklib.entry.newyear import new_year
from bwklib.entry.reader import Entry, SheetRow, cell_text
from bwklib.entry.sheets import (
    INFO_HEADER,
    LISTS,
    NO,
    SHEET_OF,
    SHEETS,
    SPARE_ROWS,
    YES,
    primary_key,
)
from bwklib.errors import DataError, Problem, display
from bwklib.formulas import restore
from bwklib.inputs.schema import datapackage

ROOT = paths.ROOT
SOURCE = paths.DATA_DIR / "2019"
PACKAGE = datapackage(paths.DATA_DIR)
FIGURES = [s.resource for s in SHEETS if s.resource != "locations"]
WRITTEN = [*(s.resource for s in SHEETS), "published"]
DEFINITIONS = [
    "regions",
    "locations",
    "indicator_sections",
    "indicators",
    "activity_types",
    "generic_measures",
    "housing_corporations",
    "finance_lines",
    "key_ratios",
    "key_ratio_lines",
]


def csv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def content(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and sorted rows: the content of a CSV file, whatever its quoting or row order (and
    the quote bwk puts before formula-like text, such as the result '- 3.181')."""
    with open(path, encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, sorted([restore(c) for c in r] for r in rows)


def cell_value(text: str):
    """A CSV text as the analyst would type it: numbers as numbers, true/false as ja/nee."""
    if text in ("true", "false"):
        return YES if text == "true" else NO
    if text.isdigit():
        return int(text)
    return text or None


def clear(ws, row: int, width: int | None = None) -> None:
    """Empty a row (`width`: ws.max_column, which openpyxl finds by scanning every cell)."""
    for col in range(1, (width or ws.max_column) + 1):
        ws.cell(row, col).value = None


def fill_sheet(ws, sheet, rows: list[dict], drop: set[str]) -> None:
    """Fill the prefilled row of each key, append the rest; rows of dropped locations are emptied."""
    col = {c.value: c.column for c in ws[1]}
    key = primary_key(PACKAGE, sheet.resource)
    at, last, width = {}, 1, ws.max_column
    for r in range(2, ws.max_row + 1):
        k = tuple(ws.cell(r, col[sheet.columns[f]]).value for f in key)
        if sheet.resource == "locations" or k[0] in drop:
            clear(ws, r, width)
        elif any(k):
            at[k], last = r, r
    for row in rows:
        r = at.get(tuple(row[f] for f in key))
        if r is None:
            last += 1
            r = last
        for f, header in sheet.columns.items():
            ws.cell(r, col[header]).value = cell_value(row.get(f, ""))


def fill(book: Path, locations: list[dict], figures: dict, drop: set[str] = frozenset()) -> None:
    wb = openpyxl.load_workbook(book)
    for sheet in SHEETS:
        rows = locations if sheet.resource == "locations" else figures.get(sheet.resource, [])
        fill_sheet(wb[sheet.title], sheet, rows, drop)
    wb.save(book)


def figures_2019() -> dict[str, list[dict]]:
    return {name: csv_rows(SOURCE / f"{name}.csv") for name in FIGURES}


def row_of(book: Path, title: str, **key) -> int:
    """The row number of the row with these key values on a sheet."""
    ws = loaded(book)[title]
    sheet = next(s for s in SHEETS if s.title == title)
    col = {c.value: c.column - 1 for c in ws[1]}
    for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if all(values[col[sheet.columns[f]]] == v for f, v in key.items()):
            return number
    raise AssertionError(f"no row {key} on {title}")


def set_cell(book: Path, title: str, row: int, header: str, value) -> None:
    set_cells(book, [(title, row, header, value)])


def cli(data: Path, capsys, *args: str) -> tuple[int, str, str]:
    """`bwk --data-dir data ...` in this process: (exit code, stdout, stderr)."""
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Built once: a data folder with 2020 just created, and one with its workbook filled (written
    with few spare rows, which the tests that edit it do not need: tests/entry/workbooks.py)."""
    root = tmp_path_factory.mktemp("templates")
    fresh, filled = root / "fresh", root / "filled"
    shutil.copytree(paths.DATA_DIR, fresh)
    new_year(2020, fresh)
    shutil.copytree(paths.DATA_DIR, filled)
    with few_spare_rows():
        new_year(2020, filled)
    fill(filled / "2020/invoer-2020.xlsx", csv_rows(SOURCE / "locations.csv"), figures_2019())
    return {"fresh": fresh, "filled": filled}


def copy_of(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(template, data)
    return data, data / "2020/invoer-2020.xlsx"


@pytest.fixture(scope="module")
def wb(templates):
    """The workbook new-year wrote, opened once (tests only read it)."""
    return openpyxl.load_workbook(templates["fresh"] / "2020/invoer-2020.xlsx")


@pytest.fixture
def year2020(templates, tmp_path):
    """A copy of data/ with 2020 created from 2019: (data folder, workbook)."""
    return copy_of(templates["fresh"], tmp_path)


@pytest.fixture
def filled(templates, tmp_path):
    """The same, with 2020's workbook (few spare rows) filled with the 2019 figures."""
    return copy_of(templates["filled"], tmp_path)


@pytest.fixture
def filled_full(templates, tmp_path):
    """2020's workbook as new-year writes it (every spare row), filled with the 2019 figures."""
    data, book = copy_of(templates["fresh"], tmp_path)
    fill(book, csv_rows(SOURCE / "locations.csv"), figures_2019())
    return data, book


def problems_of(book: Path) -> list[Problem]:
    with pytest.raises(DataError, match="gevonden in de gegevens") as info:
        check_workbook(book)
    return info.value.problems


class TestCellText:
    def test_ints_stay_ints_and_whole_floats_become_ints(self):
        assert cell_text(12, "integer") == ("12", None)
        assert cell_text(12.0, "integer") == ("12", None)
        assert cell_text(12.5, "string") == ("12.5", None)

    def test_text_is_stripped_and_a_count_as_text_is_kept(self):
        assert cell_text(" 12\xa0", "integer") == ("12", None)
        assert cell_text("1O3", "integer") == ("1O3", None)

    def test_yes_and_no_become_booleans(self):
        assert cell_text("Ja", "boolean") == ("true", None)
        assert cell_text(False, "boolean") == ("false", None)
        assert cell_text("misschien", "boolean") == ("misschien", None)

    def test_empty_cell(self):
        assert cell_text(None, "integer") == ("", None)

    @pytest.mark.parametrize("value", [dt.datetime(2020, 3, 1), dt.date(2020, 3, 1), dt.time(1, 3)])
    def test_dates_are_errors(self, value):
        text, expected = cell_text(value, "integer")
        assert text == "" and "datum of tijd" in expected and "geheel getal" in expected


class TestNewYear:
    def test_creates_the_folder_with_the_definitions_and_no_figures(self, year2020):
        data, book = year2020
        folder = data / "2020"
        assert book == folder / "invoer-2020.xlsx" and book.exists()
        for name in DEFINITIONS:
            assert (folder / f"{name}.csv").read_bytes() == (SOURCE / f"{name}.csv").read_bytes()
        assert not any((folder / f"{name}.csv").exists() for name in [*FIGURES, "published"])
        assert not [p for p in data.iterdir() if p.name.startswith(".bwk-")]

    def test_region_keeps_only_its_rows(self, data_copy):
        with open(data_copy / "2019/regions.csv", "a", encoding="utf-8") as f:
            f.write("zuidoost,Zuidoost,Buurtwerkkamers Zuidoost,BuurtWerkKamer Coöperatie\n")
        with open(data_copy / "2019/locations.csv", "a", encoding="utf-8") as f:
            f.write("de-ster,zuidoost,De Ster,Bijlmer,true,\n")
        book = new_year(2020, data_copy, region="utrecht")
        assert [r["region"] for r in csv_rows(data_copy / "2020/regions.csv")] == ["utrecht"]
        locations = [r["location"] for r in csv_rows(data_copy / "2020/locations.csv")]
        assert locations == ["top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop"]
        ws = openpyxl.load_workbook(book, read_only=True)["Locaties"]
        codes = [r[0] for r in ws.iter_rows(min_row=2, max_col=1, values_only=True) if r[0]]
        assert codes == locations

    def test_unknown_region(self, data_copy):
        with pytest.raises(
            DataError, match="onbekende regio 'amsterdam'; verwacht een van: utrecht"
        ):
            new_year(2020, data_copy, region="amsterdam")
        assert not (data_copy / "2020").exists()

    def test_existing_year_is_left_alone(self, year2020):
        data, book = year2020
        before = book.read_bytes()
        with pytest.raises(DataError, match="bestaat al en is niet leeg"):
            new_year(2020, data)
        assert book.read_bytes() == before

    def test_partial_year_is_no_source(self, data_copy):
        with pytest.raises(DataError, match="van 2018 zijn geen volledige gegevens"):
            new_year(2020, data_copy, from_year=2018)

    def test_a_begun_year_is_not_the_default_until_imported(self, year2020):
        from bwklib.build.pipeline import latest_year
        from bwklib.errors import DataError
        from bwklib.inputs.loading import load_year

        data, _ = year2020
        assert latest_year(data) == 2019
        with pytest.raises(DataError, match="bwk import"):
            load_year(2020, data)

    def test_cli(self, data_copy, capsys):
        assert main(["--data-dir", str(data_copy), "new-year", "2020", "--from", "2019"]) == 0
        assert "bwk import" in capsys.readouterr().out
        assert main(["--data-dir", str(data_copy), "new-year", "2020"]) == 1
        assert "bestaat al" in capsys.readouterr().err


class TestBuildWorkbook:
    """The workbook new-year writes: sheets, headers, prefilled rows, lists, protection."""

    def test_sheets_in_order_instructions_first_lists_hidden(self, wb):
        titles = ["Uitleg", *(s.title for s in SHEETS), LISTS]
        assert wb.sheetnames == titles
        assert wb[LISTS].sheet_state == "hidden"
        assert wb.security.lockStructure

    def test_dutch_headers(self, wb):
        for sheet in SHEETS:
            header = [c.value for c in wb[sheet.title][1] if c.value]
            assert [h for h in header if h != INFO_HEADER] == [
                sheet.columns[f] for f in primary_key(PACKAGE, sheet.resource)
            ] + [
                h for f, h in sheet.columns.items() if f not in primary_key(PACKAGE, sheet.resource)
            ]

    def test_results_carry_last_years_targets(self, wb):
        rows = list(wb["Resultaten"].iter_rows(min_row=2, max_row=3, values_only=True))
        assert rows[0] == ("top", "sleutelhouders", "Sleutelhouders", None, "20")
        assert (
            len([r for r in wb["Resultaten"].iter_rows(min_row=2, values_only=True) if r[0]]) == 80
        )

    def test_locations_start_registered_without_note(self, wb):
        rows = [r for r in wb["Locaties"].iter_rows(min_row=2, values_only=True) if r[0]]
        assert [(r[0], r[4], r[5]) for r in rows][-1] == ("de-klop", YES, None)

    def test_finance_has_every_location_and_line(self, wb):
        rows = [r[:2] for r in wb["Financiën"].iter_rows(min_row=2, values_only=True) if r[0]]
        assert len(rows) == 4 * 15 and rows[0] == ("top", "gemeente-spdo")

    def test_drop_down_lists_come_from_the_lists_sheet(self, wb):
        lists = wb[LISTS]
        by_title = {c.value: c.column_letter for c in lists[1]}
        column = by_title["Woningcorporaties"]
        values = [c.value for c in lists[column][1:] if c.value]
        assert values == [
            r["housing_corporation"] for r in csv_rows(SOURCE / "housing_corporations.csv")
        ]
        dvs = wb["Deelnemers per corporatie"].data_validations.dataValidation
        (corp,) = [dv for dv in dvs if str(dv.sqref).startswith("B2:")]
        assert corp.type == "list" and corp.formula1 == f"{LISTS}!${column}$2:${column}$7"
        (loc,) = [dv for dv in dvs if str(dv.sqref).startswith("A2:")]
        assert loc.formula1.startswith(f"{LISTS}!$") and loc.type == "list"

    def test_counts_and_amounts_are_whole_numbers_of_at_least_zero(self, wb):
        cases = [("Financiën", "DE", 100_000_000), ("Deelnemers per activiteit", "D", 100_000)]
        for title, columns, maximum in cases:
            dvs = wb[title].data_validations.dataValidation
            whole = sorted(str(dv.sqref)[0] for dv in dvs if dv.type == "whole")
            assert "".join(whole) == columns
            assert all(
                (dv.operator, dv.formula1, int(dv.formula2)) == ("between", "0", maximum)
                for dv in dvs
                if dv.type == "whole"
            )

    def test_editable_spare_rows_under_each_table(self, wb, templates):
        """SPARE_ROWS of them; the tests that edit a workbook use one with fewer (workbooks.py)."""
        few = loaded(templates["filled"] / "2020/invoer-2020.xlsx")
        for sheet in SHEETS:
            ws = wb[sheet.title]
            last = max(r for (r, c), cell in ws._cells.items() if c == 1 and cell.value is not None)
            assert ws.max_row == last + SPARE_ROWS > last + SPARE, sheet.title
            spare = [ws.cell(r, 1) for r in range(last + 1, ws.max_row + 1)]
            assert not any(c.protection.locked or c.value is not None for c in spare)
            assert few[sheet.title].max_row <= last + SPARE, sheet.title

    def test_validation_messages_fit_excels_limits(self, wb):
        for sheet in SHEETS:
            for dv in wb[sheet.title].data_validations.dataValidation:
                assert len(dv.errorTitle) <= 32 and len(dv.error) <= 255

    def test_header_locked_data_editable_panes_frozen(self, wb):
        for sheet in SHEETS:
            ws = wb[sheet.title]
            assert ws.freeze_panes == "A2"
            assert ws.protection.sheet and not ws.protection.insertRows
            assert ws["A1"].protection.locked and not ws["A2"].protection.locked
            assert not ws.cell(ws.max_row, 1).protection.locked
        assert wb["Resultaten"]["C2"].protection.locked  # the info column
        assert wb["Uitleg"].protection.sheet

    def test_instructions_are_dutch_and_name_the_commands(self, wb):
        text = "\n".join(str(c.value) for c in wb["Uitleg"]["A"] if c.value)
        assert "bwk import data/2020/invoer-2020.xlsx" in text
        assert "bwk validate --year 2020" in text
        assert "de-verbinding  —  De Verbinding" in text


class TestImportWorkbook:
    def test_round_trip_gives_the_2019_files(self, filled_full):
        data, book = filled_full
        written = import_workbook(book)
        assert sorted(p.name for p in written) == sorted(f"{n}.csv" for n in WRITTEN)
        for name in WRITTEN[:-1]:
            assert content(data / "2020" / f"{name}.csv") == content(SOURCE / f"{name}.csv"), name
        header, rows = content(data / "2020/published.csv")
        assert (
            header == next(csv.reader(open(SOURCE / "published.csv", encoding="utf-8")))
            and not rows
        )

    def test_existing_published_csv_is_kept(self, filled):
        data, book = filled
        shutil.copy(SOURCE / "published.csv", data / "2020/published.csv")
        assert "published.csv" not in [p.name for p in import_workbook(book)]

    def test_libreoffice_saved_workbook(self, filled, tmp_path):
        office = shutil.which("soffice") or shutil.which("libreoffice")
        if office is None:
            pytest.skip("LibreOffice ontbreekt (apt-get install -y libreoffice-calc-nogui)")
        data, book = filled
        out = tmp_path / "lo"
        subprocess.run(
            [
                office,
                f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out),
                str(book),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.copy(out / book.name, book)
        import_workbook(book)
        for name in WRITTEN[:-1]:
            assert content(data / "2020" / f"{name}.csv") == content(SOURCE / f"{name}.csv"), name

    def test_a_problem_writes_nothing(self, filled, capsys):
        data, book = filled
        row = row_of(book, "Financiën", location="top", line="coachen")
        set_cell(book, "Financiën", row, "Realisatie", "€ 19.424")
        before = {p.name: p.read_bytes() for p in (data / "2020").iterdir()}
        assert main(["--data-dir", str(data), "import", str(book)]) == 1
        err = capsys.readouterr().err
        assert f"blad 'Financiën', rij {row}, kolom 'Realisatie': waarde '€ 19.424'" in err
        assert {p.name: p.read_bytes() for p in (data / "2020").iterdir()} == before

    def test_outside_a_year_folder(self, tmp_path):
        book = tmp_path / "invoer.xlsx"
        openpyxl.Workbook().save(book)
        with pytest.raises(DataError, match="in de map van zijn jaar staan"):
            import_workbook(book)


class TestCheckWorkbook:
    def test_count_typed_as_text_and_whole_float_are_accepted(self, filled):
        data, book = filled
        count = row_of(book, "Deelnemers per activiteit", location="top", activity_type="klussen")
        amount = row_of(book, "Financiën", location="top", line="coachen")
        set_cells(
            book,
            [
                ("Deelnemers per activiteit", count, "Deelnemers", "103"),
                ("Financiën", amount, "Begroting", 23424.0),
            ],
        )
        _, files = check_workbook(book)
        assert "top,klussen,103," in files["participants_activity.csv"]
        assert "top,coachen,23424,19424," in files["finance.csv"]

    def test_date_in_a_count(self, filled):
        _, book = filled
        row = row_of(book, "Generiek", location="top", measure="stages")
        set_cell(book, "Generiek", row, "Aantal", dt.datetime(2020, 1, 9))
        (p,) = problems_of(book)
        assert (p.file, p.row, p.column, p.value) == (
            "invoer-2020.xlsx, blad 'Generiek'",
            row,
            "Aantal",
            "2020-01-09",
        )
        assert "als datum of tijd opgeslagen" in p.expected

    def test_duplicate_row(self, filled):
        _, book = filled
        first = row_of(book, "Resultaten", location="top", indicator="klussen")
        second = row_of(book, "Resultaten", location="top", indicator="taalverwerving")
        set_cell(book, "Resultaten", second, "Indicator", "klussen")
        (p,) = problems_of(book)
        assert (p.row, p.column, p.value) == (second, "Locatie, Indicator", "top / klussen")
        assert f"dubbele regel: dezelfde combinatie staat al in rij {first}" in p.expected

    def test_unregistered_location_with_a_result(self, filled):
        _, book = filled
        row = row_of(book, "Resultaten", location="de-klop", indicator="klussen")
        set_cell(book, "Resultaten", row, "Resultaat", 5)
        empty_target, p = problems_of(book)
        assert (empty_target.row, empty_target.column) == (row, "Streefwaarde")
        assert (p.file, p.row, p.column) == ("invoer-2020.xlsx, blad 'Resultaten'", row, "Locatie")
        assert "'Resultaten geregistreerd' op nee" in p.expected

    def test_missing_column(self, filled):
        _, book = filled
        set_cell(book, "Generiek", 1, "Aantal", "Waarde")
        problems = problems_of(book)
        assert [(p.row, p.column) for p in problems] == [(1, "Waarde"), (1, "Aantal")]
        assert "deze kolom ontbreekt in rij 1" in problems[1].expected

    def test_yes_no_column(self, filled):
        _, book = filled
        set_cell(book, "Locaties", 2, "Resultaten geregistreerd", "misschien")
        (p,) = problems_of(book)
        assert (p.row, p.column, p.expected) == (
            2,
            "Resultaten geregistreerd",
            "verwacht ja of nee",
        )

    def test_missing_finance_line_found_by_the_cross_file_checks(self, filled):
        _, book = filled
        row = row_of(book, "Financiën", location="top", line="huisvesting")
        wb = openpyxl.load_workbook(book)
        clear(wb["Financiën"], row)
        wb.save(book)
        (p,) = problems_of(book)
        assert (p.file, p.row) == ("invoer-2020.xlsx, blad 'Financiën'", None)
        assert "voor locatie top ontbreken begrotingsregels: huisvesting" in p.expected

    def test_result_that_cannot_be_scored_names_the_sheet_row(self, filled):
        _, book = filled
        row = row_of(book, "Resultaten", location="de-verbinding", indicator="klussen")
        set_cell(book, "Resultaten", row, "Resultaat", "Positief")
        (p,) = problems_of(book)
        assert (p.file, p.row) == ("invoer-2020.xlsx, blad 'Resultaten'", row)
        assert p.column in ("Resultaat", "Streefwaarde") and "scoringsregel" in p.expected


class TestEditHelper:
    def test_set_cells_writes_what_load_edit_save_writes(self, filled, tmp_path):
        """tests/entry/workbooks.py edits a workbook loaded once; the file must be the same."""
        _, book = filled
        cells = [
            ("Financiën", 2, "Begroting", 9 * 10**18),
            ("Deelnemers per activiteit", 3, "Deelnemers", "=100+3"),
            ("Resultaten", 1048576, "Resultaat", 5),  # a cell the file did not hold
        ]
        slow = tmp_path / "slow.xlsx"
        shutil.copy(book, slow)
        wb = openpyxl.load_workbook(slow)
        for title, row, header, value in cells:
            ws = wb[title]
            ws.cell(row, next(c.column for c in ws[1] if c.value == header)).value = value
        wb.save(slow)
        before = book.read_bytes()
        for _ in range(2):  # the second time from the shared workbook, after an undo
            book.write_bytes(before)
            set_cells(book, cells)
        with zipfile.ZipFile(book) as a, zipfile.ZipFile(slow) as b:
            assert a.namelist() == b.namelist()
            differ = [n for n in a.namelist() if a.read(n) != b.read(n)]
        assert set(differ) <= {"docProps/core.xml"}, differ  # its time stamp may differ


class TestRelabel:
    def test_staged_row_becomes_the_sheet_row(self, tmp_path):
        entry = Entry(tmp_path / "invoer-2020.xlsx", 2020, tmp_path)
        entry.tables["results"] = [SheetRow(7, {}), SheetRow(9, {})]
        staged = tmp_path / "staged"
        p = Problem(display(staged / "results.csv"), 3, "target", "x", "in locations.csv")
        q = relabel(p, entry, staged, PACKAGE)
        assert q == Problem(
            "invoer-2020.xlsx, blad 'Resultaten'", 9, "Streefwaarde", "x", "in blad 'Locaties'"
        )

    def test_other_files_name_the_year_folder(self, tmp_path):
        entry = Entry(tmp_path / "d/2020/invoer-2020.xlsx", 2020, tmp_path / "d")
        staged = tmp_path / "staged"
        p = Problem(display(staged / "regions.csv"), 2, "region", "x", "fout")
        assert relabel(p, entry, staged, PACKAGE).file == display(tmp_path / "d/2020/regions.csv")


class TestPendingWorkbook:
    def test_workbook_until_imported_then_csv_until_edited(self, filled):
        data, book = filled
        folder = data / "2020"
        assert pending_workbook(folder) == book
        import_workbook(book)
        assert pending_workbook(folder) is None
        later = (folder / "results.csv").stat().st_mtime + 10
        os.utime(book, (later, later))
        assert pending_workbook(folder) == book

    def test_no_workbook(self, data_copy):
        assert pending_workbook(data_copy / "2019") is None


class TestValidateCommand:
    def test_mistakes_are_listed_with_sheet_row_and_column(self, filled, capsys):
        data, book = filled
        count = row_of(book, "Deelnemers per activiteit", location="top", activity_type="klussen")
        amount = row_of(book, "Financiën", location="top", line="coachen")
        place = row_of(book, "Generiek", location="top", measure="deelnemers")
        wb = openpyxl.load_workbook(book)
        for title, row, header, value in [
            ("Deelnemers per activiteit", count, "Deelnemers", "1O3"),
            ("Financiën", amount, "Begroting", -500),
            ("Generiek", place, "Locatie", "de-kloop"),
        ]:
            ws = wb[title]
            ws.cell(row, next(c.column for c in ws[1] if c.value == header)).value = value
        del wb[SHEET_OF["participants_housing"].title]
        wb.save(book)
        code, _, err = cli(data, capsys, "validate", "--year", "2020")
        assert code == 1 and "Traceback" not in err
        assert "4 problemen gevonden" in err
        for line in [
            f"blad 'Deelnemers per activiteit', rij {count}, kolom 'Deelnemers': waarde '1O3' — verwacht een geheel getal",
            f"blad 'Financiën', rij {amount}, kolom 'Begroting': waarde '-500' — verwacht een waarde van minstens 0",
            f"blad 'Generiek', rij {place}, kolom 'Locatie': waarde 'de-kloop' — onbekende code; verwacht een van de locaties op blad 'Locaties'",
            "invoer-2020.xlsx, blad 'Deelnemers per corporatie' — dit blad ontbreekt in de werkmap",
        ]:
            assert line in err
        assert not (data / "2020/results.csv").exists()

    def test_after_import_the_csv_files_are_validated(self, filled, capsys):
        data, book = filled
        import_workbook(book)
        code, out, err = cli(data, capsys, "validate", "--year", "2020")
        assert code == 0, err
        assert "De gegevens van 2020 zijn in orde" in out


class TestYearlyPath:
    @pytest.mark.build
    def test_new_year_fill_import_run(self, data_copy, tmp_path, stub_executor):
        from bwklib.build.pipeline import run

        # top's report executes its notebook (its comparison reads 2019 in the run's snapshot); the
        # rest is stubbed, and De Kroon's text comes from its notebook run in this process.
        stub_executor(real={"top"})

        assert main(["--data-dir", str(data_copy), "new-year", "2020"]) == 0
        book = data_copy / "2020/invoer-2020.xlsx"
        figures = {
            n: [r for r in rows if r["location"] != "de-klop"]
            for n, rows in figures_2019().items()
            if n != "finance_region"
        }
        for rows in figures.values():
            rows += [
                {**r, "location": "de-kroon"} for r in rows if r["location"] == "de-verbinding"
            ]
        locations = [r for r in csv_rows(SOURCE / "locations.csv") if r["location"] != "de-klop"]
        locations.append(
            {
                "location": "de-kroon",
                "region": "utrecht",
                "name": "De Kroon",
                "neighbourhood": "Kanaleneiland",
                "results_registered": "true",
                "note": "",
            }
        )
        for r in figures["generic_counts"]:
            if (r["location"], r["measure"]) == ("top", "deelnemers"):
                r["value"] = "500"  # 490 in 2019: the comparison must show +10
        fill(book, locations, figures, drop={"de-klop"})
        assert main(["--data-dir", str(data_copy), "import", str(book)]) == 0
        assert content(data_copy / "2020/finance_region.csv")[1] == []
        summary = run(
            2020, data_dir=data_copy, output_dir=tmp_path / "out", jobs=1, progress=lambda s: None
        )
        assert not summary.failures
        year = tmp_path / "out/2020"
        assert (year / "index.html").exists()
        assert "De Kroon" in (year / "de-kroon.html").read_text(encoding="utf-8")
        assert not (year / "de-klop.html").exists()
        top = (year / "top.html").read_text(encoding="utf-8")
        assert "Vergelijking met eerdere jaren" in top and "Verschil met 2019" in top
        assert re.search(r"gebruikers/deelnemers</td>.*?>490<.*?>500<.*?>\+10<", top)
        kroon = report_html(
            "locatie.ipynb", {"year": 2020, "location": "de-kroon", "data_dir": str(data_copy)}
        )
        assert "Voor De Kroon zijn geen cijfers van 2018–2019 bekend" in kroon
