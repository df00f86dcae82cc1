"""Benchmark: bwk against the naive papermill + nbconvert loop, on this machine, in one run.

Prints (a) the naive loop (papermill CLI, then nbconvert CLI twice, per notebook, sequentially),
(b) `bwk run --force`, (c) a no-op `bwk run`, (d) a forced build of 50 synthetic locations (and 10,
to show memory does not grow with the number of locations), and the floor (importing pandas and
matplotlib), with ratios and peak memory of the process tree. Run with `make bench`.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from benchmarks.synthetic import make  # noqa: E402


def measure(cmd: list[str], **kw) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB, proportional set size) of a command and its descendants."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)
    peak, done = 0, threading.Event()

    def sample():
        nonlocal peak
        parent = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                procs = [parent, *parent.children(recursive=True)]
                # PSS: shared pages are split between processes, so forks are not counted twice
                peak = max(peak, sum(p.memory_full_info().pss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    done.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return time.perf_counter() - start, peak / 2**20


def naive(data: Path, work: Path) -> float:
    """The naive pipeline: papermill CLI, then nbconvert CLI twice, per notebook, one at a time."""
    from bwklib.build.pipeline import plan
    from bwklib.inputs.loading import load_year

    tasks = plan(load_year(2019, data))
    start = time.perf_counter()
    for t in tasks:
        out = work / f"{t.scope}.ipynb"
        params = [x for k, v in t.parameters.items() for x in ("-p", k, str(v))]
        subprocess.run(
            [
                BIN / "papermill",
                ROOT / "notebooks" / t.notebook,
                out,
                *params,
                "-k",
                "python3",
                "--cwd",
                ROOT / "notebooks",
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        for extra in ([], ["--no-input"]):
            subprocess.run(
                [
                    BIN / "jupyter",
                    "nbconvert",
                    "--to",
                    "html",
                    *extra,
                    out,
                    "--output",
                    f"{t.scope}{'-s' if extra else ''}",
                ],
                check=True,
                capture_output=True,
            )
    return time.perf_counter() - start


def main() -> None:
    bwk = [str(BIN / "bwk")]
    cores = len(os.sched_getaffinity(0))
    print(
        f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor, _ = measure([sys.executable, "-c", "import pandas, matplotlib.pyplot"])
        out = tmp / "out"
        (tmp / "naive").mkdir()
        a = naive(ROOT / "data", tmp / "naive")
        b, b_mem = measure([*bwk, "--output-dir", str(out), "run", "--year", "2019", "--force"])
        c, _ = measure([*bwk, "--output-dir", str(out), "run", "--year", "2019"])
        rows = [
            ("floor: import pandas, matplotlib.pyplot", floor, None, ""),
            ("(a) naive loop, 5 notebooks, 2 renders each", a, None, ""),
            ("(b) bwk run --force, 5 notebooks", b, b_mem, f"{a / b:.1f}x faster than (a)"),
            ("(c) bwk run, nothing changed", c, None, f"{a / c:.0f}x faster than (a)"),
        ]
        for n in (10, 50):
            data = make(ROOT / "data", tmp / f"syn{n}", n)
            d, d_mem = measure(
                [
                    *bwk,
                    "--data-dir",
                    str(data),
                    "--output-dir",
                    str(tmp / f"o{n}"),
                    "run",
                    "--year",
                    "2019",
                    "--force",
                ]
            )
            rows.append(
                (
                    f"(d) bwk run --force, {n} synthetic locations + region",
                    d,
                    d_mem,
                    f"{d / (n + 1):.2f} s per notebook",
                )
            )
    print(f"{'what':<55} {'wall s':>8} {'peak MiB':>9}  note")
    for name, secs, mem, note in rows:
        print(f"{name:<55} {secs:8.2f} {'' if mem is None else f'{mem:9.0f}':>9}  {note}")


if __name__ == "__main__":
    main()
