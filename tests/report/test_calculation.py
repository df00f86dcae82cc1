"""The audit version reads as the calculation: per section the bwklib call and its full-precision result."""

import nbformat
import pytest

from bwklib import paths
from bwklib.compute import finance as fin
from bwklib.report.calculation import SECTIONS, calculation

SCOPES = ["top", "de-klop", "utrecht"]


@pytest.mark.parametrize("section", sorted(SECTIONS))
@pytest.mark.parametrize("scope", SCOPES)
def test_every_section_shows_its_call(data2019, scope, section):
    html = str(calculation(data2019, scope, section))
    assert "Berekening: <code>bwklib.compute." in html
    assert "<table" in html


def test_figures_at_full_precision(data2019):
    html = str(calculation(data2019, "top", "finance"))
    sroi = fin.key_figures(data2019, "top")[("sroi_share", "actual")]
    assert repr(sroi) in html and len(repr(sroi)) > 8  # not rounded to a percentage
    assert "-3181" in html  # the balance, as computed


def test_income_chart_denominator_is_shown(data2019):
    html = str(calculation(data2019, "utrecht", "income"))
    assert "739700" in html and repr(187000 / 739700) in html


def test_notebooks_tag_each_calculation_audit_only():
    for name, var in (("locatie.ipynb", "location"), ("regio.ipynb", "region")):
        nb = nbformat.read(paths.NOTEBOOK_DIR / name, as_version=4)
        calc = [c for c in nb.cells if "views.calculation(" in c.source]
        assert len(calc) >= 7
        assert all(c.metadata.get("tags") == ["audit-only"] for c in calc)
        following = [nb.cells[nb.cells.index(c) + 1].source for c in calc]
        assert all(s.startswith("views.") and f"(data, {var})" in s for s in following)


def test_an_unknown_section_is_refused(data2019):
    with pytest.raises(KeyError):
        calculation(data2019, "top", "nonsense")
