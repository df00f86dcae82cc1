"""The no-op fast path: decide from file hashes alone whether `bwk run` has anything to do.

A complete run records, in output/<year>/.bwk-inputs.json, a fingerprint of everything its output
was made from: the bytes of every file under the data folder (data, configuration, datapackage.json,
stories and the earlier years the comparison reads), the notebooks, every file of the bwklib package,
the Python and installed package versions, the git commit (the provenance shows it) and the run's
parameters. It also lists the files it published, with size and modification time.

`bwk run` compares that record with a fresh fingerprint before it imports pandas, matplotlib or the
notebook machinery. Only when every byte is the same and every published file is still in place does
it stop ("Ongewijzigd"); any difference, however small or unrelated, falls back to the full run,
whose per-report keys (bwklib.build.cache) decide what to rebuild. The fast path can therefore only
skip work when the full run would have rebuilt nothing.

This module imports nothing but the standard library, bwklib.paths and bwklib.inputs.digests:
keep it that way.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from bwklib import paths
from bwklib.inputs.digests import tree_digests

__all__ = ["differences", "fingerprint", "read_record", "tree_digests", "unchanged", "write_record"]

RECORD = ".bwk-inputs.json"
VERSION = 1
FILE_PARTS = ("code", "notebooks", "data")  # recorded file by file, by relative path


def installed_packages() -> list[str]:
    """Name and version of every installed distribution on sys.path (the dist-info folder names).

    One directory listing per path entry: much cheaper than importlib.metadata, and it notices any
    upgrade, not only those of the packages that shape the output.
    """
    found = []
    for entry in sys.path:
        if os.path.basename(entry) not in ("site-packages", "dist-packages"):
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        found += [
            f"{entry}/{n}" for n in names if n.endswith((".dist-info", ".egg-info", ".egg-link"))
        ]
    return sorted(found)


def git_head(root: Path = paths.ROOT) -> str | None:
    """The commit the code is at (the reports' provenance shows it), or None outside git."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def fingerprint(
    data_dir: Path,
    notebook_dir: Path | None = None,
    pdf: bool = False,
    package_dir: Path | None = None,
) -> dict:
    """Everything a year's output is made from, file by file (see the module docstring)."""
    data_dir = Path(data_dir).resolve()
    notebook_dir = Path(notebook_dir or paths.NOTEBOOK_DIR).resolve()
    package_dir = Path(package_dir or paths.PACKAGE_DIR)
    return {
        "version": VERSION,
        "parameters": {"data_dir": str(data_dir), "notebook_dir": str(notebook_dir), "pdf": pdf},
        "python": [sys.version, sys.executable],
        "packages": installed_packages(),
        "git": git_head(),
        "code": tree_digests(package_dir),
        "notebooks": tree_digests(notebook_dir),
        "data": tree_digests(data_dir),
    }


def published_files(year_dir: Path) -> dict[str, int]:
    """Size of every file of a year's output (the record itself excluded).

    Sizes, not times: a rebuild of the same inputs writes byte-identical files, so it must write a
    byte-identical record too.
    """
    year_dir = Path(year_dir)
    files = {}
    for folder, _, names in os.walk(year_dir):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(year_dir).as_posix()
            if rel != RECORD:
                files[rel] = path.stat().st_size
    return dict(sorted(files.items()))


def condensed(fp: dict) -> dict:
    """A fingerprint as recorded: file digests kept per file, other parts as one hash.

    Parts such as the parameters and the Python installation hold absolute paths, which have no
    place in a published folder; a hash of them decides just as well.
    """
    return {
        part: value
        if part in FILE_PARTS
        else hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
        for part, value in fp.items()
    }


def write_record(year_dir: Path, year: int, fp: dict, latest: bool) -> None:
    """Record the fingerprint a complete run started from, and the files it wrote.

    Call it last, on the complete folder about to be published (a rename keeps sizes and times).

    Parameters
    ----------
    year_dir : Path
        The complete output folder of the year (the staging folder of the run).
    year : int
        The year built.
    fp : dict
        The fingerprint taken before the run read any input.
    latest : bool
        Whether the year was the latest complete one in the data folder (then `bwk run` without
        --year may take the fast path too).
    """
    record = {
        "year": year,
        "latest": latest,
        "fingerprint": condensed(fp),
        "outputs": published_files(year_dir),
    }
    (Path(year_dir) / RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def read_record(year_dir: Path) -> dict | None:
    """The record of a published year, or None when absent or unreadable."""
    try:
        record = json.loads((Path(year_dir) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def differences(record: dict, fp: dict, year_dir: Path) -> list[str]:
    """What differs between a record and now: input parts by name, then missing or changed outputs.

    Returns
    -------
    list of str
        Empty when nothing differs; otherwise short descriptions (for tests and diagnostics).
    """
    old, fp = record.get("fingerprint", {}), condensed(fp)
    found = []
    for part in fp:
        if old.get(part) != fp[part]:
            if part in FILE_PARTS and isinstance(old.get(part), dict):
                keys = sorted(set(fp[part]) | set(old[part]))
                found += [f"{part}: {k}" for k in keys if fp[part].get(k) != old[part].get(k)] or [
                    part
                ]
            else:
                found.append(part)
    if found:
        return found
    try:
        now = published_files(year_dir)
    except OSError:
        return ["outputs"]
    then = record.get("outputs", {})
    return [f"output: {f}" for f in sorted(set(now) | set(then)) if now.get(f) != then.get(f)]


def unchanged(
    year: int | None,
    data_dir: Path,
    output_dir: Path,
    notebook_dir: Path | None = None,
    pdf: bool = False,
) -> Path | None:
    """The published year folder when a run would change nothing in it, else None.

    Parameters
    ----------
    year : int or None
        The year asked for; None means the latest complete year, which is taken from the record of
        a run made without --year on exactly the same data folder.
    data_dir, output_dir, notebook_dir : Path
        As given to `bwk run`.
    pdf : bool
        Whether PDFs are asked for (a run with and one without --pdf publish different files).
    """
    output_dir = Path(output_dir)
    if year is not None:
        candidates = [year]
    else:
        try:
            candidates = sorted(
                (int(p.name) for p in output_dir.iterdir() if p.name.isdigit()), reverse=True
            )
        except OSError:
            return None
    fp = None
    for y in candidates:
        year_dir = output_dir / str(y)
        record = read_record(year_dir)
        if record is None or record.get("year") != y or (year is None and not record.get("latest")):
            continue
        fp = fp or fingerprint(data_dir, notebook_dir, pdf)
        if not differences(record, fp, year_dir):
            return year_dir
    return None
