"""Processes left behind: after a kill of `bwk run` no process of the run remains within 5 s, and the
next run removes what the dead one left in /tmp.

Each run carries a token in its environment, which every process it starts inherits (workers,
kernels, multiprocessing's resource tracker); /proc tells which processes carry it. The test waits
for a marker file written at a fixed point of the run (a checkpoint), never for a number of seconds;
output goes to files, so no process left behind can hold a pipe of the test.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from tiny_notebooks import write_tiny_notebooks

from bwklib.build import guard, hooks
from bwklib.build.pipeline import run

GRACE = 5.0  # seconds within which every process of a killed run must be gone

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


def processes_with(token: str) -> dict[int, str]:
    """Live processes whose environment carries the token: pid -> command line."""
    needle = f"BWK_TEST_TOKEN={token}".encode()
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if needle not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z":
                found[int(proc.name)] = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except (OSError, IndexError):
            continue
    return found


def wait_for(marker: Path, proc: subprocess.Popen, log: Path, limit: float = 600) -> None:
    """Until the run writes the marker (the limit only keeps a broken run from hanging the test)."""
    end = time.monotonic() + limit
    while not marker.exists():
        assert proc.poll() is None, f"the run ended before {marker.name}:\n{log.read_text()}"
        assert time.monotonic() < end, f"no {marker.name} after {limit} s"
        time.sleep(0.02)


def gone_within(token: str, seconds: float) -> dict[int, str]:
    """Poll until no process carries the token, for at most `seconds`; what is left."""
    end = time.monotonic() + seconds
    while (left := processes_with(token)) and time.monotonic() < end:
        time.sleep(0.05)
    return left


@pytest.fixture
def setup(data_copy, tmp_path):
    notebooks = write_tiny_notebooks(tmp_path / "notebooks")
    markers = tmp_path / "markers"
    markers.mkdir()
    return data_copy, tmp_path / "out", notebooks, markers


def start(setup, tmp_path, token) -> tuple[subprocess.Popen, Path]:
    data, out, notebooks, markers = setup
    log = tmp_path / "bwk.log"
    cmd = [sys.executable, "-m", "bwklib.cli", "--data-dir", str(data), "--output-dir", str(out)]
    # one worker: what is tested is that it and its kernel die with the run, as any other would
    cmd += ["run", "--year", "2019", "--jobs", "1", "--notebook-dir", str(notebooks)]
    env = {**os.environ, "BWK_TEST_TOKEN": token, hooks.MARKERS_ENV: str(markers)}
    with open(log, "w") as f:
        proc = subprocess.Popen(
            cmd,
            stdout=f,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    return proc, log


@pytest.mark.build
class TestKilledRun:
    def test_sigkill_while_the_workers_start_leaves_no_process(self, setup, tmp_path):
        """SIGKILL of `bwk run` while its workers start (once their kernels run: below)."""
        token = uuid.uuid4().hex
        proc, log = start(setup, tmp_path, token)
        wait_for(setup[3] / "workers-starting", proc, log)
        running = processes_with(token)
        assert proc.pid in running
        proc.kill()
        proc.wait()
        left = gone_within(token, GRACE)
        assert not left, f"still running {GRACE} s after the kill: {left}"

    def test_sigterm_stops_everything_and_cleans_up(self, setup, tmp_path):
        token = uuid.uuid4().hex
        proc, log = start(setup, tmp_path, token)
        wait_for(setup[3] / "kernel-ready", proc, log)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 130
        assert not gone_within(token, GRACE)
        out = setup[1]
        assert not list(out.glob(".bwk-build-*")), "an interrupted run removes its staging folder"
        assert "Traceback" not in log.read_text()

    def test_sigkill_once_the_kernels_run_then_the_next_run_cleans_up(
        self, setup, tmp_path, stub_executor
    ):
        """SIGKILL of `bwk run` once its kernels run: no process remains; the next run removes
        what the dead one left (its kernels' folders in /tmp, its staging folder)."""
        data, out, notebooks, _ = setup
        token = uuid.uuid4().hex
        proc, log = start(setup, tmp_path, token)
        wait_for(setup[3] / "kernel-ready", proc, log)
        running = processes_with(token)
        assert proc.pid in running
        assert any("-m bwklib.build.kernel " in cmd for cmd in running.values()), running
        folders = {
            Path(m.group(1)).parent
            for cmd in running.values()
            if (m := re.search(r"-f (\S*/bwk-kernel-[^/\s]+/kernel\.json)", cmd))
        }
        assert folders, "the kernels' connection files live in their bwk-kernel-* folder"
        proc.kill()
        proc.wait()
        left = gone_within(token, GRACE)
        assert not left, f"still running {GRACE} s after the kill: {left}"
        assert all(f.exists() for f in folders), "a SIGKILL leaves the folders (nothing can run)"
        assert list(out.glob(".bwk-build-2019-*"))
        # the next run (its reports stubbed: the clean-up is what is tested) removes them
        summary = run(
            2019,
            data_dir=data,
            output_dir=out,
            notebook_dir=notebooks,
            jobs=2,
            progress=lambda s: None,
        )
        assert not summary.failures
        assert not any(f.exists() for f in folders), "the next run removes them"
        assert sorted(p.name for p in out.iterdir()) == [".bwk-2019.lock", "2019"]


class TestKernelFolders:
    def test_a_live_owner_keeps_its_folder(self, tmp_path, monkeypatch):
        monkeypatch.setattr(guard.tempfile, "gettempdir", lambda: str(tmp_path))
        folder, owner = guard.kernel_dir()
        try:
            # another process's view: the lock is held
            probe = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"from bwklib.build import guard; from pathlib import Path; print(guard.owner_state(Path({str(folder)!r})))",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            assert probe.stdout.strip() == "alive"
            assert guard.remove_stale_kernel_dirs(tmp_path) == []
        finally:
            owner.close()
        assert guard.remove_stale_kernel_dirs(tmp_path) == [folder] and not folder.exists()

    def test_an_unowned_folder_is_left_until_it_is_old(self, tmp_path):
        young = tmp_path / "bwk-kernel-young"
        old = tmp_path / "bwk-kernel-old"
        young.mkdir()
        old.mkdir()
        os.utime(old, (1, 1))
        assert guard.remove_stale_kernel_dirs(tmp_path) == [old]
        assert young.exists()

    def test_a_child_whose_parent_died_first_exits(self, tmp_path):
        """The trap: a parent killed before its child asked for PDEATHSIG; the child checks."""
        said = tmp_path / "said"
        child_code = (
            "import sys\n"
            "from bwklib.build import guard\n"
            "sys.stdin.read()  # returns when the parent is dead (it held the pipe)\n"
            "guard.die_with_parent(int(sys.argv[1]))\n"
            f"open({str(said)!r}, 'w').write('still here')\n"
        )
        parent_code = (
            "import os, subprocess, sys\n"
            f"c = subprocess.Popen([sys.executable, '-c', {child_code!r}, str(os.getpid())],"
            " stdin=subprocess.PIPE)\n"
            "print(c.pid, flush=True)\n"
            "sys.stdin.read()\n"
        )
        parent = subprocess.Popen(
            [sys.executable, "-c", parent_code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        child = int(parent.stdout.readline())
        parent.kill()
        parent.wait()
        end = time.monotonic() + 30
        while alive(child) and time.monotonic() < end:
            time.sleep(0.02)
        assert not alive(child)
        assert not said.exists(), "the orphan went on instead of exiting"


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
