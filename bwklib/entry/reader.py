"""Reading the filled workbook: every cell checked with the CSV files' schema rules."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from bwklib import paths
from bwklib.entry.sheets import (
    INFO_HEADER,
    LOCATION_COLUMNS,
    SHEET_OF,
    SHEETS,
    WORKBOOK_NAME,
    Sheet,
    entered_fields,
    fields_of,
    list_resources,
    references,
    workbook_regions,
)
from bwklib.entry.xlsx import (
    UNCACHED,
    cell_text,
    filled_cells,
    open_workbook,
    sheet_rows,
    shown,
    uncached_formulas,
)
from bwklib.errors import DataError, Problem, display
from bwklib.formulas import neutralise
from bwklib.inputs.schema import datapackage, parse_table, read_text
from bwklib.inputs.validation import PER_LOCATION_TABLES


@dataclass
class SheetRow:
    """One row of a sheet: its number as Excel shows it and its cells as the text the schema checks.

    `flagged` holds the fields whose cell could not be read (a date, for example); their problem
    is already recorded.
    """

    number: int
    texts: dict[str, str]
    flagged: set[str] = field(default_factory=set)


@dataclass
class Entry:
    """A workbook whose sheets passed the checks: per table the rows to write, in sheet order."""

    workbook: Path
    year: int
    data_dir: Path
    tables: dict[str, list[SheetRow]] = field(default_factory=dict)
    uncached: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    regions: list[str] | None = None  # the regions whose rows it holds; None: every region

    @property
    def year_dir(self) -> Path:
        return paths.year_dir(self.data_dir, self.year)


def header_columns(header: tuple, sheet: Sheet, label: str, problems: list[Problem]):
    """Field -> column index from the header row, or None when a column is missing."""
    found: dict[str, int] = {}
    for i, value in enumerate(header):
        text = str(value).strip() if value is not None else ""
        if text in found:
            problems.append(Problem(label, 1, text, None, "deze kolomkop staat twee keer in rij 1"))
        elif text:
            found[text] = i
    expected = ", ".join(sheet.columns.values())
    for h in found:
        if h not in sheet.columns.values() and h != INFO_HEADER:
            problems.append(Problem(label, 1, h, None, f"onbekende kolom; verwacht: {expected}"))
    missing = [h for h in sheet.columns.values() if h not in found]
    for h in missing:
        problems.append(
            Problem(label, 1, h, None, f"deze kolom ontbreekt in rij 1; verwacht: {expected}")
        )
    return None if missing else {f: found[h] for f, h in sheet.columns.items()}


def read_row(number, values, columns, specs, sheet, label, problems) -> SheetRow:
    """One sheet row as schema texts; a cell that cannot be read is recorded and flagged."""
    row = SheetRow(number, {})
    for name, i in columns.items():
        value = values[i] if i < len(values) else None
        text, expected = cell_text(value, specs[name]["type"])
        if expected:
            problems.append(
                Problem(label, number, sheet.columns[name], shown(value), f"verwacht {expected}")
            )
            row.flagged.add(name)
        row.texts[name] = text
    return row


def read_sheet(ws, sheet, package, label, problems, uncached=frozenset()):
    """The non-empty rows of a sheet, or None when its header row is wrong.

    `uncached` holds the (row, column) of formulas without a calculated value: each is a problem.
    """
    cells = filled_cells(ws)
    last = max((c for r, c in cells if r == 1), default=0)
    header = tuple(cells.get((1, c)) for c in range(1, last + 1))
    columns = header_columns(header, sheet, label, problems)
    if columns is None:
        return None
    specs = fields_of(package, sheet.resource)
    width = max(columns.values()) + 1
    formulas = {(r, c - 1) for r, c in uncached if c <= width}
    out = []
    for number, values in sheet_rows(cells, width, {r for r, _ in formulas}):
        row = read_row(number, values, columns, specs, sheet, label, problems)
        for name, i in columns.items():
            if (number, i) in formulas:
                problems.append(Problem(label, number, sheet.columns[name], None, UNCACHED))
                row.flagged.add(name)
        if any(row.texts.values()) or row.flagged:
            out.append(row)
    return out


def keep(row: SheetRow, sheet: Sheet, package: dict, unregistered: set[str]) -> bool:
    """Whether a row is data: rows with nothing entered are skipped on sparse sheets and for
    locations that registered no results (their prefilled rows stay empty)."""
    if row.flagged or any(row.texts[f] for f in entered_fields(package, sheet)):
        return True
    if sheet.sparse:
        return False
    return not (sheet.resource in PER_LOCATION_TABLES and row.texts.get("location") in unregistered)


def numbered_rows(names: list[str], rows: list[SheetRow]) -> tuple[str, list[int]]:
    """CSV text of the rows from row 2 in sheet order, and the sheet row number of each record, for
    parse_table (a million empty rows under a stray cell are not written out and read back)."""
    by_number = {r.number: r for r in rows}
    numbers = sorted(n for n in by_number if n >= 2)
    return csv_text(names, [by_number[n] for n in numbers]), numbers


def csv_text(names: list[str], rows: list[SheetRow]) -> str:
    """The canonical CSV text of a table: header, then the rows in sheet order.

    Formula-like text gets a leading quote (bwklib.formulas); bwk takes it off when it reads.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([neutralise(row.texts.get(x, "")) for x in names] for row in rows)
    return buf.getvalue()


