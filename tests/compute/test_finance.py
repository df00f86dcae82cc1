"""Finance: every published 2019 total, balance and (rounded) key ratio, recomputed from the lines.

The expected values are typed here from the published report (Financiële verantwoording 2019), not
read from data/, so a transcription error in data/ makes these tests fail.
"""

import math

import pytest

from bwklib.compute.finance import finance_lines, key_figures
from bwklib.report.formatting import round_half_up

# scope: (income budget, income actual, expense budget, expense actual, balance budget, balance actual,
#         SROI %, indirect %, people % as (budget, actual))
PUBLISHED = {
    "top": (108000, 101106, 108264, 104287, -264, -3181, (30, 33), (9, 10), (78, 77)),
    "hart-voor-leidsche-rijn": (
        105500,
        99636,
        105288,
        96871,
        212,
        2765,
        (22, 21),
        (9, 11),
        (78, 86),
    ),
    "de-verbinding": (106500, 109479, 106896, 108089, -396, 1390, (29, 30), (9, 12), (80, 83)),
    "de-klop": (73500, 60279, 73584, 60998, -84, -719, (16, 6), (9, 13), (63, 60)),
    "utrecht": (393500, 370500, 394032, 370245, -532, 255, (25, 25), (9, 12), (76, 78)),
}


def percent(x):
    return int(round_half_up(x * 100))


class TestKeyFigures:
    @pytest.mark.parametrize("scope", list(PUBLISHED))
    def test_totals_and_balance(self, data2019, scope):
        ib, ia, eb, ea, bb, ba, *_ = PUBLISHED[scope]
        f = key_figures(data2019, scope)
        assert (f[("income_total", "budget")], f[("income_total", "actual")]) == (ib, ia)
        assert (f[("expense_total", "budget")], f[("expense_total", "actual")]) == (eb, ea)
        assert (f[("balance", "budget")], f[("balance", "actual")]) == (bb, ba)

    @pytest.mark.parametrize("scope", list(PUBLISHED))
    def test_key_ratios_round_to_published(self, data2019, scope):
        *_, sroi, indirect, people = PUBLISHED[scope]
        f = key_figures(data2019, scope)
        for key, published in (
            ("sroi_share", sroi),
            ("indirect_share", indirect),
            ("people_share", people),
        ):
            got = (percent(f[(key, "budget")]), percent(f[(key, "actual")]))
            assert got == published, key

    def test_balance_is_income_minus_expenses(self, data2019):
        for scope in PUBLISHED:
            f = key_figures(data2019, scope)
            for basis in ("budget", "actual"):
                assert f[("balance", basis)] == (
                    f[("income_total", basis)] - f[("expense_total", basis)]
                )

    def test_hand_computed_top_sroi(self, data2019):
        # (30.819 + 4.035) / 104.287 = 0.33421...
        assert key_figures(data2019, "top")[("sroi_share", "actual")] == pytest.approx(
            34854 / 104287
        )


class TestFinanceLines:
    def test_variance_is_actual_minus_budget(self, data2019):
        t = finance_lines(data2019, "top").set_index("line")
        assert t.loc["particuliere-fondsen", "variance"] == 30500 - 14000
        assert (t.variance == t.actual - t.budget).all()

    def test_region_lines_equal_the_published_consolidated_table(self, data2019):
        ours = finance_lines(data2019, "utrecht").set_index("line")[["budget", "actual"]]
        published = data2019["finance_region"].set_index("line")[["budget", "actual"]]
        assert ours.sort_index().equals(published.sort_index())

    def test_region_keeps_published_notes(self, data2019):
        t = finance_lines(data2019, "utrecht").set_index("line")
        assert t.loc["huisvesting", "note"].startswith("Nog geen huurkosten")

    def test_lines_in_definition_order(self, data2019):
        assert list(finance_lines(data2019, "de-klop").line) == list(data2019["finance_lines"].line)


