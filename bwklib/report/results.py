"""Results against targets: the banded table and chart per location, the region overview, the appendix."""

from __future__ import annotations

import pandas as pd

from bwklib.compute import consolidation as cons
from bwklib.compute.regions import definitions
from bwklib.compute.scoring import band_counts, score_all, score_location
from bwklib.inputs.loading import YearData
from bwklib.report.formatting import (
    band_marks,
    esc,
    format_int,
    format_percent,
    html_table,
)
from bwklib.report.html import Html, block

HOUSING_MARK = ("⌂", "van belang voor woningcorporaties")


def housing_marked(data: YearData, scope: str | None = None) -> set[str]:
    """Indicators marked as important to housing corporations ("Rood/schuin" in the source):
    the column `housing_corporations` of indicators.csv, of the scope's region (or of the year).

    The 2019 text source lost the marking, so in 2019 no indicator is marked (data/README.md).
    """
    ind = data["indicators"] if scope is None else definitions(data, "indicators", scope)
    if "housing_corporations" not in ind:  # an optional column
        return set()
    return set(ind.indicator[ind.housing_corporations.fillna(False).astype(bool)])


def marks(data: YearData) -> dict[str, tuple[str, str]]:
    """The marks of the results tables: every band's symbol, and the housing-corporation mark."""
    return {**band_marks(data["bands"]), "housing-marker": HOUSING_MARK}


def legend(data: YearData, scope: str | None = None) -> Html:
    """The legend of the results tables: colour, symbol and meaning of every band, and the
    housing-corporation mark when an indicator of the scope (or of the year) carries it."""
    items = "".join(
        f'<li class="band-{esc(b.band)}"><span class="mark" aria-hidden="true">{esc(b.symbol)}</span> '
        f"{esc(b.label)}: {esc(b.description)}</li>"
        for b in data["bands"].itertuples()
    )
    if housing_marked(data, scope):
        symbol, text = HOUSING_MARK
        items += (
            f'<li class="housing"><span class="mark" aria-hidden="true">{esc(symbol)}</span> '
            f"<em>Indicator {esc(text)}</em></li>"
        )
    return Html(f'<ul class="legend" aria-label="Legenda">{items}</ul>')


def not_registered(data: YearData, location: str) -> Html:
    """The Dutch statement for a location that registered no results this year."""
    row = data["locations"].set_index("location").loc[location]
    text = row["note"] or "Deze locatie heeft dit jaar geen resultaten geregistreerd."
    return block(
        f'<p class="notice"><strong>Geen registratie van resultaten.</strong> {esc(text)}</p>'
    )


def registered(data: YearData, location: str) -> bool:
    """Whether a location registered results (De Klop in 2019 did not)."""
    return cons.has_registration(data, location)


def results_table(data: YearData, location: str) -> Html:
    """The colour-banded results-against-targets table of one location, by section, with legend."""
    if not registered(data, location):
        return not_registered(data, location)
    scores = score_location(data, location)
    housing = housing_marked(data, location)
    rules = data["scoring_rules"].set_index("rule")
    sections = data["indicator_sections"].set_index("section")["label"]
    units = data["indicators"].set_index("indicator")["unit"]
    rows, classes = [], []
    for section, group in scores.groupby("section", sort=False):
        rows.append([sections[section], "", "", "", ""])
        classes.append(["section"] * 5)
        for s in group.itertuples():
            band = f"band-{s.band}" if isinstance(s.band, str) else "unscored"
            shown = (
                format_percent(s.achievement)
                if pd.notna(s.achievement)
                else (
                    "n.v.t."
                    if band == "unscored"
                    else "gehaald"
                    if s.band == rules.loc[s.rule, "pass_band"]
                    else "niet gehaald"
                )
            )
            rows.append([s.label, units[s.indicator], s.result, s.target, shown])
            first = "housing-marker" if s.indicator in housing else ""
            classes.append([first, "", band, "", band])
    table = html_table(
        ["Indicator", "Eenheid", "Realisatie", "Streefwaarde", "Score"],
        rows,
        classes,
        numeric={2, 3, 4},
        marks=marks(data),
    )
    used = rules.loc[sorted(set(scores.rule))]
    notes = "".join(f"<li>{esc(r.explanation)}</li>" for r in used.itertuples())
    return block(
        legend(data, location),
        table,
        f'<p class="note">Zo is gescoord:</p><ul class="note">{notes}</ul>',
    )


def achievement_chart(data: YearData, location: str) -> Html:
    """Bar chart of achievement per indicator in band colours."""
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not registered(data, location):
        return Html("")
    scores = score_location(data, location)
    name = cons.scope_name(data, location)
    return block(
        charts.achievement_chart(
            scores, data["bands"], f"Resultaten ten opzichte van de streefwaarden — {name}"
        )
    )


