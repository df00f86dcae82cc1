"""End to end: `bwk run` on the shipped 2019 data (the session's shared build), checked as a reader would."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bwklib import paths

SCOPES = ["top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop", "utrecht"]
BALANCES = {
    "top": "€ -3.181",
    "hart-voor-leidsche-rijn": "€ 2.765",
    "de-verbinding": "€ 1.390",
    "de-klop": "€ -719",
    "utrecht": "€ 255",
}
CONTRACT_CHECK = paths.ROOT.parent / "shared" / "tools" / "contract-check"


@pytest.fixture
def built(built2019):
    """The session's shared 2019 build (tests/conftest.py): read it, never write into it."""
    return built2019.summary, built2019.year, built2019.lines


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class TestRun:
    def test_every_report_built(self, built):
        summary, year, lines = built
        assert not summary.failures
        for scope in SCOPES:
            for name in (f"{scope}.html", f"{scope}-audit.html", f"notebooks/{scope}.ipynb"):
                assert (year / name).is_file(), name
        assert {"index.html", "scores.csv", "figures.csv"} <= {p.name for p in year.iterdir()}
        assert any(line.startswith("[5/5]") for line in lines)

    def test_nothing_left_in_output_but_the_year(self, built):
        _, year, _ = built
        leftovers = [
            p.name
            for p in year.parent.iterdir()
            if p.name not in ("2019", ".bwk-charts") and not p.name.endswith(".lock")
        ]  # .bwk-charts: charts kept by content for the next run (bwklib.report.chartcache)
        assert leftovers == []

    @pytest.mark.parametrize("scope", SCOPES)
    def test_balance_in_dutch_format(self, built, scope):
        _, year, _ = built
        assert BALANCES[scope] in text(year / f"{scope}.html")

    def test_stakeholder_without_code_audit_with_code(self, built):
        _, year, _ = built
        for scope in SCOPES:
            stakeholder, audit = text(year / f"{scope}.html"), text(year / f"{scope}-audit.html")
            assert "hl-ipython" not in stakeholder and "views.finance_table" not in stakeholder
            assert "hl-ipython" in audit and 'class="nn">bwklib' in audit

    def test_self_contained(self, built):
        _, year, _ = built
        for html in year.glob("*.html"):
            body = text(html)
            assert "<script src" not in body
            # Nothing is loaded from elsewhere (links a reader may click, <a href>, are fine).
            assert not re.search(r'src="(https?:)?//', body), html.name
            assert not re.search(r'<link[^>]+href="(https?:)?//', body), html.name

    def test_key_ratios_and_results(self, built):
        _, year, _ = built
        top = text(year / "top.html")
        assert "33%" in top and "band-donkergroen" in top and "Sleutelhouders" in top
        klop = text(year / "de-klop.html")
        assert "Geen registratie van resultaten" in klop and "€ 60.998" in klop
        region = text(year / "utrecht.html")
        assert "€ 370.245" in region and "1.942" in region and "1.085" in region

    def test_index_links_every_report(self, built):
        _, year, _ = built
        index = text(year / "index.html")
        for scope in SCOPES:
            assert f'href="{scope}.html"' in index and f'href="{scope}-audit.html"' in index

    @pytest.mark.skipif(
        not CONTRACT_CHECK.exists(), reason="../shared/tools/contract-check not present"
    )
    def test_contract_check(self, built):
        _, year, _ = built
        r = subprocess.run(
            [sys.executable, str(CONTRACT_CHECK), str(year)], capture_output=True, text=True
        )
        assert r.returncode == 0, r.stdout


class TestReproducible:
    # A forced rerun over this output giving the same bytes: tests/build/test_reproducible.py.

    def test_exports_and_provenance_present(self, built):
        import json

        _, year, _ = built
        record = json.loads(text(year / "provenance.json"))
        assert record["parameters"] == {"year": 2019}
        assert "data/2019/finance.csv" in record["data_files"]
        assert set(record["packages"]) >= {"pandas", "matplotlib", "papermill", "nbconvert"}
        header = text(year / "checks.csv").splitlines()[0]
        assert header == "year,scope,figure,source_location,reported,recomputed,status,note"

    def test_formulas_only_in_the_audit_version(self, built):
        _, year, _ = built
        assert "Zo zijn de kengetallen berekend" in text(year / "top-audit.html")
        assert "Zo zijn de kengetallen berekend" not in text(year / "top.html")
        # provenance (package versions, file names) is audit material too
        assert "Herkomst" in text(year / "top-audit.html")
        assert "Herkomst" not in text(year / "top.html")


@pytest.fixture(scope="module")
def printed(built2019, tmp_path_factory):
    """A copy of the shared 2019 build with de-klop's stakeholder report printed to PDF (once for
    the tests below), or None without Chromium."""
    import shutil as sh

    from bwklib.build.pdf import find_chromium, write_pdfs

    if find_chromium() is None:
        return None
    copy = tmp_path_factory.mktemp("printed") / "2019"
    sh.copytree(built2019.year, copy)
    (pdf,) = write_pdfs(copy, ["de-klop"])
    return copy, pdf


class TestPdf:
    def test_prints_a_stakeholder_report(self, printed):
        if printed is None:
            pytest.skip("Chromium is not installed (.ci/run installs it)")
        _, pdf = printed
        body = pdf.read_bytes()
        assert body.startswith(b"%PDF") and pdf.stat().st_size > 20_000
        # A4 (595 x 842 pt) on every page, as the stylesheet's @page asks, not Letter
        boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", body))
        assert boxes and all(
            abs(float(w) - 595) < 1.5 and abs(float(h) - 842) < 1.5 for w, h in boxes
        )


class TestOutputNames:
    def test_every_name_bwk_writes_is_a_report_or_reserved(self, built, printed):
        """Scope ids are validated against paths.YEAR_OUTPUT_NAMES: it must list every other name
        a build writes (with --pdf too), or an id could overwrite it."""
        from bwklib.inputs.limits import reserved_stems

        _, year, _ = built
        names = {p.relative_to(year).as_posix() for p in year.rglob("*")}
        if printed is not None:
            copy, _ = printed
            names |= {p.relative_to(copy).as_posix() for p in copy.rglob("*")}
        reports = {f for scope in SCOPES for f in paths.report_files(scope)}
        others = {n for n in names if n not in reports and not n.startswith(".")}
        top_level = {n.split("/")[0] for n in others}
        assert top_level <= set(paths.YEAR_OUTPUT_NAMES), top_level - set(paths.YEAR_OUTPUT_NAMES)
        assert not {s for s in SCOPES if s in reserved_stems()}
