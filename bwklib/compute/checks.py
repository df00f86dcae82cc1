"""Checks: every figure the published report prints, recomputed from the canonical data.

Each printed instance (data/<year>/published.csv, and the published consolidated finance table in
finance_region.csv) becomes one row of output/<year>/checks.csv with status `agrees`, `differs` or
`not_reproducible`. Percentages are compared after rounding half up to whole percents, as printed.
"""

from __future__ import annotations

import math

import pandas as pd

from bwklib.compute.figures import REQUIRED_KEYS
from bwklib.report.formatting import round_half_up

CHECK_COLUMNS = [
    "year",
    "scope",
    "figure",
    "source_location",
    "reported",
    "recomputed",
    "status",
    "note",
]
FINANCE_KEYS = {
    "income_total": "Totaal inkomsten",
    "expense_total": "Totaal uitgaven",
    "balance": "Saldo inkomsten - uitgaven",
    "sroi_share": "SROI-aandeel",
    "indirect_share": "Aandeel indirecte kosten",
    "people_share": "Aandeel investering in mensen",
    "activity_total": "Deelnemers over alle activiteitsoorten",
    "housing_total": "Deelnemers over alle woningcorporaties",
    "generic_total": "Totaal onder 'Generiek'",
    "balance_share": "Saldo als deel van de inkomsten",
    "expense_variance_share": "Uitgaven: verschil met de begroting als deel ervan",
    "visits": "Aantal bezoeken",
    "visits_per_week": "Bezoekers per week",
    "weeks_open": "Weken open",
}
FINANCE_FIGURES = set(REQUIRED_KEYS)
BASIS_NL = {"budget": "begroting", "actual": "realisatie"}


def published_rows(data) -> pd.DataFrame:
    """Every printed figure: published.csv plus each line of the published regional finance tables."""
    rows = data["published"][["scope", "key", "basis", "reported", "unit", "source_location"]]
    region = data["finance_region"].merge(data["finance_lines"][["line", "kind"]], on="line")
    extra = []
    for r in region.itertuples():
        title = data["regions"].set_index("region").loc[r.region, "title"]
        for basis in ("budget", "actual"):
            extra.append(
                {
                    "scope": r.region,
                    "key": f"{r.kind}:{r.line}",
                    "basis": basis,
                    "reported": getattr(r, basis),
                    "unit": "eur",
                    "source_location": f"Financiële verantwoording – Inkomsten en uitgaven {title}",
                }
            )
    return pd.concat([rows, pd.DataFrame(extra, columns=rows.columns)], ignore_index=True)


def compare(reported: float, recomputed: float | None, unit: str) -> tuple[str, float | None]:
    """Status and the recomputed value in the reported unit (percent for percentages)."""
    if recomputed is None or (isinstance(recomputed, float) and math.isnan(recomputed)):
        return "not_reproducible", None
    value = recomputed * 100 if unit == "percent" else recomputed
    shown = int(round_half_up(value)) if unit == "percent" else value
    return ("agrees" if shown == reported else "differs"), value


def data_note(data, scope: str, key: str) -> str:
    """The note the data carries for a figure (why a canonical value was chosen), if any."""
    prefix, _, item = key.partition(":")
    table, column = {
        "activity": ("participants_activity", "activity_type"),
        "housing": ("participants_housing", "housing_corporation"),
        "generic": ("generic_counts", "measure"),
    }.get(prefix, (None, None))
    if table is None:
        return ""
    df = data[table]
    hit = df[(df.location == scope) & (df[column] == item)]
    return str(hit.note.iloc[0]) if len(hit) else ""


