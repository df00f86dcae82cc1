"""Figure keys: the one registry that says what each key of figures.csv means.

Every key bwk writes to figures.csv matches exactly one entry here (a test enforces it), and
output/<year>/datapackage.json publishes the entries: formula, numerator, denominator and unit. A key
is either fixed (`income_total`) or a family with a placeholder (`activity:<activity_type>`), whose
placeholder is an id from the named data file. The key ratios (`sroi_share`, ...) are data
(key_ratios.csv), so their entries are made from the year's data by `key_docs`.

Bases: `budget` and `actual` are the two columns of the finance table; `variance` is actual minus
budget (the "Verschil" column); counts, shares and bands are `actual`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class KeyDoc:
    """What a figure key means: its formula, numerator, denominator and unit."""

    pattern: str
    description: str
    formula: str
    numerator: str
    denominator: str
    unit: str
    bases: tuple[str, ...] = ("actual",)
    ids: tuple[str, str] | None = None  # the data table and column of a family's <id>

    def matches(self, key: str) -> bool:
        """Whether a key of figures.csv is this entry (a family matches any id after its prefix)."""
        if "<" not in self.pattern:
            return key == self.pattern
        prefix = self.pattern.split("<", 1)[0]
        if self.pattern.endswith("<figure key>"):  # a prefix before another key
            return key.startswith(prefix) and len(key) > len(prefix)
        return key.startswith(prefix) and len(key) > len(prefix) and ":" not in key[len(prefix) :]

    def as_dict(self) -> dict:
        """The entry as plain data for datapackage.json."""
        out = {**asdict(self), "bases": list(self.bases)}
        out["ids"] = f"{self.ids[0]}.csv column {self.ids[1]}" if self.ids else None
        return out


FINANCE_BASES = ("budget", "actual", "variance")
VARIANCE = "variance = actual - budget"
NONE = ""

STATIC_KEYS: tuple[KeyDoc, ...] = (
    KeyDoc(
        "income:<line>",
        "Income from one funder (a line of the finance table, finance_lines.csv kind=income)",
        f"sum over the scope's locations of finance.csv column <basis> for this line; {VARIANCE}",
        "the line's amount",
        NONE,
        "eur",
        FINANCE_BASES,
        ids=("finance_lines", "line"),
    ),
    KeyDoc(
        "expense:<line>",
        "One expense line of the finance table (finance_lines.csv kind=expense)",
        f"sum over the scope's locations of finance.csv column <basis> for this line; {VARIANCE}",
        "the line's amount",
        NONE,
        "eur",
        FINANCE_BASES,
        ids=("finance_lines", "line"),
    ),
    KeyDoc(
        "income_total",
        "Total income",
        f"sum of the income:<line> figures of the basis; {VARIANCE}",
        "income lines",
        NONE,
        "eur",
        FINANCE_BASES,
    ),
    KeyDoc(
        "expense_total",
        "Total expenses",
        f"sum of the expense:<line> figures of the basis; {VARIANCE}",
        "expense lines",
        NONE,
        "eur",
        FINANCE_BASES,
    ),
    KeyDoc(
        "balance",
        "Balance (Saldo inkomsten - uitgaven)",
        f"income_total - expense_total; {VARIANCE}",
        "income_total",
        NONE,
        "eur",
        FINANCE_BASES,
    ),
    KeyDoc(
        "balance_share",
        "The result as a share of income: the 'ca. 3% tekort' / 'ca. 3% over' of the financial "
        "conclusions (negative for a deficit)",
        "balance.actual / income_total.actual",
        "balance.actual",
        "income_total.actual (a documented choice: the source does not say; balance / "
        "expense_total gives the same whole percentages in 2019)",
        "fraction",
    ),
    KeyDoc(
        "expense_variance_share",
        "How much expenses were above (positive) or below (negative) budget: the 'bijna 4% lager' "
        "of the financial conclusions",
        "expense_total.variance / expense_total.budget",
        "expense_total.variance (actual - budget)",
        "expense_total.budget",
        "fraction",
    ),
    KeyDoc(
        "volunteer_value",
        "Value of the volunteer hours (Ureninvestering bewoners / vrijwilligers)",
        "hours x hourly_rate (volunteer_hours.csv); basis published: the published amount, "
        "which bwk cannot recompute",
        "hours x hourly_rate",
        NONE,
        "eur",
        ("actual", "published"),
    ),
    KeyDoc(
        "income_chart_share:<line>",
        "Share of one bar of the income chart (a funder, or volunteer_value for the volunteer "
        "hours): the percentage printed beside the bar",
        "income:<line>.actual / (income_total.actual + volunteer_value)",
        "income:<line>.actual (or volunteer_value)",
        "income_total.actual + volunteer_value (cash income plus the valued volunteer hours; "
        "income_total.actual alone when the scope has no volunteer value)",
        "fraction",
        ids=("finance_lines", "line"),
    ),
    KeyDoc(
        "activity:<activity_type>",
        "Participants of one activity type (participants_activity.csv)",
        "sum over the scope's locations of participants",
        "participants",
        NONE,
        "count",
        ids=("activity_types", "activity_type"),
    ),
    KeyDoc(
        "activity_total",
        "Participants over all activity types (a person in two activities counts twice)",
        "sum of the activity:<activity_type> figures",
        "participants",
        NONE,
        "count",
    ),
    KeyDoc(
        "activity_share:<activity_type>",
        "Share of an activity type in the scope's participants (the percentages of the activity chart)",
        "activity:<activity_type> / activity_total",
        "activity:<activity_type>",
        "activity_total of the same scope",
        "fraction",
        ids=("activity_types", "activity_type"),
    ),
    KeyDoc(
        "housing:<housing_corporation>",
        "Participants living with one housing corporation (participants_housing.csv)",
        "sum over the scope's locations of participants",
        "participants",
        NONE,
        "count",
        ids=("housing_corporations", "housing_corporation"),
    ),
    KeyDoc(
        "housing_total",
        "Participants over all housing corporations",
        "sum of the housing:<housing_corporation> figures",
        "participants",
        NONE,
        "count",
    ),
    KeyDoc(
        "housing_share:<housing_corporation>",
        "Share of a housing corporation in the scope's participants (the percentages of the "
        "housing chart)",
        "housing:<housing_corporation> / housing_total",
        "housing:<housing_corporation>",
        "housing_total of the same scope",
        "fraction",
        ids=("housing_corporations", "housing_corporation"),
    ),
    KeyDoc(
        "generic:<measure>",
        "A generic count (generic_counts.csv: participants, volunteers, key holders, ...)",
        "sum over the scope's locations of value",
        "value",
        NONE,
        "count",
        ids=("generic_measures", "measure"),
    ),
    KeyDoc(
        "generic_share:<measure>",
        "Share of a location in its region's generic count (the appendix pies of the source); "
        "for a region itself 1",
        "generic:<measure> of the scope / generic:<measure> of the scope's region",
        "generic:<measure> of the scope",
        "generic:<measure> of the region the scope belongs to (not the scope's own total)",
        "fraction",
        ids=("generic_measures", "measure"),
    ),
    KeyDoc(
        "band:<band>",
        "Indicators scored in a colour band (bands.csv; the band overview table)",
        "number of scores.csv rows of the scope's locations with band = <band>",
        "indicators in the band",
        NONE,
        "count",
        ids=("bands", "band"),
    ),
    KeyDoc(
        "earlier:<year>:<figure key>",
        "The value of a figure in an earlier year, as the comparison with earlier years shows it "
        "(data/config/comparison.csv lists the figures)",
        "the figure of that year: recomputed from its data for a complete year, as recorded in "
        "data/<year>/known_figures.csv for a partial one",
        "the figure of that year",
        NONE,
        "unit of the figure",
        ("budget", "actual"),
    ),
    KeyDoc(
        "change:<figure key>",
        "The change of a figure since the previous year (the comparison's 'Verschil met' column; "
        "shares in percentage points)",
        "<figure key> of this year - <figure key> of the previous year",
        "the difference",
        NONE,
        "unit of the figure",
        ("budget", "actual"),
    ),
    KeyDoc(
        "band:unscored",
        "Indicators without a band (a ratio target such as '5 op 10', or no target)",
        "number of scores.csv rows of the scope's locations with an empty band",
        "indicators without a band",
        NONE,
        "count",
    ),
)


def ratio_doc(ratio: str, label: str, lines: list[str]) -> KeyDoc:
    """The entry of one key ratio of key_ratios.csv (its lines are in key_ratio_lines.csv)."""
    parts = " + ".join(f"expense:{line}" for line in lines) or "0"
    return KeyDoc(
        ratio,
        f"Key ratio: {label}",
        f"({parts}) / expense_total, per basis (NaN when expense_total is 0)",
        parts,
        "expense_total of the same basis (total expenses)",
        "fraction",
        ("budget", "actual"),
    )


def key_docs(data=None) -> list[KeyDoc]:
    """Every documented key: the fixed registry, and the key ratios of the year's data."""
    docs = list(STATIC_KEYS)
    if data is not None:
        members = data["key_ratio_lines"]
        for r in data["key_ratios"].itertuples():
            docs.append(
                ratio_doc(r.ratio, r.label, list(members.loc[members.ratio == r.ratio, "line"]))
            )
    # band:unscored is more specific than band:<band>: look it up first
    return sorted(docs, key=lambda d: "<" in d.pattern)


def documentation(key: str, docs: list[KeyDoc]) -> KeyDoc | None:
    """The entry documenting a key, or None when the key is undocumented."""
    return next((d for d in docs if d.matches(key)), None)


def key_problem(data, key: str, docs: list[KeyDoc] | None = None) -> str | None:
    """Why a key names no figure of the year (Dutch, for the analyst), or None when it does."""
    docs = key_docs(data) if docs is None else docs
    doc = documentation(key, docs)
    if doc is None:
        return f"'{key}' is geen bekende cijfersleutel (zie datapackage.json, figureKeys)"
    if doc.ids is None:
        return None
    item = key.split(":", 1)[1]
    table, column = doc.ids
    known = set(data[table][column])
    if doc.pattern.startswith("income_chart_share"):
        known.add("volunteer_value")
    if item not in known:
        return f"'{item}' in '{key}' staat niet in {table}.csv (kolom {column})"
    return None
