"""Validation across files: what the schema alone cannot say (completeness, consistency, parsing).

Each check appends Problems naming file, row and column; load_year raises them together.
"""

from __future__ import annotations

import pandas as pd

from bwklib.compute.regions import DEFINITION_ID, applies
from bwklib.compute.scoring import parse_value, rule_for
from bwklib.errors import Problem
from bwklib.inputs.limits import check_limits

KIND_NL = {
    "number": "een getal",
    "ratio": "een verhouding",
    "threshold": "een drempel",
    "text": "een oordeel in woorden",
}
PER_LOCATION_TABLES = ("results", "participants_activity", "participants_housing", "generic_counts")


def check_consistency(data, problems: list[Problem]) -> None:
    """Run every cross-file check on a year whose files each passed the schema."""
    check_ids(data, problems)
    check_region_definitions(data, problems)
    check_regions_entered(data, problems)
    check_registration(data, problems)
    check_finance_complete(data, problems)
    check_results_parse(data, problems)
    check_ratio_lines(data, problems)
    check_bands(data, problems)
    check_published_scopes(data, problems)
    check_limits(data, problems)


def where(data, table: str) -> str:
    """The file of a table as the analyst knows it."""
    from bwklib.errors import display

    return display(data.path(table))


def check_ids(data, problems: list[Problem]) -> None:
    """Region ids must differ from location ids: both name a scope and an output file."""
    clash = set(data["regions"].region) & set(data["locations"].location)
    for row in data["regions"][data["regions"].region.isin(clash)].itertuples():
        problems.append(
            Problem(
                where(data, "regions"),
                row._1,
                "region",
                row.region,
                "een regio-id mag niet gelijk zijn aan een locatie-id",
            )
        )


def check_registration(data, problems: list[Problem]) -> None:
    """Locations without registration have no result rows; registered ones have every indicator."""
    locs = data["locations"]
    unregistered = set(locs.loc[~locs.results_registered.astype(bool), "location"])
    for table in PER_LOCATION_TABLES:
        for row in data[table][data[table].location.isin(unregistered)].itertuples():
            problems.append(
                Problem(
                    where(data, table),
                    row._1,
                    "location",
                    row.location,
                    "deze locatie heeft results_registered = false in locations.csv; verwijder de regel "
                    "of zet results_registered op true",
                )
            )
    check_complete(
        data,
        locs[locs.results_registered.astype(bool)],
        ("results", "indicator"),
        ("indicators", "indicator"),
        lambda loc, missing: f"voor locatie {loc} ontbreken resultaten voor: {missing}",
        problems,
    )


def check_complete(data, locations, table, definitions, message, problems: list[Problem]) -> None:
    """Each of `locations` has a row in `table` for every definition of its region.

    `table` and `definitions` are (resource, id column) pairs, e.g. ("finance", "line") and
    ("finance_lines", "line"); definitions of another region do not apply (check_region_definitions).
    `message(location, missing ids joined)` words the problem. Regions whose figures are not
    entered at all are left to check_regions_entered, which says so once.
    """
    (name, column), (defs_name, defs_column) = table, definitions
    waiting = set(regions_without_figures(data))
    defined = data[defs_name]
    for loc, region in locations[["location", "region"]].values:
        if region in waiting:
            continue
        wanted = list(defined.loc[applies(defined, region), defs_column])
        have = set(data[name].loc[data[name].location == loc, column])
        missing = [x for x in wanted if x not in have]
        if missing:
            problems.append(
                Problem(where(data, name), None, column, None, message(loc, ", ".join(missing)))
            )


def regions_without_figures(data) -> list[str]:
    """Regions with locations none of which has a row in finance.csv: figures not entered yet."""
    with_rows = set(data["finance"].location)
    locs = data["locations"]
    return [
        r
        for r in data["regions"].region
        if (mine := set(locs.loc[locs.region == r, "location"])) and not mine & with_rows
    ]


