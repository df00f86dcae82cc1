"""A second region goes in by rows, and nothing of one region leaks into the other.

Amsterdam Zuidoost (synthetic, tests/zuidoost.py) is added to the shipped 2019 data with its own
funder, housing corporations, activity type and indicator, a location without results and a
negative balance. Utrecht's exports and reports must stay as they are without it.
"""

from __future__ import annotations

import csv
import re
import shutil

import pytest
import zuidoost
from shared import once, seed_charts, warm_workers

from bwklib import paths
from bwklib.build.pipeline import run
from bwklib.compute import consolidation as cons
from bwklib.compute import overview, regions
from bwklib.compute.finance import finance_lines, key_figures
from bwklib.entry.newyear import new_year
from bwklib.errors import DataError
from bwklib.inputs.loading import load_year

UTRECHT = ["utrecht", "top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop"]
ZUIDOOST = [zuidoost.REGION, *(loc["location"] for loc in zuidoost.LOCATIONS)]


def rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def two_regions(tmp_path_factory):
    """A data folder with 2019 for Utrecht and the synthetic Amsterdam Zuidoost."""
    root = tmp_path_factory.mktemp("two-regions")
    shutil.copytree(paths.DATA_DIR, root / "data")
    zuidoost.add_region(root / "data/2019")
    return root / "data"


@pytest.fixture(scope="module")
def data(two_regions):
    return load_year(2019, two_regions)


