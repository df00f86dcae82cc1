"""Exports: the column contract of scores.csv and figures.csv, and full-precision values."""

import csv

import pytest

from bwklib.build.exports import write_exports
from bwklib.compute.figures import REQUIRED_KEYS, compute_figures


@pytest.fixture(scope="module")
def exported(data2019, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    write_exports(data2019, out)
    read = lambda name: list(csv.DictReader(open(out / name, encoding="utf-8")))  # noqa: E731
    return read("scores.csv"), read("figures.csv"), out


class TestScoresCsv:
    def test_columns(self, exported):
        scores, _, out = exported
        header = (out / "scores.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == (
            "year,location,indicator,label,section,result,target,achievement,band,rule,source"
        )

    def test_rule_and_source(self, exported):
        scores, _, _ = exported
        ratio = next(r for r in scores if r["indicator"] == "doorverwezen-bewoners")
        assert ratio["rule"] == "ratio-vs-count"
        assert {r["rule"] for r in scores} <= {
            "count-vs-count",
            "ratio-vs-count",
            "threshold-vs-count",
            "threshold-vs-threshold",
            "text-vs-text",
        }
        assert all(
            r["source"].startswith("bwklib.compute.scoring.score_location <- data/2019/results.csv")
            for r in scores
        )

    def test_one_row_per_location_and_indicator(self, exported):
        scores, _, _ = exported
        assert len(scores) == 3 * 20
        assert len({(r["location"], r["indicator"]) for r in scores}) == 60

    def test_bands_and_full_precision(self, exported):
        scores, _, _ = exported
        assert {r["band"] for r in scores} <= {
            "rood",
            "oranje",
            "blauw",
            "groen",
            "donkergroen",
            "",
        }
        row = next(
            r
            for r in scores
            if r["location"] == "top" and r["indicator"] == "actieve-vrijwilligers"
        )
        assert float(row["achievement"]) == 41 / 30 and row["achievement"] == repr(41 / 30)
        ratio = next(r for r in scores if r["indicator"] == "doorverwezen-bewoners")
        assert (ratio["achievement"], ratio["band"], ratio["target"]) == ("", "", "5 op 10")


class TestFiguresCsv:
    def test_columns(self, exported):
        _, _, out = exported
        header = (out / "figures.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == "year,scope,key,basis,value,unit,source"

    @pytest.mark.parametrize(
        "scope", ["top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop", "utrecht"]
    )
    def test_required_keys_for_every_scope(self, exported, scope):
        _, figures, _ = exported
        have = {(r["key"], r["basis"]) for r in figures if r["scope"] == scope}
        assert {(k, b) for k in REQUIRED_KEYS for b in ("budget", "actual")} <= have

    def test_values_and_sources(self, exported):
        _, figures, _ = exported
        row = next(
            r for r in figures if (r["scope"], r["key"], r["basis"]) == ("top", "balance", "actual")
        )
        assert (row["value"], row["unit"]) == ("-3181", "eur")
        assert row["source"].startswith(
            "bwklib.compute.finance.key_figures <- data/2019/finance.csv"
        )
        sroi = next(
            r
            for r in figures
            if (r["scope"], r["key"], r["basis"]) == ("utrecht", "sroi_share", "actual")
        )
        assert float(sroi["value"]) == (78558 + 12437) / 370245

    def test_unique_keys(self, data2019):
        f = compute_figures(data2019)
        assert not f.duplicated(["scope", "key", "basis"]).any()
