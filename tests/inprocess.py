"""A report's text without a kernel: the cells of its notebook run in the test process.

The notebooks only call `bwklib.views` (tests/report/test_notebooks.py enforces it), so what a report
shows is the HTML those calls return. `report_html` runs the code cells of a notebook here, with the
parameters a build passes (papermill's injected cell follows the parameters cell), and joins the
HTML of each cell's value, leaving out the cells the chosen version leaves out. For tests that read
what a report says where the kernel, papermill and nbconvert are not what is tested: real builds
(`built2019`, the `build` tests) test those. About a second of this process instead of a worker
process, a kernel and its imports.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from bwklib import paths
from bwklib.build.render import AUDIT_TAG, STAKEHOLDER_TAG


def report_html(notebook: str, parameters: dict, audit: bool = False) -> str:
    """The HTML of a report's cells: `notebook` ('locatie.ipynb' or 'regio.ipynb') run in-process.

    Parameters
    ----------
    notebook : str
        The notebook's file name in notebooks/.
    parameters : dict
        What the build passes: year, location or region, data_dir.
    audit : bool
        The audit version's cells (else the stakeholder version's).

    Returns
    -------
    str
        The HTML of every cell's displayed value, in order.

    Raises
    ------
    Exception
        Whatever a cell raises, as a kernel would report it.
    """
    nb = json.loads((Path(paths.NOTEBOOK_DIR) / notebook).read_text(encoding="utf-8"))
    left_out = STAKEHOLDER_TAG if audit else AUDIT_TAG
    namespace: dict = {}
    shown: list[str] = []
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code" or left_out in tags:
            continue
        tree = ast.parse("".join(cell["source"]))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, notebook, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), notebook, "eval"), namespace)
            if value is not None:
                shown.append(value._repr_html_() if hasattr(value, "_repr_html_") else str(value))
        if "parameters" in tags:
            namespace.update(parameters)
    return "\n".join(shown)
