"""Claims stated as approximations, ranges or comparisons, checked as such; differs notes name a cause."""

import pytest
from computed import checks_of

from bwklib.compute.claims import holds


@pytest.fixture
def checks(data2019):
    return checks_of(data2019)


def row(checks, scope, figure, where=""):
    hit = checks[
        (checks.scope == scope)
        & (checks.figure == figure)
        & checks.source_location.str.contains(where, regex=False)
    ]
    assert len(hit) == 1, (scope, figure, where)
    return hit.iloc[0]


class TestHolds:
    @pytest.mark.parametrize(
        "comparison, value, low, high, expected",
        [
            ("about", -3.15, -3, None, True),  # ca. 3% tekort
            ("about", 3.15, -3, None, False),  # a surplus is not a deficit
            ("about", 0.07, 0, None, True),  # nihil over
            ("about", -0.07, 0, None, False),
            ("almost", -3.67, -4, None, True),  # bijna 4% lager
            ("almost", -17.10, -17, None, False),  # 17,1 is not 'bijna 17'
            ("almost", -3.4, -4, None, False),  # rounds to 3
            ("between", 62.0, 60, 80, True),
            ("between", 26.0, 60, 80, False),
            ("more_than", 160.0, 120, None, True),
            ("more_than", 120.0, 120, None, False),
            ("less_than", 4.9, None, 5, True),
        ],
    )
    def test_comparisons(self, comparison, value, low, high, expected):
        assert holds(comparison, value, low, high) is expected


class TestTheIssuesClaims:
    def test_ten_percentages_of_the_financial_conclusions(self, checks):
        concl = checks[
            checks.source_location.str.contains("Conclusies", regex=False)
            & checks.figure.isin(["balance_share.actual", "expense_variance_share.actual"])
        ]
        assert len(concl) == 10
        assert set(concl.status) <= {"agrees", "differs"}
        # the two 'bijna' that are just above the printed value
        assert set(concl[concl.status == "differs"].scope) == {"de-klop", "utrecht"}
        klop = row(checks, "de-klop", "expense_variance_share.actual")
        assert klop.recomputed == pytest.approx(-17.104, abs=1e-3)
        assert "afronding in de bron" in klop.note

    def test_sroi_25_percent(self, checks):
        sroi = row(checks, "utrecht", "sroi_share.actual", "De SROI komt uit op 25%'")
        assert (sroi.reported, sroi.status) == (25, "agrees")

    def test_de_verbinding_visits(self, checks):
        for figure, reported in [
            ("visits.actual", 5267),
            ("visits_per_week.actual", 119),
            ("weeks_open.actual", 44),
        ]:
            r = row(checks, "de-verbinding", figure)
            assert (r.reported, r.status) == (reported, "not_reproducible")

    def test_fifteen_amounts_of_the_utrecht_figures(self, checks):
        fig = checks[
            checks.source_location.str.contains(
                "figuur 'Inkomsten 2019 Utrecht'|figuur 'Uitgaven 2019 Utrecht'"
            )
        ]
        assert len(fig) == 15 and (fig.status == "agrees").all()

    def test_the_range_claim_of_hart_voor_leidsche_rijn(self, checks):
        claims = checks[
            (checks.scope == "hart-voor-leidsche-rijn")
            & checks.source_location.str.contains("20 tot 40% minder", regex=False)
        ]
        assert len(claims) == 4
        by = dict(zip(claims.figure, claims.status, strict=True))
        assert by == {
            "achievement:klussen.actual": "differs",  # 74% short
            "achievement:taalverwerving.actual": "differs",  # 58% short
            "achievement:computervaardigheid.actual": "differs",  # 52% short
            "achievement:formulieren.actual": "agrees",  # 38% short
        }
        klussen = row(checks, "hart-voor-leidsche-rijn", "achievement:klussen.actual")
        assert klussen.reported == "60-80" and klussen.recomputed == pytest.approx(26)
        assert "Andere lezing" in klussen.note and "onverklaard" in klussen.note

    def test_more_than_20_percent_above(self, checks):
        for indicator in ["sociale-ontmoeting", "schuldhulptoeleiding"]:
            r = row(checks, "hart-voor-leidsche-rijn", f"achievement:{indicator}.actual")
            assert r.status == "agrees" and r.reported == "> 120"


class TestDiffersNotesNameACause:
    def test_every_differs_note_names_a_cause(self, checks):
        causes = ("afronding in de bron", "gedocumenteerde keuze", "onverklaard")
        differs = checks[checks.status == "differs"]
        assert len(differs) > 10
        assert all(any(c in n for c in causes) for n in differs.note), differs.note.tolist()

    def test_rounding_in_the_source_is_named_as_such(self, checks):
        portaal = row(checks, "utrecht", "housing_share:portaal.actual", "figuur woningcorporaties")
        assert portaal.note.startswith("afronding in de bron")

    def test_a_regional_sum_points_to_the_location_choice(self, checks):
        keys = row(checks, "utrecht", "generic:sleutelhouders.actual", "Aantal sleutelbeheerders")
        assert keys.note.startswith("gedocumenteerde keuze (bij hart-voor-leidsche-rijn")
