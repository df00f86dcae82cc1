"""Faults: a failing notebook, interrupted runs, and two runs at once never lose the previous output.

What happens around a failed report (others built, previous version kept, index, manifest, lock,
recovery) is tested with the stub executor of tests/buildtools.py; a notebook's own error message
with one real execution; interrupting a run with `bwk run` processes (stubbed reports) that signal
themselves at a checkpoint of bwklib/build/hooks.py. Real kernels under a kill: test_processes.py.
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from buildtools import STUB_ERROR, stub_bwk, stubbed
from shared import warm_pool
from tiny_notebooks import write_tiny_notebooks

from bwklib import paths
from bwklib.build import hooks, pipeline, worker
from bwklib.build.pipeline import RunError, run, year_lock
from bwklib.cli import main
from bwklib.inputs.loading import load_year


def tree(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def bump(data_dir: Path, n: int) -> None:
    """Change TOP's rent so the next run must rebuild TOP and the region."""
    path = data_dir / "2019" / "finance.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [
        f"top,huisvesting,16236,{17254 + n},\n" if line.startswith("top,huisvesting,") else line
        for line in lines
    ]
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A data copy and a complete published 2019 output."""
    root = tmp_path_factory.mktemp("faults")
    data = root / "data"
    shutil.copytree(paths.DATA_DIR, data)
    out = root / "out"
    with stubbed():
        run(2019, data_dir=data, output_dir=out, jobs=2, progress=lambda s: None)
    return data, out


@pytest.fixture
def broken_notebooks(tmp_path):
    """Stand-in notebooks (tests/build/tiny_notebooks.py) whose locatie notebook fails for
    de-verbinding only."""
    boom = 'if location == "de-verbinding":\n    raise ValueError("kapot")'
    write_tiny_notebooks(tmp_path / "notebooks")
    write_tiny_notebooks(tmp_path / "broken", extra=boom)
    notebooks = tmp_path / "notebooks"
    shutil.copy(tmp_path / "broken" / "locatie.ipynb", notebooks / "locatie.ipynb")
    return notebooks


class TestFailingNotebook:
    @pytest.mark.build
    def test_the_error_names_the_cell_and_the_exception(self, broken_notebooks, tmp_path):
        task = next(t for t in pipeline.plan(load_year(2019)) if t.scope == "de-verbinding")
        staging = tmp_path / "staging"
        (staging / "notebooks").mkdir(parents=True)
        # on a warm worker of this test process (tests/shared.py): the message is the subject here
        execution = warm_pool().submit(worker.execute, task, str(broken_notebooks), str(staging))
        result = execution.result()
        assert not result.ok
        assert result.error.startswith("cel ") and "ValueError: kapot" in result.error
        assert not (staging / "de-verbinding.html").exists()

    def test_one_location_fails_the_others_are_built(self, data_copy, tmp_path, stub_executor):
        stub_executor(fail={"de-verbinding"})
        out = tmp_path / "out"
        summary = run(2019, data_dir=data_copy, output_dir=out, jobs=2, progress=lambda s: None)
        (failure,) = summary.failures
        assert failure.task.scope == "de-verbinding"
        assert failure.error == STUB_ERROR
        year = out / "2019"
        assert (year / "top.html").exists() and (year / "utrecht.html").exists()
        assert not (year / "de-verbinding.html").exists() and not failure.kept_previous
        index = (year / "index.html").read_text(encoding="utf-8")
        assert "Niet gelukt" in index and "ValueError: kapot" in index
        assert "de-verbinding" not in json.loads((year / ".bwk-manifest.json").read_text())

    def test_a_failed_report_keeps_its_previous_version(
        self, baseline, broken_notebooks, stub_executor
    ):
        stub_executor(fail={"de-verbinding"})  # the changed notebook rebuilds every location
        data, out = baseline
        year = out / "2019"
        before = (year / "de-verbinding.html").read_bytes()
        summary = run(
            2019,
            data_dir=data,
            output_dir=out,
            notebook_dir=broken_notebooks,
            jobs=2,
            progress=lambda s: None,
        )
        (failure,) = summary.failures
        assert failure.kept_previous
        assert (year / "de-verbinding.html").read_bytes() == before
        index = (year / "index.html").read_text(encoding="utf-8")
        assert "De vorige versie blijft beschikbaar" in index
        assert "de-verbinding" not in json.loads((year / ".bwk-manifest.json").read_text())

    def test_cli_exits_non_zero(self, data_copy, tmp_path, capsys, stub_executor):
        (data_copy / "2019" / "results.csv").unlink()
        out = tmp_path / "out"
        code = main(
            ["--data-dir", str(data_copy), "--output-dir", str(out), "run", "--year", "2019"]
        )
        err = capsys.readouterr().err
        assert code == 1 and "results.csv" in err and "Traceback" not in err
        assert not (tmp_path / "out" / "2019").exists()


class TestLock:
    def test_second_run_on_the_same_year_stops_with_a_message(self, baseline):
        data, out = baseline
        before = tree(out / "2019")
        with year_lock(out, 2019):
            with pytest.raises(RunError, match="er loopt al een bwk run voor 2019"):
                run(2019, data_dir=data, output_dir=out, jobs=1, progress=lambda s: None)
        assert tree(out / "2019") == before


class TestInterrupted:
    @pytest.mark.build  # whole bwk runs in processes of their own: seconds each, not for --fast
    @pytest.mark.parametrize(
        "sig, point",
        [
            ("INT", "snapshot-taken"),  # staging and snapshot made, no report started
            ("TERM", "workers-starting"),  # reports being built: the pool is stopped
            ("KILL", "workers-starting"),  # no clean-up at all
        ],
    )
    def test_kill_leaves_the_previous_output_intact(self, baseline, tmp_path, sig, point):
        """`bwk run` (its own process, stubbed reports) signals itself at a checkpoint of the run
        (bwklib/build/hooks.py: an exact point, not a delay); the published year stays as it was."""
        data, out = tmp_path / "data", tmp_path / "out"
        shutil.copytree(baseline[0], data)
        shutil.copytree(baseline[1], out)
        before = tree(out / "2019")
        bump(data, 7)
        proc = subprocess.run(
            stub_bwk("--data-dir", data, "--output-dir", out, "run", "--year", "2019"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, hooks.KILL_ENV: f"{point}:{sig}"},
            timeout=600,
        )
        signum = getattr(signal, f"SIG{sig}")
        assert proc.returncode == (-signum if sig == "KILL" else 130), proc.stderr
        assert tree(out / "2019") == before
        assert "Traceback" not in proc.stderr
        if sig != "KILL":
            assert "de vorige uitvoer is ongewijzigd" in proc.stderr
            assert not list(out.glob(".bwk-build-*")), (
                "an interrupted run must remove its staging folder"
            )
        else:
            assert list(out.glob(".bwk-build-*"))  # for the next run to clear

    def test_next_run_recovers_and_publishes(self, baseline, stub_executor):
        data, out = baseline
        bump(data, 999)
        summary = run(2019, data_dir=data, output_dir=out, jobs=2, progress=lambda s: None)
        assert not summary.failures
        top = (out / "2019" / "top.html").read_text(encoding="utf-8")
        assert "top,huisvesting,16236,18253" in top  # rebuilt from the bumped data
        assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock")) == ["2019"]
