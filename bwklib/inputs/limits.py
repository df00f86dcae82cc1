"""Limits on what the data may hold: ids that become file names, and numbers within reason.

Separate from bwklib.inputs.validation so each check stays small; `check_limits` runs them all.
"""

from __future__ import annotations

import math
from pathlib import PurePosixPath

from bwklib import paths
from bwklib.compute.scoring import parse_value
from bwklib.errors import Problem, display
from bwklib.inputs.schema import dutch_number

MAX_RESULT = 1_000_000_000  # a result or target beyond this is a typing error
SCOPE_IDS = (("locations", "location"), ("regions", "region"))


def check_limits(data, problems: list[Problem]) -> None:
    """Run every limit check on a year whose files each passed the schema."""
    check_scope_ids(data, problems)
    check_result_range(data, problems)


def reserved_stems() -> set[str]:
    """Names a scope id may not take: those of the files and folders bwk writes beside reports."""
    return {PurePosixPath(name).stem for name in paths.YEAR_OUTPUT_NAMES}


def id_problem(scope: str, taken: set[str]) -> str | None:
    """Why a location or region id cannot name report files, or None.

    `taken` holds the other scope ids of the year.
    """
    if len(scope) > paths.MAX_ID_LENGTH:
        return (
            f"een id van hoogstens {paths.MAX_ID_LENGTH} tekens (deze heeft er {len(scope)}); "
            "het wordt de naam van de rapportbestanden"
        )
    if scope in reserved_stems():
        names = ", ".join(sorted(reserved_stems()))
        return f"een andere id: bwk schrijft zelf al een bestand of map met deze naam ({names})"
    if scope.endswith(paths.AUDIT_SUFFIX):
        owner = scope.removesuffix(paths.AUDIT_SUFFIX)
        clash = f" van {owner}" if owner in taken else ""
        return (
            f"een id die niet op '{paths.AUDIT_SUFFIX}' eindigt: zo heet het auditrapport{clash} "
            f"({scope}.html)"
        )
    return None


def check_scope_ids(data, problems: list[Problem]) -> None:
    """Location and region ids become file names: not too long, not a name bwk writes itself."""
    taken = set(data["locations"].location) | set(data["regions"].region)
    for table, column in SCOPE_IDS:
        for row in data[table].itertuples():
            scope = getattr(row, column)
            if expected := id_problem(scope, taken - {scope}):
                where = display(data.path(table))
                problems.append(Problem(where, int(row._1), column, scope, f"verwacht {expected}"))


def out_of_range(text: str) -> bool:
    """Whether a result or target holds a number too large to be real (or to compute with)."""
    try:
        value = parse_value(text)
    except ValueError:
        return False  # check_results_parse reports it
    numbers = [n for n in (value.number, value.denominator) if n is not None]
    return any(not math.isfinite(n) or abs(n) > MAX_RESULT for n in numbers)


def check_result_range(data, problems: list[Problem]) -> None:
    """Results and targets are numbers a buurtwerkkamer can reach (at most a billion)."""
    for row in data["results"].itertuples():
        for column in ("result", "target"):
            text = getattr(row, column)
            if out_of_range(text):
                problems.append(
                    Problem(
                        display(data.path("results")),
                        int(row._1),
                        column,
                        text,
                        f"verwacht een getal van hoogstens {dutch_number(MAX_RESULT)}; "
                        "controleer de waarde",
                    )
                )
