"""Validation across files: what the schema alone cannot say (completeness, consistency, parsing).

Each check appends Problems naming file, row and column; load_year raises them together.
"""

from __future__ import annotations

import pandas as pd

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
    indicators = list(data["indicators"].indicator)
    for loc in locs.loc[locs.results_registered.astype(bool), "location"]:
        have = set(data["results"].loc[data["results"].location == loc, "indicator"])
        missing = [i for i in indicators if i not in have]
        if missing:
            problems.append(
                Problem(
                    where(data, "results"),
                    None,
                    "indicator",
                    None,
                    f"voor locatie {loc} ontbreken resultaten voor: " + ", ".join(missing),
                )
            )


def check_finance_complete(data, problems: list[Problem]) -> None:
    """Every location has a budget and actual for every finance line (0 where nothing was spent)."""
    lines = list(data["finance_lines"].line)
    for loc in data["locations"].location:
        have = set(data["finance"].loc[data["finance"].location == loc, "line"])
        missing = [x for x in lines if x not in have]
        if missing:
            problems.append(
                Problem(
                    where(data, "finance"),
                    None,
                    "line",
                    None,
                    f"voor locatie {loc} ontbreken begrotingsregels: "
                    + ", ".join(missing)
                    + " (vul 0 in als er niets is)",
                )
            )


def check_results_parse(data, problems: list[Problem]) -> None:
    """Every result and target is a known kind, and a scoring rule covers each pair of kinds."""
    rules = data["scoring_rules"]
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
            try:
                rule_for(kinds["target"], kinds["result"], rules)
            except ValueError as e:
                problems.append(
                    Problem(
                        where(data, "results"),
                        row._1,
                        "result",
                        row.result,
                        f"verwacht een realisatie die past bij de streefwaarde '{row.target}' "
                        f"({KIND_NL[kinds['target']]}), niet {KIND_NL[kinds['result']]}; of: {e}",
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
