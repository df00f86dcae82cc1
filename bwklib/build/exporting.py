"""`bwk export`: the exports of a year, written from an input snapshot and published as one step.

Under the year's lock (as `bwk run`), after recovering what a killed run left. The new exports and
hard links to the rest of the published year go into a staging folder that replaces output/<year>/
at once, so a reader never sees exports from two different data states, and an interrupted export
leaves the previous year as it was. Without a published year, output/<year>/ gets only the exports;
it has no index page, so recovery never takes it for a complete output.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bwklib.build import snapshot
from bwklib.build.exports import write_exports
from bwklib.build.hooks import checkpoint
from bwklib.build.publish import interrupt_on_terminate, publish, recover, year_lock


def link_tree(source: Path, target: Path, skip: set[str]) -> None:
    """Hard-link (or copy) every file under source into target, except the relative paths in skip."""
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source).as_posix()
        if rel in skip or not path.is_file():
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)


def export_year(year: int, data_dir: Path, output_dir: Path) -> list[Path]:
    """Write scores.csv, figures.csv, checks.csv and provenance.json into output/<year>/.

    Returns
    -------
    list of Path
        The published export files.

    Raises
    ------
    DataError
        When the data does not validate (nothing changes).
    RunError
        When a run, import or export holds the year's lock.
    """
    data_dir, output_dir = Path(data_dir).resolve(), Path(output_dir).resolve()
    final = output_dir / str(year)
    with year_lock(output_dir, year), interrupt_on_terminate():
        recover(output_dir, year)
        staging = Path(tempfile.mkdtemp(prefix=f".bwk-build-{year}-", dir=output_dir))
        try:
            staging.chmod(0o755)
            inputs = snapshot.take(data_dir, year, staging / snapshot.SNAPSHOT)
            data = inputs.load(year).read_only()  # scores computed once, not once per scope
            checkpoint("snapshot-taken")
            fresh = staging / ".bwk-exports"
            written = [p.relative_to(fresh).as_posix() for p in write_exports(data, fresh)]
            if final.is_dir():
                link_tree(final, staging, set(written))
            for rel in written:
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                (fresh / rel).rename(staging / rel)
            shutil.rmtree(fresh)
            shutil.rmtree(inputs.root)
            publish(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return [final / rel for rel in written]
