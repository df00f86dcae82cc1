"""Publishing a year: a per-year lock, the swap of a complete staging folder, recovery after a kill."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from bwklib.errors import RunError


def raise_interrupt(signum, frame):
    """Signal handler: treat SIGTERM like Ctrl-C so the staging folder is cleaned up."""
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def interrupt_on_terminate():
    """While a run builds, SIGTERM raises KeyboardInterrupt (only in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def year_lock(output_dir: Path, year: int):
    """Hold an exclusive lock per year, so two runs on the same year never interleave."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f".bwk-{year}.lock"
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(
                f"er loopt al een bwk run voor {year} (slot: {path}); wacht tot die klaar "
                "is en probeer het dan opnieuw"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(output_dir: Path, year: int) -> None:
    """Undo what an interrupted run left: restore a moved-away year, remove stale staging folders."""
    final = output_dir / str(year)
    olds = sorted(output_dir.glob(f".bwk-old-{year}-*"))
    if not final.exists() and olds:
        olds[-1].rename(final)
        olds = olds[:-1]
    for stale in [*olds, *output_dir.glob(f".bwk-build-{year}-*")]:
        shutil.rmtree(stale, ignore_errors=True)


def publish(staging: Path, final: Path) -> None:
    """Swap a complete staging folder in for output/<year>/ (two renames on one filesystem)."""
    old = final.parent / f".bwk-old-{final.name}-{os.getpid()}"
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
