"""The schema: data/datapackage.json, and each CSV file read as text and checked cell by cell against it."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from functools import cache
from pathlib import Path

from bwklib import paths
from bwklib.errors import Problem, decode_utf8, display, file_problem
from bwklib.formulas import restore

TYPE_HINTS = {
    "integer": "een geheel getal zonder punten, spaties of €-teken (bijv. 3181)",
    "number": "een getal met een punt als decimaalteken (bijv. 0.2)",
    "boolean": "true of false",
    "string": "tekst",
}


MAX_TEXT = 10_000  # characters in one cell; Excel holds at most 32.767


TRUE_WORDS = {"true"}


FALSE_WORDS = {"false"}


@cache
def datapackage(data_dir: Path) -> dict:
    """The resource descriptors of data/datapackage.json, by name.

    Raises
    ------
    DataError
        When the data folder or its datapackage.json is missing or is not valid JSON.
    """
    path = Path(data_dir) / paths.DATAPACKAGE
    if not path.is_file():
        raise file_problem(path, "niet gevonden; klopt de map met gegevens (--data-dir)?")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise file_problem(path, f"geen geldige JSON ({e}); herstel het bestand uit git") from None
    check_package_shape(package, path)
    return {r["name"]: r for r in package["resources"]}


RESOURCE_KEYS = {"name": str, "path": str, "scope": str, "schema": dict}


def shape_problem(package: object) -> str | None:
    """What is wrong with the shape of a parsed datapackage.json, in Dutch, or None."""
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        return "verwacht een object met een lijst 'resources'"
    for i, r in enumerate(package["resources"], start=1):
        if not isinstance(r, dict):
            return f"resource {i} is geen object"
        for key, kind in RESOURCE_KEYS.items():
            if not isinstance(r.get(key), kind):
                return (
                    f"resource {i} ({r.get('name', '?')}) mist '{key}' of heeft het verkeerde type"
                )
        fields = r["schema"].get("fields")
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) and f.get("type") in TYPE_HINTS
            for f in fields
        ):
            return (
                f"resource {r['name']}: 'schema.fields' moet een lijst velden met name en type zijn"
            )
        if problem := keys_problem(r):
            return problem
    return None


def keys_problem(resource: dict) -> str | None:
    """What is wrong with a resource's scope, primaryKey or foreignKeys, or None."""
    name, schema = resource["name"], resource["schema"]
    names = {f["name"] for f in schema["fields"]}
    if resource["scope"] not in ("config", "year", "history"):
        return f"resource {name}: 'scope' moet config, year of history zijn"
    key = schema.get("primaryKey", [])
    if not isinstance(key, list) or not set(key) <= names:
        return f"resource {name}: 'primaryKey' moet een lijst van veldnamen zijn"
    for fkey in schema.get("foreignKeys", []):
        ok = (
            isinstance(fkey, dict)
            and isinstance(fkey.get("fields"), list)
            and len(fkey["fields"]) == 1
            and fkey["fields"][0] in names
            and isinstance(fkey.get("reference"), dict)
            and isinstance(fkey["reference"].get("resource"), str)
            and isinstance(fkey["reference"].get("fields"), list)
            and len(fkey["reference"]["fields"]) == 1
        )
        if not ok:
            return f"resource {name}: elke 'foreignKeys' verwijst met één veld naar één veld"
    return None


def check_package_shape(package: object, path: Path) -> None:
    """Raise a Dutch DataError when datapackage.json does not have the shape bwk reads.

    Raises
    ------
    DataError
        Naming the first part that is missing or of the wrong type.
    """
    problem = shape_problem(package)
    if problem:
        raise file_problem(path, f"{problem}; herstel het bestand uit git")


