"""A notebook that hangs: it is stopped at its time limit, reported in Dutch with scope and cell, the
lock is released, the other reports are built and the hanging one keeps its previous version."""

import pytest
from tiny_notebooks import write_tiny_notebooks

from bwklib.build import timeouts
from bwklib.build.pipeline import run
from bwklib.build.publish import year_lock
from bwklib.cli import main
from bwklib.errors import RunError


def only_de_klop(code: str) -> str:
    """A cell that runs `code` in de-klop's notebook only (the regio notebook has no `location`)."""
    return f'import time\nif "location" in dir() and location == "de-klop":\n    {code}'


HANG = only_de_klop("time.sleep(120)")
LIMIT = 3  # seconds; the clock starts with the first cell, not with the kernel


def build(data, out, notebooks, timeout=None, lines=None):
    return run(
        2019,
        data_dir=data,
        output_dir=out,
        notebook_dir=notebooks,
        jobs=1,  # one worker: only de-klop's notebook is executed (stub_executor(real=...))
        progress=(lines.append if lines is not None else lambda s: None),
        timeout=timeout,
    )


@pytest.mark.build
class TestHangingNotebook:
    """De-klop's stand-in notebook executes for real on a kernel; the other reports are stubbed."""

    def test_stopped_reported_others_built_previous_kept(self, data_copy, tmp_path, stub_executor):
        out = tmp_path / "out"
        assert not build(data_copy, out, write_tiny_notebooks(tmp_path / "ok")).failures
        before = (out / "2019" / "de-klop.html").read_bytes()
        hanging = write_tiny_notebooks(tmp_path / "hang", extra=HANG)
        stub_executor(real={"de-klop"})
        lines = []
        summary = build(data_copy, out, hanging, timeout=LIMIT, lines=lines)
        failures = {f.task.scope: f.error for f in summary.failures}
        assert list(failures) == ["de-klop"], (
            failures
        )  # without the limit it sleeps 120 s, and succeeds
        (failure,) = summary.failures
        assert failure.task.scope == "de-klop" and failure.seconds < 100
        assert "cel 4 (import time" in failure.error
        assert f"tijdslimiet van {LIMIT} s" in failure.error and "--timeout" in failure.error
        assert failure.kept_previous
        year = out / "2019"
        assert (year / "de-klop.html").read_bytes() == before
        for scope in ("top", "utrecht", "de-verbinding", "hart-voor-leidsche-rijn"):
            # rebuilt (the notebooks changed), not reused
            assert any(line.startswith("[") and f" {scope}: klaar" in line for line in lines)
            assert (year / f"{scope}.html").is_file() and (year / f"{scope}-audit.html").is_file()
        index = (year / "index.html").read_text(encoding="utf-8")
        assert "tijdslimiet" in index and "De vorige versie blijft beschikbaar" in index
        with year_lock(out, 2019):  # released
            pass

    def test_the_limit_is_per_notebook_not_per_cell(self, data_copy, tmp_path, stub_executor):
        """Three cells of 1.25 s each: every cell is under the 3 s limit, the notebook is not."""
        stub_executor(real={"de-klop"})
        nap = only_de_klop("time.sleep(1.25)")
        notebooks = write_tiny_notebooks(tmp_path / "naps", extra=[nap, nap, nap])
        summary = build(data_copy, tmp_path / "out", notebooks, timeout=LIMIT)
        failures = {f.task.scope: f.error for f in summary.failures}
        assert list(failures) == ["de-klop"], failures
        (failure,) = summary.failures
        assert f"tijdslimiet van {LIMIT} s" in failure.error
        assert any(f"cel {n} (import time" in failure.error for n in (4, 5, 6))


class TestSetting:
    def test_default_and_environment(self, monkeypatch):
        monkeypatch.delenv(timeouts.ENV, raising=False)
        assert timeouts.notebook_timeout() == 600
        monkeypatch.setenv(timeouts.ENV, "30")
        assert timeouts.notebook_timeout() == 30
        assert timeouts.notebook_timeout(7.5) == 7.5
        monkeypatch.setenv(timeouts.ENV, "2,5")
        assert timeouts.notebook_timeout() == 2.5

    @pytest.mark.parametrize("value", ["abc", "0", "-3", "nan", "inf"])
    def test_a_bad_environment_value_is_a_dutch_message(self, monkeypatch, value):
        monkeypatch.setenv(timeouts.ENV, value)
        with pytest.raises(RunError, match="BWK_TIMEOUT moet een aantal seconden"):
            timeouts.notebook_timeout()

    def test_bad_environment_value_stops_the_run_before_anything(
        self, monkeypatch, data_copy, tmp_path, capsys, stub_executor
    ):
        monkeypatch.setenv(timeouts.ENV, "lang")
        code = main(["--data-dir", str(data_copy), "--output-dir", str(tmp_path / "o"), "run"])
        err = capsys.readouterr().err
        assert code == 1 and "BWK_TIMEOUT" in err and "Traceback" not in err
        assert not (tmp_path / "o").exists()

    @pytest.mark.parametrize("value", ["0", "-1", "tien", "inf"])
    def test_bad_option_value(self, value, capsys):
        with pytest.raises(SystemExit) as e:
            main(["run", "--timeout", value])
        assert e.value.code == 2
        assert "verwacht een aantal seconden groter dan 0" in capsys.readouterr().err

    def test_the_clock_starts_with_the_first_cell_and_names_the_last(self):
        import nbformat

        clock = timeouts.NotebookClock(0.5)
        assert clock.message().startswith("het notebook liep langer")
        first = clock.remaining(nbformat.v4.new_code_cell("x = 1"))
        assert 0 < first <= 0.5
        clock.deadline -= 1  # as if a second had passed
        assert clock.remaining(nbformat.v4.new_code_cell("while True:\n    pass")) == 0.001
        message = clock.message()
        assert message.startswith("cel 2 (while True: pass): ")
        assert "tijdslimiet van 0,5 s" in message
