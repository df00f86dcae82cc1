"""Where a report's time goes: execution split into data loading, charts, other cells and papermill."""

import nbformat

from bwklib.build.plan import Task, TaskResult
from bwklib.build.timing import PHASES, Stopwatch, table


def cell(source, seconds, html=""):
    c = nbformat.v4.new_code_cell(source)
    c.metadata["papermill"] = {"duration": seconds}
    if html:
        c.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    return c


def test_execution_is_split_by_cell_kind():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell("data = views.load(year, data_dir)", 0.5),
        cell("views.finance_chart(data, location)", 1.25, '<figure class="bwk-chart">'),
        cell("views.finance_table(data, location)", 0.25, "<table>"),
        nbformat.v4.new_markdown_cell("## Kop"),
    ]
    watch = Stopwatch()
    watch.seconds["papermill"] = 3.0
    watch.split_execution(nb)
    assert watch.seconds == {"papermill": 1.0, "load": 0.5, "charts": 1.25, "cells": 0.25}


def test_table_lists_every_built_report_and_the_sum():
    task = Task("top", "locatie", "TOP", {})
    built = TaskResult(task, True, 2.0, phases={"charts": 1.5, "render": 0.5})
    reused = TaskResult(Task("de-klop", "locatie", "De Klop", {}), True, 0.0)
    lines = table([built, reused]).splitlines()
    assert lines[0].split()[1:-1] == list(PHASES)
    assert lines[1].split()[0] == "top" and "de-klop" not in table([built, reused])
    assert lines[2].split()[0] == "samen" and lines[2].split()[-1] == "2.00"
