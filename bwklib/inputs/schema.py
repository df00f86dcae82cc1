"""The schema: data/datapackage.json, and each CSV file read as text and checked cell by cell against it."""

from __future__ import annotations

import csv
import io
import json
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
    return {r["name"]: r for r in package["resources"]}


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
    raw = path.read_bytes()
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
    if "minimum" in cons and out < cons["minimum"]:
        return None, f"een waarde van minstens {cons['minimum']} (geen negatief getal)"
    return out, None


def parse_table(text: str, resource: dict, shown: str, problems: list[Problem]) -> list[dict]:
    """Check header, row shape, cell types and the primary key of one CSV text."""
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    missing = [n for n in names if n not in header]
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
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
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
        rows.append(row)
    return rows
