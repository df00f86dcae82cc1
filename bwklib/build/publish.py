"""Publishing a year: a per-year lock, the swap of a complete staging folder, recovery after a kill.

The swap is one atomic step on Linux: renameat2(RENAME_EXCHANGE) exchanges the staging folder and
output/<year>/, so at every instant output/<year>/ is either the previous or the new complete output.
Where the exchange is unavailable (another OS, a filesystem without it) two renames are used; a kill
between them leaves the previous output in .bwk-old-<year>-<pid>/, which `recover` puts back. A
folder counts as complete when it has its index.html (written last, after every report and export);
recovery never deletes a complete folder unless output/<year>/ itself is complete.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from bwklib.build.hooks import checkpoint
from bwklib.errors import RunError

COMPLETE_MARKER = "index.html"
NO_EXCHANGE_ENV = "BWK_NO_RENAME_EXCHANGE"  # tests: force the two-rename fallback

AT_FDCWD = -100
RENAME_EXCHANGE = 2

# Set by `publish` once a new output is in place: an interrupt after that point must not be
# reported as "the previous output is unchanged".
PUBLISHED: Path | None = None


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
def deferred_interrupts():
    """SIGINT and SIGTERM wait until the block is done, then interrupt (main thread only).

    The publish steps run as a whole: an interrupt cannot leave them half done.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    handlers = {
        s: signal.signal(s, lambda signum, frame: pending.append(signum))
        for s in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    if pending:
        raise KeyboardInterrupt(f"signal {pending[0]}")


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


def is_complete(folder: Path) -> bool:
    """Whether a year folder holds a complete output (its index page is written last)."""
    return (Path(folder) / COMPLETE_MARKER).is_file()


def recover(output_dir: Path, year: int) -> None:
    """Undo what an interrupted run left: restore a moved-away year, remove stale folders.

    When output/<year>/ is missing, the newest .bwk-old-<year>-* (a complete one if there is one)
    takes its place; when it is incomplete (only exports), a complete .bwk-old-<year>-* does.
    Leftover folders are then removed, but a complete one only when output/<year>/ is complete:
    recovery never deletes the only complete output.
    """
    output_dir = Path(output_dir)
    final = output_dir / str(year)
    if not is_complete(final):
        olds = sorted(output_dir.glob(f".bwk-old-{year}-*"), key=lambda p: p.stat().st_mtime)
        complete = [p for p in olds if is_complete(p)]
        best = complete[-1] if complete else (olds[-1] if olds and not final.exists() else None)
        if best is not None:
            if final.exists():  # only exports: the complete output takes precedence
                final.rename(output_dir / f".bwk-old-{year}-incomplete-{os.getpid()}")
            best.rename(final)
    keep_complete = not is_complete(final)
    for pattern in (f".bwk-old-{year}-*", f".bwk-build-{year}-*", f".bwk-input-{year}"):
        for stale in output_dir.glob(pattern):
            if keep_complete and is_complete(stale):
                continue
            shutil.rmtree(stale, ignore_errors=True)


def _renameat2():
    """libc's renameat2, or None where it does not exist."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two folders; False when the system or filesystem cannot.

    Raises
    ------
    OSError
        When the exchange is supported but fails (permissions, a folder missing).
    """
    if os.environ.get(NO_EXCHANGE_ENV):
        return False
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def publish(staging: Path, final: Path) -> None:
    """Swap a complete staging folder in for output/<year>/, as one step.

    Interrupts (SIGINT, SIGTERM) wait until the swap is done; a SIGKILL at any point leaves
    either the previous or the new output in place, or the previous one in .bwk-old-<year>-<pid>/
    for `recover` (only with the two-rename fallback).
    """
    global PUBLISHED
    staging, final = Path(staging), Path(final)
    with deferred_interrupts():
        checkpoint("publish-start")
        if not final.exists():
            staging.rename(final)
            PUBLISHED = final
            return
        if exchange(staging, final):
            PUBLISHED = final
            checkpoint("publish-exchanged")
            shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous output
            return
        old = final.parent / f".bwk-old-{final.name}-{os.getpid()}"
        final.rename(old)
        checkpoint("publish-between")
        staging.rename(final)
        PUBLISHED = final
        checkpoint("publish-renamed")
        shutil.rmtree(old, ignore_errors=True)
