"""What the builds of a test session share: work done once, warm workers, charts already drawn.

- `once(tmp_path_factory, name, make)`: a module fixture's expensive work done once per session,
  also under pytest-xdist. xdist (`make test` runs `-n auto --dist worksteal`) hands the tests of one
  module to several workers, and a module- or session-scoped fixture then runs in each of them: a
  build in a fixture would be made twice. `once` runs `make(folder)` in the first worker to arrive,
  under a lock in the session's common temporary folder; the others wait for the lock and get the
  same folder and the same (pickled) value. Without xdist it is the fixture's plain body.
- `warm_workers()`: within the block, `bwklib.build.pipeline.run` executes its notebooks on this
  test process's warm workers (bwklib.build.warmup's pool, as `bwk run --watch` keeps it), started
  on first use and stopped at the end of the session (`stop_warm_workers`, tests/conftest.py).
  For fixtures whose build is the means, not the subject: each build then pays no worker start, no
  kernel start and no imports (about 5 CPU seconds per worker). Outside the block nothing sees the
  pool: the stubbed tests, and the tests of process handling (kills, time limits, fresh workers,
  the CLI's own warm-up) start their workers as a run does.
- `seed_charts(output_dir, built)`: copy the charts a build kept (bwklib.report.chartcache) into the
  output folder of another build of partly the same data, which then draws only what differs.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bwklib import paths
from bwklib.build import warmup


def once(tmp_path_factory, name: str, make: Callable[[Path], Any]) -> tuple[Path, Any]:
    """(folder, value) of `make(folder)`, made once per session.

    The value must pickle by name (builtins, bwklib's types; not a class of a conftest). A worker
    whose `make` failed leaves nothing behind, so the next one tries again (and reports the same).
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp(name)
        return folder, make(folder)
    common = tmp_path_factory.getbasetemp().parent / f"once-{name}"
    common.mkdir(exist_ok=True)
    folder, result = common / "work", common / "value.pickle"
    with open(common / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also on a crash
        if not result.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            value = make(folder)
            partial = result.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(value))
            partial.replace(result)
    return folder, pickle.loads(result.read_bytes())


_WARM: ProcessPoolExecutor | None = None  # this test process's warm workers, once started
REFUSE: str | None = None  # set in the --fast tier (tests/conftest.py): no warm workers there


WARM_JOBS = 1  # per test process: one kernel does the few reports a fixture reads; a second one
# costs about 2.5 CPU seconds to start and recomputes what the first already keeps (bwklib.inputs.memo)


def warm_pool() -> ProcessPoolExecutor:
    """This test process's warm workers, started (and warmed, as `bwk run` does) on first use."""
    global _WARM
    if REFUSE is not None:
        import pytest

        pytest.fail(REFUSE)
    if _WARM is not None and _WARM._broken:  # noqa: SLF001 - a worker died: no later build gets it
        stop_warm_workers()
    if _WARM is None:
        _WARM = warmup.new_pool(WARM_JOBS)
        for _ in range(WARM_JOBS):
            _WARM.submit(warmup.warm, str(paths.NOTEBOOK_DIR), 2019, str(paths.DATA_DIR))
    return _WARM


@contextmanager
def warm_workers() -> Iterator[ProcessPoolExecutor]:
    """Within the block, `pipeline.run` executes notebooks on this test process's warm workers.

    Each notebook still gets a reset kernel moved to its run's input snapshot
    (bwklib.build.engine.WorkerKernel.reset), as in `bwk run --watch`; the number of jobs a run
    asks for is then the pool's. A stub executor (tests/buildtools.py) with `real` scopes works
    inside: its stubbed reports are written by the warm worker as well.
    """
    with warmup.use(warm_pool()) as pool:
        yield pool


def stop_warm_workers() -> None:
    """End the warm workers and their kernels (each stops its kernel on SIGTERM), if started."""
    global _WARM
    pool, _WARM = _WARM, None
    if pool is None:
        return
    warmup.end_pool(pool)


def seed_charts(output_dir: Path, built: Path) -> None:
    """Copy the charts kept beside the published year `built` into `output_dir` (made if needed).

    A build into `output_dir` then reads every chart whose inputs and drawing code are the same
    (bwklib.report.chartcache: keyed by content, so a chart of changed data is drawn anew). Never
    for a build that tests drawing itself.
    """
    from bwklib.report import chartcache

    kept = Path(built).parent / chartcache.FOLDER
    assert kept.is_dir(), f"{kept}: the build kept no charts"
    shutil.copytree(kept, Path(output_dir) / chartcache.FOLDER, dirs_exist_ok=True)
