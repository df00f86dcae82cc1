"""Pipeline: validate, export, execute one notebook per scope with papermill, render, publish.

The fan-out is data: one `locatie` notebook per row of locations.csv and one `regio` notebook per row
of regions.csv. Notebooks run in separate processes (papermill kernels over IPC, `cwd` explicit); each
worker renders its executed notebook in-process to a stakeholder HTML (no code) and an audit HTML
(with code). Everything is built in a staging folder beside output/<year>/ and swapped in only when
the run is complete, under a lock, so an interrupted or concurrent run never leaves a half-written year.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from bwklib.build import cache
from bwklib import paths
from bwklib.errors import RunError
from bwklib.build.exports import write_exports
from bwklib.inputs.loading import YearData, complete_years, load_year

KERNEL = "python3"
STAKEHOLDER_SUFFIX = ""
AUDIT_SUFFIX = "-audit"
AUDIT_TAG = "audit-only"


@dataclass(frozen=True)
class Task:
    """One report to build: which notebook, for which scope, with which parameters."""

    scope: str
    kind: str  # "locatie" or "regio"
    title: str
    parameters: dict

    @property
    def notebook(self) -> str:
        return f"{self.kind}.ipynb"


@dataclass
class TaskResult:
    """What a worker reports back: success and the time taken, or where and why it failed."""

    task: Task
    ok: bool
    seconds: float
    error: str = ""
    kept_previous: bool = False  # a failed report whose previous version was kept


def plan(data: YearData) -> list[Task]:
    """The reports of a year: one per location, then one per region (from the data, not code)."""
    data_dir = str(data.data_dir)
    tasks = [
        Task(
            r.location,
            "locatie",
            f"Buurtwerkkamer {r.name} {data.year}",
            {"year": data.year, "location": r.location, "data_dir": data_dir},
        )
        for r in data["locations"].itertuples()
    ]
    tasks += [
        Task(
            r.region,
            "regio",
            f"{r.title} {data.year}",
            {"year": data.year, "region": r.region, "data_dir": data_dir},
        )
        for r in data["regions"].itertuples()
    ]
    return tasks


def latest_year(data_dir: Path) -> int:
    """The most recent year whose data is complete (a year just begun with new-year is skipped)."""
    years = complete_years(data_dir)
    if not years:
        raise RunError(f"geen volledige jaarmap gevonden in {data_dir}")
    return years[-1]


def normalise(nb) -> None:
    """Remove what differs between two runs of the same notebook: timings, ids, execution counts."""
    nb.metadata.get("papermill", {}).clear()
    count = 0
    for i, c in enumerate(nb.cells):
        c.id = f"cell-{i:02d}"
        c.metadata.pop("papermill", None)
        c.metadata.pop("execution", None)
        if c.cell_type == "code" and c.execution_count is not None:
            # A reused kernel keeps counting across notebooks: number each notebook from 1.
            count += 1
            c.execution_count = count
            for out in c.outputs:
                if "execution_count" in out:
                    out.execution_count = count


def exporters():
    """The two HTML exporters of a worker (created once per process, reused for every render)."""
    global _EXPORTERS
    if _EXPORTERS is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        base = dict(
            template_name="bwk",
            extra_template_basedirs=[str(paths.TEMPLATE_DIR)],
            embed_images=True,
            language_code="nl",
            exclude_anchor_links=True,
        )
        stakeholder = HTMLExporter(
            exclude_input=True, exclude_output_prompt=True, exclude_input_prompt=True, **base
        )
        # Cells tagged audit-only (the formulas) appear in the audit version alone.
        stakeholder.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={AUDIT_TAG}), enabled=True
        )
        _EXPORTERS = (stakeholder, HTMLExporter(**base))
    return _EXPORTERS


_EXPORTERS = None


class KernelStartError(RuntimeError):
    """The kernel did not start, also not on the second attempt."""


class WorkerKernel:
    """One IPC kernel per worker process, reused for every notebook that worker executes.

    Reusing the kernel saves its start-up and the pandas/matplotlib/bwklib imports per report.
    Between notebooks the user namespace is reset and figures are closed, so no state carries over.
    """

    def __init__(self, cwd: str):
        self.cwd, self.km, self.ipc_dir = cwd, None, None

    def ensure(self) -> None:
        """Start the kernel if it is not running; retry once (papermill kernels can fail to start)."""
        if self.km is not None and self.km.is_alive():
            return
        self.stop()
        for attempt in (1, 2):
            try:
                self.start()
                return
            except RuntimeError as e:
                self.stop()
                if attempt == 2:
                    raise KernelStartError(
                        f"de kernel start niet (na een tweede poging): {e}"
                    ) from e

    def start(self) -> None:
        """Start a kernel over IPC (no TCP ports to race for) in the notebook folder."""
        from jupyter_client import KernelManager

        self.ipc_dir = tempfile.mkdtemp(prefix="bwk-kernel-")
        self.km = KernelManager(
            kernel_name=KERNEL, transport="ipc", ip=str(Path(self.ipc_dir) / "k")
        )
        self.km.start_kernel(cwd=self.cwd)
        kc = self.km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
        finally:
            kc.stop_channels()

    def reset(self) -> None:
        """Forget everything the previous notebook defined (modules stay imported)."""
        code = "import matplotlib.pyplot as _plt\n_plt.close('all')\n%reset -f"
        kc = self.km.client()
        kc.start_channels()
        try:
            reply = kc.execute_interactive(
                code, store_history=False, timeout=60, output_hook=lambda msg: None
            )
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError("de kernel kon niet worden leeggemaakt")

    def stop(self) -> None:
        """Shut the kernel down and remove its IPC files."""
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)
        if self.km is not None:
            self.km.cleanup_resources()
        if self.ipc_dir:
            shutil.rmtree(self.ipc_dir, ignore_errors=True)
        self.km, self.ipc_dir = None, None


_KERNEL: WorkerKernel | None = None
ENGINE = "bwk-reused-kernel"


def register_engine() -> None:
    """Register the papermill engine that executes on the worker's running kernel.

    papermill's nbclient engine leaves a kernel it was handed running but keeps that run's kernel
    client (its sockets) open; this engine closes the client and keeps the kernel.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class ReusedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            kwargs = {k: v for k, v in kwargs.items() if k not in ("input_path", "timeout")}
            client = PapermillNotebookClient(
                nb_man,
                kernel_name=kernel_name,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                return client.execute()  # a kernel manager handed in is left running
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, ReusedKernelEngine)


