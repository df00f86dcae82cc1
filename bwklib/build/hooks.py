"""Checkpoints: named points in a run where tests inject a fault or observe progress (never timing).

Production code calls `checkpoint(name)` at a few fixed points (after the input snapshot, before and
between the publish steps, when workers start). Nothing happens unless a test asked for it:

- `HOOKS[name]`: an in-process callable (a test that edits a data file right after the snapshot);
- environment `BWK_TEST_MARKERS=<folder>`: touch `<folder>/<name>` (a test in another process waits
  for the file, not for a number of seconds);
- environment `BWK_TEST_KILL_AT=<name>` (or `<name>:TERM`, `<name>:INT`): the process sends itself
  SIGKILL (SIGTERM, SIGINT) there: a crash or an interrupt at an exact point, for the publish window.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

HOOKS: dict[str, Callable[[], None]] = {}

MARKERS_ENV = "BWK_TEST_MARKERS"
KILL_ENV = "BWK_TEST_KILL_AT"


def checkpoint(name: str) -> None:
    """Run what a test attached to this point (nothing in normal use)."""
    hook = HOOKS.get(name)
    if hook is not None:
        hook()
    markers = os.environ.get(MARKERS_ENV)
    if markers:
        Path(markers, name).touch()
    point, _, sig = os.environ.get(KILL_ENV, "").partition(":")
    if point == name:
        os.kill(os.getpid(), getattr(signal, f"SIG{sig or 'KILL'}"))
