"""Test helper: stand-ins for locatie.ipynb and regio.ipynb that take the same parameters and run in
milliseconds, for tests about processes, publishing and time limits rather than about the reports."""

from pathlib import Path

import nbformat


def write_tiny_notebooks(folder: Path, extra: str | list[str] = "") -> Path:
    """Write locatie.ipynb and regio.ipynb into folder, with `extra` code cell(s) at the end."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, scope in (("locatie", "location"), ("regio", "region")):
        params = nbformat.v4.new_code_cell(f'year = 2019\n{scope} = "x"\ndata_dir = None')
        params.metadata["tags"] = ["parameters"]
        cells = [params, nbformat.v4.new_code_cell(f"print({scope}, year)")]
        for source in [extra] if isinstance(extra, str) else extra:
            if source:
                cells.append(nbformat.v4.new_code_cell(source))
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, folder / f"{kind}.ipynb")
    return folder
