"""Workbook: the Excel workbook in which the analyst enters the figures of a year, built and read.

`bwk new-year` writes data/<year>/invoer-<year>.xlsx with one sheet per table the analyst fills
(Dutch sheet names and column headers, drop-down lists, whole-number checks, locked header rows);
`bwk import` reads it back, checks every cell with the same schema rules as the CSV files
(bwklib.inputs.loading.parse_table), runs the cross-file checks of load_year on a staging copy, and only then
writes the canonical CSV files. Problems name the sheet, the row as Excel shows it, the column header
as the analyst sees it, the value and what was expected.

Which columns exist, their types and which table each code refers to all come from
data/datapackage.json; the lists of locations, indicators, corporations and lines come from the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from bwklib import paths
from bwklib.errors import DataError, Problem
from bwklib.inputs.loading import datapackage, display, load_year, parse_table, read_text
from bwklib.inputs.validation import PER_LOCATION_TABLES

WORKBOOK_NAME = "invoer-{year}.xlsx"
WORKBOOK_GLOB = "invoer-*.xlsx"
INSTRUCTIONS = "Uitleg"
LISTS = "Lijsten"
INFO_HEADER = "Omschrijving (ter info)"
YES, NO = "ja", "nee"
BOOLEAN_WORDS = {
    "ja": "true",
    "nee": "false",
    "true": "true",
    "false": "false",
    "waar": "true",
    "onwaar": "false",
}
SPARE_ROWS = 200
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INFO_FILL = PatternFill("solid", fgColor="F2F2F2")

LOCATION_COLUMNS = {
    "location": "Code",
    "region": "Regio",
    "name": "Naam",
    "neighbourhood": "Wijk",
    "results_registered": "Resultaten geregistreerd",
    "note": "Toelichting",
}
RESULT_COLUMNS = {
    "location": "Locatie",
    "indicator": "Indicator",
    "result": "Resultaat",
    "target": "Streefwaarde",
}
ACTIVITY_COLUMNS = {
    "location": "Locatie",
    "activity_type": "Activiteitsoort",
    "participants": "Deelnemers",
    "note": "Toelichting",
}
GENERIC_COLUMNS = {
    "location": "Locatie",
    "measure": "Onderwerp",
    "value": "Aantal",
    "note": "Toelichting",
}
HOUSING_COLUMNS = {
    "location": "Locatie",
    "housing_corporation": "Woningcorporatie",
    "participants": "Deelnemers",
    "note": "Toelichting",
}
FINANCE_COLUMNS = {
    "location": "Locatie",
    "line": "Regel",
    "budget": "Begroting",
    "actual": "Realisatie",
    "note": "Toelichting",
}
FINANCE_REGION_COLUMNS = {
    "region": "Regio",
    "line": "Regel",
    "budget": "Begroting",
    "actual": "Realisatie",
    "note": "Toelichting",
}


@dataclass(frozen=True, eq=False)
class Sheet:
    """One sheet of the workbook: the table it fills and how the analyst sees it.

    Parameters
    ----------
    resource : str
        The datapackage resource (CSV file) the sheet becomes.
    title : str
        Dutch sheet name.
    columns : dict
        Schema field name -> Dutch column header, in sheet order.
    explanation : str
        Dutch explanation on the instruction sheet.
    sparse : bool
        Rows in which nothing is entered are skipped (not every combination exists).
    optional : bool
        The sheet may be missing or left empty.
    carried : tuple of str
        Fields prefilled from the previous year (they alone do not make a row "entered").
    """

    resource: str
    title: str
    columns: dict[str, str]
    explanation: str
    sparse: bool = False
    optional: bool = False
    carried: tuple[str, ...] = ()

    def label(self, workbook: Path) -> str:
        """The sheet as named in messages: file name and sheet name."""
        return f"{Path(workbook).name}, blad '{self.title}'"


SHEETS = (
    Sheet(
        "locations",
        "Locaties",
        LOCATION_COLUMNS,
        "Eén regel per buurtwerkkamer. 'Resultaten geregistreerd' is ja of nee; bij nee blijven de "
        "regels van die locatie op de bladen Resultaten, Deelnemers en Generiek leeg en legt u in "
        "'Toelichting' uit waarom. Een nieuwe locatie krijgt hier een regel met een nieuwe code "
        "(kleine letters, cijfers en streepjes, bijv. de-kroon); een locatie die stopt verwijdert u "
        "hier en op alle andere bladen.",
    ),
    Sheet(
        "results",
        "Resultaten",
        RESULT_COLUMNS,
        "Per locatie en indicator het resultaat en de streefwaarde, zoals in de afspraken: 20, "
        "5 op 10, > 0, Positief, - 3.181. De streefwaarden van vorig jaar staan er al; pas ze aan "
        "als de afspraken veranderd zijn.",
        carried=("target",),
    ),
    Sheet(
        "participants_activity",
        "Deelnemers per activiteit",
        ACTIVITY_COLUMNS,
        "Per locatie het aantal deelnemers per activiteitsoort. Een regel zonder aantal en zonder "
        "toelichting wordt overgeslagen.",
        sparse=True,
    ),
    Sheet(
        "generic_counts",
        "Generiek",
        GENERIC_COLUMNS,
        "Per locatie de algemene aantallen (zie de codes onderaan dit blad). Een regel zonder "
        "aantal en zonder toelichting wordt overgeslagen.",
        sparse=True,
    ),
    Sheet(
        "participants_housing",
        "Deelnemers per corporatie",
        HOUSING_COLUMNS,
        "Per locatie het aantal deelnemers per verhuurder. Een regel zonder aantal en zonder "
        "toelichting wordt overgeslagen; vul 0 alleen in als u 0 wilt laten zien.",
        sparse=True,
    ),
    Sheet(
        "finance",
        "Financiën",
        FINANCE_COLUMNS,
        "Per locatie en regel de begroting en de realisatie in hele euro's, met een toelichting "
        "waar nodig. Elke regel is verplicht: vul 0 in als er niets is.",
    ),
    Sheet(
        "finance_region",
        "Financiën regio",
        FINANCE_REGION_COLUMNS,
        "Niet verplicht: de regionale tabel zoals die gepubliceerd is, om de optelling te "
        "controleren. Laat het blad leeg als er geen gepubliceerde tabel is.",
        sparse=True,
        optional=True,
    ),
)
SHEET_OF = {s.resource: s for s in SHEETS}


# --- the schema, seen from a sheet -------------------------------------------------------------


def fields_of(package: dict, resource: str) -> dict[str, dict]:
    """The schema fields of a resource, by name, in schema order."""
    return {f["name"]: f for f in package[resource]["schema"]["fields"]}


def references(package: dict, resource: str) -> dict[str, tuple[str, str]]:
    """Field -> (referenced resource, referenced field), from the schema's foreign keys."""
    out = {}
    for fkey in package[resource]["schema"].get("foreignKeys", []):
        out[fkey["fields"][0]] = (fkey["reference"]["resource"], fkey["reference"]["fields"][0])
    return out