def read_bytes(path: Path, shown: str, problems: list[Problem]) -> bytes | None:
    """The bytes of a file; a problem (and None) for a folder where the file belongs, or no access."""
    if path.is_dir():
        problems.append(
            Problem(shown, None, None, None, "dit is een map; verwacht een bestand met deze naam")
        )
        return None
    try:
        return path.read_bytes()
    except OSError as e:
        problems.append(
            Problem(shown, None, None, None, f"kan het bestand niet lezen ({e.strerror})")
        )
        return None


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """Read a file as UTF-8 without byte-order mark; record a problem and return None otherwise."""
    shown = display(path)
    if not path.exists():
        problems.append(
            Problem(
                shown,
                None,
                None,
                None,
                "bestand ontbreekt; maak het aan of kopieer het uit het vorige jaar",
            )
        )
        return None
    raw = read_bytes(path, shown, problems)
    if raw is None:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(
            Problem(
                shown,
                None,
                None,
                None,
                "het bestand begint met een byte-order mark "
                "(BOM); sla het op als 'CSV UTF-8' zonder BOM",
            )
        )
        return None
    text = decode_utf8(
        raw, shown, problems, "het bestand is geen UTF-8; sla het op als 'CSV UTF-8'"
    )
    if text is None:
        return None
    if not text.strip():
        problems.append(
            Problem(
                shown,
                None,
                None,
                None,
                "het bestand is leeg; verwacht een kopregel "
                "met kolomnamen en daaronder de gegevens",
            )
        )
        return None
    return text


def convert(value: str, spec: dict) -> tuple[object, str | None]:
    """Convert one cell to its schema type; return (value, None) or (None, what was expected).

    A leading quote that bwk put before formula-like text (bwklib.formulas) is taken off first.
    """
    value = restore(value)
    if len(value) > MAX_TEXT:
        return None, (
            f"een waarde van hoogstens {MAX_TEXT:,} tekens (deze heeft er {len(value):,}); "
            "kort de tekst in"
        ).replace(",", ".")
    kind = spec.get("type", "string")
    cons = spec.get("constraints", {})
    if value == "":
        if cons.get("required"):
            return None, f"een verplichte waarde ({TYPE_HINTS[kind]}); de cel is leeg"
        return (None if kind != "string" else ""), None
    if value != value.strip():
        return None, "een waarde zonder spaties aan het begin of eind"
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return None, TYPE_HINTS[kind]
        out: object = int(value)
    elif kind == "number":
        if not re.fullmatch(r"-?\d+(\.\d+)?", value):
            return None, TYPE_HINTS[kind]
        out = float(value)
    elif kind == "boolean":
        if value.lower() not in TRUE_WORDS | FALSE_WORDS:
            return None, TYPE_HINTS[kind]
        out = value.lower() in TRUE_WORDS
    else:
        out = value
    if "enum" in cons and out not in cons["enum"]:
        return None, "een van: " + ", ".join(cons["enum"])
    if "pattern" in cons and not re.fullmatch(cons["pattern"], str(out)):
        return None, (
            "een id van kleine letters, cijfers en streepjes (bijv. de-verbinding)"
            if cons["pattern"].startswith("^[a-z0-9]+(-")
            else f"een waarde volgens het patroon {cons['pattern']}"
        )
    if kind in ("integer", "number"):
        return out, range_problem(out, cons)
    return out, None


LARGEST = 2**53  # beyond this integers lose precision as floats and sums may overflow int64


def dutch_number(n: float) -> str:
    """A bound as the analyst reads it: 100.000.000, -1.000.000.000."""
    return f"{n:,}".replace(",", ".") if float(n).is_integer() else str(n)


