"""The papermill engine: one IPC kernel per worker process, reused for every notebook it executes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys

from bwklib.build import guard, timeouts

KERNEL = "python3"
# The report kernels keep no IPython history: every cell of every report went into the user's
# ~/.ipython history database (a write per cell, megabytes a year, and two kernels writing at once
# left "history-corrupt" copies there).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]
# A warmed kernel imports what the reports import as it starts (bwklib.build.warmup.preload).
PRELOAD_ARGUMENTS = [
    "--IPKernelApp.exec_lines=import bwklib.build.warmup as _w; _w.preload(); del _w"
]


def report_kernel_spec():
    """The kernel every report runs on: this Python, `python -m bwklib.build.kernel`."""
    from jupyter_client.kernelspec import KernelSpec

    return KernelSpec(
        argv=[sys.executable, "-m", "bwklib.build.kernel", "-f", "{connection_file}"],
        display_name="Python 3 (bwk)",
        language="python",
        metadata={"debugger": False},
    )


def report_kernel_specs():
    """A kernelspec manager that knows one kernel, `report_kernel_spec`, whatever the name."""
    from jupyter_client.kernelspec import KernelSpecManager

    class ReportKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return report_kernel_spec()

    return ReportKernelSpecs()


class KernelStartError(RuntimeError):
    """The kernel did not start, also not on the second attempt."""


class WorkerKernel:
    """One IPC kernel per worker process, reused for every notebook that worker executes.

    Reusing the kernel saves its start-up and the pandas/matplotlib/bwklib imports per report.
    Between notebooks the user namespace is reset and figures are closed, so no state carries over.
    """

    def __init__(self, cwd: str):
        self.cwd, self.km, self.kc, self.ipc_dir, self.owner = cwd, None, None, None, None

    def ensure(self, wait: bool = True, preload: bool = False) -> None:
        """Start the kernel if it is not running; retry once (papermill kernels can fail to start).

        With wait=False the kernel's process is started but not waited for (`wait_ready`): the
        warm-up renders its sample notebook meanwhile.
        """
        if self.km is not None and self.km.is_alive():
            return
        self.stop()
        for attempt in (1, 2):
            try:
                self.start(preload) if wait else self.launch(preload)
                return
            except RuntimeError as e:
                self.stop()
                if attempt == 2:
                    raise KernelStartError(
                        f"de kernel start niet (na een tweede poging): {e}"
                    ) from e

    def start(self, preload: bool = False) -> None:
        """Start a kernel and wait until it answers."""
        self.launch(preload)
        self.wait_ready()

    def launch(self, preload: bool = False) -> None:
        """Start a kernel over IPC (no TCP ports to race for) in the notebook folder; do not wait.

        With preload, the kernel imports what the reports import as it starts, before it answers
        (bwklib.build.warmup.preload): a warmed worker's kernel imports while the worker works.

        The kernel dies with this process (guard.kernel_preexec); its sockets and connection file
        live in a folder this process locks, which the next run removes if this one is killed.
        """
        from jupyter_client import KernelManager

        ipc_dir, self.owner = guard.kernel_dir()
        self.ipc_dir = str(ipc_dir)
        self.km = KernelManager(
            kernel_name=KERNEL,
            kernel_spec_manager=report_kernel_specs(),
            transport="ipc",
            ip=str(ipc_dir / "k"),
            connection_file=str(ipc_dir / "kernel.json"),
        )
        self.km.start_kernel(
            cwd=self.cwd,
            preexec_fn=guard.kernel_preexec(),
            extra_arguments=KERNEL_ARGUMENTS + (PRELOAD_ARGUMENTS if preload else []),
        )

    def wait_ready(self, timeout: float = 120) -> None:
        """Wait until the started kernel answers, and keep the client that asked.

        One asyncio client per kernel, connected once: every notebook (papermill's nbclient) and
        every reset talks through it. A new client per notebook paid its connection and the
        kernel_info handshake, whose check that the output channel is connected waits 0.2 s
        whenever the new subscription is not yet there: about 0.2 s of every report.

        Raises
        ------
        RuntimeError
            When it does not within `timeout` seconds, or died.
        """
        from jupyter_client.asynchronous import AsyncKernelClient
        from jupyter_core.utils import run_sync

        kc = AsyncKernelClient(
            **self.km.get_connection_info(session=True),
            connection_file=self.km.connection_file,
            parent=self.km,
        )
        # No heartbeat thread: the kernel manager tells whether the kernel lives, and a thread to
        # stop (join) at exit is a thread a signal can interrupt mid-join, deadlocking the worker.
        kc.start_channels(hb=False)
        try:
            run_sync(kc.wait_for_ready)(timeout=timeout)
        except BaseException:
            kc.stop_channels()
            raise
        kc.allow_stdin = False
        self.kc = kc

    def reset(self, cwd: str | None = None, charts: str | None = None) -> None:
        """Forget everything the previous notebook defined (modules stay imported).

        With `cwd`, the kernel also moves to that folder: a kernel warmed up elsewhere runs the
        notebook where its relative data_dir parameter points into this run's input snapshot.
        With `charts`, charts whose inputs did not change are read from that folder
        (bwklib.report.chartcache).
        """
        # pyplot's open figures are closed, without importing pyplot where nothing did
        code = (
            "import sys as _sys\n"
            "if 'matplotlib.pyplot' in _sys.modules:\n"
            "    _sys.modules['matplotlib.pyplot'].close('all')\n"
            "%reset -f"
        )
        if charts is not None:
            code = f"import bwklib.report.chartcache as _cc\n_cc.use({str(charts)!r})\n" + code
        if cwd is not None:
            code = f"import os as _os\n_os.chdir({str(cwd)!r})\n" + code
            self.cwd = cwd
        if not self.run(code, timeout=60):
            raise RuntimeError("de kernel kon niet worden leeggemaakt")

    def run(self, code: str, timeout: float) -> bool:
        """Execute code on the kernel (output discarded); whether it ran without an error.

        Raises
        ------
        TimeoutError
            When the kernel does not finish within `timeout` seconds.
        """
        from jupyter_core.utils import run_sync

        if self.kc is None:
            self.wait_ready()
        reply = run_sync(self.kc.execute_interactive)(
            code, store_history=False, timeout=timeout, output_hook=lambda msg: None
        )
        return reply["content"]["status"] == "ok"

    def kill(self) -> None:
        """Kill the kernel's process at once and remove its IPC files; wait for nothing.

        For a signal handler: no message to the kernel, no client closed, no thread joined (the
        signal may have come while this process was doing any of that, holding its locks).
        """
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)
        if self.ipc_dir:
            shutil.rmtree(self.ipc_dir, ignore_errors=True)

    def stop(self) -> None:
        """Shut the kernel down, close its client and remove its IPC files."""
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)
        if self.km is not None:
            self.km.cleanup_resources()
        if self.ipc_dir:
            shutil.rmtree(self.ipc_dir, ignore_errors=True)
        if self.owner is not None:
            self.owner.close()
        self.km, self.kc, self.ipc_dir, self.owner = None, None, None, None


_KERNEL: WorkerKernel | None = None


ENGINE = "bwk-reused-kernel"


def register_engine() -> None:
    """Register the papermill engine that executes on the worker's running kernel.

    papermill's nbclient engine would connect a client of its own for every notebook; this engine
    hands nbclient the kernel's client (`WorkerKernel.wait_ready`), which stays connected.
    """
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
            kc = kwargs.pop("kc", None)
            if kc is None:  # nbclient would connect a blocking client: no time limit would fire
                raise ValueError("the engine needs the worker kernel's client (kc=)")
            kwargs = {k: v for k, v in kwargs.items() if k not in ("input_path", "timeout")}
            client = timeouts.notebook_client_class()(  # an asyncio client: time limits work
                nb_man,
                kernel_name=kernel_name,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = kc  # the kernel's own client: nbclient connects none and closes none
            return client.execute()  # a kernel manager handed in is left running

    papermill_engines.register(ENGINE, ReusedKernelEngine)


def worker_kernel(cwd: str, wait: bool = True, preload: bool = False) -> WorkerKernel:
    """This worker's kernel, started on first use and shut down when the worker exits.

    wait=False: a kernel that has to be started is not waited for (see `WorkerKernel.ensure`).
    """
    global _KERNEL
    if _KERNEL is None:
        import atexit

        register_engine()
        _KERNEL = WorkerKernel(cwd)
        atexit.register(_KERNEL.stop)
    if _KERNEL.km is None or not _KERNEL.km.is_alive():
        _KERNEL.cwd = cwd  # (re)start it in this folder; a running kernel moves there on reset
    _KERNEL.ensure(wait, preload)
    return _KERNEL
