"""The reports of a year: one task per location and per region, read from the data, never code."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bwklib import paths
from bwklib.errors import RunError

if TYPE_CHECKING:  # the workers import Task and TaskResult from here, and need no pandas
    from bwklib.inputs.loading import YearData

STAKEHOLDER_SUFFIX = ""
AUDIT_SUFFIX = paths.AUDIT_SUFFIX


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
    phases: dict = field(default_factory=dict)  # seconds per phase (bwklib.build.timing)


def plan(data: YearData, notebook_dir: Path | None = None) -> list[Task]:
    """The reports of a year: one per location, then one per region (from the data, not code).

    The notebooks' data_dir parameter is relative to notebook_dir (the kernel's working folder),
    so no report shows the absolute folders of the machine that built it.
    """
    data_dir = os.path.relpath(data.data_dir, notebook_dir) if notebook_dir else str(data.data_dir)
    data_dir = Path(data_dir).as_posix()
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
    from bwklib.inputs.loading import complete_years

    years = complete_years(data_dir)
    if not years:
        raise RunError(f"geen volledige jaarmap gevonden in {data_dir}")
    return years[-1]
