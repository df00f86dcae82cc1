"""Checks: published figures against their recomputation."""

import pytest
from computed import checks_of, figures_of

from bwklib.compute.checks import compare, compute_checks, figure_label


class TestCompare:
    @pytest.mark.parametrize(
        "reported, recomputed, unit, status",
        [
            (33, 0.3342, "percent", "agrees"),
            (29, 0.2848, "percent", "differs"),  # Portaal 309 of 1085 is 28%, printed 29%
            (51, 0.505, "percent", "agrees"),  # half up
            (79, 68, "count", "differs"),
            (255, 255, "eur", "agrees"),
            (273, None, "count", "not_reproducible"),
            (1, float("nan"), "percent", "not_reproducible"),
        ],
    )
    def test_status(self, reported, recomputed, unit, status):
        assert compare(reported, recomputed, unit)[0] == status

    def test_recomputed_in_the_reported_unit(self):
        assert compare(33, 0.3342, "percent")[1] == pytest.approx(33.42)


@pytest.fixture
def checks(data2019):
    return checks_of(data2019)


class TestComputeChecks:
    def test_every_published_figure_is_checked(self, data2019, checks):
        lines = len(data2019["finance_region"]) * 2
        claims = len(data2019["claims"])
        assert len(checks) == len(data2019["published"]) + lines + claims

    def test_all_finance_totals_and_ratios_agree(self, checks):
        finance = checks[
            checks.figure.str.match(
                r"^((income|expense)(:|_total\.)|(balance|sroi_share|indirect_share|people_share)\.)"
            )
        ]
        assert len(finance) >= 60 and (finance.status == "agrees").all()

    def test_a_wrong_published_value_is_flagged(self, data2019):
        import copy

        broken = copy.copy(data2019)
        broken.tables = dict(data2019.tables)
        table = copy.copy(data2019.tables["published"])
        table.frame = data2019["published"].copy()
        table.frame.loc[0, "reported"] = 1
        broken.tables["published"] = table
        result = compute_checks(broken, figures_of(data2019))
        assert result.loc[0, "status"] == "differs"


class TestFigureLabel:
    def test_dutch_labels(self, data2019):
        assert figure_label(data2019, "generic:sleutelhouders.actual") == "Aantal sleutelhouders"
        assert figure_label(data2019, "sroi_share.budget") == "SROI-aandeel (begroting)"
        assert (
            figure_label(data2019, "housing_share:portaal.actual")
            == "Aandeel deelnemers bij Portaal"
        )
