"""The reports of a year: one task per location and per region, read from the data, never code."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bwklib import paths
from bwklib.errors import RunError
from bwklib.inputs.loading import YearData, complete_years

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


def plan(data: YearData, data_dir: str | None = None) -> list[Task]:
    """The reports of a year: one per location, then one per region (from the data, not code).

    data_dir is the notebooks' data_dir parameter: by default the folder the data was read from; a
    run passes a path relative to the kernels' working folder (its input snapshot).
    """
    data_dir = str(data.data_dir) if data_dir is None else data_dir
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


def default_jobs() -> int:
    """Parallel workers: the number of cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