def headers(column: str | None, sheet: Sheet) -> str | None:
    """Schema field name(s) as the analyst's column header(s)."""
    if column is None:
        return None
    return ", ".join(sheet.columns.get(c.strip(), c.strip()) for c in column.split(","))


def sheet_terms(text: str, package: dict) -> str:
    """A message in the analyst's terms: sheets instead of the CSV files they become."""
    text = text.replace("true of false", "ja of nee")
    for sheet in SHEETS:
        text = text.replace(package[sheet.resource]["path"], f"blad '{sheet.title}'")
    return text


def parse_rows(rows, sheet: Sheet, package: dict, label: str, problems: list[Problem]) -> list:
    """Check the rows with the schema rules of the CSV files (bwklib.inputs.loading.parse_table)."""
    resource = package[sheet.resource]
    names = [f["name"] for f in resource["schema"]["fields"]]
    found: list[Problem] = []
    text, numbers = numbered_rows(names, rows)
    parsed = parse_table(text, resource, label, found, numbers)
    flagged = {(r.number, sheet.columns[f]) for r in rows for f in r.flagged}
    for p in found:
        column = headers(p.column, sheet)
        if (p.row, column) not in flagged:
            expected = sheet_terms(p.expected, package)
            problems.append(Problem(label, p.row, column, p.value or None, expected))
    return parsed


def unknown_code(resource: str, known: list[str], package: dict) -> str:
    """What an unknown code should have been."""
    title = package[resource]["title"].lower()
    if resource in SHEET_OF:
        where = f"op blad '{SHEET_OF[resource].title}' (zet een nieuwe eerst op dat blad)"
    else:
        where = f"in {package[resource]['path']}"
    return f"onbekende code; verwacht een van de {title} {where}: " + ", ".join(known)


def check_references(rows, sheet, package, known, label, problems) -> None:
    """Every code must exist in the table it refers to (a sheet or a definition file)."""
    for name, (resource, _) in references(package, sheet.resource).items():
        codes = known.get(resource)
        if codes is None:
            continue
        for row in rows:
            value = row.texts.get(name, "")
            if value and value not in codes and name not in row.flagged:
                message = unknown_code(resource, codes, package)
                problems.append(Problem(label, row.number, sheet.columns[name], value, message))


def check_registration(rows, sheet: Sheet, unregistered: set[str], label, problems) -> None:
    """Locations that registered no results have no results, participants or counts."""
    if sheet.resource not in PER_LOCATION_TABLES:
        return
    flag = LOCATION_COLUMNS["results_registered"]
    for row in rows:
        if row.texts.get("location") in unregistered:
            problems.append(
                Problem(
                    label,
                    row.number,
                    sheet.columns["location"],
                    row.texts["location"],
                    f"bij deze locatie staat '{flag}' op nee (blad '{SHEET_OF['locations'].title}'); "
                    "maak deze regel leeg of zet daar ja",
                )
            )


def read_definitions(folder: Path, package: dict, names, problems: list[Problem]) -> dict:
    """Validated rows of definition files of a year folder (schema checks only), by resource."""
    out = {}
    for name in names:
        path = Path(folder) / package[name]["path"]
        text = read_text(path, problems)
        if text is not None:
            out[name] = parse_table(text, package[name], display(path), problems)
    return out


def definition_names(package: dict) -> list[str]:
    """The definition tables the sheets refer to (not filled in the workbook itself)."""
    return [res for res, _ in list_resources(package) if res not in SHEET_OF]


