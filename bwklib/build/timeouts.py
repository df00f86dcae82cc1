"""The execution time limit of a notebook: a report that hangs fails; the run goes on.

The limit applies to a whole notebook (every cell gets what is left of it). It is set with
`bwk run --timeout SECONDS` or the environment variable BWK_TIMEOUT; default 600 seconds.
"""

from __future__ import annotations

import math
import os
import time

from bwklib.errors import RunError

ENV = "BWK_TIMEOUT"
DEFAULT = 600.0


def notebook_timeout(value: float | None = None) -> float:
    """The time limit in seconds: `value`, else BWK_TIMEOUT, else the default.

    Raises
    ------
    RunError
        When BWK_TIMEOUT is not a number of seconds above 0.
    """
    if value is not None:
        return float(value)
    text = os.environ.get(ENV, "").strip()
    if not text:
        return DEFAULT
    try:
        seconds = float(text.replace(",", "."))
    except ValueError:
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise RunError(f"{ENV} moet een aantal seconden groter dan 0 zijn, niet {text!r}")
    return seconds


def seconds_text(seconds: float) -> str:
    """Seconds the Dutch way: `600 s`, `0,5 s`."""
    return f"{seconds:g}".replace(".", ",") + " s"


class NotebookClock:
    """The time limit of one notebook, as nbclient's `timeout_func`.

    nbclient asks it for the time a cell may take just before sending the cell to the kernel:
    the clock starts with the first cell (kernel start-up does not count), and the last cell asked
    about is the one that was running when the limit was reached.
    """

    def __init__(self, limit: float):
        self.limit, self.deadline, self.cells, self.source = limit, None, 0, ""

    def remaining(self, cell) -> float:
        """Seconds the cell may take: what is left of the notebook's limit (at least 1 ms)."""
        now = time.monotonic()
        if self.deadline is None:
            self.deadline = now + self.limit
        self.cells += 1  # numbered as the executed notebook numbers its code cells
        self.source = " ".join(str(cell.source).split())[:120]
        return max(self.deadline - now, 0.001)

    def message(self) -> str:
        """The Dutch error of a notebook stopped at its time limit, naming the cell."""
        where = f"cel {self.cells} ({self.source}): " if self.cells else ""
        return (
            f"{where}het notebook liep langer dan de tijdslimiet van {seconds_text(self.limit)} "
            "en is afgebroken; zoek uit waarom deze cel zo lang duurt, of verhoog de limiet met "
            f"bwk run --timeout SECONDEN (of {ENV})"
        )


IOPUB_GRACE = 60  # seconds a cell's output may trail its reply on a busy machine


def notebook_client_class():
    """papermill's notebook client, with time for a cell's output to trail its reply.

    It talks to the worker's kernel through the kernel's own asyncio client
    (bwklib.build.engine.WorkerKernel.wait_ready): a blocking client, which the synchronous kernel
    manager would hand nbclient, lets nothing else run while it waits for a cell's output, so a
    cell's time limit would never fire.
    """
    from papermill.clientwrap import PapermillNotebookClient

    class TimedNotebookClient(PapermillNotebookClient):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("iopub_timeout", IOPUB_GRACE)
            super().__init__(*args, **kwargs)

    return TimedNotebookClient