def primary_key(package: dict, resource: str) -> list[str]:
    """The primary-key fields of a resource."""
    return list(package[resource]["schema"].get("primaryKey", []))


def entered_fields(package: dict, sheet: Sheet) -> list[str]:
    """Fields the analyst enters: neither part of the key nor carried over from last year."""
    key = primary_key(package, sheet.resource)
    return [f for f in sheet.columns if f not in key and f not in sheet.carried]


def info_reference(package: dict, sheet: Sheet) -> tuple[str, str] | None:
    """The definition table described in the sheet's info column (the key's last code), if any."""
    key = primary_key(package, sheet.resource)
    if len(key) < 2:
        return None
    return references(package, sheet.resource).get(key[-1])


def layout(package: dict, sheet: Sheet) -> list[tuple[str | None, str]]:
    """The sheet's columns in order as (field, header); field None is the read-only info column."""
    key = primary_key(package, sheet.resource)
    cols: list[tuple[str | None, str]] = [(f, sheet.columns[f]) for f in key]
    if info_reference(package, sheet):
        cols.append((None, INFO_HEADER))
    cols += [(f, h) for f, h in sheet.columns.items() if f not in key]
    return cols


def list_resources(package: dict) -> list[tuple[str, str]]:
    """Every (resource, id field) a sheet column refers to, in order of first use."""
    out: list[tuple[str, str]] = []
    for sheet in SHEETS:
        for ref in references(package, sheet.resource).values():
            if ref not in out:
                out.append(ref)
    return out


def describe(row: dict) -> str:
    """A definition row's Dutch description (its label or name)."""
    return str(row.get("label") or row.get("name") or "")


# --- building ------------------------------------------------------------------------------------


