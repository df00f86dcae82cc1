"""`bwk run --watch`: build, wait for the analyst to save a change, build again; kernels stay warm.

The analyst corrects a figure and looks again, many times. A plain `bwk run` pays each time for
starting Python, its workers and their kernels, and importing pandas and matplotlib in each; here
they are started once and kept (bwklib.build.warmup's pool), so a change costs the validation, the
reports it touches (bwklib.build.cache decides which) and the publish.

Changes are noticed by polling `os.stat` of every file under the data folder, the notebooks and
bwklib (no extra package; a few hundred stats, well under a millisecond each). A change is acted on
once two polls in a row see the same files, so a save in several steps is read whole. A change to
bwklib's own code restarts the workers, which have the old code imported. Bad data gets its Dutch
message and the watch goes on; Ctrl-C (or SIGTERM) stops it, and with it the workers and kernels;
during a run it stops like an interrupted `bwk run` (the previous output stays).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from bwklib import paths
from bwklib.build.hooks import checkpoint
from bwklib.inputs.digests import SKIP_DIRS

Stamps = dict[str, tuple[int, int, int, int]]


def stamps(*roots: Path) -> Stamps:
    """Per file under the roots: inode, size, modification and change time (ns); stat only.

    An editor that replaces a file (new inode) or rewrites it with the same size is noticed.
    """
    found: Stamps = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for name in files:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:  # vanished between listing and stat: seen as a change next time
                    continue
                found[path] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return found


def wait_for_change(
    before: Stamps, roots: list[Path], stop: threading.Event, interval: float
) -> Stamps | None:
    """The files' stamps once they differ from `before` and then hold still for one interval.

    Returns None when `stop` is set first.
    """
    seen = before
    while not stop.wait(interval):
        now = stamps(*roots)
        if now != before and now == seen:  # changed, and the same as at the previous poll
            return now
        seen = now
    return None


def code_changed(before: Stamps, after: Stamps, package_dir: Path = paths.PACKAGE_DIR) -> bool:
    """Whether any file of bwklib itself differs between two sets of stamps."""
    prefix = str(package_dir) + os.sep

    def mine(s: Stamps) -> Stamps:
        return {k: v for k, v in s.items() if k.startswith(prefix)}

    return mine(before) != mine(after)


def watch(
    build: Callable[[], object],
    start_workers: Callable[[], None],
    say: Callable[[str], None],
    roots: list[Path],
    stop: threading.Event | None = None,
    interval: float = 0.1,
    package_dir: Path = paths.PACKAGE_DIR,
) -> None:
    """Build, then rebuild after every change under `roots`, until `stop` is set or Ctrl-C.

    Parameters
    ----------
    build : callable
        One run (`bwk run` without the fast path); it reports its own outcome. A
        bwklib.errors.DataError or RunError it raises is shown (`say`) and the watch goes on.
    start_workers : callable
        (Re)starts the warm workers (bwklib.build.warmup.start); called first and after a
        change to bwklib's code. The caller stops them when this returns or raises.
    say : callable
        Receives the Dutch lines for the analyst.
    roots : list of Path
        The folders whose files are watched: the data folder, the notebooks, bwklib.
    stop : threading.Event, optional
        Set it to end the watch after the current run (tests; the CLI uses Ctrl-C).
    interval : float
        Seconds between two polls of the files.
    package_dir : Path
        bwklib's folder: a change there restarts the workers.
    """
    from bwklib.build import publish
    from bwklib.errors import DataError, RunError

    stop = stop or threading.Event()
    seen = stamps(*roots)
    start_workers()
    while True:
        try:
            publish.PUBLISHED = None  # an interrupt during this run reports on this run
            build()
        except DataError as e:
            say(e.report())
            say("Verbeter deze punten en sla het bestand op: dan bouwt bwk opnieuw.")
        except RunError as e:
            say(f"bwk: {e}")
        say("Wacht op wijzigingen (opslaan is genoeg; stoppen met Ctrl-C)…")
        try:
            checkpoint("watch-waiting")
            changed = wait_for_change(seen, roots, stop, interval)
        except KeyboardInterrupt:  # between two runs: the way to stop, nothing is lost
            changed = None
        if changed is None:
            say("Gestopt met wachten op wijzigingen; de laatste uitvoer blijft staan.")
            return
        if code_changed(seen, changed, package_dir):
            say("De code van bwk is gewijzigd: de werkprocessen starten opnieuw.")
            start_workers()
        seen = changed
        say("Gewijzigd: opnieuw bouwen…")
