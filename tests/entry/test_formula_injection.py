"""Text from data never becomes a formula in anything bwk writes: the workbook, the CSV files of
`bwk import` and `bwk new-year`, and every export. Numbers stay numbers."""

import csv
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from workbooks import few_spare_rows

from bwklib.build.exports import plain, write_exports
from bwklib.entry.importer import import_workbook
from bwklib.entry.newyear import new_year
from bwklib.formulas import looks_like_formula, needs_quote, neutralise, restore
from bwklib.inputs.loading import load_year

HOSTILE = [
    '=HYPERLINK("http://x","klik")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "'=1+1",
    "''@x",
]
HARMLESS = ["Ondiep", "-3", "-0.25", "12", "1e5", "'s-Hertogenbosch", "", "a=b", "x-y"]


def safe(cell: str) -> bool:
    """A CSV cell a spreadsheet shows as it is: no formula-like start, or a plain number."""
    return not looks_like_formula(cell)


def csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [c for row in csv.reader(f) for c in row]


class TestNeutralise:
    @pytest.mark.parametrize("text", HOSTILE)
    def test_hostile_text_gets_a_quote_and_comes_back(self, text):
        out = neutralise(text)
        assert out == "'" + text and safe(out)
        assert restore(out) == text

    @pytest.mark.parametrize("text", HARMLESS)
    def test_harmless_text_is_left_alone(self, text):
        assert neutralise(text) == text and restore(text) == text

    @pytest.mark.parametrize("value", [-3, -0.5, 7, None, True])
    def test_non_text_is_unchanged(self, value):
        assert neutralise(value) is value

    @pytest.mark.parametrize("text", [*HOSTILE, *HARMLESS, "'", "''", "'''=", "'-3", "'+"])
    def test_round_trip_is_exact(self, text):
        assert restore(neutralise(text)) == text
        assert not needs_quote(neutralise(text)) or neutralise(text).startswith("'")

    def test_export_cells(self):
        assert plain(-3) == "-3" and plain(-3.0) == "-3" and plain(-0.25) == "-0.25"
        assert plain("-3") == "-3"
        assert plain("- 3.181") == "'- 3.181"
        assert plain("=1") == "'=1"


def hostile_data(data: Path) -> dict[str, str]:
    """Put hostile text into names, labels, notes and sources of a copy of data/; return where."""
    edits = {
        "2019/locations.csv": ("top,utrecht,TOP,Ondiep", f"top,utrecht,{q(HOSTILE[0])},Ondiep"),
        "2019/indicators.csv": (
            "sleutelhouders,OUTPUT,Sleutelhouders",
            f"sleutelhouders,OUTPUT,{q(HOSTILE[1])}",
        ),
        "2019/activity_types.csv": ("klussen,Klussen (inclusief tuin)", "klussen,+1"),
        "2019/finance_lines.csv": (",Gemeente Utrecht SPDO,", ",@SUM(A1),"),
        "2019/finance.csv": (
            "top,gemeente-spdo,59000,59000,",
            "top,gemeente-spdo,59000,59000,-2+3",
        ),
        "2019/published.csv": (
            "top,income_total,budget,108000,eur,Financiële verantwoording 2019",
            "top,income_total,budget,108000,eur,=1+1 Financiële verantwoording 2019",
        ),
        "2019/regions.csv": ("utrecht,Utrecht,", "utrecht,@Utrecht,"),
    }
    for file, (old, new) in edits.items():
        path = data / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edits


