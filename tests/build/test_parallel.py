"""Parallel and repeated runs: more workers than cores never fail and always give the same bytes.

One real forced run is enough to show both: it rebuilds every report over a copy of the session's
shared 2019 build (built with 2 workers) with more workers than cores, so kernels start at the same
time and finish in another order, and the published year must be byte-identical to the shared one.
"""

import shutil

from buildtools import tree_digest

from bwklib.build.pipeline import default_jobs, run


def test_forced_rerun_with_more_jobs_than_cores_is_byte_identical(built2019, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built2019.year, out / "2019")
    before = tree_digest(out / "2019")
    assert before == tree_digest(built2019.year)
    lines = []
    summary = run(2019, output_dir=out, jobs=default_jobs() + 2, force=True, progress=lines.append)
    assert not summary.failures, [f.error for f in summary.failures]
    assert len([line for line in lines if line.startswith("[")]) == 5  # nothing reused
    after = tree_digest(out / "2019")
    assert before.keys() == after.keys()
    assert [name for name in before if before[name] != after[name]] == []