def shown_value(value: object) -> object:
    """A data value as it is shown in a cell: booleans as ja/nee, None as an empty cell."""
    if isinstance(value, bool):
        return YES if value else NO
    return value


def prefill(
    package: dict, sheet: Sheet, definitions: dict[str, list[dict]], carried: dict
) -> list[dict]:
    """The rows a sheet starts with: every combination of its key codes, with carried values.

    The locations sheet starts with the locations themselves.
    """
    if sheet.resource == "locations":
        return [dict(r) for r in definitions["locations"]]
    refs = references(package, sheet.resource)
    rows: list[dict] = [{}]
    for f in primary_key(package, sheet.resource):
        resource, id_field = refs[f]
        rows = [{**r, f: d[id_field]} for r in rows for d in definitions[resource]]
    key = primary_key(package, sheet.resource)
    extra = carried.get(sheet.resource, {})
    return [{**r, **extra.get(tuple(r[k] for k in key), {})} for r in rows]


def list_columns(package: dict, definitions: dict) -> list[tuple[str, str, list]]:
    """The drop-down lists as (Dutch title, list name, values): the codes of every referenced table."""
    columns = [
        (package[res]["title"], res, [d[f] for d in definitions[res]])
        for res, f in list_resources(package)
    ]
    return [*columns, ("Ja/nee", "boolean", [YES, NO])]


def list_ranges(columns: list[tuple[str, str, list]]) -> dict[str, str]:
    """List name -> its cell range on the hidden list sheet, for data validation."""
    ranges = {}
    for col, (_, name, values) in enumerate(columns, start=1):
        letter = get_column_letter(col)
        ranges[name] = f"{LISTS}!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def write_lists(wb: Workbook, columns: list[tuple[str, str, list]]) -> None:
    """The hidden, protected sheet holding the drop-down lists."""
    ws = wb.create_sheet(LISTS)
    for col, (title, _, values) in enumerate(columns, start=1):
        ws.cell(1, col, title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            ws.cell(row, col, value)
        ws.column_dimensions[get_column_letter(col)].width = 28
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def list_validation(cell_range: str, header: str, strict: bool) -> DataValidation:
    """A drop-down list; a code outside it gets a warning (strict: is refused).

    Excel allows at most 32 characters in the error title and 255 in the message.
    """
    message = (
        f"{header}: kies ja of nee."
        if strict
        else f"{header}: deze code staat niet in de keuzelijst. Kies een code uit de lijst; een "
        "nieuwe code moet eerst in de gegevens staan (zie het blad Uitleg). Doorgaan?"
    )
    return DataValidation(
        type="list",
        formula1=cell_range,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle="Niet in de lijst",
        error=message,
    )


def count_validation(header: str) -> DataValidation:
    """Whole numbers of at least 0."""
    return DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Geen geheel getal van 0 of meer",
        error=f"{header}: vul een geheel getal van 0 of meer in, zonder punten, spaties of "
        "€-teken (bijv. 3181).",
    )


def column_validation(spec: dict, header: str, refs: dict, ranges: dict) -> DataValidation | None:
    """The data validation of one column, from its schema field (None: free text)."""
    if spec["name"] in refs:
        return list_validation(ranges[refs[spec["name"]][0]], header, strict=False)
    if spec["type"] == "boolean":
        return list_validation(ranges["boolean"], header, strict=True)
    if spec["type"] == "integer" and spec.get("constraints", {}).get("minimum") == 0:
        return count_validation(header)
    return None


def write_header(ws, columns: list[tuple[str | None, str]]) -> None:
    """The locked, bold header row, with column widths."""
    for col, (name, header) in enumerate(columns, start=1):
        cell = ws.cell(1, col, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        wide = name is None or name in ("note", "name")
        ws.column_dimensions[get_column_letter(col)].width = 50 if wide else 24


def write_cells(ws, columns, specs, rows, labels, last: int) -> None:
    """Data cells: prefilled values, unlocked (except the info column), text or number format."""
    for col, (name, _) in enumerate(columns, start=1):
        spec = specs.get(name, {"type": "string"})
        number_format = "0" if spec["type"] in ("integer", "number") else "@"
        for row in range(2, last + 1):
            values = rows[row - 2] if row - 2 < len(rows) else None
            cell = ws.cell(row, col)
            cell.number_format = number_format
            if name is None:
                cell.value = labels[row - 2] if values else None
                cell.font = Font(italic=True, color="595959")
                cell.fill = INFO_FILL
                continue
            cell.protection = Protection(locked=False)
            if values:
                cell.value = shown_value(values.get(name))
                cell.fill = INPUT_FILL


def protect(ws, last_column: str, last: int) -> None:
    """Lock the header, keep data cells editable; rows may be inserted, deleted and filtered."""
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_column}{last}"
    p = ws.protection
    p.sheet = True
    p.insertRows = p.deleteRows = p.formatColumns = p.formatRows = p.formatCells = False
    p.autoFilter = p.sort = False