class TestVolunteerValue:
    def test_2019_shows_the_published_amount_as_such(self, data2019):
        from bwklib.compute.finance import volunteer_value

        value, how, note = volunteer_value(data2019, "utrecht")
        assert (value, how) == (369200, "gepubliceerd") and "niet narekenen" in note
        assert volunteer_value(data2019, "top") == (None, "", "")

    def test_hours_times_rate_when_given(self, data_copy):
        from bwklib.compute.figures import compute_figures
        from bwklib.compute.finance import volunteer_value
        from bwklib.inputs.loading import load_year

        (data_copy / "2019/volunteer_hours.csv").write_text(
            "scope,hours,hourly_rate,published_value,source_location,note\n"
            "utrecht,24500,15.07,369200,,\n",
            encoding="utf-8",
        )
        data = load_year(2019, data_copy)
        assert volunteer_value(data, "utrecht")[:2] == (pytest.approx(24500 * 15.07), "berekend")
        figs = compute_figures(data, ["utrecht"]).set_index("key")
        assert figs.loc["volunteer_value", "value"] == pytest.approx(369215)

    def test_file_is_optional(self, data_copy):
        from bwklib.inputs.loading import load_year

        (data_copy / "2019/volunteer_hours.csv").unlink()
        assert load_year(2019, data_copy)["volunteer_hours"].empty


class TestKeyRatios:
    """key_ratios (the definitions read once) gives what ratio_components gives ratio by ratio."""

    @staticmethod
    def by_components(data, scope):
        from bwklib.compute.finance import BASES, ratio_components
        from bwklib.compute.regions import definition_ids

        table = finance_lines(data, scope)
        out = {}
        for ratio in definition_ids(data, "key_ratios", scope):
            for basis in BASES:
                parts, total = ratio_components(data, table, ratio, basis, scope)
                out[(ratio, basis)] = float(parts.sum() / total) if total else float("nan")
        return out

    def test_every_scope_with_a_region_of_its_own_ratio(self, data_copy):
        import zuidoost

        from bwklib.compute.finance import key_ratios
        from bwklib.inputs.loading import load_year

        folder = data_copy / "2019"
        zuidoost.add_region(folder)
        region = zuidoost.REGION
        # an expense line of the new region only, in its own rows of people_share
        extra = {"line": "zuidoost-extra", "kind": "expense", "label": "Extra", "region": region}
        zuidoost.append(folder / "finance_lines.csv", [{**extra, "chart_label": "Extra"}])
        zuidoost.append(
            folder / "finance.csv",
            [
                {"location": r["location"], "line": extra["line"], "budget": 1000, "actual": 900}
                for r in zuidoost.LOCATIONS
            ],
        )
        zuidoost.append(
            folder / "key_ratio_lines.csv",
            [{"ratio": "people_share", "line": extra["line"], "region": region}],
        )
        data = load_year(2019, data_copy)
        scopes = [*data["locations"].location, *data["regions"].region]
        assert region in scopes
        for scope in scopes:
            got = key_ratios(data, finance_lines(data, scope), scope)
            want = self.by_components(data, scope)
            assert list(got) == list(want)
            assert all(
                g == w or (math.isnan(g) and math.isnan(w))
                for g, w in zip(got.values(), want.values(), strict=True)
            )
        from bwklib.compute.finance import ratio_lines

        assert "zuidoost-extra" in ratio_lines(data, region, "people_share")
        assert "zuidoost-extra" not in ratio_lines(data, "top", "people_share")

    def test_a_ratio_by_hand(self, data2019):
        from bwklib.compute.finance import key_ratios

        table = finance_lines(data2019, "top").set_index("line")
        expense = table[table.kind == "expense"]["actual"]
        sroi = expense.get("werkplekken-sr", 0) + expense.get("participatieplekken-sr", 0)
        got = key_ratios(data2019, finance_lines(data2019, "top"), "top")
        assert got[("sroi_share", "actual")] == pytest.approx(sroi / expense.sum())
        assert round(got[("sroi_share", "actual")] * 100) == PUBLISHED["top"][6][1]
