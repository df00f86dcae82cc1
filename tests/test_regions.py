"""Regions are data: a second region with its own locations and landlords sits beside Utrecht."""

import csv

import pytest

from bwklib.build.pipeline import run
from bwklib.compute import consolidation as cons
from bwklib.compute.finance import key_figures
from bwklib.inputs.loading import load_year

NEW = {"zo-1": "top", "zo-2": "de-verbinding"}  # new location -> location whose figures it copies


def add_rows(path, rows):
    with open(path, "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def copy_rows(path, mapping, rename=None):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    extra = []
    for new, old in mapping.items():
        for r in rows[1:]:
            if r[0] == old:
                r = [new, *r[1:]]
                extra.append([rename.get(c, c) for c in r] if rename else r)
    add_rows(path, extra)


@pytest.fixture
def two_regions(data_copy):
    year = data_copy / "2019"
    add_rows(
        year / "regions.csv",
        [
            [
                "amsterdam-zuidoost",
                "Amsterdam Zuidoost",
                "Buurtwerkkamers Amsterdam Zuidoost",
                "BuurtWerkKamer Coöperatie",
            ]
        ],
    )
    add_rows(
        year / "locations.csv",
        [
            ["zo-1", "amsterdam-zuidoost", "Kraaiennest", "Gaasperdam", "true", ""],
            ["zo-2", "amsterdam-zuidoost", "Bijlmerdreef", "Bijlmer", "true", ""],
        ],
    )
    add_rows(year / "housing_corporations.csv", [["ymere", "Ymere", "corporatie"]])
    for name in ("results.csv", "participants_activity.csv", "generic_counts.csv", "finance.csv"):
        copy_rows(year / name, NEW)
    copy_rows(year / "participants_housing.csv", NEW, rename={"mitros": "ymere"})
    return data_copy


class TestTwoRegions:
    def test_each_region_consolidates_its_own_locations(self, two_regions):
        data = load_year(2019, two_regions)
        assert cons.scope_locations(data, "amsterdam-zuidoost") == ["zo-1", "zo-2"]
        assert (
            key_figures(data, "amsterdam-zuidoost")[("expense_total", "actual")] == 104287 + 108089
        )
        assert key_figures(data, "utrecht")[("expense_total", "actual")] == 370245
        assert cons.housing_totals(data, "amsterdam-zuidoost")["ymere"] == 258 + 140
        assert "ymere" not in cons.housing_totals(data, "utrecht")

    def test_region_id_may_not_equal_a_location_id(self, two_regions):
        from bwklib.errors import DataError

        add_rows(two_regions / "2019" / "regions.csv", [["top", "Top", "Top", "Coöperatie"]])
        with pytest.raises(DataError, match="regio-id mag niet gelijk zijn aan een locatie-id"):
            load_year(2019, two_regions)

    @pytest.mark.build
    def test_build_has_a_report_per_region(self, two_regions, tmp_path, stub_executor):
        stub_executor(real={"amsterdam-zuidoost"})  # the report read below; the rest stubbed
        summary = run(
            2019, data_dir=two_regions, output_dir=tmp_path, jobs=2, progress=lambda s: None
        )
        assert not summary.failures
        year = tmp_path / "2019"
        for scope in ("amsterdam-zuidoost", "zo-1", "zo-2", "utrecht", "top"):
            assert (year / f"{scope}.html").exists() and (year / f"{scope}-audit.html").exists()
        region = (year / "amsterdam-zuidoost.html").read_text(encoding="utf-8")
        assert "Buurtwerkkamers Amsterdam Zuidoost 2019" in region and "Ymere" in region
        assert (
            "Mitros" not in region.split("Deelnemers per woningcorporatie")[1].split("Financi")[0]
        )
        index = (year / "index.html").read_text(encoding="utf-8")
        assert "Buurtwerkkamers Amsterdam Zuidoost" in index and "Buurtwerkkamers Utrecht" in index
        figures = (year / "figures.csv").read_text(encoding="utf-8")
        assert "2019,amsterdam-zuidoost,balance,actual," in figures
