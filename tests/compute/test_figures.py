"""Figures per scope: band counts, participant counts and shares, computed once per call or year.

Expected values come from the rows of the data (score_all, the count tables) filtered in the test,
never from an earlier run of compute_figures.
"""

import math
import shutil

import pandas as pd
import pytest
import zuidoost

from bwklib.compute import consolidation as cons
from bwklib.compute.figures import compute_figures, scopes
from bwklib.compute.scoring import score_all
from bwklib.inputs.loading import load_year

ONE = "multibron"  # the only location of the region in `one_location`


@pytest.fixture
def two_regions(data_copy):
    """2019 with Amsterdam Zuidoost added (three locations, one of them without results)."""
    zuidoost.add_region(data_copy / "2019")
    return load_year(2019, data_copy)


@pytest.fixture
def one_location(data_copy):
    """2019 with Amsterdam Zuidoost added with one location only."""
    folder = data_copy / "2019"
    zuidoost.add_definitions(folder)
    zuidoost.append(
        folder / "locations.csv", [r for r in zuidoost.LOCATIONS if r["location"] == ONE]
    )
    for name, rows in zuidoost.figure_rows().items():
        zuidoost.append(folder / f"{name}.csv", [r for r in rows if r["location"] == ONE])
    return load_year(2019, data_copy)


def figures_by(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(r.scope, r.key): r.value for r in frame.itertuples()}


def registered(data) -> list[str]:
    return [s for s in scopes(data) if cons.has_registration(data, s)]


@pytest.mark.parametrize("fixture", ["data2019", "two_regions", "one_location"])
def test_band_figures_count_the_scores_of_the_scope(fixture, request):
    data = request.getfixturevalue(fixture)
    figs, scores = figures_by(compute_figures(data)), score_all(data)
    for scope in registered(data):
        mine = scores[scores.location.isin(cons.scope_locations(data, scope))]
        for band in data["bands"].band:
            assert figs[(scope, f"band:{band}")] == (mine.band == band).sum()
        assert figs[(scope, "band:unscored")] == mine.band.isna().sum()
        total = sum(figs[(scope, f"band:{b}")] for b in [*data["bands"].band, "unscored"])
        assert total == len(mine) > 0
    for scope in set(scopes(data)) - set(registered(data)):  # De Klop, De Handreiking
        assert not any(s == scope and k.startswith("band:") for s, k in figs)


@pytest.mark.parametrize("fixture", ["two_regions", "one_location"])
def test_a_region_counts_the_sum_of_its_locations(fixture, request):
    data = request.getfixturevalue(fixture)
    figs = figures_by(compute_figures(data))
    for region in data["regions"].region:
        locations = [s for s in cons.scope_locations(data, region) if s in registered(data)]
        keys = {k for s, k in figs if s == region and k.split(":")[0] in ("band", "activity")}
        assert keys
        for key in keys:
            assert figs[(region, key)] == sum(figs.get((loc, key), 0) for loc in locations)


def test_a_region_of_one_location_has_that_locations_counts(one_location):
    figs = compute_figures(one_location)
    region = figs[figs.scope == zuidoost.REGION].set_index("key").value
    only = figs[figs.scope == ONE].set_index("key").value
    counted = [
        k for k in only.index if k.split(":")[0] in ("activity", "housing", "band", "generic")
    ]
    assert counted and all(region[k] == only[k] for k in counted)
    generic = zuidoost.GENERIC[ONE]
    for measure, n in generic.items():  # the location's share of its region: all of it
        expected = 1.0 if n else math.nan
        assert figs_share(figs, ONE, measure) == pytest.approx(expected, nan_ok=True)


def figs_share(figs: pd.DataFrame, scope: str, measure: str) -> float:
    hit = figs[(figs.scope == scope) & (figs.key == f"generic_share:{measure}")]
    return float(hit.value.iloc[0])