def write_sheet(wb, package, sheet, definitions, carried, ranges) -> None:
    """One data sheet: header, prefilled rows, validations, protection."""
    ws = wb.create_sheet(sheet.title)
    columns = layout(package, sheet)
    specs = fields_of(package, sheet.resource)
    refs = references(package, sheet.resource)
    rows = prefill(package, sheet, definitions, carried)
    info = info_reference(package, sheet)
    labels = []
    if info:
        by_id = {d[info[1]]: describe(d) for d in definitions[info[0]]}
        labels = [by_id.get(r[primary_key(package, sheet.resource)[-1]], "") for r in rows]
    last = len(rows) + 1 + SPARE_ROWS
    write_header(ws, columns)
    write_cells(ws, columns, specs, rows, labels, last)
    for col, (name, header) in enumerate(columns, start=1):
        dv = column_validation(specs[name], header, refs, ranges) if name else None
        if dv:
            letter = get_column_letter(col)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    protect(ws, get_column_letter(len(columns)), last)


def instruction_lines(year: int, package: dict, definitions: dict) -> list[tuple[str, str]]:
    """The instruction sheet as (style, text) lines; style is title, heading, code or text."""
    name = WORKBOOK_NAME.format(year=year)
    lines = [
        ("title", f"Invoer buurtwerkkamers {year}"),
        (
            "text",
            f"In deze werkmap vult u de cijfers van {year} in. Daarna zet bwk ze om naar de "
            "gegevensbestanden en maakt het de rapporten.",
        ),
        ("heading", "Stappen"),
        (
            "text",
            "1. Vul de bladen in, van links naar rechts. Rij 1 (de kopregel) en de grijze kolom "
            f"'{INFO_HEADER}' liggen vast; alle andere cellen kunt u wijzigen, en u kunt regels "
            "toevoegen en verwijderen.",
        ),
        (
            "text",
            "2. Codes (locatie, indicator, activiteitsoort, woningcorporatie, regel) kiest u "
            "uit de keuzelijst in de cel. De codes en hun betekenis staan onderaan dit blad.",
        ),
        (
            "text",
            "3. Aantallen en bedragen zijn hele getallen van 0 of meer, zonder punten, spaties "
            "of €-teken: 3181, niet € 3.181.",
        ),
        ("text", "4. Ja/nee-kolommen: kies ja of nee uit de lijst."),
        (
            "text",
            f"5. Sla op als Excel-werkmap (.xlsx), met dezelfde naam ({name}) in dezelfde map.",
        ),
        ("code", f"6. Controleren:   bwk validate --year {year}"),
        ("code", f"7. Inlezen:       bwk import data/{year}/{name}"),
        ("code", f"8. Rapporten:     bwk run --year {year}"),
        (
            "text",
            "Elke melding noemt het blad, de rij, de kolom, de waarde en wat er verwacht "
            "wordt. Zie docs/handleiding-analist.md voor de gewone fouten en hoe u ze "
            "verbetert.",
        ),
        (
            "text",
            "De kopregels en de indeling van de werkmap zijn beveiligd tegen per ongeluk "
            "wijzigen, zonder wachtwoord.",
        ),
        ("heading", "De bladen"),
    ]
    lines += [("text", f"{s.title}: {s.explanation}") for s in SHEETS]
    for resource, id_field in list_resources(package):
        lines.append(("heading", f"Codes: {package[resource]['title']}"))
        lines += [("code", f"{d[id_field]}  —  {describe(d)}") for d in definitions[resource]]
    return lines


def write_instructions(wb: Workbook, year: int, package: dict, definitions: dict) -> None:
    """The Dutch instruction sheet, first in the workbook and read-only."""
    ws = wb.active
    ws.title = INSTRUCTIONS
    ws.column_dimensions["A"].width = 110
    fonts = {
        "title": Font(bold=True, size=14),
        "heading": Font(bold=True, size=12),
        "code": Font(name="Courier New"),
        "text": Font(),
    }
    row = 1
    for style, text in instruction_lines(year, package, definitions):
        if style == "heading":
            row += 1
        cell = ws.cell(row, 1, text)
        cell.font = fonts[style]
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    ws.protection.sheet = True


