"""Scores and figures are computed once per read-only year, and every caller gets its own copy."""

import pytest

from bwklib.compute import figures, scoring
from bwklib.inputs import memo
from bwklib.inputs.loading import load_year


@pytest.fixture
def counted(monkeypatch):
    """How often the scores and one scope's figures were really computed."""
    calls = {"scores": 0, "figures": 0}
    real_scores, real_figures = scoring._score_all, figures.scope_figures

    def scores(data):
        calls["scores"] += 1
        return real_scores(data)

    def scope_figures(data, scope):
        calls["figures"] += 1
        return real_figures(data, scope)

    monkeypatch.setattr(scoring, "_score_all", scores)
    monkeypatch.setattr(figures, "scope_figures", scope_figures)
    return calls


class TestRemember:
    def test_data_that_may_change_is_computed_each_time(self, data_copy, counted):
        data = load_year(2019, data_copy)
        scoring.score_all(data)
        results = data.tables["results"]
        results.frame = results.frame[results.frame.location != "top"]
        after = scoring.score_all(data)
        assert counted["scores"] == 2
        assert "top" not in set(after.location)

    def test_read_only_data_is_computed_once_and_handed_out_as_copies(self, data_copy, counted):
        data = load_year(2019, data_copy).read_only()
        first = scoring.score_all(data)
        first.loc[:, "band"] = "vervalst"
        second = scoring.score_all(data)
        assert counted["scores"] == 1
        assert "vervalst" not in set(second.band)
        assert second.equals(scoring.score_all(load_year(2019, data_copy)))

    def test_figures_of_a_scope_are_kept_per_scope(self, data_copy, counted):
        data = load_year(2019, data_copy).read_only()
        whole = figures.compute_figures(data)
        top = figures.compute_figures(data, ["top"])
        assert counted["figures"] == len(figures.scopes(data))  # top's rows came from the store
        assert top.reset_index(drop=True).equals(whole[whole.scope == "top"].reset_index(drop=True))


class TestSharedBetweenNotebooks:
    def test_one_kernel_computes_once_for_all_its_notebooks(self, data_copy, counted):
        for _ in range(3):
            scoring.score_all(memo.load_year_once(2019, data_copy))
        assert counted["scores"] == 1

    def test_a_notebook_changing_its_tables_changes_no_one_elses_results(self, data_copy, counted):
        first = memo.load_year_once(2019, data_copy)
        results = first.tables["results"]  # changed before anything was computed
        results.frame = results.frame[results.frame.location != "top"]
        scoring.score_all(first)
        second = memo.load_year_once(2019, data_copy)
        expected = scoring._score_all(load_year(2019, data_copy))
        assert scoring.score_all(second).equals(expected)

    def test_a_changed_file_starts_a_new_store(self, data_copy, counted):
        scoring.score_all(memo.load_year_once(2019, data_copy))
        path = data_copy / "2019" / "results.csv"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        scoring.score_all(memo.load_year_once(2019, data_copy))
        assert counted["scores"] == 2
