"""The housing-corporation marker ("Rood/schuin: van belang voor woningcorporaties").

2019's marking was lost with the PDF's colours, so the shipped data marks nothing; these tests mark
indicators in a copy of the data (with a second region that has an indicator of its own) and check
every results table of every scope.
"""

import csv
import html as htmlmod
import random
import re

import pytest
import zuidoost

from bwklib.compute import consolidation as cons
from bwklib.compute.regions import definition_ids
from bwklib.report import views

YEAR = 2019
TEXT = "(van belang voor woningcorporaties)"
LEGEND = "Indicator van belang voor woningcorporaties"


def mark(data_dir, marked: set[str], unmarked: str = "") -> None:
    """Set the column housing_corporations of indicators.csv: true for `marked`."""
    path = data_dir / str(YEAR) / "indicators.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames), list(reader)
    for r in rows:
        r["housing_corporations"] = "true" if r["indicator"] in marked else unmarked
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def tables(data):
    """Every results table of the year: (scope, html) of each location with results and region."""
    for loc in data["locations"].location:
        if views.registered(data, loc):
            yield loc, views.results_table(data, loc)
    for region in data["regions"].region:
        yield region, views.results_overview(data, region)


def marked_rows(data, table: str) -> dict[str, bool]:
    """Per indicator row of a results table: whether it carries the marker (symbol and text)."""
    by_label = dict(zip(data["indicators"].label, data["indicators"].indicator, strict=True))
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        first = re.match(r"<td([^>]*)>(.*?)</td>", row, re.S)
        if first is None or "section" in first[1]:
            continue  # the header row, a section row
        label = htmlmod.unescape(re.sub(r"<span.*", "", first[2], flags=re.S)).strip()
        has_class = "housing-marker" in first[1]
        has_symbol = '<span class="mark" aria-hidden="true">⌂</span>' in first[2]
        has_text = f'<span class="sr-only"> {TEXT}</span>' in first[2]
        assert has_class == has_symbol == has_text, row  # never the style alone
        found[by_label[label]] = has_symbol
    return found


@pytest.fixture
def two_regions(data_copy):
    zuidoost.add_region(data_copy / str(YEAR))
    return data_copy


@pytest.mark.parametrize("seed", [0, 1, 2, "own-indicator"])
def test_every_marked_indicator_and_only_those_carry_the_marker(two_regions, seed):
    """Property: in every results table, an indicator row carries ⌂ with its text exactly when
    the indicator is marked, and the legend has the entry exactly when the scope's region marks
    at least one of its indicators."""
    with open(two_regions / str(YEAR) / "indicators.csv", encoding="utf-8") as f:
        ids = [r["indicator"] for r in csv.DictReader(f)]
    if seed == "own-indicator":  # only the second region's own indicator: Utrecht marks nothing
        marked = {"naaiatelier"}
    else:
        rng = random.Random(seed)
        marked = set(rng.sample(ids, rng.randint(1, len(ids) - 1)))
    mark(two_regions, marked, unmarked="false" if seed == 1 else "")
    data = views.load(YEAR, two_regions)
    checked = 0
    for scope, table in tables(data):
        own = set(definition_ids(data, "indicators", scope))
        rows = marked_rows(data, table)
        assert set(rows) <= own and rows
        assert {i for i, m in rows.items() if m} == marked & set(rows), scope
        legend = table.split("<table")[0]
        assert (LEGEND in legend) == bool(marked & own), scope
        checked += 1
    assert checked == len(cons.scope_locations(data, "utrecht")) - 1 + 2 + 2  # De Klop: no table
    if seed == "own-indicator":
        assert LEGEND not in views.results_overview(data, "utrecht")
        assert LEGEND in views.results_overview(data, zuidoost.REGION)


def test_the_shipped_2019_data_marks_nothing_and_shows_no_legend_entry(data2019):
    """The 2019 text source lost the marking: nothing is guessed, so no marker and no entry."""
    for _, table in tables(data2019):
        assert not any(marked_rows(data2019, table).values())
        assert "woningcorporaties" not in table.split("<table")[0]


def test_a_new_year_carries_the_column_for_the_analyst(data_copy, tmp_path):
    """bwk new-year keeps the marking (a definition) and adds the column where it is missing;
    the workbook's Uitleg lists the marked indicators with ⌂."""
    from openpyxl import load_workbook

    from bwklib.entry.newyear import new_year

    mark(data_copy, {"klussen"})
    book = new_year(2020, data_copy)
    with open(data_copy / "2020" / "indicators.csv", encoding="utf-8") as f:
        rows = {r["indicator"]: r for r in csv.DictReader(f)}
    assert rows["klussen"]["housing_corporations"] == "true"
    assert {r["housing_corporations"] for i, r in rows.items() if i != "klussen"} == {""}
    ws = load_workbook(book, read_only=True)["Uitleg"]
    uitleg = "\n".join(
        str(r[0]) for r in ws.iter_rows(max_col=1, values_only=True) if r[0] is not None
    )
    assert "kolom housing_corporations" in uitleg
    assert re.search(r"^klussen  —  .*⌂ van belang voor woningcorporaties", uitleg, re.M)


def test_a_new_year_adds_the_column_when_the_source_year_lacks_it(data_copy):
    from bwklib.entry.newyear import new_year

    path = data_copy / str(YEAR) / "indicators.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = [h for h in reader.fieldnames if h != "housing_corporations"]
        kept = [{h: r[h] for h in header} for r in reader]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    views.load(YEAR, data_copy)  # the column is optional: 2019 without it is valid
    new_year(2020, data_copy)
    with open(data_copy / "2020" / "indicators.csv", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        assert reader.fieldnames == [*header, "housing_corporations"]
    assert len(rows) == len(kept) and {r["housing_corporations"] for r in rows} == {""}
