"""Parallel runs: more workers than cores, repeated, never fail and always give the same output."""

import hashlib

from bwklib.build.pipeline import default_jobs, run


def digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_repeated_runs_with_more_jobs_than_cores(tmp_path):
    jobs = default_jobs() + 2
    outputs = []
    for i in range(3):
        out = tmp_path / f"out{i}"
        summary = run(2019, output_dir=out, jobs=jobs, force=True, progress=lambda s: None)
        assert not summary.failures, [f.error for f in summary.failures]
        outputs.append(digest(out / "2019"))
    assert outputs[0] == outputs[1] == outputs[2]
