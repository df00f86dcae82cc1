"""Reproducible on any machine: the same data and notebooks at two different absolute paths give
byte-identical outputs, and no output names a folder of the machine that built it."""

import shutil

import pytest

from bwklib import paths
from bwklib.build.fastpath import RECORD
from bwklib.build.pipeline import run

pytestmark = pytest.mark.build  # executes notebooks (two full builds)


@pytest.fixture(scope="module")
def two_builds(built2019, tmp_path_factory):
    """The session's shared build (data and notebooks of the working tree, output in a temporary
    folder) and one more from copies of them in another, deeper folder."""
    outs = [(paths.ROOT, built2019.year)]
    for name in ("elsewhere/deeper/second",):
        root = tmp_path_factory.mktemp("repro") / name
        shutil.copytree(paths.DATA_DIR, root / "data")
        shutil.copytree(paths.NOTEBOOK_DIR, root / "notebooks")
        summary = run(
            2019,
            data_dir=root / "data",
            output_dir=root / "output",
            notebook_dir=root / "notebooks",
            jobs=2,
            progress=lambda s: None,
        )
        assert not summary.failures
        outs.append((root, summary.output))
    return outs


# The fast path's record fingerprints where this checkout's inputs live (hashed, never shown): it is
# bookkeeping of `bwk run` on this machine, not an output anyone reads, and must differ per folder.
LOCAL_BOOKKEEPING = {RECORD}


def files(folder):
    return sorted(
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file() and p.name not in LOCAL_BOOKKEEPING
    )


def test_every_output_is_byte_identical(two_builds):
    (_, a), (_, b) = two_builds
    assert files(a) == files(b)
    assert len(files(a)) > 10
    differ = [f for f in files(a) if (a / f).read_bytes() != (b / f).read_bytes()]
    assert not differ


def test_no_output_contains_an_absolute_path(two_builds):
    for root, out in two_builds:
        machine = {str(root), str(paths.ROOT), str(out.parent)}
        if root != paths.ROOT:  # the working tree's parent may be as short as /work
            machine.add(str(root.parent))
        for f in files(out):
            text = (out / f).read_bytes().decode("utf-8", errors="replace")
            assert not [m for m in machine if m in text], f