def worker_kernel(cwd: str) -> WorkerKernel:
    """This worker's kernel, started on first use and shut down when the worker exits."""
    global _KERNEL
    if _KERNEL is None:
        import atexit

        register_engine()
        _KERNEL = WorkerKernel(cwd)
        atexit.register(_KERNEL.stop)
    _KERNEL.ensure()
    return _KERNEL


def execute(task: Task, notebook_dir: str, staging: str) -> TaskResult:
    """Worker: execute one notebook with papermill on the worker's kernel, then render both HTMLs.

    A kernel that fails to start is retried once. Failures inside the notebook are reported with
    the cell and the error, not raised.
    """
    import nbformat
    import papermill as pm

    start = time.perf_counter()
    out_nb = Path(staging) / "notebooks" / f"{task.scope}.ipynb"
    try:
        kernel = worker_kernel(notebook_dir)
        kernel.reset()
        pm.execute_notebook(
            str(Path(notebook_dir) / task.notebook),
            str(out_nb),
            parameters=task.parameters,
            cwd=notebook_dir,
            kernel_name=KERNEL,
            progress_bar=False,
            request_save_on_cell_execute=False,  # write the notebook once, at the end
            engine_name=ENGINE,
            km=kernel.km,
        )
    except pm.PapermillExecutionError as e:
        src = " ".join(e.source.split())[:120]
        return TaskResult(
            task,
            False,
            time.perf_counter() - start,
            error=f"cel {e.exec_count} ({src}): {e.ename}: {e.evalue}",
        )
    except RuntimeError as e:  # the kernel did not start or died
        if _KERNEL is not None:
            _KERNEL.stop()
        return TaskResult(task, False, time.perf_counter() - start, error=str(e))
    nb = nbformat.read(out_nb, as_version=4)
    normalise(nb)
    nb.metadata["title"] = task.title
    nbformat.write(nb, out_nb)
    for exporter, suffix in zip(exporters(), (STAKEHOLDER_SUFFIX, AUDIT_SUFFIX), strict=True):
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": task.title}})
        target = Path(staging) / f"{task.scope}{suffix}.html"
        target.write_text(body, encoding="utf-8")
    return TaskResult(task, True, time.perf_counter() - start)


