"""Processes that die with the run: workers and kernels never outlive the process that started them.

On Linux each worker and each kernel asks the kernel (prctl PR_SET_PDEATHSIG) for SIGKILL when its
parent dies, then checks that its parent is still the one that started it: a parent killed before
the request took effect would otherwise leave the child running for good. A kernel's folder
(/tmp/bwk-kernel-*: its IPC sockets and connection file) is locked by its worker while it lives;
the next run removes the folders whose lock is free, and any process still using one.

This module is imported by every worker before anything else: it must stay light (stdlib only).
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
KERNEL_DIR_PREFIX = "bwk-kernel-"
OWNER = ".owner"
UNOWNED_AGE = 3600  # seconds: an unused kernel folder without owner file (bwk 0.1.0) is left over


def _prctl():
    """libc's prctl, or None where there is none (not Linux)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(expected_parent: int | None = None) -> None:
    """Worker initializer: die (SIGKILL) when the parent dies, also when it already has.

    Parameters
    ----------
    expected_parent : int, optional
        The pid of the process that started this one; when the parent is another process by now
        (it died, this process was adopted), exit at once.
    """
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)
    from bwklib.build.lean import skip_optional_imports

    skip_optional_imports()  # before the worker imports papermill and nbformat


def kernel_preexec():
    """A `preexec_fn` for a kernel's Popen: the kernel dies with the process that starts it.

    Everything is looked up before the fork, so the child only makes two system calls.
    """
    parent, prctl, sigkill = os.getpid(), _prctl(), int(signal.SIGKILL)

    def preexec() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, sigkill)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def kernel_dir() -> tuple[Path, object]:
    """A new private folder for a kernel, locked by this process for as long as it lives.

    Returns
    -------
    (Path, file)
        The folder and the open owner file holding the lock (close it to release).
    """
    path = Path(tempfile.mkdtemp(prefix=KERNEL_DIR_PREFIX))
    owner = open(path / OWNER, "w")  # noqa: SIM115 - held open: the lock lives with the process
    fcntl.flock(owner, fcntl.LOCK_EX)
    owner.write(f"{os.getpid()}\n")
    owner.flush()
    return path, owner


def owner_state(folder: Path) -> str:
    """ "alive" (its worker holds the lock), "dead" (the lock is free) or "unknown" (no owner file)."""
    try:
        with open(folder / OWNER) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return "alive"
            return "dead"
    except FileNotFoundError:  # being created right now, or made by bwk 0.1.0
        return "unknown"
    except OSError:
        return "alive"  # when in doubt, leave it


def processes_using(folder: Path) -> list[int]:
    """Pids of processes whose command line names the folder (a kernel's connection file)."""
    needle = str(folder).encode()
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (proc / "cmdline").read_bytes():
                pids.append(int(proc.name))
        except OSError:
            continue
    return [p for p in pids if p != os.getpid()]


def remove_stale_kernel_dirs(tmp: Path | None = None) -> list[Path]:
    """Remove the kernel folders of dead workers, first stopping any kernel still using one.

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    for folder in sorted(Path(tmp or tempfile.gettempdir()).glob(f"{KERNEL_DIR_PREFIX}*")):
        state = owner_state(folder) if folder.is_dir() else "alive"
        if state == "alive":
            continue
        users = processes_using(folder)
        if state == "unknown":  # stop nothing; remove only an old folder nobody uses
            try:
                old = time.time() - folder.stat().st_mtime > UNOWNED_AGE
            except OSError:
                continue
            if users or not old:
                continue
        for pid in users:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
