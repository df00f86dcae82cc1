"""Incremental builds: a content hash of everything a report depends on decides whether it is rebuilt.

The key of a report covers its input data (for a location only its own rows of the shared
per-location tables), the notebook, every bwklib source file and template, the parameters, and the
versions of the packages that shape the output. Keys of the published year are kept in
output/<year>/.bwk-manifest.json; a report whose key is unchanged is reused from there (hard-linked),
so a rerun with nothing changed starts no kernel.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from importlib import metadata
from pathlib import Path

from bwklib import paths
from bwklib.build.provenance import FileDigests, input_digests

MANIFEST = ".bwk-manifest.json"
OUTPUT_PACKAGES = [
    "pandas",
    "numpy",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbformat",
    "nbclient",
    "ipykernel",
    "jupyter-client",
    # What turns notebooks and stories into HTML: story Markdown, nbconvert's Markdown cells,
    # templates, code highlighting and its CSS, PNG encoding of the charts.
    "markdown-it-py",
    "mistune",
    "jinja2",
    "pygments",
    "jupyterlab-pygments",
    "pillow",
]


def code_digest(package_dir: Path = paths.PACKAGE_DIR) -> str:
    """SHA-256 over every bwklib source and template file (path and bytes), in sorted order."""
    h = hashlib.sha256()
    for path in sorted(
        p
        for p in package_dir.rglob("*")
        if p.is_file() and p.suffix in (".py", ".j2", ".json", ".css")
    ):
        h.update(path.relative_to(package_dir).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def environment() -> dict:
    """Python and package versions that shape a report's output."""
    return {
        "python": platform.python_version(),
        **{p: metadata.version(p) for p in OUTPUT_PACKAGES},
    }


def task_key(
    data, task, notebook_dir: Path, code: str, env: dict, digests: FileDigests | None = None
) -> str:
    """The content hash that decides whether a report must be rebuilt.

    `digests`: one `FileDigests` for the keys of every report of a snapshot (each file read once).
    """
    record = {
        "notebook": hashlib.sha256((Path(notebook_dir) / task.notebook).read_bytes()).hexdigest(),
        "code": code,
        "environment": env,
        "parameters": task.parameters,
        "title": task.title,
        "inputs": input_digests(data, task.scope, digests),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def outputs(task) -> list[str]:
    """The files one report consists of, relative to the year folder."""
    return [f"{task.scope}.html", f"{task.scope}-audit.html", f"notebooks/{task.scope}.ipynb"]


def read_manifest(year_dir: Path) -> dict:
    """Keys of the reports in a published year folder (empty when absent or unreadable)."""
    try:
        return json.loads((Path(year_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(year_dir: Path, keys: dict) -> None:
    """Record the keys of the reports built successfully."""
    text = json.dumps(dict(sorted(keys.items())), indent=2) + "\n"
    (Path(year_dir) / MANIFEST).write_text(text, encoding="utf-8")


def link_outputs(task, previous: Path, staging: Path) -> bool:
    """Hard-link (or copy) a report's files from the previous output into staging, if all exist."""
    files = outputs(task)
    if not all((previous / f).is_file() for f in files):
        return False
    for f in files:
        target = staging / f
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous / f, target)
        except OSError:
            shutil.copy2(previous / f, target)
    return True


def reuse(task, key: str, manifest: dict, previous: Path, staging: Path) -> bool:
    """Link a report's files from the previous output into staging when its key is unchanged."""
    return manifest.get(task.scope) == key and link_outputs(task, previous, staging)
