"""Where a report's time goes: kernel start and reset, data loading, charts, other cells, rendering.

The worker measures the phases around papermill and rendering; the cells' own durations come from
the executed notebook (papermill records them before the notebook is normalised). `bwk run
--timings` and `make bench` print them, so the next thing to speed up is visible.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

# Phases in the order of a report's life, with the Dutch words `bwk run --timings` prints.
PHASES = {
    "kernel": "kernel starten",
    "reset": "kernel leegmaken",
    "load": "gegevens inlezen",
    "charts": "grafieken",
    "cells": "overige cellen",
    "papermill": "papermill",
    "render": "HTML maken",
}
CHART_MARK = "bwk-chart"  # the class of every chart's <figure> (bwklib.report.charts)


class Stopwatch:
    """Seconds per phase of one report."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        """Add the time spent inside the block to phase `name`."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def split_execution(self, nb, name: str = "papermill") -> None:
        """Split the time of phase `name` (executing the notebook) into its cells' kinds.

        The cells' durations as papermill recorded them go to `load` (the cell that loads the
        data), `charts` (cells whose output holds a chart) or `cells`; what remains of the phase is
        papermill's own overhead (parameters, kernel messages, writing the notebook).
        """
        total = self.seconds.get(name, 0.0)
        for cell in nb.cells:
            seconds = (cell.metadata.get("papermill") or {}).get("duration")
            if cell.cell_type != "code" or not seconds:
                continue
            if "views.load(" in cell.source:
                kind = "load"
            elif any(CHART_MARK in str(out.get("data", {})) for out in cell.get("outputs", [])):
                kind = "charts"
            else:
                kind = "cells"
            self.seconds[kind] = self.seconds.get(kind, 0.0) + seconds
            total -= seconds
        self.seconds[name] = max(0.0, total)


def table(results) -> str:
    """The phases of every report built, one line each, and the sum per phase (Dutch)."""
    built = [r for r in results if r.phases]
    if not built:
        return "Geen rapporten gemaakt."
    width = max(len(r.task.scope) for r in built)
    head = f"{'rapport':<{width}}  " + "  ".join(f"{k:>9}" for k in PHASES) + "     totaal"
    lines = [head]
    for r in built:
        cells = "  ".join(f"{r.phases.get(k, 0.0):9.2f}" for k in PHASES)
        lines.append(f"{r.task.scope:<{width}}  {cells}  {r.seconds:9.2f}")
    sums = "  ".join(f"{sum(r.phases.get(k, 0.0) for r in built):9.2f}" for k in PHASES)
    lines.append(f"{'samen':<{width}}  {sums}  {sum(r.seconds for r in built):9.2f}")
    legend = ", ".join(f"{k}: {v}" for k, v in PHASES.items())
    return "\n".join([*lines, f"(seconden; {legend})"])
