"""The no-op fast path: it stops only when nothing a report is made from changed, and imports no pandas."""

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from buildtools import stubbed
from tiny_notebooks import write_tiny_notebooks

from bwklib import paths
from bwklib.build import fastpath, warmup
from bwklib.build.pipeline import run
from bwklib.cli import main


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of data/ and a complete 2019 output built from it with the project's notebooks (as
    far as the fast path can tell: the reports are the stub executor's, tests/buildtools.py; the
    record is what `run` writes after any complete run)."""
    root = tmp_path_factory.mktemp("fastpath")
    data, notebooks, out = root / "data", paths.NOTEBOOK_DIR, root / "out"
    shutil.copytree(paths.DATA_DIR, data)
    with stubbed():
        summary = run(
            2019,
            data_dir=data,
            output_dir=out,
            notebook_dir=notebooks,
            jobs=2,
            progress=lambda s: None,
        )
    assert not summary.failures
    return data, notebooks, out


def unchanged(built, year=2019, **kw):
    data, notebooks, out = built
    args = {"data_dir": data, "output_dir": out, "notebook_dir": notebooks, **kw}
    return fastpath.unchanged(year, **args)


@contextmanager
def altered(path: Path, change):
    """Change a file (or create it) for the duration of the block, then restore its bytes."""
    before = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        change(path)
        yield
    finally:
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)


def append(text):
    return lambda path: path.write_text(
        (path.read_text(encoding="utf-8") if path.exists() else "") + text, encoding="utf-8"
    )


class TestUnchanged:
    def test_a_complete_run_is_a_noop(self, built):
        _, _, out = built
        assert unchanged(built) == out / "2019"

    def test_without_year_the_latest_year_is_found(self, built):
        _, _, out = built
        assert unchanged(built, year=None) == out / "2019"

    def test_record_has_no_absolute_paths(self, built):
        data, notebooks, out = built
        text = (out / "2019" / fastpath.RECORD).read_text(encoding="utf-8")
        for folder in (data, notebooks, out, paths.ROOT):
            assert str(folder) not in text


INPUTS = [
    "2019/finance.csv",  # a location's figures
    "2019/locations.csv",  # a definition
    "2019/stories/top.md",  # a story
    "2019/stories/nieuw.md",  # a new story
    "config/bands.csv",  # configuration
    "datapackage.json",  # the schema
    "2018/known_figures.csv",  # an earlier year the comparison reads
    "2017/known_figures.csv",  # a new earlier year
    "2019/invoer-2019.xlsx",  # any file in the data folder
]


class TestEveryChangeRuns:
    @pytest.mark.parametrize("name", INPUTS)
    def test_data_file(self, built, name):
        data, _, out = built
        with altered(data / name, append("\n")):
            assert unchanged(built) is None
            diff = fastpath.differences(
                fastpath.read_record(out / "2019"),
                fastpath.fingerprint(data, built[1]),
                out / "2019",
            )
            assert diff == [f"data: {name}"]
        assert unchanged(built) == out / "2019"  # the same bytes again: a no-op again

    def test_removed_data_file(self, built):
        data, _, out = built
        story = data / "2019" / "stories" / "top.md"
        moved = story.with_suffix(".bak")
        story.rename(moved)
        try:
            assert unchanged(built) is None
        finally:
            moved.rename(story)
        assert unchanged(built) == out / "2019"

    @pytest.mark.parametrize("name", ["locatie.ipynb", "regio.ipynb"])
    def test_notebook(self, built, tmp_path, name):
        data, _, out = built
        notebooks = tmp_path / "notebooks"  # the project's notebooks stay as they are
        shutil.copytree(paths.NOTEBOOK_DIR, notebooks)
        record = fastpath.read_record(out / "2019")
        same = fastpath.differences(record, fastpath.fingerprint(data, notebooks), out / "2019")
        assert same == ["parameters"]  # only the folder differs
        nb = json.loads((notebooks / name).read_text(encoding="utf-8"))
        nb["cells"][-1]["source"] = ["# anders\n", *nb["cells"][-1]["source"]]
        (notebooks / name).write_text(json.dumps(nb), encoding="utf-8")
        diff = fastpath.differences(record, fastpath.fingerprint(data, notebooks), out / "2019")
        assert diff == ["parameters", f"notebooks: {name}"]

    @pytest.mark.parametrize(
        "name", ["report/views.py", "report/templates/bwk/index.html.j2", "report/lean.css"]
    )
    def test_bwklib_source(self, built, tmp_path, monkeypatch, name):
        _, _, out = built
        copy = tmp_path / "bwklib"
        shutil.copytree(paths.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setattr(paths, "PACKAGE_DIR", copy)
        assert unchanged(built) == out / "2019"  # a byte-identical copy is the same code
        with altered(copy / name, append("\n")):
            assert unchanged(built) is None

    def test_installed_package(self, built, monkeypatch):
        packages = fastpath.installed_packages()
        assert any("pandas-" in p for p in packages)
        monkeypatch.setattr(
            fastpath,
            "installed_packages",
            lambda: [p.replace("pandas-", "pandas-0") for p in packages],
        )
        assert unchanged(built) is None

    def test_python(self, built, monkeypatch):
        monkeypatch.setattr(sys, "version", sys.version + " (anders)")
        assert unchanged(built) is None

    def test_git_commit(self, built, monkeypatch):
        monkeypatch.setattr(fastpath, "git_head", lambda root=None: "0" * 40)
        assert unchanged(built) is None

    def test_parameters(self, built, tmp_path):
        data, notebooks, _ = built
        assert unchanged(built, pdf=True) is None
        shutil.copytree(data, tmp_path / "data")
        assert unchanged(built, data_dir=tmp_path / "data") is None
        shutil.copytree(notebooks, tmp_path / "notebooks")
        assert unchanged(built, notebook_dir=tmp_path / "notebooks") is None

    def test_other_year(self, built):
        assert unchanged(built, year=2018) is None

    def test_removed_or_changed_output(self, built):
        _, _, out = built
        report = out / "2019" / "top.html"
        moved = report.with_suffix(".bak")
        report.rename(moved)
        try:
            assert unchanged(built) is None
        finally:
            moved.rename(report)
        with altered(report, append("<!-- -->")):
            assert unchanged(built) is None
        assert unchanged(built) == out / "2019"

    def test_unreadable_record(self, built):
        _, _, out = built
        with altered(out / "2019" / fastpath.RECORD, lambda p: p.write_text("{", encoding="utf-8")):
            assert unchanged(built) is None


class TestWarmedRun:
    @pytest.mark.build
    def test_every_report_built_by_the_warmed_workers(self, data_copy, tmp_path, capsys):
        """`bwk run` starts its worker (and its kernel) early and builds every report on it
        (stand-in notebooks: what is tested is the warmed pool, not the reports); then it stops
        it."""
        notebooks = write_tiny_notebooks(tmp_path / "notebooks")
        out = tmp_path / "out"
        args = ["--data-dir", str(data_copy), "--output-dir", str(out), "run", "--year", "2019"]
        pools = []
        real_start = warmup.start

        def start(*a, **kw):
            real_start(*a, **kw)
            pools.append(warmup.current())

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(warmup, "start", start)
            code = main([*args, "--jobs", "1", "--notebook-dir", str(notebooks)])
        err = capsys.readouterr().err
        assert code == 0, err
        assert len(pools) == 1 and pools[0] is not None, "the CLI warms its workers"
        for scope in ("top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop", "utrecht"):
            assert (out / "2019" / f"{scope}.html").is_file()
            assert f" {scope}: klaar" in err
        assert warmup.current() is None
        assert pools[0]._shutdown_thread  # noqa: SLF001 - stopped with the run


class TestRecord:
    def test_not_written_when_a_report_failed(self, data_copy, tmp_path, stub_executor):
        stub_executor(fail={"de-klop"})
        notebooks = paths.NOTEBOOK_DIR
        out = tmp_path / "out"
        summary = run(
            2019,
            data_dir=data_copy,
            output_dir=out,
            notebook_dir=notebooks,
            jobs=2,
            progress=lambda s: None,
        )
        assert [f.task.scope for f in summary.failures] == ["de-klop"]
        assert not (out / "2019" / fastpath.RECORD).exists()
        assert fastpath.unchanged(2019, data_copy, out, notebooks) is None

    def test_a_year_that_is_not_the_latest_needs_its_year(self, built, tmp_path):
        data, notebooks, out = built
        record = fastpath.read_record(out / "2019")
        assert record["latest"] is True
        copy = tmp_path / "out"
        shutil.copytree(out, copy)
        record["latest"] = False
        (copy / "2019" / fastpath.RECORD).write_text(json.dumps(record), encoding="utf-8")
        assert fastpath.unchanged(None, data, copy, notebooks) is None
        assert fastpath.unchanged(2019, data, copy, notebooks) == copy / "2019"


HEAVY = ["pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbclient", "jupyter_client"]


def imported_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter has imported after running code."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=paths.ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"'))


class TestLightImports:
    def test_cli_imports_nothing_heavy(self):
        assert imported_after("import bwklib, bwklib.cli, bwklib.build.fastpath") == []

    def test_noop_run_imports_nothing_heavy(self, built):
        data, _, out = built
        code = (
            "import os\n"
            f"os.chdir({str(out)!r})\n"
            "from bwklib import cli\n"
            f"rc = cli.main(['--data-dir', {str(data)!r}, '--output-dir', {str(out)!r}, "
            "'run', '--year', '2019'])\n"
            "assert rc == 0, rc"
        )
        assert imported_after(code) == []

    def test_noop_run_says_so(self, built):
        data, _, out = built
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bwklib.cli",
                "--data-dir",
                str(data),
                "--output-dir",
                str(out),
                "run",
                "--year",
                "2019",
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ},
        )
        assert "Ongewijzigd" in proc.stderr