def build_workbook(
    path: Path,
    year: int,
    package: dict,
    definitions: dict[str, list[dict]],
    carried: dict | None = None,
) -> Path:
    """Write the data-entry workbook of a year.

    Parameters
    ----------
    path : Path
        Where to write the .xlsx file.
    year : int
        The year the figures are for (shown in the instructions).
    package : dict
        The datapackage resources by name (bwklib.inputs.loading.datapackage).
    definitions : dict
        Resource name -> validated rows: every table a sheet column refers to, and `locations`
        (the rows the Locaties sheet starts with).
    carried : dict, optional
        Resource name -> {primary-key tuple: {field: value}}: values carried over from last year,
        e.g. the targets of the results.

    Returns
    -------
    Path
        The workbook written.
    """
    wb = Workbook()
    write_instructions(wb, year, package, definitions)
    lists = list_columns(package, definitions)
    ranges = list_ranges(lists)
    for sheet in SHEETS:
        write_sheet(wb, package, sheet, definitions, carried or {}, ranges)
    write_lists(wb, lists)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = "bwk"
    wb.save(path)
    return Path(path)


# --- reading -------------------------------------------------------------------------------------


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

    @property
    def year_dir(self) -> Path:
        return paths.year_dir(self.data_dir, self.year)


def hint(kind: str) -> str:
    """What a cell of a schema type should hold, in the analyst's terms."""
    from bwklib.inputs.loading import TYPE_HINTS

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


def read_sheet(ws, sheet: Sheet, package: dict, label: str, problems: list[Problem]):
    """The non-empty rows of a sheet, or None when its header row is wrong."""
    rows = ws.iter_rows(values_only=True)
    columns = header_columns(next(rows, ()), sheet, label, problems)
    if columns is None:
        return None
    specs = fields_of(package, sheet.resource)
    out = []
    for number, values in enumerate(rows, start=2):
        row = read_row(number, values, columns, specs, sheet, label, problems)
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


def numbered_csv(names: list[str], rows: list[SheetRow]) -> str:
    """CSV text in which record n is sheet row n (skipped rows are blank), for parse_table."""
    by_number = {r.number: r for r in rows}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for n in range(2, max(by_number, default=1) + 1):
        row = by_number.get(n)
        writer.writerow([row.texts.get(x, "") for x in names] if row else [])
    return buf.getvalue()


def csv_text(names: list[str], rows: list[SheetRow]) -> str:
    """The canonical CSV text of a table: header, then the rows in sheet order."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([row.texts.get(x, "") for x in names] for row in rows)
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
    parsed = parse_table(numbered_csv(names, rows), resource, label, found)
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
    if folder.name.isdigit() and len(folder.name) == 4:
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


def open_workbook(path: Path, problems: list[Problem]):
    """The workbook opened for reading cell values (as last calculated), or None."""
    from openpyxl.utils.exceptions import InvalidFileException

    if not Path(path).is_file():
        problems.append(Problem(display(path), None, None, None, "de werkmap bestaat niet"))
        return None
    try:
        return load_workbook(path, data_only=True)  # not read_only: it trusts the dimensions
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
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
    rows = read_sheet(ws, sheet, package, label, problems)
    if rows is None:
        return None
    kept = [r for r in rows if keep(r, sheet, package, unregistered)]
    parsed = parse_rows(kept, sheet, package, label, problems)
    check_references(kept, sheet, package, known, label, problems)
    check_registration(kept, sheet, unregistered, label, problems)
    entry.tables[sheet.resource] = kept
    return parsed


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
    entry = Entry(Path(workbook), year, data_dir)
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


# --- writing -------------------------------------------------------------------------------------


def table_files(entry: Entry, package: dict) -> dict[str, str]:
    """File name -> CSV text of every table the workbook fills, plus an empty published.csv when
    the year has none."""
    files = {}
    for sheet in SHEETS:
        names = [f["name"] for f in package[sheet.resource]["schema"]["fields"]]
        files[package[sheet.resource]["path"]] = csv_text(names, entry.tables[sheet.resource])
    published = package["published"]
    if not (entry.year_dir / published["path"]).exists():
        files[published["path"]] = csv_text([f["name"] for f in published["schema"]["fields"]], [])
    return files


def relabel(p: Problem, entry: Entry, staged: Path, package: dict) -> Problem:
    """A problem found in a staged CSV file, told in terms of the sheet and row it came from."""
    for sheet in SHEETS:
        if p.file == display(staged / package[sheet.resource]["path"]):
            rows = entry.tables[sheet.resource]
            row = p.row
            if row is not None and 2 <= row < len(rows) + 2:
                row = rows[row - 2].number
            expected = sheet_terms(p.expected, package)
            label = sheet.label(entry.workbook)
            return Problem(label, row, headers(p.column, sheet), p.value, expected)
    file = p.file.replace(display(staged), display(entry.year_dir))
    return Problem(file, p.row, p.column, p.value, sheet_terms(p.expected, package))


def stage(entry: Entry, files: dict[str, str], tmp: Path) -> Path:
    """A copy of the data folder in tmp with the year's new files in place; returns its year folder."""
    shutil.copy2(entry.data_dir / paths.DATAPACKAGE, tmp / paths.DATAPACKAGE)
    shutil.copytree(paths.config_dir(entry.data_dir), paths.config_dir(tmp))
    staged = paths.year_dir(tmp, entry.year)
    ignore = shutil.ignore_patterns("*.xlsx", "*.xls", "*.ods", "~$*", ".~lock*")
    shutil.copytree(entry.year_dir, staged, ignore=ignore)
    for name, text in files.items():
        (staged / name).write_text(text, encoding="utf-8", newline="")
    return staged


