"""Pipeline: validate, export, execute one notebook per scope with papermill, render, publish.

The fan-out is data: one `locatie` notebook per row of locations.csv and one `regio` notebook per row
of regions.csv. Notebooks run in separate processes (papermill kernels over IPC, `cwd` explicit); each
worker renders its executed notebook in-process to a stakeholder HTML (no code) and an audit HTML
(with code). Everything is built in a staging folder beside output/<year>/ and swapped in only when
the run is complete, under a lock, so an interrupted or concurrent run never leaves a half-written year.

The stages live beside this module: `plan` (tasks), `engine` (kernel and papermill engine), `worker`
(the process pool), `render` (nbconvert), `publish` (lock, swap, recovery), `cache` and `exports`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bwklib import paths
from bwklib.build import cache, fastpath, snapshot, timeouts, warmup
from bwklib.build.exports import write_exports
from bwklib.build.hooks import checkpoint
from bwklib.build.plan import Task, TaskResult, latest_year, plan
from bwklib.build.publish import interrupt_on_terminate, publish, recover, year_lock
from bwklib.build.warmup import default_jobs
from bwklib.build.worker import run_tasks
from bwklib.errors import DataError, RunError
from bwklib.inputs.loading import load_year
from bwklib.report import chartcache

__all__ = [
    "RunError",
    "RunSummary",
    "Task",
    "TaskResult",
    "default_jobs",
    "latest_year",
    "plan",
    "run",
]


@dataclass
class RunSummary:
    """The outcome of `bwk run`: where the year was published and which reports failed."""

    year: int
    output: Path
    results: list[TaskResult]
    seconds: float

    @property
    def failures(self) -> list[TaskResult]:
        return [r for r in self.results if not r.ok]


def build_reports(
    data,
    tasks,
    notebook_dir: Path,
    previous: Path,
    staging: Path,
    jobs: int,
    force: bool,
    progress: Callable[[str], None],
    workdir: Path | None = None,
    timeout: float | None = None,
) -> list[TaskResult]:
    """Reuse every report whose inputs are unchanged; execute the rest in parallel.

    A report that fails keeps its previous version, if there is one (the index says so). The keys of
    the reports built successfully are written to the staging folder's manifest, so a failed one is
    rebuilt next time. The kernels run in `workdir` (default notebook_dir); `timeout` limits each
    notebook's execution (seconds).
    """
    code, env = cache.code_digest(), cache.environment()
    digests = cache.FileDigests()  # the snapshot's files do not change during the run
    keys = {t.scope: cache.task_key(data, t, notebook_dir, code, env, digests) for t in tasks}
    manifest = {} if force else cache.read_manifest(previous)
    reused = [t for t in tasks if cache.reuse(t, keys[t.scope], manifest, previous, staging)]
    todo = [t for t in tasks if t not in reused]
    if reused:
        names = ", ".join(t.scope for t in reused)
        progress(f"Ongewijzigd, hergebruikt: {names}")
    results = [TaskResult(t, True, 0.0) for t in reused]
    if todo:
        progress(f"{len(todo)} rapport(en) maken met {min(jobs, len(todo))} processen…")
        results += run_tasks(
            todo, notebook_dir, staging, jobs, progress, warmup.current(), workdir, timeout
        )
    for r in results:
        if not r.ok:  # nothing already produced is lost: keep the previous version, say so
            r.kept_previous = cache.link_outputs(r.task, previous, staging)
    cache.write_manifest(staging, {r.task.scope: keys[r.task.scope] for r in results if r.ok})
    order = {t.scope: i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.task.scope])


def is_latest(year: int, data_dir: Path) -> bool:
    """Whether a year is the latest complete one (False when there is none or no data folder)."""
    try:
        return latest_year(data_dir) == year
    except (RunError, DataError):
        return False


def run(
    year: int | None = None,
    data_dir: Path = paths.DATA_DIR,
    output_dir: Path = paths.OUTPUT_DIR,
    notebook_dir: Path = paths.NOTEBOOK_DIR,
    jobs: int | None = None,
    progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
    force: bool = False,
    pdf: bool = False,
    timeout: float | None = None,
) -> RunSummary:
    """Build every report of a year into output_dir/<year>/.

    Parameters
    ----------
    year : int, optional
        The year to build; default the latest year in data_dir.
    data_dir, output_dir, notebook_dir : Path
        Where data is read, outputs are published and the template notebooks live.
    jobs : int, optional
        Worker processes; default the number of cores.
    force : bool
        Rebuild every report, even those whose inputs did not change.
    pdf : bool
        Also print each stakeholder report to PDF (pdf/<scope>.pdf) with a headless Chromium.
    timeout : float, optional
        Seconds a notebook may run before it is stopped and reported as failed; default
        BWK_TIMEOUT or 600.
    progress : callable
        Receives one Dutch line per step.

    Returns
    -------
    RunSummary
        The published folder and per-report results (failed reports are listed, not raised).

    Raises
    ------
    DataError
        When the data does not validate (nothing is built; the published year is unchanged).
    RunError
        When another run holds the lock for this year, or BWK_TIMEOUT is not a number.
    """
    from bwklib.report.site import write_index

    timeout = timeouts.notebook_timeout(timeout)
    start = time.perf_counter()
    data_dir, output_dir = Path(data_dir).resolve(), Path(output_dir).resolve()
    notebook_dir = Path(notebook_dir).resolve()
    inputs = fastpath.fingerprint(data_dir, notebook_dir, pdf)  # before any input is read
    latest = year is None or is_latest(year, data_dir)
    year = year or latest_year(data_dir)
    if not paths.year_dir(data_dir, year).is_dir():
        load_year(year, data_dir)  # says which years there are
    progress(f"Gegevens van {year} inlezen en controleren…")
    with year_lock(output_dir, year), interrupt_on_terminate():
        recover(output_dir, year)
        chartcache.prune(output_dir / chartcache.FOLDER)
        staging = Path(tempfile.mkdtemp(prefix=f".bwk-build-{year}-", dir=output_dir))
        copy = snapshot.location(output_dir, year)
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the published year is for readers
            # Every input is read once, into the snapshot: reports, exports, provenance, cache keys
            # and the fast path's record all come from the same bytes, whatever happens meanwhile.
            inputs_read = snapshot.take(data_dir, year, copy, notebook_dir)
            inputs.update(snapshot.digests(inputs_read))
            data = inputs_read.load(year).read_only()  # nothing below changes a table
            tasks = plan(data, inputs_read.notebook_dir)  # data_dir relative to the kernels' folder
            checkpoint("snapshot-taken")
            (staging / "notebooks").mkdir()
            # The exports are written while the workers execute the notebooks: this process
            # mostly waits for them, so the exports' seconds leave the run's critical path.
            with ThreadPoolExecutor(1, thread_name_prefix="bwk-exports") as beside:
                exports = beside.submit(write_exports, data, staging)
                results = build_reports(
                    data,
                    tasks,
                    inputs_read.notebook_dir,
                    output_dir / str(year),
                    staging,
                    jobs or default_jobs(),
                    force,
                    progress,
                    workdir=inputs_read.notebook_dir,  # data_dir is relative to it (the snapshot)
                    timeout=timeout,
                )
                exports.result()  # a failed export fails the run, as before
            write_index(data, staging, results)
            if pdf:
                from bwklib.build.pdf import write_pdfs

                progress("PDF's maken met Chromium…")
                try:
                    write_pdfs(staging, [r.task.scope for r in results if r.ok])
                except RuntimeError as e:
                    raise RunError(str(e)) from e
            if not any(not r.ok for r in results):  # a failed report is retried next time
                fastpath.write_record(staging, year, inputs, latest)
            publish(staging, output_dir / str(year))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(copy, ignore_errors=True)
    summary = RunSummary(year, output_dir / str(year), results, time.perf_counter() - start)
    progress(f"Klaar in {summary.seconds:.1f} s: {summary.output / 'index.html'}")
    return summary
