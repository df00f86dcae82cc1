"""Helpers for tests that build: a stand-in for the notebook worker, and a digest of a folder.

`bwklib.build.worker.execute` executes a notebook on a kernel and renders it (seconds per report).
Where a test is about what happens around that (which reports are rebuilt, reused, kept or
published), `stubbed()` swaps in `StubExecutor`: it writes the three files of a report at once, with
the report's title and its own rows of the year's data, so a test can still see that a rebuilt report
was made from the changed data. `run_tasks` stays real (queue, progress lines, ordering, failures);
its pool runs on threads of the test process, as a stub needs no process of its own (spawning
workers costs more than the stub's work). Real builds cover the process pool.

`stub_bwk(...)` is the command line of `bwk` in a process of its own that builds with the stub (for
tests that kill or interrupt a whole run, where what is tested is the publish and clean-up logic).
"""

from __future__ import annotations

import hashlib
import html
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bwklib.build import warmup, worker
from bwklib.build.plan import AUDIT_SUFFIX, STAKEHOLDER_SUFFIX, Task, TaskResult

REAL_EXECUTE = worker.execute  # imported before any test patches it
REAL_LOCK = threading.Lock()  # the in-process pool's threads share the one worker kernel
STUB_ERROR = "cel 4 (raise ValueError('kapot')): ValueError: kapot"


def data_rows(task: Task, workdir: str | None = None) -> list[str]:
    """The rows of the year's CSV files that belong to this report's scope (first column), then
    the lines of its story (stories/<scope>.md), if it has one.

    data_dir is relative to the kernel's working folder (a run's input snapshot) when not absolute.
    """
    year_dir = Path(workdir or ".") / task.parameters["data_dir"] / str(task.parameters["year"])
    rows = []
    for path in sorted(year_dir.glob("*.csv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if line.split(",", 1)[0] == task.scope:
                rows.append(f"{path.name}: {line}")
    story = year_dir / "stories" / f"{task.scope}.md"
    if story.is_file():
        rows += [line for line in story.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


@dataclass(frozen=True)
class StubExecutor:
    """Write a report's files without a kernel; fail, like a broken notebook, for `fail` scopes.

    Scopes in `real` are executed for real (the test reads those reports), the others stubbed.
    """

    fail: frozenset[str] = field(default_factory=frozenset)
    real: frozenset[str] = field(default_factory=frozenset)

    def __call__(
        self, task: Task, notebook_dir: str, staging: str, workdir=None, timeout=None
    ) -> TaskResult:
        if task.scope in self.real:
            with REAL_LOCK:  # one worker process runs one notebook at a time on its one kernel
                return REAL_EXECUTE(task, notebook_dir, staging, workdir, timeout)
        if task.scope in self.fail:
            return TaskResult(task, False, 0.0, error=STUB_ERROR)
        staging = Path(staging)
        body = "\n".join(
            f"<p>{html.escape(line)}</p>" for line in [task.title, *data_rows(task, workdir)]
        )
        for suffix in (STAKEHOLDER_SUFFIX, AUDIT_SUFFIX):
            page = f"<!DOCTYPE html>\n<html><body>\n{body}\n</body></html>\n"
            (staging / f"{task.scope}{suffix}.html").write_text(page, encoding="utf-8")
        notebook = {"cells": [], "metadata": {"title": task.title}, "nbformat": 4}
        (staging / "notebooks" / f"{task.scope}.ipynb").write_text(
            json.dumps(notebook), encoding="utf-8"
        )
        return TaskResult(task, True, 0.0)


class InProcessPool(ThreadPoolExecutor):
    """The worker pool's interface on threads: for the stub, which starts no kernel."""

    _processes: dict = {}  # run_tasks terminates these when a run is interrupted: none here

    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=()):
        super().__init__(max_workers)

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Always waits for the stubs running (milliseconds each): a thread cannot be terminated.

        An interrupted run ends its pool with shutdown(wait=False) and then terminates and joins
        the worker processes (bwklib.build.warmup.end_pool), so no worker writes into the staging
        folder the run then removes. Without the wait a stub thread could (test_faults' TERM case).
        """
        super().shutdown(wait=True, cancel_futures=cancel_futures)


def use_stub(mp, fail=(), real=()) -> None:
    """Make `bwklib.build.pipeline.run` build with `StubExecutor(fail, real)`.

    Without `real` scopes the pool runs on threads of this process and `bwk run` (cli.main) warms
    no workers (they would start kernels nobody uses); with them it stays the real pool of worker
    processes (a kernel belongs in a worker, not in the test process).
    """
    mp.setattr(worker, "execute", StubExecutor(frozenset(fail), frozenset(real)))
    if not real:
        mp.setattr(worker, "ProcessPoolExecutor", InProcessPool)
        mp.setattr(warmup, "start", lambda *args, **kwargs: None)


@contextmanager
def stubbed(fail=(), real=()):
    """Within the block, `bwklib.build.pipeline.run` builds with `StubExecutor(fail, real)`."""
    import pytest  # not at the top: `stub_bwk`'s process has no use for it

    with pytest.MonkeyPatch.context() as mp:
        use_stub(mp, fail, real)
        yield


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under a folder."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stub_bwk(*args: str) -> list[str]:
    """The command line of `bwk <args>` in a new process whose runs build with the stub executor.

    Everything but the notebooks is real: the CLI, the fast path, the lock, the snapshot, the
    exports, the index, publishing, signals and checkpoints (BWK_TEST_KILL_AT, BWK_TEST_MARKERS).
    No workers are warmed (they would start kernels the stub does not use).
    """
    return [sys.executable, str(Path(__file__).resolve()), *map(str, args)]


if __name__ == "__main__":  # stub_bwk's process
    import signal

    from bwklib import cli

    # Ctrl-C raises KeyboardInterrupt, also when the tests were started with SIGINT ignored (a
    # background job of a shell, some CI runners), which Python would otherwise inherit.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    worker.execute = StubExecutor()
    worker.ProcessPoolExecutor = InProcessPool
    warmup.start = lambda *args, **kwargs: None
    sys.exit(cli.main(sys.argv[1:]))