def results_overview(data: YearData, region: str) -> Html:
    """Results of all locations of a region side by side: 'result [target]' coloured by band."""
    locs = [loc for loc in cons.scope_locations(data, region) if registered(data, loc)]
    if not locs:
        return no_results(data, region)
    scores = score_all(data)
    scores = scores[scores.location.isin(locs)]
    by_key = {(s.location, s.indicator): s for s in scores.itertuples()}
    names = [cons.scope_name(data, loc) for loc in locs]
    sections = data["indicator_sections"].set_index("section")["label"]
    housing = housing_marked(data, region)
    rows, classes = [], []
    indicators = definitions(data, "indicators", region)
    for section, group in indicators.groupby("section", sort=False):
        rows.append([sections[section], *[""] * len(locs)])
        classes.append(["section"] * (len(locs) + 1))
        for ind in group.itertuples():
            row, cls = [ind.label], ["housing-marker" if ind.indicator in housing else ""]
            for loc in locs:
                s = by_key.get((loc, ind.indicator))
                if s is None:  # a new indicator a location has no result for (validation says so)
                    row.append("niet ingevuld")
                    cls.append("unscored")
                    continue
                row.append(f"{s.result} [{s.target}]")
                cls.append(f"band-{s.band}" if isinstance(s.band, str) else "unscored")
            rows.append(row)
            classes.append(cls)
    missing = [
        cons.scope_name(data, loc)
        for loc in cons.scope_locations(data, region)
        if not registered(data, loc)
    ]
    note = (
        f'<p class="note">Zonder registratie van resultaten: {esc(", ".join(missing))}.</p>'
        if missing
        else ""
    )
    return block(
        legend(data, region),
        html_table(
            ["Indicator", *names],
            rows,
            classes,
            numeric=set(range(1, len(locs) + 1)),
            marks=marks(data),
        ),
        note,
    )


def band_overview(data: YearData, region: str | None = None) -> Html:
    """Per location, how many indicators fall in each band (and how many are not scored)."""
    scores = score_all(data)
    if region:
        scores = scores[scores.location.isin(cons.scope_locations(data, region))]
        if scores.empty:
            return no_results(data, region)
    counts = band_counts(scores, data["bands"])
    unscored = (
        scores[scores.band.isna()].groupby("location").size().reindex(counts.index, fill_value=0)
    )
    labels = list(data["bands"].label)
    rows = [
        [cons.scope_name(data, loc), *map(format_int, counts.loc[loc]), format_int(unscored[loc])]
        for loc in counts.index
    ]
    classes = [["", *(f"band-{b}" for b in data["bands"].band), "unscored"] for _ in rows]
    return block(
        html_table(
            ["Locatie", *labels, "Niet gescoord"],
            rows,
            classes,
            numeric=set(range(1, len(labels) + 2)),
        )
    )


def no_results(data: YearData, region: str) -> Html:
    """The Dutch notice for a region none of whose locations registered results (or has none)."""
    locs = cons.scope_locations(data, region)
    name = esc(cons.scope_name(data, region))
    if not locs:
        text = (
            f"{name} heeft in {data.year} nog geen buurtwerkkamers: voeg ze toe in "
            f"data/{data.year}/locations.csv (of op het blad Locaties van de invoerwerkmap)."
        )
    else:
        text = (
            f"Geen van de buurtwerkkamers van {name} heeft in {data.year} resultaten geregistreerd."
        )
    return block(f'<p class="notice">{text}</p>')


MAX_APPENDIX_PANELS = 12  # beyond this a figure of per-location panels is a wall, not a chart


def appendix(data: YearData, region: str) -> Html:
    """Per location: participants per activity type and per housing corporation (appendix charts).

    One panel per location in a single figure each, so the appendix stays one image per topic
    however many locations a region has.
    """
    from bwklib.report import charts  # matplotlib loads only when a chart is drawn

    if not cons.has_registration(data, region):
        return no_results(data, region)
    if len(cons.scope_locations(data, region)) > MAX_APPENDIX_PANELS:
        return block(
            f"<p>Met meer dan {MAX_APPENDIX_PANELS} buurtwerkkamers staan deze figuren alleen "
            "in de rapporten per buurtwerkkamer.</p>"
        )
    parts = []
    for table, category, defs, label_col, topic in (
        (
            "participants_activity",
            "activity_type",
            "activity_types",
            "chart_label",
            "Deelnemers per activiteitsoort",
        ),
        (
            "participants_housing",
            "housing_corporation",
            "housing_corporations",
            "label",
            "Deelnemers per woningcorporatie",
        ),
    ):
        wide = cons.counts_by_location(data, table, category, "participants", region)
        labels = list(data[defs].set_index(category).loc[wide.index, label_col])
        names = [cons.scope_name(data, loc) for loc in wide.columns]
        parts.append(
            charts.panels(wide, labels, names, f"{topic} per buurtwerkkamer", "Aantal deelnemers")
        )
    return block(*parts)
