"""Scoring: parsing targets as written, achievement, bands at their exact boundaries, rules."""

import pandas as pd
import pytest

from bwklib.compute.scoring import (
    band_counts,
    band_for,
    parse_dutch_number,
    parse_value,
    passes_threshold,
    score,
    score_location,
)


@pytest.fixture(scope="module")
def bands(data2019):
    return data2019["bands"]


@pytest.fixture(scope="module")
def rules(data2019):
    return data2019["scoring_rules"]


class TestParseDutchNumber:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("20", 20),
            ("- 3.181", -3181),
            ("2.765", 2765),
            ("1.390", 1390),
            ("12,5", 12.5),
            ("1.234.567", 1234567),
            ("0.25", 0.25),
            ("-719", -719),
        ],
    )
    def test_reads_dutch_notation(self, text, expected):
        assert parse_dutch_number(text) == expected

    @pytest.mark.parametrize("text", ["abc", "€ 20", "1,2,3", ""])
    def test_rejects_non_numbers(self, text):
        with pytest.raises(ValueError, match="not a number"):
            parse_dutch_number(text)


class TestParseValue:
    @pytest.mark.parametrize(
        "text, kind",
        [
            ("20", "number"),
            ("5 op 10", "ratio"),
            ("> 0", "threshold"),
            ("> 8", "threshold"),
            ("Positief", "text"),
            ("- 3.181", "number"),
            (">=5", "threshold"),
        ],
    )
    def test_classifies_each_kind_in_the_source(self, text, kind):
        assert parse_value(text).kind == kind

    def test_ratio_keeps_both_parts(self):
        v = parse_value("5 op 10")
        assert (v.number, v.denominator) == (5, 10)

    @pytest.mark.parametrize("text", ["ca. 20", "20 tot 30", "5 van 10", "20%", "?"])
    def test_unparseable_targets_raise_with_dutch_hint(self, text):
        with pytest.raises(ValueError, match="een verhouding"):
            parse_value(text)


class TestBandFor:
    """Boundaries from the legend: rood < 20% <= oranje < 40% <= blauw < 80% <= groen <= 120% < donkergroen."""

    @pytest.mark.parametrize(
        "achievement, band",
        [
            (0.0, "rood"),
            (0.1999, "rood"),
            (0.2, "oranje"),
            (0.3999, "oranje"),
            (0.4, "blauw"),
            (0.7999, "blauw"),
            (0.8, "groen"),
            (1.0, "groen"),
            (1.2, "groen"),
            (1.2001, "donkergroen"),
            (5.0, "donkergroen"),
        ],
    )
    def test_exact_boundaries(self, bands, achievement, band):
        assert band_for(achievement, bands) == band

    def test_hand_computed_cases_from_2019(self, bands):
        # 12 groups against 10 is exactly 120%: still groen; 29 key holders against 20 is 145%.
        assert band_for(12 / 10, bands) == "groen"
        assert band_for(29 / 20, bands) == "donkergroen"
        assert band_for(2 / 15, bands) == "rood"

    def test_non_finite_raises(self, bands):
        with pytest.raises(ValueError, match="finite"):
            band_for(float("nan"), bands)


class TestPassesThreshold:
    def test_numeric_result(self):
        assert passes_threshold(parse_value("2.765"), parse_value("> 0"))
        assert not passes_threshold(parse_value("- 3.181"), parse_value("> 0"))
        assert not passes_threshold(parse_value("0"), parse_value("> 0"))

    def test_threshold_result(self):
        assert passes_threshold(parse_value("> 8"), parse_value("> 8"))
        assert passes_threshold(parse_value("> 9"), parse_value("> 8"))
        assert not passes_threshold(parse_value("> 7"), parse_value("> 8"))
        assert not passes_threshold(parse_value("< 9"), parse_value("> 8"))


class TestScore:
    def test_count_against_count(self, rules, bands):
        s = score("29", "20", rules, bands)
        assert (s.achievement, s.band, s.rule) == (1.45, "donkergroen", "count-vs-count")

    def test_ratio_target_is_not_scored_by_explicit_rule(self, rules, bands):
        s = score("20", "5 op 10", rules, bands)
        assert (s.achievement, s.band, s.rule) == (None, None, "ratio-vs-count")

    def test_threshold_and_text(self, rules, bands):
        assert score("- 3.181", "> 0", rules, bands).band == "rood"
        assert score("Positief", "Positief", rules, bands).band == "groen"
        assert score("Negatief", "Positief", rules, bands).band == "rood"

    def test_missing_rule_raises(self, bands):
        empty = pd.DataFrame(columns=["rule", "target_kind", "result_kind", "method"])
        with pytest.raises(ValueError, match="geen scoringsregel"):
            score("20", "30", empty, bands)

    def test_rule_is_configuration(self, bands, rules):
        # Switching the count rule to 'unscored' in the configuration removes the band.
        changed = rules.copy()
        changed.loc[changed.rule == "count-vs-count", "method"] = "unscored"
        assert score("29", "20", changed, bands).band is None
        assert score("29", "20", rules, bands).band == "donkergroen"


class TestScoreLocation:
    def test_top_2019(self, data2019):
        s = score_location(data2019, "top").set_index("indicator")
        assert len(s) == 20
        assert s.loc["sleutelhouders", "band"] == "donkergroen"
        assert s.loc["leden-bewonersvereniging", "band"] == "oranje"  # 110 of 300 = 37%
        assert s.loc["betaald-werk", "band"] == "blauw"  # 2 of 5 = exactly 40%
        assert s.loc["besteding-budget", "band"] == "rood"  # a deficit of € 3.181
        assert pd.isna(s.loc["doorverwezen-bewoners", "band"])

    def test_location_without_registration_has_no_scores(self, data2019):
        assert score_location(data2019, "de-klop").empty

    def test_band_counts_add_up(self, data2019):
        from bwklib.compute.scoring import score_all

        scores = score_all(data2019)
        counts = band_counts(scores, data2019["bands"])
        assert list(counts.index) == ["top", "hart-voor-leidsche-rijn", "de-verbinding"]
        assert (counts.sum(axis=1) + scores.band.isna().groupby(scores.location).sum()).eq(20).all()
        assert counts.loc["de-verbinding", "rood"] == 1  # schuldhulptoeleiding 2 of 15