def test_generic_shares_are_of_the_region_counted_from_the_rows(two_regions):
    figs = compute_figures(two_regions)
    rows = two_regions["generic_counts"]
    locations = two_regions["locations"].set_index("location").region
    for loc in zuidoost.REGISTERED + ["top"]:
        region_rows = rows[rows.location.map(locations) == locations[loc]]
        for measure, n in rows[rows.location == loc].set_index("measure").value.items():
            total = region_rows[region_rows.measure == measure].value.sum()
            expected = n / total if total else math.nan
            assert figs_share(figs, loc, measure) == pytest.approx(expected, nan_ok=True)
    for region in two_regions["regions"].region:  # a region's share of itself
        shares = figs[(figs.scope == region) & figs.key.str.startswith("generic_share:")]
        assert len(shares) and all(v == 1.0 or math.isnan(v) for v in shares.value)


def test_data_that_may_change_is_read_anew_by_each_call(data_copy):
    data = load_year(2019, data_copy)
    before = compute_figures(data)
    assert data.derived is None  # the call's read-only view is its own, not the data's
    assert before.equals(compute_figures(load_year(2019, data_copy).read_only()))
    results = data.tables["results"]
    results.frame = results.frame[results.frame.location != "top"]
    after = figures_by(compute_figures(data))
    assert after[("top", "band:unscored")] == 0 and after[("top", "band:groen")] == 0
    assert figures_by(before)[("top", "band:groen")] > 0
    utrecht = score_all(data)
    assert after[("utrecht", "band:groen")] == (utrecht.band == "groen").sum()


def test_only_some_scopes_gives_the_same_rows_as_all(two_regions):
    whole = compute_figures(two_regions)
    chosen = [zuidoost.REGION, "top"]
    part = compute_figures(two_regions, chosen)
    expected = pd.concat([whole[whole.scope == s] for s in chosen], ignore_index=True)
    assert part.equals(expected)


def test_figures_of_an_edited_copy_of_a_year_follow_the_edit(data_copy):
    shutil.copytree(data_copy / "2019", data_copy / "2020")
    path = data_copy / "2020" / "generic_counts.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("top,deelnemers,490", "top,deelnemers,0"),
        encoding="utf-8",
    )
    figs = figures_by(compute_figures(load_year(2020, data_copy)))
    assert figs[("top", "generic:deelnemers")] == 0
    assert figs[("top", "generic_share:deelnemers")] == 0.0
    assert (
        figs[("utrecht", "generic:deelnemers")]
        == 330 + figs[("de-verbinding", "generic:deelnemers")]
    )


TOTALS = {
    "participants_activity": (cons.activity_totals, "activity_type", "participants"),
    "participants_housing": (cons.housing_totals, "housing_corporation", "participants"),
    "generic_counts": (cons.generic_totals, "measure", "value"),
}


@pytest.mark.parametrize("fixture", ["data2019", "two_regions", "one_location", "gaps"])
@pytest.mark.parametrize("table", sorted(TOTALS))
def test_totals_are_the_row_sums_of_the_wide_table(fixture, table, request):
    """consolidation's totals (summed from rows) equal the row sums of its pivot table."""
    data = request.getfixturevalue(fixture)
    data = data[0] if isinstance(data, tuple) else data
    function, category, value = TOTALS[table]
    for scope in scopes(data):
        wide = cons.counts_by_location(data, table, category, value, scope)
        mine, theirs = function(data, scope), wide.sum(axis=1)
        assert list(mine.index) == list(theirs.index)
        assert mine.tolist() == theirs.tolist()
        assert mine.dtype == "int64"


@pytest.fixture
def gaps(data_copy):
    """2019 where TOP registered no housing corporations and zero participants of one activity."""
    folder = data_copy / "2019"
    path = folder / "participants_housing.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("top,")), encoding="utf-8")
    path = folder / "participants_activity.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, x in enumerate(lines) if x.startswith("top,"))
    cells = lines[first].split(",")
    lines[first] = ",".join([cells[0], cells[1], "0", *cells[3:]])
    path.write_text("".join(lines), encoding="utf-8")
    return load_year(2019, data_copy), cells[1]


def test_a_location_without_rows_has_totals_but_no_shares(gaps):
    data, activity = gaps
    figs = figures_by(compute_figures(data))
    assert figs[("top", "housing_total")] == 0
    assert not any(s == "top" and k.startswith("housing:") for s, k in figs)
    assert figs[("top", f"activity:{activity}")] == 0  # a row of zero is a category all the same
    utrecht = data["participants_activity"]
    expected = utrecht[utrecht.activity_type == activity].participants.sum()
    assert figs[("utrecht", f"activity:{activity}")] == expected
