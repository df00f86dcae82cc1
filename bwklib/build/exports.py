"""Exports: the machine-readable files researchers and other tools rely on (scores.csv, figures.csv).

Column names are a contract (see README). Numbers are written at full precision (repr of a float),
so a rerun on the same data writes byte-identical files.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pandas as pd

from bwklib.build.provenance import collect
from bwklib.compute.checks import CHECK_COLUMNS, compute_checks
from bwklib.compute.figures import FIGURE_COLUMNS, compute_figures
from bwklib.compute.history import history_figures
from bwklib.compute.scoring import SCORE_COLUMNS, score_all
from bwklib.formulas import neutralise

SCORE_EXPORT_COLUMNS = [*SCORE_COLUMNS, "source"]  # rule and source appended: the contract holds


def plain(value) -> str:
    """A cell for CSV: empty for missing, whole numbers without '.0', other floats at full precision.

    Text that a spreadsheet would evaluate as a formula gets a leading quote (bwklib.formulas).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path) -> Path:
    """Write a frame with exactly these columns, UTF-8, '\\n' line ends, minimal quoting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for row in frame[columns].itertuples(index=False):
            writer.writerow([plain(v) for v in row])
    return path


def write_provenance(data, path: Path) -> Path:
    """Write provenance.json: data hashes, code commit, versions and parameters (no timestamps)."""
    record = collect(data)
    text = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def write_exports(data, out_dir: Path) -> list[Path]:
    """Write scores.csv, figures.csv, checks.csv, provenance.json and datapackage.json; return paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    current = compute_figures(data)
    figures = pd.concat([current, history_figures(data, current=current)], ignore_index=True)
    scores = score_all(data).assign(source=score_source(data))
    return [
        write_csv(scores, SCORE_EXPORT_COLUMNS, out_dir / "scores.csv"),
        write_csv(figures, FIGURE_COLUMNS, out_dir / "figures.csv"),
        write_csv(compute_checks(data, figures), CHECK_COLUMNS, out_dir / "checks.csv"),
        write_provenance(data, out_dir / "provenance.json"),
        write_datapackage(data, out_dir / "datapackage.json"),
    ]


def score_source(data) -> str:
    """The function and data files every score comes from (the `source` column of scores.csv)."""
    files = data.source("results", "indicators", "scoring_rules", "bands")
    return f"bwklib.compute.scoring.score_location <- {files}"


def write_datapackage(data, path: Path) -> Path:
    """Write datapackage.json: every export file and column described, every figure key documented."""
    from bwklib.build.datapackage import describe

    text = json.dumps(describe(data, path.parent), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
