"""History: comparison with earlier years, complete or partial."""

import math
import shutil

import pandas as pd
import pytest
import zuidoost

from bwklib.compute.figures import FIGURE_COLUMNS, scopes
from bwklib.compute.history import (
    comparison,
    earlier_years,
    figure_index,
    figures_of_year,
    history_figures,
)
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


@pytest.fixture
def three_years(data_copy):
    """2018 (partial), 2019 without TOP's key holders, 2020 with them and with Amsterdam Zuidoost."""
    shutil.copytree(data_copy / "2019", data_copy / "2020")
    zuidoost.add_region(data_copy / "2020")
    path = data_copy / "2019" / "generic_counts.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("top,sleutelhouders,29,\n", ""), encoding="utf-8")
    return load_year(2020, data_copy)


class TestHistoryFigures:
    def test_a_figure_missing_in_an_earlier_year_is_unknown_there(self, three_years):
        t = comparison(three_years, "top").set_index("key")
        assert pd.isna(t.loc["generic:sleutelhouders", 2019])
        assert t.loc["generic:sleutelhouders", 2020] == 29
        assert pd.isna(t.loc["generic:sleutelhouders", "change"])
        assert t.loc["generic:deelnemers", "change"] == 0  # the rest of TOP's figures are there
        h = history_figures(three_years)
        mine = set(h[h.scope == "top"].key)
        assert "earlier:2019:generic:deelnemers" in mine
        assert not {"earlier:2019:generic:sleutelhouders", "change:generic:sleutelhouders"} & mine

    def test_a_scope_new_this_year_has_no_earlier_values(self, three_years):
        t = comparison(three_years, zuidoost.REGION)
        assert len(t) and t[[2018, 2019, "change"]].isna().all().all()
        assert t[2020].notna().all()  # a figure no year knows is left out
        h = history_figures(three_years)
        assert zuidoost.REGION not in set(h.scope) and "multibron" not in set(h.scope)

    def test_history_figures_are_the_comparison_of_every_scope(self, three_years):
        h = history_figures(three_years)
        expected = set()
        for scope in scopes(three_years):
            for r in comparison(three_years, scope).to_dict("records"):
                for year in (2018, 2019):
                    if pd.notna(r[year]):
                        expected.add((scope, f"earlier:{year}:{r['key']}", r["basis"], r[year]))
                if pd.notna(r["change"]):
                    assert r["change"] == r[2020] - r[2019]
                    expected.add((scope, f"change:{r['key']}", r["basis"], r["change"]))
        got = {(r.scope, r.key, r.basis, r.value) for r in h.itertuples()}
        assert got == expected and len(h) == len(expected)
        assert set(h.year) == {2020} and h.value.notna().all()
        assert set(h[h.key.str.startswith("earlier:2018:")].scope) == {
            "hart-voor-leidsche-rijn",
            "de-verbinding",
        }

    def test_only_chosen_scopes_and_no_earlier_year_gives_no_rows(self, three_years):
        h = history_figures(three_years, only=["top"])
        assert set(h.scope) == {"top"}
        shutil.rmtree(three_years.data_dir / "2018")
        shutil.rmtree(three_years.data_dir / "2019")
        alone = history_figures(load_year(2020, three_years.data_dir))
        assert alone.empty and list(alone.columns) == list(FIGURE_COLUMNS)


def test_the_first_row_of_a_figure_counts():
    frame = pd.DataFrame(
        {
            "scope": ["top", "top", "top"],
            "key": ["balance", "balance", "balance"],
            "basis": ["actual", "actual", "budget"],
            "value": [1.0, 2.0, float("nan")],
            "unit": ["eur", "count", None],
        }
    )
    index = figure_index(frame)
    assert index[("top", "balance", "actual")] == (1.0, "eur")
    value, unit = index[("top", "balance", "budget")]
    assert math.isnan(value) and pd.isna(unit)
    assert ("utrecht", "balance", "actual") not in index