class TestByRowsOnly:
    def test_validation_passes(self, data):
        assert cons.scope_locations(data, zuidoost.REGION) == ZUIDOOST[1:]

    def test_each_region_has_its_own_definitions(self, data):
        funders = regions.definition_ids(data, "finance_lines", "multibron")
        assert "gemeente-amsterdam-zuidoost" in funders and "gemeente-spdo" not in funders
        assert "gemeente-amsterdam-zuidoost" not in regions.definition_ids(
            data, "finance_lines", "top"
        )
        landlords = regions.definition_ids(data, "housing_corporations", zuidoost.REGION)
        assert sorted(landlords) == sorted(
            ["rochdale", "ymere", "eigen-haard", "stadgenoot", "particulier-koop"]
        )
        assert "naaiatelier" not in regions.definition_ids(data, "indicators", "utrecht")
        assert list(finance_lines(data, "top").line) == list(
            finance_lines(load_year(2019), "top").line
        )

    def test_a_location_may_not_use_another_regions_funder(self, two_regions, tmp_path):
        folder = tmp_path / "data"
        shutil.copytree(two_regions, folder)
        zuidoost.append(
            folder / "2019/finance.csv",
            [{"location": "top", "line": "gemeente-amsterdam-zuidoost", "budget": 0, "actual": 0}],
        )
        with pytest.raises(DataError) as info:
            load_year(2019, folder)
        assert "hoort bij regio amsterdam-zuidoost" in info.value.report()
        assert "locatie top hoort bij regio utrecht" in info.value.report()

    def test_completeness_is_checked_within_the_region(self, two_regions, tmp_path):
        folder = tmp_path / "data"
        shutil.copytree(two_regions, folder)
        finance = folder / "2019/finance.csv"
        kept = [
            r
            for r in rows(finance)
            if (r["location"], r["line"]) != ("multibron", "gemeente-amsterdam-zuidoost")
        ]
        with open(finance, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, list(kept[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept)
        with pytest.raises(DataError) as info:
            load_year(2019, folder)
        text = info.value.report()
        assert (
            "voor locatie multibron ontbreken begrotingsregels: gemeente-amsterdam-zuidoost" in text
        )
        assert "gemeente-spdo" not in text

    def test_region_id_may_not_equal_a_location_id(self, two_regions, tmp_path):
        folder = tmp_path / "data"
        shutil.copytree(two_regions, folder)
        zuidoost.append(
            folder / "2019/regions.csv",
            [{"region": "multibron", "name": "M", "title": "M", "organisation": "C"}],
        )
        with pytest.raises(DataError, match="regio-id mag niet gelijk zijn aan een locatie-id"):
            load_year(2019, folder)

    def test_region_figures_for_the_index_page(self, data):
        counts = overview.region_band_counts(data, zuidoost.REGION)
        assert list(counts.index) == zuidoost.REGISTERED  # De Handreiking registered nothing
        assert counts.sum(axis=1).tolist() == [len(zuidoost.RESULTS)] * 2
        key = overview.region_key_figures(data, zuidoost.REGION)
        assert key["locations"] == 3 and key["locations_registered"] == 2
        assert key["participants"] == sum(g["deelnemers"] for g in zuidoost.GENERIC.values())
        assert key["balance"] < 0
        utrecht = overview.region_key_figures(data, "utrecht")
        assert utrecht["balance"] == key_figures(load_year(2019), "utrecht")[("balance", "actual")]


@pytest.fixture(scope="module")
def builds(built2019, tmp_path_factory):
    """2019 without the second region (the session's shared build) and with it (built once per
    module from a copy of data/; the reports do not show which data folder they were made from).

    The build with both regions runs on the warm workers and starts with the charts the shared
    build drew: a chart of Utrecht's half is read back only when its inputs are those of 2019
    without Zuidoost (charts are kept by content), so anything of Zuidoost that reached a chart of
    Utrecht would draw it anew and show in the comparison below."""
    _, both = once(tmp_path_factory, "two-regions-built", lambda out: build_both(out, built2019))
    return built2019.year, both


def build_both(out, built2019):
    shutil.copytree(paths.DATA_DIR, out / "data")
    zuidoost.add_region(out / "data/2019")
    seed_charts(out / "both", built2019.year)
    with warm_workers():
        both = run(2019, out / "data", out / "both", jobs=1, progress=lambda s: None)
    assert not both.failures, [f.error for f in both.failures]
    return both.output


def scoped(path, column: str, scopes: list[str]) -> list[dict]:
    return [r for r in rows(path) if r[column] in scopes]


PROVENANCE = re.compile(r"Gemaakt met bwk .*?</details>", re.S)


def without_provenance(html: str, audit: bool = True) -> str:
    """The report without its provenance block (only an audit version has one)."""
    stripped, n = PROVENANCE.subn("", html)
    assert n == (1 if audit else 0), "the provenance block was not found where expected"
    return stripped


@pytest.mark.build
class TestNothingLeaks:
    @pytest.mark.parametrize(
        "name,column",
        [("scores.csv", "location"), ("figures.csv", "scope"), ("checks.csv", "scope")],
    )
    def test_utrecht_exports_are_unchanged(self, builds, name, column):
        alone, both = builds
        assert scoped(both / name, column, UTRECHT) == scoped(alone / name, column, UTRECHT)
        assert scoped(both / name, column, ZUIDOOST) or name == "checks.csv"

    @pytest.mark.parametrize("scope", UTRECHT)
    @pytest.mark.parametrize("suffix", ["", "-audit"])
    def test_utrecht_reports_differ_at_most_in_provenance(self, builds, scope, suffix):
        alone, both = builds
        before = (alone / f"{scope}{suffix}.html").read_text(encoding="utf-8")
        after = (both / f"{scope}{suffix}.html").read_text(encoding="utf-8")
        audit = bool(suffix)
        assert without_provenance(after, audit) == without_provenance(before, audit)

    def test_no_report_names_the_other_region(self, builds, data):
        _, both = builds
        utrecht_names = [cons.scope_name(data, s) for s in UTRECHT[1:]] + [
            "Gemeente Utrecht SPDO",
            "Gemeente Utrecht Fondsen",
            "Mitros",
            "Portaal",
            "Bo-Ex",
            "GroenWest",
        ]
        zuidoost_names = [
            *(loc["name"] for loc in zuidoost.LOCATIONS),
            *zuidoost.FUNDERS,
            *zuidoost.CORPORATIONS,
            "Naaiatelier",
        ]
        for scopes, foreign in ((UTRECHT, zuidoost_names), (ZUIDOOST, utrecht_names)):
            for scope in scopes:
                for suffix in ("", "-audit"):
                    html = (both / f"{scope}{suffix}.html").read_text(encoding="utf-8")
                    text = without_provenance(html, bool(suffix))
                    named = [n for n in foreign if n in text or n.replace(",", "") in text]
                    assert not named, f"{scope}{suffix}.html names {named}"

    def test_second_region_totals_are_the_sums_of_its_rows(self, builds):
        _, both = builds
        figures = {
            (r["key"], r["basis"]): float(r["value"])
            for r in rows(both / "figures.csv")
            if r["scope"] == zuidoost.REGION
        }
        finance = zuidoost.figure_rows()["finance"]
        for basis in ("budget", "actual"):
            income = sum(r[basis] for r in finance if r["line"] in zuidoost.INCOME)
            expense = sum(r[basis] for r in finance if r["line"] in zuidoost.EXPENSE_LINES)
            assert figures[("income_total", basis)] == income
            assert figures[("expense_total", basis)] == expense
            assert figures[("balance", basis)] == income - expense
        assert figures[("balance", "actual")] < 0
        for line in zuidoost.INCOME:
            assert figures[(f"income:{line}", "actual")] == sum(
                r["actual"] for r in finance if r["line"] == line
            )
        assert ("income:gemeente-spdo", "actual") not in figures
        for prefix, table, key in (
            ("activity", zuidoost.ACTIVITY, "activity_type"),
            ("housing", zuidoost.HOUSING, "housing_corporation"),
        ):
            wanted = {}
            for counts in table.values():
                for k, n in counts.items():
                    wanted[k] = wanted.get(k, 0) + n
            got = {
                k.split(":")[1]: v for (k, b), v in figures.items() if k.startswith(f"{prefix}:")
            }
            assert got == wanted, key
            assert figures[(f"{prefix}_total", "actual")] == sum(wanted.values())
        assert figures[("volunteer_value", "actual")] == 5200 * 15

    def test_second_region_report_says_what_is_missing(self, builds):
        _, both = builds
        region = (both / f"{zuidoost.REGION}.html").read_text(encoding="utf-8")
        assert "Buurtwerkkamers Amsterdam Zuidoost 2019" in region
        assert "Zonder registratie van resultaten: De Handreiking" in region
        assert "Gemeente Amsterdam, stadsdeel Zuidoost" in region and "Rochdale" in region
        handreiking = (both / "de-handreiking.html").read_text(encoding="utf-8")
        assert "Geen registratie van resultaten" in handreiking


class TestEmptyRegion:
    """The first step of adding a region: its row, no locations yet."""

    def test_region_without_locations_is_reported_as_such(self, tmp_path):
        from bwklib import views

        folder = tmp_path / "data"
        shutil.copytree(paths.DATA_DIR, folder)
        zuidoost.append(folder / "2019/regions.csv", [zuidoost.REGION_ROW])
        data = load_year(2019, folder)
        region = zuidoost.REGION
        html = "".join(
            str(getattr(views, name)(data, region))
            for name in (
                "header",
                "story",
                "results_overview",
                "band_overview",
                "activity_section",
                "generic_section",
                "housing_section",
                "comparison_section",
                "finance_table",
                "key_ratios_table",
                "formulas",
                "income_chart",
                "finance_chart",
                "generic_charts",
                "appendix",
                "audit_section",
            )
        )
        assert "nog geen buurtwerkkamers" in html
        assert overview.region_band_counts(data, region).empty
        assert overview.region_key_figures(data, region)["locations"] == 0


class TestNewYearPerRegion:
    def test_new_year_of_the_second_region_has_only_its_definitions(self, two_regions, tmp_path):
        import openpyxl

        folder = tmp_path / "data"
        shutil.copytree(two_regions, folder)
        book = new_year(2020, folder, region=zuidoost.REGION)
        wb = openpyxl.load_workbook(book)
        finance = [r[:2] for r in wb["Financiën"].iter_rows(min_row=2, values_only=True) if r[0]]
        assert {loc for loc, _ in finance} == set(ZUIDOOST[1:])
        lines = {line for _, line in finance}
        assert "gemeente-amsterdam-zuidoost" in lines and "gemeente-spdo" not in lines
        housing = {
            r[1]
            for r in wb["Deelnemers per corporatie"].iter_rows(min_row=2, values_only=True)
            if r[0]
        }
        assert housing == {"rochdale", "ymere", "eigen-haard", "stadgenoot", "particulier-koop"}
        text = "\n".join(
            str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
        )
        for name in ("Mitros", "Portaal", "Gemeente Utrecht SPDO", "Hart voor Leidsche Rijn"):
            assert name not in text
