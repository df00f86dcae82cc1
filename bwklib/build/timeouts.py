"""The execution time limit of a notebook: a report that hangs fails; the run goes on.

The limit applies to a whole notebook (every cell gets what is left of it). It is set with
`bwk run --timeout SECONDS` or the environment variable BWK_TIMEOUT; default 600 seconds.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

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


def running_cell(notebook: Path) -> tuple[int, str] | None:
    """The code cell that was running when papermill stopped: (its number, its first source)."""
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError):
        return None
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        if cell.metadata.get("papermill", {}).get("status") == "running":
            return number, " ".join(cell.source.split())[:120]
    return None


def timeout_message(notebook: Path, limit: float) -> str:
    """The Dutch error of a notebook stopped at its time limit, naming the cell."""
    cell = running_cell(notebook)
    where = f"cel {cell[0]} ({cell[1]}): " if cell else ""
    return (
        f"{where}het notebook liep langer dan de tijdslimiet van {seconds_text(limit)} en is "
        f"afgebroken; zoek uit waarom deze cel zo lang duurt, of verhoog de limiet met "
        f"bwk run --timeout SECONDEN (of {ENV})"
    )
