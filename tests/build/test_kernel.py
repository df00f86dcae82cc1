"""Kernel start-up: a kernel that fails to start is retried once, then reported (not raised)."""

import os
import select
import signal
import subprocess
import sys

import pytest
from tiny_notebooks import write_tiny_notebooks

from bwklib.build import engine, pipeline, worker
from bwklib.inputs.loading import load_year

pytestmark = pytest.mark.build  # starts real kernels and executes a notebook


@pytest.fixture
def notebooks(tmp_path):
    """Stand-ins for the project's notebooks (same parameters): what is tested is the kernel."""
    return str(write_tiny_notebooks(tmp_path / "tiny"))


@pytest.fixture
def task():
    data = load_year(2019)
    return next(t for t in pipeline.plan(data) if t.scope == "de-klop")


@pytest.fixture(autouse=True)
def fresh_worker_kernel(monkeypatch):
    """Each test starts as a new worker: no kernel yet."""
    monkeypatch.setattr(engine, "_KERNEL", None)
    yield
    if engine._KERNEL is not None:
        engine._KERNEL.stop()


def flaky_start(monkeypatch, failures: int):
    calls = []
    real = engine.WorkerKernel.start

    def start(self, preload=False):
        calls.append(1)
        if len(calls) <= failures:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        real(self, preload)

    monkeypatch.setattr(engine.WorkerKernel, "start", start)
    return calls


class TestKernelStart:
    def test_one_failure_is_retried(self, monkeypatch, task, notebooks, tmp_path):
        calls = flaky_start(monkeypatch, failures=1)
        (tmp_path / "notebooks").mkdir()
        result = worker.execute(task, notebooks, str(tmp_path))
        assert result.ok and len(calls) == 2
        assert (tmp_path / "de-klop.html").exists()

    def test_two_failures_are_reported(self, monkeypatch, task, notebooks, tmp_path):
        calls = flaky_start(monkeypatch, failures=2)
        (tmp_path / "notebooks").mkdir()
        result = worker.execute(task, notebooks, str(tmp_path))
        assert not result.ok and len(calls) == 2
        assert "de kernel start niet (na een tweede poging)" in result.error

    def test_a_dead_kernel_is_replaced(self, task, notebooks, tmp_path):
        (tmp_path / "notebooks").mkdir()
        assert worker.execute(task, notebooks, str(tmp_path)).ok
        engine._KERNEL.km.shutdown_kernel(now=True)  # as if it died
        assert worker.execute(task, notebooks, str(tmp_path)).ok


class TestWarmKernel:
    def test_warmed_then_every_notebook_through_its_one_client(self, task, notebooks, tmp_path):
        """The warm-up's kernel imports the reports' modules as it starts (warmup.preload),
        loads the year and is reset; every notebook and reset then talks through the client that
        waited for it. The kernel is bwk's own (this Python, no debugpy) and keeps no IPython
        history; stop() closes the client."""
        from bwklib import paths
        from bwklib.build import warmup

        assert warmup.warm(str(paths.NOTEBOOK_DIR), 2019, str(paths.DATA_DIR))
        kernel = engine._KERNEL
        client = kernel.kc
        warmed = (
            "import gc, sys\n"
            "assert {'pandas', 'matplotlib', 'bwklib.report.views', 'bwklib.report.charts'}"
            " <= set(sys.modules)\n"
            "assert gc.get_freeze_count() > 10_000\n"
            "assert '_w' not in dir() and '_views' not in dir()"  # reset after the warm-up
        )
        assert kernel.run(warmed, timeout=60)
        (tmp_path / "notebooks").mkdir()
        for _ in range(2):
            assert worker.execute(task, notebooks, str(tmp_path)).ok
            assert engine._KERNEL is kernel and kernel.kc is client and client.channels_running
        assert kernel.run("assert not get_ipython().history_manager.enabled", timeout=60)
        assert not kernel.run("assert get_ipython().history_manager.enabled", timeout=60)
        same_python = f"import sys\nassert sys.executable == {sys.executable!r}"
        assert kernel.run(same_python + "\nassert sys.modules.get('debugpy') is None", 60)
        kernel.stop()
        assert kernel.kc is None and not client.channels_running


# SIGTERM arrives while the worker shuts its kernel down itself (a pool's workers exit and get
# SIGTERM from warmup.stop at the same moment). That shutdown holds a lock (here: as joining a
# client thread holds the thread's lock); the handler must kill the kernel and exit without
# needing it. The handler that shut the kernel down cleanly waited for that lock for ever.
STUCK_SHUTDOWN = """
import os, signal, sys, threading
from bwklib.build import engine, warmup
signal.signal(signal.SIGTERM, warmup.stop_kernel_and_exit)
kernel = engine.worker_kernel(sys.argv[1])
print(kernel.km.provisioner.process.pid, flush=True)
lock = threading.Lock()

def close_channels():
    with lock:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs here, with the lock held
        sum(range(1000))

kernel.kc.stop_channels = close_channels
kernel.stop()
"""


def test_sigterm_during_a_stuck_shutdown_kills_the_kernel_and_exits(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", STUCK_SHUTDOWN, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,  # only a guard: the old handler waited here for ever
    )
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert ended(int(proc.stdout.split()[0])), "the worker exited and left its kernel running"


def ended(pid: int, guard: float = 120) -> bool:
    """Whether a process (not a child of this one) has ended or ends within `guard` seconds.

    A SIGKILL is delivered, not awaited: right after the sender's exit the kernel can still be
    running on a busy machine. Its pidfd becomes readable when it ends; `guard` only bounds a
    failure (a kernel nobody killed).
    """
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], guard)[0])
    finally:
        os.close(fd)