def q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A data folder with hostile text in 2019, its exports, and a 2020 begun from it."""
    import shutil

    from bwklib import paths

    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(paths.DATA_DIR, data)
    hostile_data(data)
    year = load_year(2019, data).read_only()  # as `bwk run` exports it: scores computed once
    exports = write_exports(year, root / "out")
    with few_spare_rows():  # the spare rows hold no text (tests/entry/workbooks.py)
        book = new_year(2020, data)
    return {"data": data, "year": year, "exports": exports, "book": book}


class TestExports:
    def test_the_data_loads_with_the_hostile_text(self, hostile):
        year = hostile["year"]
        assert year["locations"].name.iloc[0] == HOSTILE[0]
        assert "@SUM(A1)" in set(year["finance_lines"].label)

    def test_every_cell_of_every_csv_export_is_safe(self, hostile):
        csvs = [p for p in hostile["exports"] if p.suffix == ".csv"]
        assert {p.name for p in csvs} >= {"scores.csv", "figures.csv", "checks.csv"}
        for path in csvs:
            bad = [c for c in csv_cells(path) if not safe(c)]
            assert bad == [], f"{path.name}: {bad[:5]}"

    def test_hostile_text_is_there_quoted(self, hostile):
        out = hostile["exports"][0].parent
        scores = (out / "scores.csv").read_text(encoding="utf-8")
        checks = (out / "checks.csv").read_text(encoding="utf-8")
        assert "'=cmd|' /C calc'!A0" in scores
        assert "'=1+1 Financiële verantwoording 2019" in checks

    def test_negative_numbers_stay_numbers(self, hostile):
        out = hostile["exports"][0].parent
        with open(out / "figures.csv", encoding="utf-8", newline="") as f:
            values = [r["value"] for r in csv.DictReader(f) if r["key"] == "balance"]
        assert "-3181" in values
        assert all(re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", v) for v in values if v)


def worksheet_xml(book: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(book) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}


class TestWorkbook:
    def test_no_cell_is_a_formula(self, hostile):
        wb = openpyxl.load_workbook(hostile["book"])
        formulas = [
            (ws.title, c.coordinate, c.value)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.data_type == "f"
        ]
        assert formulas == []

    def test_no_formula_element_in_the_file(self, hostile):
        sheets = worksheet_xml(hostile["book"])
        assert sheets
        for name, xml in sheets.items():
            assert not re.search(rb"<f[ >/]", xml), name

    def test_hostile_text_is_text_with_a_quote_prefix(self, hostile):
        wb = openpyxl.load_workbook(hostile["book"])
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        found = {c.value: c for c in cells if c.value in (HOSTILE[0], "+1")}
        assert set(found) == {HOSTILE[0], "+1"}
        for cell in found.values():
            assert cell.data_type == "s" and cell.quotePrefix

    def test_copied_definitions_are_safe_and_read_back_exactly(self, hostile):
        folder = hostile["data"] / "2020"
        for path in folder.glob("*.csv"):
            bad = [c for c in csv_cells(path) if not safe(c)]
            assert bad == [], f"{path.name}: {bad[:5]}"
        assert f"top,utrecht,{q(neutralise(HOSTILE[0]))}" in (folder / "locations.csv").read_text(
            encoding="utf-8"
        )


class TestImport:
    def test_imported_csv_files_are_safe_and_the_text_comes_back(
        self, hostile, tmp_path, fill_book
    ):
        import shutil

        data = tmp_path / "data"
        shutil.copytree(hostile["data"], data)
        book = data / "2020" / hostile["book"].name
        notes = {"locations": HOSTILE[1], "finance": "@SUM(A1)", "participants_activity": "-2+3"}
        fill_book(book, data / "2019", notes)
        written = import_workbook(book)
        assert len(written) >= 6
        for path in written:
            bad = [c for c in csv_cells(path) if not safe(c)]
            assert bad == [], f"{path.name}: {bad[:5]}"
        year = load_year(2020, data)
        assert year["locations"].note.iloc[0] == HOSTILE[1]
        assert year["finance"].note.iloc[0] == "@SUM(A1)"
        assert year["participants_activity"].note.iloc[0] == "-2+3"
        assert year["locations"].name.iloc[0] == HOSTILE[0]
        assert year["finance"].note.iloc[1] == "Geen akkoord op bijdrage initiatievenfonds"
