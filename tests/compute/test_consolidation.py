"""Consolidation: the published participant totals of 2019 recomputed from the per-location data."""

import pytest

from bwklib.compute import consolidation as cons
from bwklib.report.formatting import round_half_up


class TestActivityTotals:
    def test_published_totals_per_activity_type(self, data2019):
        # Conclusies algemeen and the appendix: 981, 145, 434, 181, 74, 50, 77; Totaal 1942.
        t = cons.activity_totals(data2019, "utrecht")
        assert t.to_dict() == {
            "sociaal-ontmoeting": 981,
            "klussen": 145,
            "taalverwerving": 181,
            "computervaardigheden": 74,
            "formulieren": 434,
            "schuldhulptoeleiding": 50,
            "toeleiding-werk-opleiding": 77,
        }
        assert t.sum() == 1942

    @pytest.mark.parametrize(
        "location, total", [("top", 939), ("hart-voor-leidsche-rijn", 618), ("de-verbinding", 385)]
    )
    def test_published_location_totals(self, data2019, location, total):
        assert cons.activity_totals(data2019, location).sum() == total

    def test_published_shares(self, data2019):
        shares = cons.shares(cons.activity_totals(data2019, "utrecht"))
        pct = {k: int(round_half_up(v * 100)) for k, v in shares.items()}
        assert pct == {
            "sociaal-ontmoeting": 51,
            "klussen": 7,
            "taalverwerving": 9,
            "computervaardigheden": 4,
            "formulieren": 22,
            "schuldhulptoeleiding": 3,
            "toeleiding-werk-opleiding": 4,
        }


class TestHousingTotals:
    def test_published_totals_per_corporation(self, data2019):
        # Conclusies algemeen figure: Mitros 438, Portaal 309, Bo-Ex 53, GroenWest 12, SSH 42,
        # Particulier/Koop 231 (the appendix splits 2 of these off as MVGM).
        t = cons.housing_totals(data2019, "utrecht")
        assert t.to_dict() == {
            "mitros": 438,
            "portaal": 309,
            "bo-ex": 53,
            "groenwest": 12,
            "ssh": 42,
            "particulier-koop": 231,
        }
        assert t.sum() == 1085

    @pytest.mark.parametrize(
        "location, total", [("top", 490), ("hart-voor-leidsche-rijn", 330), ("de-verbinding", 265)]
    )
    def test_each_location_adds_up_to_its_participants(self, data2019, location, total):
        assert cons.housing_totals(data2019, location).sum() == total
        assert cons.generic_totals(data2019, location)["deelnemers"] == total


class TestGenericTotals:
    def test_published_totals_that_agree(self, data2019):
        t = cons.generic_totals(data2019, "utrecht")
        assert (
            t["deelnemers"],
            t["actieve-vrijwilligers"],
            t["statushouders"],
            t["actieve-groepen"],
            t["stages"],
        ) == (1085, 98, 52, 44, 18)

    def test_known_disagreements_with_the_appendix(self, data2019):
        # The appendix prints 79 key holders (with 25 for Hart voor Leidsche Rijn, whose own table
        # and the indicator table say 14) and 65 referrals (20 + 20 + 25). See data/README.md.
        t = cons.generic_totals(data2019, "utrecht")
        assert t["sleutelhouders"] == 29 + 14 + 25 != 79
        assert t["doorverwijzingen"] == 20 + 25 + 25 != 65


class TestScopes:
    def test_region_covers_all_locations_in_file_order(self, data2019):
        assert cons.scope_locations(data2019, "utrecht") == [
            "top",
            "hart-voor-leidsche-rijn",
            "de-verbinding",
            "de-klop",
        ]

    def test_registration(self, data2019):
        assert not cons.has_registration(data2019, "de-klop")
        assert cons.has_registration(data2019, "utrecht")

    def test_unknown_scope(self, data2019):
        with pytest.raises(KeyError, match="unknown scope"):
            cons.scope_locations(data2019, "amsterdam")
