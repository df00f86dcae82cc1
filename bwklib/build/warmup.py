"""Workers started early: their kernels start while the parent still imports, validates and exports.

`bwk run` starts the pool here before it imports pandas; each worker starts its kernel, imports
bwklib's views and matplotlib in it, loads the year there (bwklib.inputs.memo keeps it, keyed by
content) and builds its HTML exporters. `run_tasks` then uses this pool, so the first report of each
worker pays none of that. When no report turns out to need building, the warming was wasted work,
which is why only the CLI asks for it, after the fast path found a change.

Standard library only at module level: the point is to start before the heavy imports.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

from bwklib.build.hooks import checkpoint

_POOL: ProcessPoolExecutor | None = None  # the pool `start` started (its cancel event below)
_POOL_CANCEL = None  # a multiprocessing Event: set when that pool is stopped
_LENT: ProcessPoolExecutor | None = None  # a pool lent for a while (`use`); its owner stops it
_CANCEL = None  # in a worker: its pool's cancel event, seen between the warming steps
_PARENT = None  # in a worker: the pid of the process that started the pool


def default_jobs() -> int:
    """Parallel workers: the number of cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def new_pool(jobs: int, cancel=None) -> ProcessPoolExecutor:
    """A pool of `jobs` worker processes, spawned as bwklib.build.worker.run_tasks spawns its own.

    Its initializer imports the worker module in the worker, not here: this process has not
    imported pandas yet. `cancel` (a spawn-context Event; default a new one nobody sets): once
    set, a worker still warming up skips the rest.
    """
    context = get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=max(1, jobs),
        mp_context=context,
        initializer=die_with_parent,
        initargs=(cancel if cancel is not None else context.Event(), os.getpid()),
    )


def start(jobs: int | None, notebook_dir: Path, year: int | None, data_dir: Path) -> None:
    """Start the pool `run_tasks` will use and warm every worker (year None: the latest)."""
    global _POOL, _POOL_CANCEL
    stop()
    jobs = jobs or default_jobs()
    _POOL_CANCEL = get_context("spawn").Event()
    _POOL = new_pool(jobs, _POOL_CANCEL)
    for _ in range(jobs):
        _POOL.submit(warm, str(Path(notebook_dir).resolve()), year, str(Path(data_dir).resolve()))
    checkpoint("workers-starting")  # tests: the workers are being spawned now


def current() -> ProcessPoolExecutor | None:
    """The pool runs build on: one lent with `use`, else the one `start` started, if any."""
    return _LENT if _LENT is not None else _POOL


@contextmanager
def use(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    """Within the block, runs build on `pool` (warm workers of its owner, who stops them).

    `stop` leaves a lent pool alone. The tests build their fixtures this way on warm workers
    kept for the whole test session.
    """
    global _LENT
    previous, _LENT = _LENT, pool
    try:
        yield pool
    finally:
        _LENT = previous


def stop() -> None:
    """Stop the pool at once: cancel what has not started and end the workers.

    Each warmed worker ends its kernel when it gets SIGTERM (`stop_kernel_and_exit`), so nothing
    waits for a kernel that is still starting, and nothing is left running.
    """
    global _POOL, _POOL_CANCEL
    pool, cancel, _POOL, _POOL_CANCEL = _POOL, _POOL_CANCEL, None, None
    if pool is None:
        return
    if cancel is not None:
        cancel.set()  # a worker between two warming steps skips the rest
    end_pool(pool)


def end_pool(pool: ProcessPoolExecutor, grace: float = 10) -> None:
    """Cancel what has not started, SIGTERM every worker, SIGKILL one still there after `grace` s.

    A worker that does not end (stuck, or ignoring SIGTERM) would otherwise keep this process
    from exiting: concurrent.futures waits for its pool's processes at exit.
    """
    # Taken before shutdown(), which forgets them (and would let them finish their tasks).
    processes = list((pool._processes or {}).values())  # noqa: SLF001 - no public API
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=grace)
        if process.is_alive():
            process.kill()
            process.join(timeout=grace)


