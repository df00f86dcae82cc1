"""Workers: execute one notebook per task in a pool of processes that die with the run."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from bwklib.build import engine, guard, timeouts, warmup
from bwklib.build.engine import ENGINE, KERNEL, worker_kernel
from bwklib.build.hooks import checkpoint
from bwklib.build.plan import AUDIT_SUFFIX, STAKEHOLDER_SUFFIX, Task, TaskResult
from bwklib.build.render import exporters, normalise
from bwklib.build.timing import Stopwatch
from bwklib.report import chartcache


def execute(
    task: Task,
    notebook_dir: str,
    staging: str,
    workdir: str | None = None,
    timeout: float | None = None,
) -> TaskResult:
    """Worker: execute one notebook with papermill on the worker's kernel, then render both HTMLs.

    A kernel that fails to start is retried once. Failures inside the notebook are reported with
    the cell and the error, not raised. The kernel runs in `workdir` (default: the notebook folder).
    A notebook still running after `timeout` seconds (default `timeouts.notebook_timeout()`) is
    stopped in the cell it is in, and its kernel replaced.
    """
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError

    start, watch = time.perf_counter(), Stopwatch()
    out_nb = Path(staging) / "notebooks" / f"{task.scope}.ipynb"
    workdir = workdir or notebook_dir
    clock = timeouts.NotebookClock(timeouts.notebook_timeout(timeout))
    try:
        with watch.phase("kernel"):
            kernel = worker_kernel(workdir)
        checkpoint("kernel-ready")
        with watch.phase("reset"):
            # also moves a kernel warmed up elsewhere into workdir; charts kept beside the years
            kernel.reset(workdir, str(Path(staging).parent / chartcache.FOLDER))
        with watch.phase("papermill"):
            pm.execute_notebook(
                str(Path(notebook_dir) / task.notebook),
                str(out_nb),
                parameters=task.parameters,
                # no cwd: papermill would chdir this process into the snapshot, which a run
                # removes; the kernel moved into workdir on its reset
                kernel_name=KERNEL,
                progress_bar=False,
                request_save_on_cell_execute=False,  # write the notebook once, at the end
                engine_name=ENGINE,
                km=kernel.km,
                kc=kernel.kc,
                timeout_func=clock.remaining,
            )
    except CellTimeoutError:
        if engine._KERNEL is not None:
            engine._KERNEL.stop()  # it is still busy with the cell
        error = clock.message()
        return TaskResult(task, False, time.perf_counter() - start, error=error)
    except pm.PapermillExecutionError as e:
        src = " ".join(e.source.split())[:120]
        return TaskResult(
            task,
            False,
            time.perf_counter() - start,
            error=f"cel {e.exec_count} ({src}): {e.ename}: {e.evalue}",
        )
    except RuntimeError as e:  # the kernel did not start or died
        if engine._KERNEL is not None:
            engine._KERNEL.stop()
        return TaskResult(task, False, time.perf_counter() - start, error=str(e))
    nb = nbformat.read(out_nb, as_version=4)
    watch.split_execution(nb)
    with watch.phase("render"):
        normalise(nb)
        nb.metadata["title"] = task.title
        nbformat.write(nb, out_nb)
        for exporter, suffix in zip(exporters(), (STAKEHOLDER_SUFFIX, AUDIT_SUFFIX), strict=True):
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": task.title}})
            target = Path(staging) / f"{task.scope}{suffix}.html"
            target.write_text(body, encoding="utf-8")
    return TaskResult(task, True, time.perf_counter() - start, phases=watch.seconds)


def run_tasks(
    tasks: list[Task],
    notebook_dir: Path,
    staging: Path,
    jobs: int,
    progress: Callable[[str], None],
    pool: ProcessPoolExecutor | None = None,
    workdir: Path | None = None,
    timeout: float | None = None,
) -> list[TaskResult]:
    """Run the tasks in `jobs` worker processes, reporting progress as each one finishes.

    A pool handed in (bwklib.build.warmup's warmed workers) is used and left to its owner to stop.

    A worker that dies (killed, out of memory) fails its task, not the run. When the run itself is
    interrupted, pending tasks are cancelled and the workers are stopped. The kernels run in
    `workdir` (default: the notebook folder); `timeout` limits each notebook's execution.
    """
    results = []
    guard.remove_stale_kernel_dirs()  # what killed runs left behind
    own = pool is None
    pool = pool or ProcessPoolExecutor(
        max_workers=max(1, jobs),
        mp_context=get_context("spawn"),
        initializer=guard.die_with_parent,
        initargs=(os.getpid(),),
    )
    workdir = str(workdir or notebook_dir)
    try:
        # Regions first: a region's report is the longest, so it should not start last.
        queue = sorted(tasks, key=lambda t: t.kind != "regio")
        futures = {
            pool.submit(execute, t, str(notebook_dir), str(staging), workdir, timeout): t
            for t in queue
        }
        checkpoint("workers-starting")
        for n, fut in enumerate(as_completed(futures), start=1):
            try:
                res = fut.result()
            except Exception as e:  # the worker process itself failed
                res = TaskResult(futures[fut], False, 0.0, error=f"het werkproces stopte: {e!r}")
            results.append(res)
            state = "klaar" if res.ok else f"MISLUKT — {res.error}"
            progress(
                f"[{n}/{len(tasks)}] {res.task.kind} {res.task.scope}: {state} "
                f"({res.seconds:.1f} s)"
            )
    except BaseException:
        warmup.end_pool(pool, grace=5)  # the kernels die with the workers (guard.kernel_preexec)
        guard.remove_stale_kernel_dirs()
        raise
    if own:
        pool.shutdown()
    order = {t.scope: i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.task.scope])