def compute_checks(data, figures: pd.DataFrame, only: list[str] | None = None) -> pd.DataFrame:
    """One row per printed figure with the recomputed value and the status.

    Parameters
    ----------
    data : YearData
        The year's data, with published.csv.
    figures : DataFrame
        bwklib.compute.figures.compute_figures(data) (at least for the scopes checked).
    only : list of str, optional
        Check only the figures printed about these scopes.

    Returns
    -------
    DataFrame
        Columns CHECK_COLUMNS, in the order of published.csv.
    """
    lookup = {(r.scope, r.key, r.basis): r.value for r in figures.itertuples()}
    rows = []
    printed = published_rows(data)
    if only is not None:
        printed = printed[printed.scope.isin(only)]
    for p in printed.itertuples():
        status, value = compare(p.reported, lookup.get((p.scope, p.key, p.basis)), p.unit)
        if status == "differs":
            note = differs_cause(data, p.scope, p.key, p.reported, value, p.unit)
        elif status == "not_reproducible":
            note = "bwk berekent dit cijfer niet uit de gegevens: er is geen bewerking die het oplevert"
        elif p.unit == "percent":
            note = "afgerond op hele procenten"
        else:
            note = ""
        rows.append(
            {
                "year": data.year,
                "scope": p.scope,
                "figure": f"{p.key}.{p.basis}",
                "source_location": p.source_location,
                "reported": p.reported,
                "recomputed": value,
                "status": status,
                "note": note,
            }
        )
    from bwklib.compute.claims import check_claims
    from bwklib.compute.scoring import score_all

    rows += check_claims(data, figures, score_all(data), only)
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def documented_choice(data, scope: str, key: str) -> tuple[str, str] | None:
    """The location and data note of a documented choice behind a figure of a scope, if any.

    A figure follows from the chosen values of the counts it is made of: the count itself, a share
    of it (`housing_share:x` from `housing:x`), and a region's sum of its locations. The same count
    chosen at any location of the scope's region is the documented choice.
    """
    from bwklib.compute.consolidation import is_region, scope_locations
    from bwklib.compute.figures import region_of

    prefix, _, item = key.partition(":")
    count_key = f"{prefix.removesuffix('_share')}:{item}"
    own = data_note(data, scope, count_key) if not is_region(data, scope) else ""
    if own:
        return scope, own
    for loc in scope_locations(data, region_of(data, scope)):
        note = data_note(data, loc, count_key)
        if note and (prefix.endswith("_share") or is_region(data, scope)):
            return loc, note
    return None


def differs_cause(data, scope: str, key: str, reported: float, value: float, unit: str) -> str:
    """The cause of a difference, named: a documented choice, rounding in the source, or unexplained."""
    choice = documented_choice(data, scope, key)
    if choice is not None:
        loc, note = choice
        where = "" if loc == scope else f" (bij {loc}; het cijfer volgt daaruit)"
        return f"gedocumenteerde keuze{where}: {note} Zie data/README.md."
    if unit == "percent" and abs(value - reported) < 1:
        shown = f"{value:.2f}".replace(".", ",")
        return (
            f"afronding in de bron: {shown}% zou {int(round_half_up(value))}% zijn; de bron "
            f"drukt {format(reported, 'g')}% (anders afgerond, bijvoorbeeld zodat de delen "
            "samen 100% zijn)"
        )
    return "onverklaard: bwk vindt in de gegevens geen reden voor het verschil"


def figure_label(data, figure: str) -> str:
    """A Dutch description of a figure id such as 'generic:sleutelhouders.actual'."""
    key, _, basis = figure.rpartition(".")
    prefix, _, item = key.partition(":")
    defs = {
        "activity": ("activity_types", "activity_type", "label", "deelnemers aan "),
        "activity_share": ("activity_types", "activity_type", "label", "aandeel deelnemers aan "),
        "housing": ("housing_corporations", "housing_corporation", "label", "deelnemers bij "),
        "housing_share": (
            "housing_corporations",
            "housing_corporation",
            "label",
            "aandeel deelnemers bij ",
        ),
        "generic": ("generic_measures", "measure", "label", ""),
        "achievement": (
            "indicators",
            "indicator",
            "label",
            "realisatie als deel van de streefwaarde: ",
        ),
        "generic_share": ("generic_measures", "measure", "label", "aandeel in de regio: "),
        "income": ("finance_lines", "line", "label", "inkomsten: "),
        "expense": ("finance_lines", "line", "label", "uitgaven: "),
    }
    if prefix in defs:
        table, column, label, lead = defs[prefix]
        df = data[table].set_index(column)
        name = df.loc[item, label] if item in df.index else item
        text = f"{lead}{name}"
    else:
        text = FINANCE_KEYS.get(key, key)
    if prefix in ("income", "expense") or key in FINANCE_FIGURES:
        text += f" ({BASIS_NL.get(basis, basis)})"
    return text[0].upper() + text[1:]
