"""The workbook's sheets: which table each fills, its Dutch name and headers, seen from the schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl.styles import PatternFill

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
REGIONS_PROPERTY = "bwk-regio's"
"""Custom document property of a workbook: the regions (comma-separated) whose rows it holds."""
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


HOUSING_MARKER_NOTE = (
    "Van belang voor woningcorporaties: welke indicatoren dat zijn, staat niet in deze werkmap "
    "maar in data/{year}/indicators.csv, kolom housing_corporations (true bij zo'n indicator, "
    "anders leeg). Het rapport toont ze met ⌂ en een regel in de legenda. Zie data/README.md."
)


def marked(definition: dict) -> str:
    """The housing-corporation marker of an indicator, as the codes list shows it."""
    value = str(definition.get("housing_corporations") or "").strip().lower()
    return "  (⌂ van belang voor woningcorporaties)" if value in ("true", "ja", "1") else ""


def describe(row: dict) -> str:
    """A definition row's Dutch description (its label or name)."""
    return str(row.get("label") or row.get("name") or "")


def workbook_regions(wb) -> list[str] | None:
    """The regions whose rows a workbook holds (None: a workbook without the property, all)."""
    for prop in getattr(wb, "custom_doc_props", []):
        if prop.name == REGIONS_PROPERTY:
            return [r for r in str(prop.value or "").split(",") if r]
    return None
