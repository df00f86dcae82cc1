"""Claims: what the published report states as an approximation, a range or a comparison.

"ca. 3% tekort", "bijna 17%", "variërend van 20 tot 40% minder dan beoogd", "meer dan 20% boven":
each row of data/<year>/claims.csv names the figure it is about and how to read it; it is checked as
such (not as an exact value) and becomes a row of checks.csv. A claim with a second reading (alt_*)
is checked both ways; its status follows the first reading and the note gives both.
"""

from __future__ import annotations

import math

import pandas as pd

from bwklib.report.formatting import round_half_up

COMPARISONS = ("about", "almost", "between", "more_than", "less_than")


def claim_value(data, figures: dict, scores: pd.DataFrame, claim) -> float | None:
    """The recomputed value a claim is about, in the claim's unit (percent for percentages).

    `achievement:<indicator>` is the achievement of the scope's indicator in scores.csv; any other
    key is a figure of figures.csv.
    """
    prefix, _, item = claim.key.partition(":")
    if prefix == "achievement":
        hit = scores[(scores.location == claim.scope) & (scores.indicator == item)]
        value = hit.achievement.iloc[0] if len(hit) else None
    else:
        value = figures.get((claim.scope, claim.key, claim.basis))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) * 100 if claim.unit == "percent" else float(value)


def holds(comparison: str, value: float, low: float | None, high: float | None) -> bool:
    """Whether a value satisfies a claim.

    about: equal to `low` after rounding half up (same sign); almost: the same, and smaller in size
    than `low` ("bijna 4%" is 3,5 up to 4); between: low <= value <= high; more_than: value > low;
    less_than: value < high.
    """
    if comparison in ("about", "almost"):
        same_sign = value >= 0 if low >= 0 else value < 0  # "nihil over" (0): no deficit
        agrees = same_sign and int(round_half_up(abs(value))) == abs(low)
        return agrees and (comparison == "about" or abs(value) < abs(low))
    if comparison == "between":
        return low <= value <= high
    if comparison == "more_than":
        return value > low
    if comparison == "less_than":
        return value < high
    raise ValueError(comparison)


def stated(comparison: str, low, high) -> str:
    """The claim as printed, for the `reported` column: 'ca. 3', 'bijna 4', '20-40', '> 5'."""
    n = lambda v: format(v, "g")  # noqa: E731
    return {
        "about": lambda: f"ca. {n(low)}",
        "almost": lambda: f"bijna {n(low)}",
        "between": lambda: f"{n(low)}-{n(high)}",
        "more_than": lambda: f"> {n(low)}",
        "less_than": lambda: f"< {n(high)}",
    }[comparison]()


def number(value: float) -> str:
    """A recomputed value in a note, the Dutch way with one decimal."""
    return f"{value:.1f}".replace(".", ",")


def cause(claim, value: float) -> str:
    """Why a claim that does not hold differs: the source's rounding or wording, or unexplained."""
    if claim.comparison in ("about", "almost") and claim.low != 0:
        rounded = int(round_half_up(abs(value)))
        if rounded == abs(claim.low):  # rounds to the printed value, but not from below
            return (
                f"afronding in de bron: {number(abs(value))}% is afgerond {rounded}%, maar 'bijna' "
                "zegt minder dan dat"
            )
    return "onverklaard: de gegevens spreken de bewering tegen"


def check_claims(data, figures: pd.DataFrame, scores: pd.DataFrame, only=None) -> list[dict]:
    """One checks.csv row per claim: the claim as printed, the recomputed value, status and note."""
    claims = data["claims"]
    if only is not None:
        claims = claims[claims.scope.isin(only)]
    lookup = {(r.scope, r.key, r.basis): r.value for r in figures.itertuples()}
    rows = []
    for c in claims.itertuples():
        value = claim_value(data, lookup, scores, c)
        low = None if pd.isna(c.low) else float(c.low)
        high = None if pd.isna(c.high) else float(c.high)
        if value is None:
            status, note = "not_reproducible", "bwk berekent dit cijfer niet uit de gegevens"
        else:
            ok = holds(c.comparison, value, low, high)
            status = "agrees" if ok else "differs"
            verdict = "klopt" if ok else "klopt niet"
            note = f"{c.reading}: {verdict} ({number(value)}%)"
            if not ok:
                note += f"; oorzaak: {cause(c, value)}"
            if isinstance(c.alt_reading, str) and c.alt_reading:
                alt_low = None if pd.isna(c.alt_low) else float(c.alt_low)
                alt_high = None if pd.isna(c.alt_high) else float(c.alt_high)
                alt = holds(c.comparison, value, alt_low, alt_high)
                note += f". Andere lezing, {c.alt_reading}: {'klopt' if alt else 'klopt niet'}"
        rows.append(
            {
                "year": data.year,
                "scope": c.scope,
                "figure": f"{c.key}.{c.basis}",
                "source_location": c.source_location,
                "reported": stated(c.comparison, low, high),
                "recomputed": value,
                "status": status,
                "note": note,
            }
        )
    return rows