def run_tasks(
    tasks: list[Task], notebook_dir: Path, staging: Path, jobs: int, progress: Callable[[str], None]
) -> list[TaskResult]:
    """Run the tasks in `jobs` worker processes, reporting progress as each one finishes.

    A worker that dies (killed, out of memory) fails its task, not the run. When the run itself is
    interrupted, pending tasks are cancelled and the workers are stopped.
    """
    results = []
    pool = ProcessPoolExecutor(
        max_workers=max(1, jobs), mp_context=get_context("spawn"), initializer=die_with_parent
    )
    try:
        # Regions first: a region's report is the longest, so it should not start last.
        queue = sorted(tasks, key=lambda t: t.kind != "regio")
        futures = {pool.submit(execute, t, str(notebook_dir), str(staging)): t for t in queue}
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
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((pool._processes or {}).values()):  # noqa: SLF001 - no public API
            process.terminate()
        raise
    pool.shutdown()
    order = {t.scope: i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.task.scope])


def die_with_parent() -> None:
    """Worker initializer: on Linux, ask for SIGTERM when the parent dies (even by SIGKILL).

    Without it a killed run leaves its workers, and their kernels, running.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


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


def default_jobs() -> int:
    """Parallel workers: the number of cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


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
) -> list[TaskResult]:
    """Reuse every report whose inputs are unchanged; execute the rest in parallel.

    A report that fails keeps its previous version, if there is one (the index says so). The keys of
    the reports built successfully are written to the staging folder's manifest, so a failed one is
    rebuilt next time.
    """
    code, env = cache.code_digest(), cache.environment()
    keys = {t.scope: cache.task_key(data, t, notebook_dir, code, env) for t in tasks}
    manifest = {} if force else cache.read_manifest(previous)
    reused = [t for t in tasks if cache.reuse(t, keys[t.scope], manifest, previous, staging)]
    todo = [t for t in tasks if t not in reused]
    if reused:
        names = ", ".join(t.scope for t in reused)
        progress(f"Ongewijzigd, hergebruikt: {names}")
    results = [TaskResult(t, True, 0.0) for t in reused]
    if todo:
        progress(f"{len(todo)} rapport(en) maken met {min(jobs, len(todo))} processen…")
        results += run_tasks(todo, notebook_dir, staging, jobs, progress)
    for r in results:
        if not r.ok:  # nothing already produced is lost: keep the previous version, say so
            r.kept_previous = cache.link_outputs(r.task, previous, staging)
    cache.write_manifest(staging, {r.task.scope: keys[r.task.scope] for r in results if r.ok})
    order = {t.scope: i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.task.scope])


def run(
    year: int | None = None,
    data_dir: Path = paths.DATA_DIR,
    output_dir: Path = paths.OUTPUT_DIR,
    notebook_dir: Path = paths.NOTEBOOK_DIR,
    jobs: int | None = None,
    progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
    force: bool = False,
    pdf: bool = False,
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
    progress : callable
        Receives one Dutch line per step.

    Returns
    -------
    RunSummary
        The published folder and per-report results (failed reports are listed, not raised).

    Raises
    ------
    DataError
        When the data does not validate (nothing is built or changed).
    RunError
        When another run holds the lock for this year.
    """
    from bwklib.report.site import write_index

    start = time.perf_counter()
    data_dir, output_dir = Path(data_dir).resolve(), Path(output_dir).resolve()
    notebook_dir = Path(notebook_dir).resolve()
    year = year or latest_year(data_dir)
    progress(f"Gegevens van {year} inlezen en controleren…")
    data = load_year(year, data_dir)
    tasks = plan(data)
    with year_lock(output_dir, year), interrupt_on_terminate():
        recover(output_dir, year)
        staging = Path(tempfile.mkdtemp(prefix=f".bwk-build-{year}-", dir=output_dir))
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the published year is for readers
            (staging / "notebooks").mkdir()
            write_exports(data, staging)
            results = build_reports(
                data,
                tasks,
                notebook_dir,
                output_dir / str(year),
                staging,
                jobs or default_jobs(),
                force,
                progress,
            )
            write_index(data, staging, results)
            if pdf:
                from bwklib.build.pdf import write_pdfs

                progress("PDF's maken met Chromium…")
                try:
                    write_pdfs(staging, [r.task.scope for r in results if r.ok])
                except RuntimeError as e:
                    raise RunError(str(e)) from e
            publish(staging, output_dir / str(year))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    summary = RunSummary(year, output_dir / str(year), results, time.perf_counter() - start)
    progress(f"Klaar in {summary.seconds:.1f} s: {summary.output / 'index.html'}")
    return summary
