"""Scoring: parse results and targets as written, compute achievement and colour band.

The legend (data/config/bands.csv) and the rules for each combination of target and result kind
(data/config/scoring_rules.csv) are configuration; this module only implements the methods they name.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

NUMBER = r"-?\s?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\s?\d+(?:[.,]\d+)?"
RATIO_RE = re.compile(rf"^({NUMBER})\s+op\s+({NUMBER})$")
THRESHOLD_RE = re.compile(rf"^(>=|<=|>|<|≥|≤)\s*({NUMBER})$")
NUMBER_RE = re.compile(rf"^({NUMBER})$")
TEXT_RE = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+)*$")
OPERATORS = {"≥": ">=", "≤": "<="}


@dataclass(frozen=True)
class Value:
    """A result or target as written, with its kind and parsed parts.

    kind is one of ``number`` (20, 1.390, - 3.181), ``ratio`` (5 op 10), ``threshold`` (> 0, > 8)
    or ``text`` (Positief).
    """

    text: str
    kind: str
    number: float | None = None
    denominator: float | None = None
    operator: str | None = None


def parse_dutch_number(text: str) -> float:
    """Parse a number in Dutch notation: dots group thousands, a comma is the decimal sign.

    ``"- 3.181"`` is -3181, ``"2.765"`` is 2765, ``"12,5"`` is 12.5. A dot followed by anything
    other than groups of three digits is read as a decimal point (``"0.25"``).

    >>> parse_dutch_number("- 3.181"), parse_dutch_number("2.765"), parse_dutch_number("12,5")
    (-3181.0, 2765.0, 12.5)
    >>> parse_dutch_number("0.25")
    0.25

    Raises
    ------
    ValueError
        When the text is not a number.
    """
    s = text.replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+([.,]\d+)?", s):
        s = s.replace(",", ".")
    else:
        raise ValueError(f"not a number: {text!r}")
    return float(s)


def parse_value(text: str) -> Value:
    """Classify and parse a result or target exactly as written.

    >>> parse_value("5 op 10")
    Value(text='5 op 10', kind='ratio', number=5.0, denominator=10.0, operator=None)
    >>> parse_value("≥ 8").operator, parse_value("Positief").kind
    ('>=', 'text')

    Raises
    ------
    ValueError
        When the text is none of the four kinds, with a Dutch hint of what is accepted.
    """
    s = " ".join(str(text).split())
    if m := RATIO_RE.match(s):
        return Value(s, "ratio", parse_dutch_number(m[1]), parse_dutch_number(m[2]))
    if m := THRESHOLD_RE.match(s):
        return Value(s, "threshold", parse_dutch_number(m[2]), operator=OPERATORS.get(m[1], m[1]))
    if NUMBER_RE.match(s):
        return Value(s, "number", parse_dutch_number(s))
    if TEXT_RE.match(s):
        return Value(s, "text")
    raise ValueError(
        "een getal (20, 1.390, - 3.181), een verhouding (5 op 10), een drempel (> 0) "
        "of een oordeel in woorden (Positief)"
    )


def band_for(achievement: float, bands: pd.DataFrame) -> str:
    """The band of the legend that contains an achievement (a fraction, 1.0 = target met).

    Bounds and their inclusivity come from data/config/bands.csv: rood < 0.2 <= oranje < 0.4 <=
    blauw < 0.8 <= groen <= 1.2 < donkergroen.

    Raises
    ------
    ValueError
        When no band contains the value (a gap in the legend) or the value is not finite.
    """
    if achievement is None or not math.isfinite(achievement):
        raise ValueError(f"achievement must be a finite number, got {achievement!r}")
    columns = ("band", "lower", "lower_inclusive", "upper", "upper_inclusive")
    # The legend's rows as plain values: itertuples costs more than scoring itself.
    for band, lower, lower_inclusive, upper, upper_inclusive in zip(
        *(bands[c].tolist() for c in columns), strict=True
    ):
        above = (
            pd.isna(lower)
            or achievement > lower
            or (bool(lower_inclusive) and achievement == lower)
        )
        below = (
            pd.isna(upper)
            or achievement < upper
            or (bool(upper_inclusive) and achievement == upper)
        )
        if above and below:
            return band
    raise ValueError(f"no band of the legend contains {achievement}")


def achievement(result: Value, target: Value) -> float | None:
    """Result divided by target, or None when the target is zero (no meaningful fraction)."""
    if not target.number:
        return None
    return result.number / target.number


def passes_threshold(result: Value, target: Value) -> bool:
    """Whether a result meets a threshold target such as ``> 0``.

    A numeric result is compared directly. A result that is itself a threshold (``> 8`` against
    ``> 8``) passes when the range it states lies within the target's range.
    """
    op, t, r = target.operator, target.number, result.number
    if result.kind == "threshold":
        if op in (">", ">="):
            return result.operator in (">", ">=") and (
                r > t or (r == t and (op == ">=" or result.operator == ">"))
            )
        return result.operator in ("<", "<=") and (
            r < t or (r == t and (op == "<=" or result.operator == "<"))
        )
    return {">": r > t, ">=": r >= t, "<": r < t, "<=": r <= t}[op]


@dataclass(frozen=True)
class Score:
    """The outcome of scoring one indicator: achievement (or None), band (or None) and the rule used."""

    achievement: float | None
    band: str | None
    rule: str
    method: str


def score(result_text: str, target_text: str, rules: pd.DataFrame, bands: pd.DataFrame) -> Score:
    """Score one result against its target with the configured rule for their kinds.

    Raises
    ------
    ValueError
        When a value cannot be parsed or no rule covers the combination of kinds.
    """
    result, target = parse_value(result_text), parse_value(target_text)
    rule = rule_for(target.kind, result.kind, rules)
    method = rule["method"]
    if method == "achievement":
        a = achievement(result, target)
        return Score(a, band_for(a, bands) if a is not None else None, rule["rule"], method)
    if method == "threshold":
        ok = passes_threshold(result, target)
        return Score(None, rule["pass_band"] if ok else rule["fail_band"], rule["rule"], method)
    if method == "match":
        ok = result.text.casefold() == target.text.casefold()
        return Score(None, rule["pass_band"] if ok else rule["fail_band"], rule["rule"], method)
    return Score(None, None, rule["rule"], method)


def rule_for(target_kind: str, result_kind: str, rules: pd.DataFrame) -> dict:
    """The scoring rule for a combination of target kind and result kind.

    Raises
    ------
    ValueError
        When data/config/scoring_rules.csv has no row for the combination.
    """
    kinds = zip(rules.target_kind.tolist(), rules.result_kind.tolist(), strict=True)
    for i, pair in enumerate(kinds):  # the first matching row (a boolean mask costs 10x more)
        if pair == (target_kind, result_kind):
            return rules.iloc[i].to_dict()
    raise ValueError(
        f"geen scoringsregel voor streefwaarde '{target_kind}' met realisatie "
        f"'{result_kind}'; voeg een regel toe aan data/config/scoring_rules.csv"
    )


SCORE_COLUMNS = [
    "year",
    "location",
    "indicator",
    "label",
    "section",
    "result",
    "target",
    "achievement",
    "band",
    "rule",
]


def score_location(data, location: str) -> pd.DataFrame:
    """Every indicator of one location scored, in the order of indicators.csv.

    Returns an empty frame (with the columns) for a location without registered results.
    """
    results = data["results"]
    results = results[results.location == location]
    table = data["indicators"].merge(results, on="indicator", suffixes=("_def", ""))
    rows = []
    for r in table.itertuples():
        s = score(r.result, r.target, data["scoring_rules"], data["bands"])
        rows.append(
            {
                "year": data.year,
                "location": location,
                "indicator": r.indicator,
                "label": r.label,
                "section": r.section,
                "result": r.result,
                "target": r.target,
                "achievement": s.achievement,
                "band": s.band,
                "rule": s.rule,
            }
        )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def score_all(data) -> pd.DataFrame:
    """Scores of every location of the year, locations in the order of locations.csv.

    Computed once per read-only year (`YearData.remember`); each caller gets its own copy.
    """
    return data.remember(("score_all",), _score_all)


def _score_all(data) -> pd.DataFrame:
    frames = [score_location(data, loc) for loc in data["locations"].location]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SCORE_COLUMNS)


def band_counts(scores: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators per location in each band (columns in legend order, zeros kept)."""
    counts = pd.crosstab(scores.location, scores.band).reindex(
        columns=list(bands.band), fill_value=0
    )
    order = list(dict.fromkeys(scores.location))
    return counts.reindex(order)