def check_regions_entered(data, problems: list[Problem]) -> None:
    """One message for a region whose figures are not entered at all (its workbook not imported)."""
    folder = data.path("finance").parent
    books = sorted(p.name for p in folder.glob("invoer-*.xlsx"))
    for region in regions_without_figures(data):
        own = [b for b in books if b.endswith(f"-{region}.xlsx")] or [
            b for b in books if b.count("-") == 1
        ]
        hint = (
            f"lees de ingevulde werkmap in: bwk import {folder.name}/{own[0]}"
            if own
            else "vul hun cijfers in (finance.csv, results.csv en de andere bestanden per locatie)"
        )
        problems.append(
            Problem(
                where(data, "finance"),
                None,
                "location",
                None,
                f"van regio {region} zijn nog geen cijfers ingevoerd (geen enkele locatie van de "
                f"regio heeft regels); {hint}, of haal de regio en haar locaties uit regions.csv "
                "en locations.csv als zij dit jaar niet meedoet",
            )
        )


def check_finance_complete(data, problems: list[Problem]) -> None:
    """Every location has a budget and actual for every finance line of its region (0 where nothing
    was spent); lines of another region do not apply to it (check_region_definitions)."""
    check_complete(
        data,
        data["locations"],
        ("finance", "line"),
        ("finance_lines", "line"),
        lambda loc, missing: (
            f"voor locatie {loc} ontbreken begrotingsregels: {missing} (vul 0 in als er niets is)"
        ),
        problems,
    )


def check_results_parse(data, problems: list[Problem]) -> None:
    """Every result and target is a known kind, and a scoring rule covers each pair of kinds."""
    rules = data["scoring_rules"]
    found: dict[tuple[str, str], str | None] = {}  # (target kind, result kind) -> rule_for's error
    for row in data["results"].itertuples():
        kinds = {}
        for column in ("result", "target"):
            try:
                kinds[column] = parse_value(getattr(row, column)).kind
            except ValueError as e:
                problems.append(
                    Problem(
                        where(data, "results"),
                        row._1,
                        column,
                        getattr(row, column),
                        f"verwacht {e}",
                    )
                )
        if len(kinds) == 2:
            pair = (kinds["target"], kinds["result"])
            if pair not in found:  # a few pairs among many rows: each looked up once
                try:
                    rule_for(*pair, rules)
                    found[pair] = None
                except ValueError as e:
                    found[pair] = str(e)
            if (error := found[pair]) is not None:
                problems.append(
                    Problem(
                        where(data, "results"),
                        row._1,
                        "result",
                        row.result,
                        f"verwacht een realisatie die past bij de streefwaarde '{row.target}' "
                        f"({KIND_NL[kinds['target']]}), niet {KIND_NL[kinds['result']]}; of: {error}",
                    )
                )


def check_ratio_lines(data, problems: list[Problem]) -> None:
    """Key ratios are shares of expenses, so their lines must be expense lines."""
    kinds = data["finance_lines"].set_index("line")["kind"]
    for row in data["key_ratio_lines"].itertuples():
        if kinds.get(row.line) != "expense":
            problems.append(
                Problem(
                    where(data, "key_ratio_lines"),
                    row._1,
                    "line",
                    row.line,
                    "verwacht een uitgavenregel (kind = expense in finance_lines.csv)",
                )
            )


def check_bands(data, problems: list[Problem]) -> None:
    """The legend covers every achievement from 0 upwards exactly once: no gap, no overlap."""
    bands = data["bands"].sort_values("lower", na_position="first").reset_index(drop=True)
    file = where(data, "bands")
    if bands.empty:
        problems.append(
            Problem(
                file, None, None, None, "geen banden; verwacht een regel per kleur van de legenda"
            )
        )
        return
    first, last = bands.iloc[0], bands.iloc[-1]
    if not (pd.isna(first.lower) or (first.lower == 0 and first.lower_inclusive)):
        problems.append(
            Problem(
                file,
                int(first._row),
                "lower",
                str(first.lower),
                "de laagste band moet bij 0 (inclusief) of zonder ondergrens beginnen",
            )
        )
    if not pd.isna(last.upper):
        problems.append(
            Problem(
                file,
                int(last._row),
                "upper",
                str(last.upper),
                "de hoogste band moet geen bovengrens hebben",
            )
        )
    for a, b in zip(bands.iloc[:-1].itertuples(), bands.iloc[1:].itertuples(), strict=True):
        if a.upper != b.lower or bool(a.upper_inclusive) == bool(b.lower_inclusive):
            problems.append(
                Problem(
                    file,
                    int(b._1),
                    "lower",
                    str(b.lower),
                    f"moet aansluiten op de bovengrens {a.upper} van band {a.band}, "
                    "en precies een van beide grenzen is inclusief",
                )
            )


