"""Every number a report shows, in a table or a chart, is in an export (figures.csv, scores.csv, or for
the published-against-recomputed section checks.csv) under a documented key."""

import ast
import csv
import math

import nbformat
import pandas as pd
import pytest
from traceability import numeric_cells, shown_forms

from bwklib import paths, views
from bwklib.compute.keys import documentation, key_docs
from bwklib.report import charts

SCOPES = ["top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop", "utrecht"]


@pytest.fixture(scope="module")
def exports(data2019, tmp_path_factory):
    from bwklib.build.exports import write_exports

    out = tmp_path_factory.mktemp("traceable")
    write_exports(data2019, out)

    def read(name):
        with open(out / name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    docs = key_docs(data2019)
    figures = [r for r in read("figures.csv") if documentation(r["key"], docs) is not None]
    return figures, read("scores.csv"), read("checks.csv")


def report_html(data, scope):
    """The report's sections as the notebook calls them (the same HTML the build embeds)."""
    kind = "regio" if scope == "utrecht" else "locatie"
    nb = nbformat.read(paths.NOTEBOOK_DIR / f"{kind}.ipynb", as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "audit-only" in cell.metadata.get("tags", []):
            continue  # the stakeholder version
        for node in ast.parse(cell.source).body:
            call = node.value if isinstance(node, ast.Expr) else None
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and getattr(call.func.value, "id", "") == "views"
                and call.func.attr not in ("load", "header", "provenance_block")
            ):
                parts.append(str(getattr(views, call.func.attr)(data, scope)))
    return "".join(parts)


CHARTS = (
    "hbar",
    "achievement_chart",
    "stacked_by_location",
    "budget_actual_chart",
    "small_multiples",
    "trend_chart",
    "panels",
)


@pytest.fixture(scope="module")
def rendered(data2019):
    """Each scope's report sections, rendered once: scope -> (HTML, the numbers its charts got).

    The chart functions record the numbers they receive and draw nothing (a chart is SVG, never a
    table: the tables' HTML is the same as in the build)."""

    def numbers(seen, obj, columns=None):
        if isinstance(obj, pd.DataFrame):
            cols = columns or [c for c in obj.columns if pd.api.types.is_numeric_dtype(obj[c])]
            for c in cols:
                numbers(seen, obj[c])
        elif isinstance(obj, pd.Series):
            seen.extend(float(v) for v in obj if not pd.isna(v))

    def recorder(name, seen):
        def record(*args, **kwargs):
            if name == "achievement_chart":
                numbers(seen, args[0], ["achievement"])
            else:
                for a in args:
                    numbers(seen, a)
            numbers(seen, kwargs.get("shares"))
            return ""

        return record

    result = {}
    for scope in SCOPES:
        seen = []
        with pytest.MonkeyPatch.context() as mp:
            for name in CHARTS:
                mp.setattr(charts, name, recorder(name, seen))
            result[scope] = (report_html(data2019, scope), seen)
    return result


@pytest.mark.parametrize("scope", SCOPES)
def test_every_number_in_a_table_is_exported(rendered, exports, scope):
    html, _ = rendered[scope]
    cells = numeric_cells(html)
    assert len(cells) > 20
    forms = shown_forms(*exports)
    assert not sorted({c for c in cells if c not in forms})


@pytest.mark.parametrize("scope", SCOPES)
def test_every_number_in_a_chart_is_exported(rendered, exports, scope):
    figures, scores, _ = exports
    values = [float(r["value"]) for r in figures if r["value"] != ""]
    values += [float(s["achievement"]) for s in scores if s["achievement"]]
    _, chart_data = rendered[scope]
    assert chart_data
    missing = [v for v in chart_data if not any(math.isclose(v, x, abs_tol=1e-12) for x in values)]
    assert not missing


def test_calculations_only_in_the_audit_version(built2019):
    out = built2019.year
    for scope in ("top", "utrecht"):
        audit = (out / f"{scope}-audit.html").read_text(encoding="utf-8")
        stakeholder = (out / f"{scope}.html").read_text(encoding="utf-8")
        assert audit.count("Zo is dit berekend") >= 7
        assert "bwklib.compute.finance.finance_lines" in audit
        assert "Zo is dit berekend" not in stakeholder and "calculation" not in stakeholder


def test_every_number_in_the_built_tables_is_in_that_builds_exports(built2019, data2019):
    out = built2019.year

    def read(name):
        with open(out / name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    docs = key_docs(data2019)
    figures = [r for r in read("figures.csv") if documentation(r["key"], docs) is not None]
    forms = shown_forms(figures, read("scores.csv"), read("checks.csv"))
    for scope in ("top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop", "utrecht"):
        html = (out / f"{scope}.html").read_text(encoding="utf-8")
        cells = numeric_cells(html)
        assert len(cells) > 20, scope
        assert not sorted({c for c in cells if c not in forms}), scope