def cross_check(entry: Entry, files: dict[str, str], package: dict) -> None:
    """Run every check of load_year on a staging copy, so that nothing is written on a problem.

    Raises
    ------
    DataError
        The problems of load_year, told in terms of the sheets where the data came from.
    """
    with tempfile.TemporaryDirectory(prefix="bwk-invoer-") as tmp:
        root = Path(tmp).resolve()
        staged = stage(entry, files, root)
        try:
            load_year(entry.year, root)
        except DataError as e:
            raise DataError([relabel(p, entry, staged, package) for p in e.problems]) from None


def check_workbook(workbook: Path) -> tuple[Entry, dict[str, str]]:
    """Check a filled workbook completely, as `bwk import` would, without writing anything.

    Parameters
    ----------
    workbook : Path
        data/<year>/invoer-<year>.xlsx.

    Returns
    -------
    tuple
        The checked entry and file name -> CSV text of the files an import writes.

    Raises
    ------
    DataError
        Every problem found, each naming sheet, row, column header, value and what was expected.
    """
    entry = read_entry(workbook)
    package = datapackage(entry.data_dir)
    files = table_files(entry, package)
    cross_check(entry, files, package)
    return entry, files


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write each file through a temporary file in the same folder and an atomic rename."""
    written = []
    for name, text in files.items():
        target = Path(folder) / name
        tmp = target.with_name(f".{name}.bwk-tmp")
        tmp.write_text(text, encoding="utf-8", newline="")
        os.replace(tmp, target)
        written.append(target)
    return written


def import_workbook(workbook: Path) -> list[Path]:
    """Check a filled workbook and write the CSV files of its year.

    Parameters
    ----------
    workbook : Path
        data/<year>/invoer-<year>.xlsx.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    DataError
        When anything is wrong; then nothing is written.
    """
    entry, files = check_workbook(workbook)
    written = write_files(entry.year_dir, files)
    load_year(entry.year, entry.data_dir)
    return written


def pending_workbook(year_dir: Path) -> Path | None:
    """The year's workbook when it is newer than the CSV files it fills (or one is missing).

    Parameters
    ----------
    year_dir : Path
        data/<year>/.

    Returns
    -------
    Path or None
        invoer-<year>.xlsx (or else the newest invoer-*.xlsx) when the workbook should be checked
        rather than the CSV files; None when there is no workbook or the CSV files are newer.
    """
    year_dir = Path(year_dir)
    books = sorted(year_dir.glob(WORKBOOK_GLOB), key=lambda p: p.stat().st_mtime)
    if not books:
        return None
    preferred = year_dir / WORKBOOK_NAME.format(year=year_dir.name)
    book = preferred if preferred.exists() else books[-1]
    package = datapackage(year_dir.resolve().parent)
    tables = [year_dir / package[s.resource]["path"] for s in SHEETS]
    if not all(p.exists() for p in tables):
        return book
    return book if book.stat().st_mtime > min(p.stat().st_mtime for p in tables) else None