def check_published_scopes(data, problems: list[Problem]) -> None:
    """Published figures name a known location or region."""
    scopes = set(data["locations"].location) | set(data["regions"].region)
    for row in data["published"].itertuples():
        if row.scope not in scopes:
            problems.append(
                Problem(
                    where(data, "published"),
                    row._1,
                    "scope",
                    row.scope,
                    "verwacht een locatie- of regio-id",
                )
            )


# Which definition each table's rows refer to, and in which column: (table, column, definition table).
REGION_REFERENCES = (
    ("results", "indicator", "indicators"),
    ("participants_activity", "activity_type", "activity_types"),
    ("participants_housing", "housing_corporation", "housing_corporations"),
    ("generic_counts", "measure", "generic_measures"),
    ("finance", "line", "finance_lines"),
)
# Definitions that refer to other definitions: (table, column, definition table).
DEFINITION_REFERENCES = (
    ("indicators", "section", "indicator_sections"),
    ("key_ratio_lines", "ratio", "key_ratios"),
    ("key_ratio_lines", "line", "finance_lines"),
)


def owner_of(data, table: str) -> dict[str, str]:
    """Definition id -> the region it belongs to ('' for every region)."""
    frame = data[table]
    owners = frame["region"].fillna("") if "region" in frame.columns else ""
    return dict(zip(frame[DEFINITION_ID[table]], pd.Series(owners, index=frame.index), strict=True))


def check_region_definitions(data, problems: list[Problem]) -> None:
    """A location uses only the definitions of its own region (or of every region).

    An Utrecht location cannot report on an Amsterdam funder line, and a definition of every region
    cannot be built from a part of one region (an indicator of every region in a section of one).
    """
    region_of = dict(zip(data["locations"].location, data["locations"].region, strict=True))
    for table, column, defs in REGION_REFERENCES:
        owners = owner_of(data, defs)
        for row in data[table].itertuples():
            owner, region = owners.get(getattr(row, column), ""), region_of.get(row.location)
            if owner and region and owner != region:
                problems.append(
                    Problem(
                        where(data, table),
                        row._1,
                        column,
                        getattr(row, column),
                        f"hoort bij regio {owner} ({where(data, defs)}), maar locatie "
                        f"{row.location} hoort bij regio {region}; verwijder de regel of "
                        f"maak de definitie voor alle regio's (laat de kolom region leeg)",
                    )
                )
    for row in data["finance_region"].itertuples():
        owner = owner_of(data, "finance_lines").get(row.line, "")
        if owner and owner != row.region:
            problems.append(
                Problem(
                    where(data, "finance_region"),
                    row._1,
                    "line",
                    row.line,
                    f"hoort bij regio {owner} (finance_lines.csv), niet bij regio {row.region}",
                )
            )
    for table, column, defs in DEFINITION_REFERENCES:
        owners = owner_of(data, defs)
        frame = data[table]
        mine = (
            frame["region"].fillna("") if "region" in frame.columns else pd.Series("", frame.index)
        )
        for row, own in zip(frame.itertuples(), mine, strict=True):
            other = owners.get(getattr(row, column), "")
            if other and other != own:
                scope = f"regio {own}" if own else "alle regio's"
                problems.append(
                    Problem(
                        where(data, table),
                        row._1,
                        column,
                        getattr(row, column),
                        f"hoort bij regio {other} ({where(data, defs)}), maar deze regel geldt "
                        f"voor {scope}; geef de regel dezelfde regio of maak de definitie voor "
                        "alle regio's",
                    )
                )
