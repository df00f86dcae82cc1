"""output/<year>/datapackage.json and the figure keys: every export column described, every key documented."""

import csv
import hashlib
import json

import pytest

from bwklib.build.exports import write_exports
from bwklib.compute.keys import STATIC_KEYS, documentation, key_docs


@pytest.fixture(scope="module")
def out(data2019, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    write_exports(data2019, folder)
    return folder


@pytest.fixture(scope="module")
def package(out):
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def rows(out, name):
    with open(out / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def resource(package, name):
    return next(r for r in package["resources"] if r["name"] == name)


def test_every_export_file_is_described(out, package):
    described = {r["path"] for r in package["resources"]}
    written = {p.name for p in out.iterdir()} - {"datapackage.json"}
    assert described == written


@pytest.mark.parametrize("name", ["scores", "figures", "checks"])
def test_columns_match_the_files_in_order(out, package, name):
    res = resource(package, name)
    with open(out / res["path"], encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert [fl["name"] for fl in res["schema"]["fields"]] == header
    assert all(fl["description"] for fl in res["schema"]["fields"])


@pytest.mark.parametrize("name", ["scores", "figures", "checks", "provenance"])
def test_hash_and_size_describe_the_written_file(out, package, name):
    res = resource(package, name)
    body = (out / res["path"]).read_bytes()
    assert res["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
    assert res["bytes"] == len(body)


def test_every_key_in_figures_csv_is_documented(out, package):
    docs = key_docs_from_package(package)
    undocumented = {
        r["key"] for r in rows(out, "figures.csv") if documentation(r["key"], docs) is None
    }
    assert not undocumented


def key_docs_from_package(package):
    from bwklib.compute.keys import KeyDoc

    entries = resource(package, "figures")["figureKeys"]
    return [KeyDoc(**{**e, "bases": tuple(e["bases"])}) for e in entries]


def test_documentation_has_formula_numerator_denominator_and_unit(package):
    for entry in resource(package, "figures")["figureKeys"]:
        assert entry["formula"] and entry["numerator"] and entry["unit"], entry
        if entry["unit"] == "fraction":
            assert entry["denominator"], entry


def test_units_and_bases_of_figures_agree_with_their_documentation(out, data2019):
    docs = key_docs(data2019)
    for r in rows(out, "figures.csv"):
        doc = documentation(r["key"], docs)
        assert r["unit"] == doc.unit or doc.unit == "unit of the figure", r
        assert r["basis"] in doc.bases, r


def test_an_unknown_key_is_undocumented(data2019):
    assert documentation("made_up", key_docs(data2019)) is None
    assert documentation("activity:x:y", key_docs(data2019)) is None
    assert documentation("band:unscored", key_docs(data2019)).pattern == "band:unscored"


def test_the_three_share_families_name_different_denominators():
    by = {d.pattern: d.denominator for d in STATIC_KEYS}
    assert "activity_total" in by["activity_share:<activity_type>"]
    assert "housing_total" in by["housing_share:<housing_corporation>"]
    assert "region" in by["generic_share:<measure>"]
    assert "volunteer_value" in by["income_chart_share:<line>"]


class TestNewFigures:
    def value(self, out, scope, key, basis="actual"):
        hit = [
            r
            for r in rows(out, "figures.csv")
            if (r["scope"], r["key"], r["basis"]) == (scope, key, basis)
        ]
        assert len(hit) == 1, (scope, key, basis)
        return float(hit[0]["value"])

    def test_variance_is_actual_minus_budget_per_line_and_total(self, out):
        figures = rows(out, "figures.csv")
        by = {(r["scope"], r["key"], r["basis"]): float(r["value"]) for r in figures}
        variances = [k for k in by if k[2] == "variance"]
        assert len(variances) > 50
        for scope, key, _ in variances:
            assert (
                by[(scope, key, "variance")]
                == by[(scope, key, "actual")] - by[(scope, key, "budget")]
            )
        # TOP's balance: 2019 actual -3.181 against a budget of -264 (source: Saldo)
        assert self.value(out, "top", "balance", "variance") == -3181 - (108000 - 108264)

    def test_income_chart_share_uses_cash_income_plus_volunteer_hours(self, out):
        # the example: gemeente SPDO 187.000 of 370.500 income + 369.200 volunteer value
        assert self.value(out, "utrecht", "income_chart_share:gemeente-spdo") == 187000 / 739700
        assert self.value(out, "utrecht", "volunteer_value", "published") == 369200
        shares = [
            float(r["value"])
            for r in rows(out, "figures.csv")
            if r["scope"] == "utrecht" and r["key"].startswith("income_chart_share:")
        ]
        assert sum(shares) == pytest.approx(1)

    @pytest.mark.parametrize("scope", ["top", "hart-voor-leidsche-rijn", "de-verbinding"])
    def test_band_counts_cover_every_indicator(self, out, scope):
        bands = ["rood", "oranje", "blauw", "groen", "donkergroen", "unscored"]
        assert sum(self.value(out, scope, f"band:{b}") for b in bands) == 20

    def test_region_band_counts_sum_its_locations(self, out):
        for band in ["rood", "groen", "unscored"]:
            parts = sum(
                self.value(out, loc, f"band:{band}")
                for loc in ["top", "hart-voor-leidsche-rijn", "de-verbinding"]
            )
            assert self.value(out, "utrecht", f"band:{band}") == parts


def test_the_comparison_with_2018_is_exported(out):
    by = {(r["scope"], r["key"]): float(r["value"]) for r in rows(out, "figures.csv")}
    hvlr = "hart-voor-leidsche-rijn"
    assert by[(hvlr, "earlier:2018:generic:deelnemers")] == 490  # 'gedaald (van 490 naar 330)'
    assert by[(hvlr, "change:generic:deelnemers")] == 330 - 490
