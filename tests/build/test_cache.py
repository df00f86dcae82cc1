"""Incremental build: every kind of input change rebuilds exactly the reports that depend on it."""

import shutil

import pytest
from buildtools import stubbed

from bwklib import paths
from bwklib.build import cache
from bwklib.build.pipeline import plan, run
from bwklib.inputs.loading import load_year

LOCATIONS = ["top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop"]


def keys(data_dir, notebook_dir, code="code", env=None):
    data = load_year(2019, data_dir)
    env = env or {"pandas": "1"}
    return {t.scope: cache.task_key(data, t, notebook_dir, code, env) for t in plan(data)}


def changed(before, after):
    return sorted(s for s in before if before[s] != after[s])


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def notebooks(tmp_path):
    target = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOK_DIR, target)
    return target


class TestTaskKey:
    def test_stable(self, data_copy, notebooks):
        assert keys(data_copy, notebooks) == keys(data_copy, notebooks)

    @pytest.mark.parametrize(
        "file, old, new",
        [
            ("2019/finance.csv", "top,coachen,23424,19424", "top,coachen,23424,19425"),
            ("2019/results.csv", "top,klussen,103,50", "top,klussen,104,50"),
            ("2019/participants_activity.csv", "top,klussen,103", "top,klussen,104"),
            ("2019/participants_housing.csv", "top,mitros,258", "top,mitros,259"),
        ],
    )
    def test_a_locations_figures_rebuild_it_and_its_region(
        self, data_copy, notebooks, file, old, new
    ):
        before = keys(data_copy, notebooks)
        edit(data_copy / file, old, new)
        assert changed(before, keys(data_copy, notebooks)) == ["top", "utrecht"]

    @pytest.mark.parametrize(
        "file, old, new",
        [
            ("2019/indicators.csv", "Sleutelhouders,Aantal", "Sleutelhouders!,Aantal"),
            ("2019/finance_lines.csv", "Coachen medewerkers", "Coachen van medewerkers"),
            ("2019/generic_counts.csv", "top,sleutelhouders,29", "top,sleutelhouders,30"),
            ("2019/published.csv", "-3181,eur", "-3182,eur"),
            ("config/bands.csv", "#ef3b2c", "#ef3b2d"),
            ("config/scoring_rules.csv", "geen kleur", "geen kleur."),
            ("datapackage.json", '"title": "Locaties"', '"title": "Locaties."'),
        ],
    )
    def test_shared_definitions_rebuild_everything(self, data_copy, notebooks, file, old, new):
        before = keys(data_copy, notebooks)
        edit(data_copy / file, old, new)
        assert changed(before, keys(data_copy, notebooks)) == sorted([*LOCATIONS, "utrecht"])

    def test_notebook_rebuilds_its_reports(self, data_copy, notebooks):
        before = keys(data_copy, notebooks)
        edit(
            notebooks / "regio.ipynb",
            "Bijlage: Resultaten in beeld",
            "Bijlage: resultaten in beeld",
        )
        assert changed(before, keys(data_copy, notebooks)) == ["utrecht"]
        edit(notebooks / "locatie.ipynb", "## Generieke kengetallen", "## Generieke aantallen")
        assert changed(before, keys(data_copy, notebooks)) == sorted([*LOCATIONS, "utrecht"])

    def test_code_and_package_versions_rebuild_everything(self, data_copy, notebooks):
        before = keys(data_copy, notebooks)
        assert len(changed(before, keys(data_copy, notebooks, code="other"))) == 5
        assert len(changed(before, keys(data_copy, notebooks, env={"pandas": "2"}))) == 5

    def test_code_digest_covers_sources_and_templates(self, tmp_path):
        pkg = tmp_path / "pkg"
        shutil.copytree(paths.ROOT / "bwklib", pkg)
        before = cache.code_digest(pkg)
        (pkg / "report" / "templates" / "bwk" / "index.html.j2").write_text(
            "changed", encoding="utf-8"
        )
        assert cache.code_digest(pkg) != before


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """A data copy and its 2019 output, built once with the stub executor (copy both to change)."""
    root = tmp_path_factory.mktemp("incremental")
    shutil.copytree(paths.DATA_DIR, root / "data")
    with stubbed():
        run(2019, data_dir=root / "data", output_dir=root / "out", jobs=2, progress=lambda s: None)
    return root


@pytest.fixture
def built_copy(first_build, tmp_path):
    shutil.copytree(first_build / "data", tmp_path / "data")
    shutil.copytree(first_build / "out", tmp_path / "out")
    return tmp_path / "data", tmp_path / "out"


class TestIncrementalRun:
    """Real runs with the stub executor (tests/buildtools.py): which reports are rebuilt is cache
    logic; a rebuilt report shows its scope's rows of the data it was made from. Each test reruns
    over its own copy of one first build."""

    def test_noop_then_one_location(self, built_copy, stub_executor):
        data_copy, out = built_copy
        lines = []
        run(2019, data_dir=data_copy, output_dir=out, jobs=2, progress=lines.append)
        assert any(line.startswith("Ongewijzigd, hergebruikt: top,") for line in lines)
        assert not any("rapport(en) maken" in line for line in lines)  # no kernel started

        edit(
            data_copy / "2019/finance.csv",
            "top,huisvesting,16236,17254",
            "top,huisvesting,16236,17255",
        )
        lines = []
        run(2019, data_dir=data_copy, output_dir=out, jobs=2, progress=lines.append)
        built = sorted(line.split()[2].rstrip(":") for line in lines if line.startswith("["))
        assert built == ["top", "utrecht"]
        html = (out / "2019" / "top.html").read_text(encoding="utf-8")
        assert "top,huisvesting,16236,17255" in html and "top,huisvesting,16236,17254" not in html

    def test_force_rebuilds_all(self, built_copy, stub_executor):
        data_copy, out = built_copy
        lines = []
        run(2019, data_dir=data_copy, output_dir=out, jobs=2, progress=lines.append, force=True)
        assert len([line for line in lines if line.startswith("[")]) == 5