def warm(notebook_dir: str, year: int | None, data_dir: str) -> bool:
    """Worker: start the kernel and load what every report needs; never raises.

    The kernel imports bwklib's views and charts as it starts (`preload`) and loads the year
    (None: the latest complete one), which bwklib.inputs.memo keeps for the notebooks; the HTML exporters render an
    empty notebook, which compiles their templates.

    Returns
    -------
    bool
        Whether the kernel is ready with the year loaded (False: the first report will do it,
        and report any problem itself).
    """
    from bwklib.build.engine import worker_kernel

    def cancelled() -> bool:
        orphaned = _PARENT is not None and os.getppid() != _PARENT
        return orphaned or (_CANCEL is not None and _CANCEL.is_set())

    try:
        if cancelled():
            return False
        # The kernel starts (and imports pandas, matplotlib and bwklib: `preload`) while this
        # process imports papermill and nbconvert and renders a sample notebook.
        kernel = worker_kernel(notebook_dir, wait=False, preload=True)
        import nbformat  # noqa: F401 - imported now, used by every report
        import papermill  # noqa: F401 - imported now, used by every report

        from bwklib.build.render import exporters

        for exporter in exporters():  # the first render compiles templates, loads lexers
            exporter.from_notebook_node(sample_notebook(), resources={"metadata": {"name": ""}})
        kernel.wait_ready()
        if cancelled():
            return False
        # The kernel finds the latest year itself: this process never imports pandas.
        which = repr(year) if year is not None else f"_latest(_Path({data_dir!r}))"
        code = (
            "from pathlib import Path as _Path\n"
            "from bwklib import views as _views\n"
            "from bwklib.build.plan import latest_year as _latest\n"
            f"_views.load({which}, {data_dir!r})"
        )
        loaded = kernel.run(code, timeout=120)
        kernel.reset()
        return loaded
    except Exception:  # noqa: BLE001 - warming is an optimisation; the task reports failures
        return False


def preload() -> None:
    """Kernel: import what every report imports, then freeze the garbage collector's view.

    Run by every report kernel as it starts (`bwklib.build.engine.KERNEL_ARGUMENTS`), before it
    answers its first request: the imports happen while the worker still imports papermill and
    renders its sample notebook, instead of after it. The objects of the modules imported so far
    (pandas, matplotlib, bwklib) go to the garbage collector's permanent generation, so no later
    collection walks them again: a kernel's first reset took 0.5 s and every later one 0.14 s
    before. Data loaded later is collected as usual.
    """
    import gc

    import bwklib.report.charts  # noqa: F401 - imported now, used by every report
    from bwklib import views  # noqa: F401 - imported now, used by every report

    gc.collect()
    gc.freeze()


def sample_notebook():
    """A notebook with a cell of each kind a report has: markdown, code with HTML output."""
    import nbformat  # noqa: F401 - imported now, used by every report

    v4 = nbformat.v4
    code = v4.new_code_cell("views.header(data, scope)", execution_count=1)
    code.outputs = [v4.new_output("display_data", data={"text/html": "<p>x</p>"})]
    return v4.new_notebook(cells=[v4.new_markdown_cell("## Kop\n\nTekst."), code])


def die_with_parent(cancel=None, parent: int | None = None) -> None:
    """Worker initializer: die with the parent (bwklib.build.guard.die_with_parent, also when the
    parent died before this line), and the kernel with the worker; remember the pool's cancel event.

    A warmed worker has a kernel from its first second, so a run killed early must not leave it:
    its kernel dies with it (guard.kernel_preexec); on SIGTERM (an interrupted run) the worker
    stops its kernel before it exits.
    """
    global _CANCEL, _PARENT
    from bwklib.build import guard

    guard.die_with_parent(parent)
    _CANCEL, _PARENT = cancel, parent
    signal.signal(signal.SIGTERM, stop_kernel_and_exit)


def stop_kernel_and_exit(signum, frame) -> None:
    """Signal handler of a warmed worker: kill its kernel, then exit at once.

    Nothing here waits. The signal can come while the worker is shutting its kernel down itself
    (a pool's workers exit and get SIGTERM from `stop` at the same time); a clean shutdown from
    the handler then waited for a lock the interrupted one held, for ever, and `bwk run` with it.
    The kernel would die with the worker anyway (guard.kernel_preexec); killing it first and
    removing its folder leaves nothing for the next run to clean.
    """
    from bwklib.build import engine

    try:
        if engine._KERNEL is not None:  # noqa: SLF001 - the worker's own kernel
            engine._KERNEL.kill()  # noqa: SLF001
    finally:
        os._exit(128 + signum)
