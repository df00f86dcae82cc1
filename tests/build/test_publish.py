"""The publish window: the swap is one step, a kill at any publish step is recovered, and recovery
never deletes the only complete output."""

import hashlib
import os
import signal
import subprocess
from pathlib import Path

import pytest
from buildtools import stub_bwk, stubbed

from bwklib import paths
from bwklib.build import hooks, publish
from bwklib.build.publish import deferred_interrupts, interrupt_on_terminate, recover
from bwklib.cli import interrupted, main


def year(folder: Path, label: str, complete: bool = True) -> Path:
    """A fake year folder: a report and (when complete) the index page that is written last."""
    (folder / "notebooks").mkdir(parents=True)
    (folder / "top.html").write_text(label, encoding="utf-8")
    (folder / "scores.csv").write_text(label, encoding="utf-8")
    if complete:
        (folder / "index.html").write_text(label, encoding="utf-8")
    return folder


def label(folder: Path) -> str:
    return (folder / "top.html").read_text(encoding="utf-8")


def names(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock"))


@pytest.fixture(params=["exchange", "two renames"])
def mode(request, monkeypatch):
    """Publish with renameat2(RENAME_EXCHANGE) and with the fallback of two renames."""
    if request.param == "exchange":
        monkeypatch.delenv(publish.NO_EXCHANGE_ENV, raising=False)
        if publish._renameat2() is None:
            pytest.skip("renameat2 is not available here")
    else:
        monkeypatch.setenv(publish.NO_EXCHANGE_ENV, "1")
    return request.param


@pytest.fixture(autouse=True)
def no_hooks():
    hooks.HOOKS.clear()
    publish.PUBLISHED = None
    yield
    hooks.HOOKS.clear()
    publish.PUBLISHED = None


class TestPublish:
    def test_replaces_the_year_and_leaves_nothing_behind(self, tmp_path, mode):
        final = year(tmp_path / "2019", "oud")
        staging = year(tmp_path / ".bwk-build-2019-x", "nieuw")
        publish.publish(staging, final)
        assert label(final) == "nieuw" and names(tmp_path) == ["2019"]

    def test_first_publish(self, tmp_path, mode):
        staging = year(tmp_path / ".bwk-build-2019-x", "nieuw")
        publish.publish(staging, tmp_path / "2019")
        assert label(tmp_path / "2019") == "nieuw" and names(tmp_path) == ["2019"]

    def test_the_year_is_complete_at_every_step(self, tmp_path, mode):
        """At each checkpoint inside publish, output/2019 exists and is complete (exchange) or
        the previous output waits complete in .bwk-old-* for recovery (two renames)."""
        final = year(tmp_path / "2019", "oud")
        staging = year(tmp_path / ".bwk-build-2019-x", "nieuw")
        seen = {}

        def look(point):
            def hook():
                olds = list(tmp_path.glob(".bwk-old-2019-*"))
                seen[point] = (
                    publish.is_complete(final),
                    [publish.is_complete(o) for o in olds],
                )

            return hook

        for point in ("publish-start", "publish-exchanged", "publish-between", "publish-renamed"):
            hooks.HOOKS[point] = look(point)
        publish.publish(staging, final)
        for _point, (final_complete, olds_complete) in seen.items():
            assert final_complete or olds_complete == [True]
        expected = {"exchange": "publish-exchanged", "two renames": "publish-between"}[mode]
        assert expected in seen

    def test_sigterm_between_the_steps_waits_for_the_swap(self, tmp_path, mode):
        """An interrupt inside the window is held until the new output is in place; then the
        command may stop, and it says the new output was published."""
        final = year(tmp_path / "2019", "oud")
        staging = year(tmp_path / ".bwk-build-2019-x", "nieuw")
        point = {"exchange": "publish-exchanged", "two renames": "publish-between"}[mode]
        hooks.HOOKS[point] = lambda: os.kill(os.getpid(), signal.SIGTERM)
        with pytest.raises(KeyboardInterrupt), interrupt_on_terminate():
            publish.publish(staging, final)
        assert label(final) == "nieuw" and publish.is_complete(final)
        assert names(tmp_path) == ["2019"]
        assert "nieuwe uitvoer" in interrupted() and "ongewijzigd" not in interrupted()

    def test_sigint_is_deferred_too(self):
        with pytest.raises(KeyboardInterrupt), deferred_interrupts():
            os.kill(os.getpid(), signal.SIGINT)
            reached = True
        assert reached

    def test_interrupt_before_publishing_says_the_previous_output_is_unchanged(self):
        assert interrupted() == "bwk: afgebroken; de vorige uitvoer is ongewijzigd."


class TestRecover:
    def test_restores_a_missing_year(self, tmp_path):
        year(tmp_path / ".bwk-old-2019-123", "oud")
        recover(tmp_path, 2019)
        assert label(tmp_path / "2019") == "oud" and names(tmp_path) == ["2019"]

    def test_a_complete_old_year_replaces_an_exports_only_folder(self, tmp_path):
        """The bwk 0.1.0 trap: `bwk export` after a kill created output/2019 with only the exports,
        and the next run deleted the previous reports."""
        year(tmp_path / ".bwk-old-2019-123", "oud")
        year(tmp_path / "2019", "alleen exports", complete=False)
        recover(tmp_path, 2019)
        assert label(tmp_path / "2019") == "oud" and publish.is_complete(tmp_path / "2019")
        assert names(tmp_path) == ["2019"]

    def test_never_deletes_the_only_complete_output(self, tmp_path):
        year(tmp_path / "2019", "alleen exports", complete=False)
        year(tmp_path / ".bwk-build-2019-abc", "klaar, niet gepubliceerd")
        recover(tmp_path, 2019)
        assert (tmp_path / ".bwk-build-2019-abc" / "index.html").exists()
        assert label(tmp_path / "2019") == "alleen exports"

    def test_removes_leftovers_once_the_year_is_complete(self, tmp_path):
        year(tmp_path / "2019", "nieuw")
        year(tmp_path / ".bwk-old-2019-1", "oud")
        year(tmp_path / ".bwk-build-2019-a", "half", complete=False)
        year(tmp_path / ".bwk-build-2019-b", "oud, na de wissel")
        year(tmp_path / ".bwk-old-2020-1", "ander jaar")
        recover(tmp_path, 2019)
        assert (
            names(tmp_path) == [".bwk-old-2020-1", "2019"] and label(tmp_path / "2019") == "nieuw"
        )

    def test_prefers_the_newest_complete_old_year(self, tmp_path):
        first = year(tmp_path / ".bwk-old-2019-1", "ouder")
        year(tmp_path / ".bwk-old-2019-2", "half", complete=False)
        second = year(tmp_path / ".bwk-old-2019-3", "oud")
        os.utime(first, (1, 1))
        os.utime(second, (2, 2))
        recover(tmp_path, 2019)
        assert label(tmp_path / "2019") == "oud" and names(tmp_path) == ["2019"]

    def test_an_incomplete_previous_year_is_restored_when_nothing_else_exists(self, tmp_path):
        year(tmp_path / ".bwk-old-2019-1", "alleen exports", complete=False)
        recover(tmp_path, 2019)
        assert label(tmp_path / "2019") == "alleen exports"

    def test_idempotent(self, tmp_path):
        year(tmp_path / ".bwk-old-2019-123", "oud")
        recover(tmp_path, 2019)
        recover(tmp_path, 2019)
        assert label(tmp_path / "2019") == "oud" and names(tmp_path) == ["2019"]


def tree(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def bwk(data: Path, out: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`bwk` in a process of its own, building with the stub executor (tests/buildtools.py): what is
    killed is a whole run, and what is tested is publishing and recovery, not the notebooks.
    Output goes to a file: nothing can hang on a pipe."""
    log = out.parent / "bwk.log"
    with open(log, "w") as f:
        done = subprocess.run(
            stub_bwk("--data-dir", data, "--output-dir", out, *args),
            stdout=f,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            timeout=900,
        )
    done.stdout = log.read_text(encoding="utf-8")
    return done


def touch_story(data: Path, n: int) -> None:
    """A change that rebuilds one report (de-klop's story, which the stub's page shows)."""
    story = data / "2019" / "stories" / "de-klop.md"
    story.write_text(story.read_text(encoding="utf-8") + f"\n\nAanvulling {n}.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A data copy and the complete published 2019 output the stub executor makes from it."""
    import shutil

    root = tmp_path_factory.mktemp("publish")
    data, out = root / "data", root / "out"
    shutil.copytree(paths.DATA_DIR, data)
    with stubbed():
        assert main(["--data-dir", str(data), "--output-dir", str(out), *RUN]) == 0
    return data, out


RUN = ["run", "--year", "2019", "--jobs", "2"]


@pytest.mark.build  # whole bwk runs in processes of their own: seconds each, not for --fast
class TestKilledWhilePublishing:
    """`bwk run` killed with SIGKILL at each publish step (fault injection, not timing), then the
    next command.

    The killed run is a process of its own (tests/buildtools.py's `stub_bwk`: the real CLI, lock,
    exports, index and publish; stubbed reports); the next command runs in this process, with the
    stub too. De-klop's page shows its story, so a story edit rebuilds it.
    """

    @pytest.mark.parametrize(
        "point, exchange, then",
        [
            ("publish-between", False, "export"),
            ("publish-between", False, "run"),
            ("publish-start", True, "export"),
            ("publish-exchanged", True, "run"),
            ("publish-renamed", False, "export"),
        ],
    )
    def test_kill_then_next_command(self, built, point, exchange, then, capsys):
        data, out = built
        touch_story(data, len(point + then))
        before = tree(out / "2019")
        env = {hooks.KILL_ENV: point}
        if not exchange:
            env[publish.NO_EXCHANGE_ENV] = "1"
        killed = bwk(data, out, *RUN, env=env)
        assert killed.returncode == -signal.SIGKILL, killed.stdout
        if point == "publish-between":  # the one state two renames can leave: no output/2019
            assert not (out / "2019").exists() and list(out.glob(".bwk-old-2019-*"))
        elif point == "publish-start":
            assert tree(out / "2019") == before
        else:
            assert publish.is_complete(out / "2019") and tree(out / "2019") != before
        with stubbed():
            code = main(
                ["--data-dir", str(data), "--output-dir", str(out)]
                + (RUN if then == "run" else [then, "--year", "2019"])
            )
        assert code == 0, capsys.readouterr().err
        final = out / "2019"
        assert publish.is_complete(final)
        for report in (
            "top.html",
            "utrecht.html",
            "de-klop-audit.html",
            "scores.csv",
            "index.html",
        ):
            assert (final / report).is_file()
        assert names(out) == ["2019"], "recovery left folders behind"
        if then == "export" and point in ("publish-between", "publish-start"):
            # the previous reports are back, unchanged; only the exports were rewritten
            after = tree(final)
            same = {k for k in before if not k.endswith((".csv", ".json"))}
            assert {k: after[k] for k in same} == {k: before[k] for k in same}

    def test_sigterm_between_the_renames_reports_what_happened(self, built):
        data, out = built
        touch_story(data, 4242)
        env = {hooks.KILL_ENV: "publish-between:TERM", publish.NO_EXCHANGE_ENV: "1"}
        done = bwk(data, out, *RUN, env=env)
        assert done.returncode == 130, done.stdout
        assert "de vorige uitvoer is ongewijzigd" not in done.stdout
        assert "nieuwe uitvoer" in done.stdout and "Traceback" not in done.stdout
        assert publish.is_complete(out / "2019") and names(out) == ["2019"]
        assert "Aanvulling 4242" in (out / "2019" / "de-klop.html").read_text(encoding="utf-8")