def locate(workbook: Path, problems: list[Problem]) -> tuple[int, Path] | None:
    """The year and data folder of a workbook: it lives in data/<year>/."""
    folder = Path(workbook).resolve().parent
    if paths.is_year_name(folder.name):
        if (folder.parent / paths.DATAPACKAGE).exists():
            return int(folder.name), folder.parent
    example = "data/2020/" + WORKBOOK_NAME.format(year=2020)
    problems.append(
        Problem(
            display(workbook),
            None,
            None,
            None,
            f"de werkmap moet in de map van zijn jaar staan, bijv. {example}",
        )
    )
    return None


def missing_sheet(sheet: Sheet, label: str, present: list[str]) -> Problem:
    """The problem of a required sheet that is not in the workbook."""
    return Problem(
        label,
        None,
        None,
        None,
        "dit blad ontbreekt in de werkmap (wel gevonden: "
        + ", ".join(present)
        + "); zet het terug met precies deze naam, of kopieer het uit een nieuwe werkmap",
    )


def check_sheet(ws, sheet: Sheet, entry: Entry, package, known, unregistered, problems):
    """Read and check one sheet; its rows to write go into entry.tables.

    Returns the parsed rows, or None when the header row is wrong (the rows were not read).
    """
    label = sheet.label(entry.workbook)
    uncached = entry.uncached.get(ws.title, set())
    rows = read_sheet(ws, sheet, package, label, problems, uncached)
    if rows is None:
        return None
    kept = [r for r in rows if keep(r, sheet, package, unregistered)]
    parsed = parse_rows(kept, sheet, package, label, problems)
    check_references(kept, sheet, package, known, label, problems)
    check_registration(kept, sheet, unregistered, label, problems)
    entry.tables[sheet.resource] = kept
    return parsed


def check_region_of_locations(rows: list[SheetRow], entry: Entry, problems: list[Problem]) -> None:
    """A workbook of some regions holds only their locations (its import changes only their rows)."""
    if entry.regions is None:
        return
    sheet = SHEET_OF["locations"]
    for row in rows:
        region = row.texts.get("region", "")
        if region and region not in entry.regions:
            problems.append(
                Problem(
                    sheet.label(entry.workbook),
                    row.number,
                    sheet.columns["region"],
                    region,
                    "deze werkmap is voor regio " + ", ".join(entry.regions) + "; zet een "
                    "locatie van een andere regio in de werkmap van die regio",
                )
            )


def check_sheets(wb, entry: Entry, package: dict, known: dict, problems: list[Problem]) -> None:
    """Read and check every sheet, the locations first; problems per sheet in row order."""
    unregistered: set[str] = set()
    for sheet in SHEETS:
        found: list[Problem] = []
        entry.tables[sheet.resource] = []
        parsed = None
        if sheet.title in wb.sheetnames:
            parsed = check_sheet(wb[sheet.title], sheet, entry, package, known, unregistered, found)
        elif not sheet.optional:
            found.append(missing_sheet(sheet, sheet.label(entry.workbook), wb.sheetnames))
        problems += sorted(found, key=lambda p: p.row or 0)
        if sheet.resource == "locations" and parsed is not None:
            rows = entry.tables["locations"]
            check_region_of_locations(rows, entry, problems)
            known["locations"] = [r.texts["location"] for r in rows if r.texts["location"]]
            unregistered = {r["location"] for r in parsed if r["results_registered"] is False}


def read_entry(workbook: Path) -> Entry:
    """Read a filled workbook and check every sheet cell by cell (no cross-file checks yet).

    Raises
    ------
    DataError
        Every problem: missing sheets or columns, cells that do not fit the schema, duplicate
        rows, unknown codes, rows of locations that registered no results.
    """
    problems: list[Problem] = []
    wb = open_workbook(workbook, problems)
    located = locate(workbook, problems) if wb is not None else None
    if located is None:
        raise DataError(problems)
    year, data_dir = located
    package = datapackage(data_dir)
    entry = Entry(Path(workbook), year, data_dir, regions=workbook_regions(wb))
    entry.uncached = uncached_formulas(workbook, wb)
    known = read_definitions(entry.year_dir, package, definition_names(package), problems)
    known = {
        name: [r[f] for r in known[name]] for name, f in list_resources(package) if name in known
    }
    known.setdefault("locations", None)
    try:
        check_sheets(wb, entry, package, known, problems)
    finally:
        wb.close()
    if problems:
        raise DataError(problems)
    return entry
