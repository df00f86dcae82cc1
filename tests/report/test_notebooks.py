"""Notebooks: committed without outputs, one parameters cell, and no arithmetic in any cell."""

import ast

import nbformat
import pytest

from bwklib import paths

NOTEBOOKS = paths.ROOT / "notebooks"
PARAMETERS = {
    "locatie.ipynb": {"year", "location", "data_dir"},
    "regio.ipynb": {"year", "region", "data_dir"},
}


@pytest.fixture(params=sorted(PARAMETERS))
def notebook(request):
    return request.param, nbformat.read(NOTEBOOKS / request.param, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


class TestNotebooks:
    def test_committed_without_outputs(self, notebook):
        _, nb = notebook
        assert all(not c.outputs and c.execution_count is None for c in code_cells(nb))

    def test_one_parameters_cell_with_the_contract_names(self, notebook):
        name, nb = notebook
        tagged = [c for c in code_cells(nb) if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1
        assigned = {t.id for node in ast.parse(tagged[0].source).body for t in node.targets}
        assert assigned == PARAMETERS[name]

    def test_notebooks_present_and_bwklib_computes(self, notebook):
        # Arithmetic, comparisons, comprehensions or subscripts on data in a notebook are a defect.
        _, nb = notebook
        forbidden = (
            ast.BinOp,
            ast.AugAssign,
            ast.Compare,
            ast.ListComp,
            ast.DictComp,
            ast.GeneratorExp,
            ast.Subscript,
            ast.For,
            ast.Lambda,
        )
        for c in code_cells(nb):
            bad = [
                type(n).__name__ for n in ast.walk(ast.parse(c.source)) if isinstance(n, forbidden)
            ]
            assert not bad, f"cell {c.id} computes: {bad}\n{c.source}"

    def test_no_data_in_markdown(self, notebook):
        # Markdown cells are static text: names and figures come from escaped code output.
        _, nb = notebook
        for c in nb.cells:
            if c.cell_type == "markdown":
                assert "{" not in c.source and "<" not in c.source
