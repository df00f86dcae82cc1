"""Reproducible and parallel: the same data and notebooks at another absolute path, rebuilt by force
with more workers than cores (kernels start at the same time and finish in another order), give
byte-identical outputs, and no output names a folder of the machine that built it.

One more build does it all: a forced rerun over a copy of the session's shared 2019 build (built with
2 workers from the working tree's data and notebooks), from copies of them in another, deeper folder.
It executes one report of each notebook for real (de-klop: locatie, utrecht: regio); the three other
locations are stubbed (tests/buildtools.py) and left out of the comparison: they run the same
notebook as de-klop. Every other output (exports, index, manifest, provenance) is compared.
"""

import shutil

import pytest
from buildtools import stubbed

from bwklib import paths
from bwklib.build.fastpath import RECORD
from bwklib.build.pipeline import default_jobs, run

pytestmark = pytest.mark.build  # executes notebooks (two reports besides the shared build)

REAL = {"de-klop", "utrecht"}  # one per notebook: locatie.ipynb and regio.ipynb

# The fast path's record fingerprints where this checkout's inputs live (hashed, never shown): it is
# bookkeeping of `bwk run` on this machine, not an output anyone reads, and must differ per folder.
LOCAL_BOOKKEEPING = {RECORD}


def files(folder, stubbed=()):
    """Every file of a year's output but the local bookkeeping (and the stubbed scopes' reports)."""
    left_out = {f for scope in stubbed for f in paths.report_files(scope)}
    return sorted(
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file()
        and p.name not in LOCAL_BOOKKEEPING
        and p.relative_to(folder).as_posix() not in left_out
    )


def first_difference(a, b, differ) -> str:
    """The differing files and the first lines that differ in the first of them (for the log)."""
    import difflib

    lines = [
        (p / differ[0]).read_text(encoding="utf-8", errors="replace").splitlines() for p in (a, b)
    ]
    diff = [d for d in difflib.unified_diff(*lines, lineterm="", n=0) if d[:1] in "+-"]
    return f"{[str(f) for f in differ]}\n" + "\n".join(d[:300] for d in diff[2:12])


def test_forced_rerun_elsewhere_with_more_jobs_than_cores(built2019, tmp_path):
    root = tmp_path / "elsewhere" / "deeper" / "second"
    shutil.copytree(paths.DATA_DIR, root / "data")
    shutil.copytree(paths.NOTEBOOK_DIR, root / "notebooks")
    shutil.copytree(built2019.year, root / "output" / "2019")
    lines = []
    with stubbed(real=REAL):
        summary = run(
            2019,
            data_dir=root / "data",
            output_dir=root / "output",
            notebook_dir=root / "notebooks",
            jobs=default_jobs() + 1,
            force=True,
            progress=lines.append,
        )
    assert not summary.failures, [f.error for f in summary.failures]
    assert len([line for line in lines if line.startswith("[")]) == 5  # nothing reused

    # every output is byte-identical
    a, b = built2019.year, summary.output
    others = {r.task.scope for r in summary.results} - REAL
    assert files(a, others) == files(b, others)
    assert len(files(a, others)) > 10
    assert {f"{scope}.html" for scope in REAL} <= {str(f) for f in files(a, others)}
    differ = [f for f in files(a, others) if (a / f).read_bytes() != (b / f).read_bytes()]
    assert not differ, first_difference(a, b, differ)

    # no output contains an absolute path
    for where, out in ((paths.ROOT, a), (root, b)):
        machine = {str(where), str(paths.ROOT), str(out.parent)}
        if where != paths.ROOT:  # the working tree's parent may be as short as /work
            machine.add(str(where.parent))
        for f in files(out):  # the stubbed pages too: they show data rows
            text = (out / f).read_bytes().decode("utf-8", errors="replace")
            assert not [m for m in machine if m in text], f