def range_problem(value: float, cons: dict) -> str | None:
    """What was expected when a number lies outside its schema bounds (or any sane bound), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"een getal van hoogstens {dutch_number(LARGEST)}; dit getal is te groot"
    if "minimum" in cons and value < cons["minimum"]:
        low = dutch_number(cons["minimum"])
        return f"een waarde van minstens {low}" + (" (geen negatief getal)" if low == "0" else "")
    if "maximum" in cons and value > cons["maximum"]:
        return (
            f"een waarde van hoogstens {dutch_number(cons['maximum'])}; zoveel heeft een "
            "buurtwerkkamer niet: controleer de waarde (een punt of nul te veel?)"
        )
    if abs(value) > LARGEST:
        return f"een getal van hoogstens {dutch_number(LARGEST)}; dit getal is te groot"
    return None


def csv_records(text: str, shown: str, problems: list[Problem]) -> list[list[str]] | None:
    """The records of a CSV text; a problem (and None) when it cannot be read as CSV.

    A cell may be as long as the file (csv's own limit of 131072 characters is lifted while reading);
    `convert` then says which cell is too long.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text)))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as e:
        problems.append(
            Problem(
                shown,
                reader.line_num,
                None,
                None,
                f"deze regel kan niet als CSV worden gelezen ({e}); sla het bestand opnieuw op "
                "als 'CSV UTF-8'",
            )
        )
        return None
    finally:
        csv.field_size_limit(limit)


def parse_table(
    text: str,
    resource: dict,
    shown: str,
    problems: list[Problem],
    numbers: list[int] | None = None,
) -> list[dict]:
    """Check header, row shape, cell types and the primary key of one CSV text.

    A field marked `optionalColumn` in the schema (the `region` of the definition files) may be left
    out of the header, and trailing cells of such fields may be left out of a row; they then read
    as empty. The row numbers in problems and in `_row` count the records from 2 (the header is 1),
    or are `numbers`, one for each record after the header (the sheet rows of a workbook's table).
    """
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    records = csv_records(text, shown, problems)
    if not records:
        return []
    header, reader = records[0], records[1:]
    absent = [f["name"] for f in fields if f.get("optionalColumn") and f["name"] not in header]
    missing = [n for n in names if n not in header and n not in absent]
    extra = [h for h in header if h not in names]
    for n in missing:
        problems.append(
            Problem(
                shown,
                1,
                n,
                None,
                "deze kolom ontbreekt in de kopregel; verwacht de kolommen: " + ", ".join(names),
            )
        )
    for h in extra:
        problems.append(
            Problem(shown, 1, h, None, "onbekende kolom; verwacht alleen: " + ", ".join(names))
        )
    if len(set(header)) != len(header):
        problems.append(
            Problem(shown, 1, None, None, "een kolomnaam staat twee keer in de kopregel")
        )
    if missing or extra:
        return []
    specs = {f["name"]: f for f in fields}
    rows, seen = [], {}
    key = resource["schema"].get("primaryKey", [])
    numbered = enumerate(reader, start=2) if numbers is None else zip(numbers, reader, strict=True)
    for number, cells in numbered:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header) and all(
            specs[h].get("optionalColumn") for h in header[len(cells) :]
        ):  # trailing optional cells (region) may be left out: the row applies to every region
            cells = [*cells, *[""] * (len(header) - len(cells))]
        if len(cells) != len(header):
            problems.append(
                Problem(
                    shown,
                    number,
                    None,
                    None,
                    f"{len(header)} cellen verwacht, "
                    f"{len(cells)} gevonden (let op komma's in tekst: zet die tekst "
                    "tussen aanhalingstekens)",
                )
            )
            continue
        row, ok = {"_row": number}, True
        for name, value in zip(header, cells, strict=True):
            out, expected = convert(value, specs[name])
            if expected and specs[name].get("optionalColumn"):
                expected += (
                    "; staat hier tekst uit een andere kolom, let dan op komma's in tekst: zet die "
                    "tekst tussen aanhalingstekens"
                )
            if expected:
                problems.append(Problem(shown, number, name, value, f"verwacht {expected}"))
                ok = False
            row[name] = out
        if not ok:
            continue
        ident = tuple(row[k] for k in key)
        if ident in seen:
            problems.append(
                Problem(
                    shown,
                    number,
                    ", ".join(key),
                    " / ".join(map(str, ident)),
                    f"dubbele regel: dezelfde combinatie staat al in rij {seen[ident]}",
                )
            )
            continue
        seen[ident] = number
        rows.append({**row, **dict.fromkeys(absent, "")})
    return rows
