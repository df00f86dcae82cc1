"""History: comparison with earlier years, complete or partial."""

import shutil

import pandas as pd
import pytest

from bwklib.compute.history import comparison, earlier_years, figures_of_year
from bwklib.errors import DataError
from bwklib.inputs.loading import load_year


class TestComparison:
    def test_2018_values_from_the_2019_text(self, data2019):
        t = comparison(data2019, "hart-voor-leidsche-rijn").set_index("key")
        assert (t.loc["generic:deelnemers", 2018], t.loc["generic:deelnemers", 2019]) == (490, 330)
        assert t.loc["generic:deelnemers", "change"] == -160
        dv = comparison(data2019, "de-verbinding").set_index("key")
        assert dv.loc["activity:formulieren", "change"] == 75

    def test_unknown_is_missing_not_zero(self, data2019):
        t = comparison(data2019, "top").set_index("key")
        assert pd.isna(t.loc["generic:deelnemers", 2018]) and pd.isna(
            t.loc["generic:deelnemers", "change"]
        )

    def test_partial_year_cannot_be_reported(self, data2019):
        with pytest.raises(DataError, match="alleen losse cijfers"):
            load_year(2018, data2019.data_dir)

    def test_complete_earlier_year_is_recomputed(self, data_copy):
        shutil.rmtree(data_copy / "2018")
        shutil.copytree(data_copy / "2019", data_copy / "2020")
        path = data_copy / "2020" / "generic_counts.csv"
        path.write_text(
            path.read_text(encoding="utf-8").replace("top,deelnemers,490", "top,deelnemers,500"),
            encoding="utf-8",
        )
        data = load_year(2020, data_copy)
        assert earlier_years(data) == [2019]
        t = comparison(data, "top").set_index("key")
        assert (t.loc["generic:deelnemers", 2019], t.loc["generic:deelnemers", "change"]) == (
            490,
            10,
        )
        assert t.loc["sroi_share", "change"] == 0
        assert figures_of_year(2019, data.data_dir).year.unique().tolist() == [2019]

    def test_an_earlier_year_edited_is_read_anew(self, data_copy):
        """A kernel that stays (bwk run --watch) sees an edit of an earlier year: the figures are
        kept per content of the data folder, not per folder name."""
        known = data_copy / "2018" / "known_figures.csv"

        def participants() -> float:
            t = figures_of_year(2018, data_copy).set_index(["scope", "key"])
            return t.loc[("hart-voor-leidsche-rijn", "generic:deelnemers"), "value"]

        assert participants() == 490
        text = known.read_text(encoding="utf-8")
        known.write_text(text.replace(",actual,490,", ",actual,491,", 1), encoding="utf-8")
        assert participants() == 491


class TestTrend:
    def test_three_years_give_a_trend_chart(self, data_copy):
        from bwklib.report.views import comparison_section

        shutil.rmtree(data_copy / "2018")
        for year in ("2020", "2021"):
            shutil.copytree(data_copy / "2019", data_copy / year)
        data = load_year(2021, data_copy)
        html = str(comparison_section(data, "top"))
        assert (
            "Verschil met 2020" in html
            and "bwk-chart" in html
            and "Ontwikkeling over de jaren" in html
        )
        two = str(comparison_section(load_year(2020, data_copy), "top"))
        assert "bwk-chart" not in two
