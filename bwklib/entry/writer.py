"""Building the workbook: one sheet per table, drop-down lists, number checks, locked headers."""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from bwklib.entry.sheets import (
    HEADER_FILL,
    HOUSING_MARKER_NOTE,
    INFO_FILL,
    INFO_HEADER,
    INPUT_FILL,
    INSTRUCTIONS,
    LISTS,
    NO,
    REGIONS_PROPERTY,
    SHEETS,
    SPARE_ROWS,
    WORKBOOK_NAME,
    YES,
    Sheet,
    describe,
    fields_of,
    info_reference,
    layout,
    list_resources,
    marked,
    primary_key,
    references,
)
from bwklib.formulas import looks_like_formula


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
        rows = [
            {**r, f: d[id_field]}
            for r in rows
            for d in definitions[resource]
            if applies_to(r, d, definitions)
        ]
    key = primary_key(package, sheet.resource)
    extra = carried.get(sheet.resource, {})
    return [{**r, **extra.get(tuple(r[k] for k in key), {})} for r in rows]


def applies_to(row: dict, definition: dict, definitions: dict[str, list[dict]]) -> bool:
    """Whether a definition belongs on a prefilled row: one of another region does not.

    The row's region is that of its location (or its own `region` code); a definition applies to
    it when its `region` is empty (every region) or the same (see bwklib.compute.regions).
    """
    own = definition.get("region") or ""
    if not own or "location" in definition:  # a location row itself starts the row
        return True
    if "location" in row:
        region = {d["location"]: d["region"] for d in definitions.get("locations", [])}.get(
            row["location"]
        )
    else:
        region = row.get("region")
    return region is None or own == region


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


def count_validation(header: str, maximum: int | None = None) -> DataValidation:
    """Whole numbers of at least 0 (and at most the schema's maximum, when it has one)."""
    most = f" en hoogstens {maximum}" if maximum is not None else ""
    return DataValidation(
        type="whole",
        operator="greaterThanOrEqual" if maximum is None else "between",
        formula1="0",
        formula2=None if maximum is None else str(maximum),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Geen geheel getal van 0 of meer",
        error=f"{header}: vul een geheel getal van 0 of meer{most} in, zonder punten, spaties of "
        "€-teken (bijv. 3181).",
    )


def column_validation(spec: dict, header: str, refs: dict, ranges: dict) -> DataValidation | None:
    """The data validation of one column, from its schema field (None: free text)."""
    if spec["name"] in refs:
        return list_validation(ranges[refs[spec["name"]][0]], header, strict=False)
    if spec["type"] == "boolean":
        return list_validation(ranges["boolean"], header, strict=True)
    constraints = spec.get("constraints", {})
    if spec["type"] == "integer" and constraints.get("minimum") == 0:
        return count_validation(header, constraints.get("maximum"))
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
    """Data cells: prefilled values, unlocked (except the info column), text or number format; a
    cell copies the style ids of the first of its kind (column, prefilled or not), which is faster."""
    for col, (name, _) in enumerate(columns, start=1):
        spec = specs.get(name, {"type": "string"})
        number_format = "0" if spec["type"] in ("integer", "number") else "@"
        styled: dict[bool, StyleArray] = {}  # prefilled or not -> the style of such a cell
        for row in range(2, last + 1):
            values = rows[row - 2] if row - 2 < len(rows) else None
            cell = ws.cell(row, col)
            if bool(values) in styled:
                cell._style = copy(styled[bool(values)])
            else:
                cell.number_format = number_format
                if name is None:
                    cell.font = Font(italic=True, color="595959")
                    cell.fill = INFO_FILL
                else:
                    cell.protection = Protection(locked=False)
                    if values:
                        cell.fill = INPUT_FILL
                styled[bool(values)] = copy(cell._style)
            if name is None:
                cell.value = labels[row - 2] if values else None
            elif values:
                cell.value = shown_value(values.get(name))


def text_only(wb: Workbook) -> None:
    """No cell bwk writes is a formula: openpyxl stores any text starting with '=' as one.

    Text stays text (data type "s"); formula-like text (bwklib.formulas) also gets Excel's quote
    prefix, so that editing the cell keeps it text.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (
                    cell.data_type == "f" or looks_like_formula(cell.value)
                ):
                    cell.data_type = "s"
                    cell.quotePrefix = True


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


def only_region(resource: str, definition: dict) -> str:
    """' (alleen regio X)' for a definition of one region; locations name their region anyway."""
    region = definition.get("region") or ""
    return (
        f"  (alleen regio {region})" if region and resource not in ("locations", "regions") else ""
    )


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
    lines.append(("text", HOUSING_MARKER_NOTE.format(year=year)))
    for resource, id_field in list_resources(package):
        lines.append(("heading", f"Codes: {package[resource]['title']}"))
        lines += [
            ("code", f"{d[id_field]}  —  {describe(d)}{only_region(resource, d)}{marked(d)}")
            for d in definitions[resource]
        ]
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
    regions: list[str] | None = None,
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
    regions : list of str, optional
        The regions whose rows the workbook holds (stored in the workbook, so that `bwk import`
        replaces only their rows); default the regions in `definitions`.

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
    text_only(wb)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = "bwk"
    from openpyxl.packaging.custom import StringProperty

    if regions is None:
        regions = [r["region"] for r in definitions.get("regions", [])]
    wb.custom_doc_props.append(StringProperty(name=REGIONS_PROPERTY, value=",".join(regions)))
    wb.save(path)
    return Path(path)
