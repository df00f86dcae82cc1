"""Benchmark: bwk against the naive papermill + nbconvert loop, on this machine, in one run.

Prints the floor (importing pandas and matplotlib), (a) the naive loop (papermill CLI, then
nbconvert CLI twice, per notebook, one after another) and (a2) the same loop two at a time
(`xargs -P2`), (b) `bwk run --force` with no charts kept (as a first build), (c) a no-op `bwk run`, (e) the edit loop (one number of TOP's
finances changed, so TOP and its region rebuild) and (e2) the same saved while `bwk run --watch`
runs, (d) forced builds of 50 and 200 synthetic locations (peak memory should not grow with them), each with its ratio, its goal and the machine's
load; then where the time of (b) goes per notebook (`bwk run --timings`). Run with `make bench`;
`--repeat 3` interleaves three rounds and prints medians (for a busy machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import statistics
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
from bwklib.report.chartcache import FOLDER as CHART_FOLDER  # noqa: E402


def measure(cmd: list[str], stderr: bool = False, **kw):
    """Wall seconds and peak memory (MiB, proportional set size) of a command and its descendants.

    With stderr=True also the command's standard error (for --timings).
    """
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
    secs = time.perf_counter() - start
    return (secs, peak / 2**20, err) if stderr else (secs, peak / 2**20)


def naive_commands(data: Path, work: Path) -> list[list[str]]:
    """Per notebook of 2019, the naive pipeline: papermill CLI, then nbconvert CLI twice."""
    from bwklib.build.pipeline import plan
    from bwklib.inputs.loading import load_year

    commands = []
    for t in plan(load_year(2019, data)):
        out = work / f"{t.scope}.ipynb"
        params = [x for k, v in t.parameters.items() for x in ("-p", k, str(v))]
        steps = [
            [
                str(BIN / "papermill"),
                str(ROOT / "notebooks" / t.notebook),
                str(out),
                *params,
                "-k",
                "python3",
                "--cwd",
                str(ROOT / "notebooks"),
                "--no-progress-bar",
            ]
        ]
        for extra in ([], ["--no-input"]):
            steps.append(
                [
                    str(BIN / "jupyter"),
                    "nbconvert",
                    "--to",
                    "html",
                    *extra,
                    str(out),
                    "--output",
                    f"{t.scope}{'-s' if extra else ''}",
                ]
            )
        commands.append(" && ".join(shlex.join(step) for step in steps))
    return commands


def naive(data: Path, work: Path, parallel: int = 1) -> float:
    """The naive loop, one notebook after another, or `parallel` at a time with xargs -P."""
    commands = naive_commands(data, work)
    script = work / "tasks.txt"
    script.write_text("\n".join(commands) + "\n", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        f"xargs -P{parallel} -I{{}} -d '\\n' sh -c {{}} < {shlex.quote(str(script))}",
        shell=True,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def bump(data: Path, n: int) -> None:
    """Change one number of TOP's finances (the analyst's correction): TOP and its region rebuild."""
    path = data / "2019" / "finance.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [
        f"top,huisvesting,16236,{17254 + n},\n" if line.startswith("top,huisvesting,") else line
        for line in lines
    ]
    path.write_text("".join(lines), encoding="utf-8")


def watch_edits(run: list[str], data: Path, work: Path, rounds: int = 3) -> list[float]:
    """Seconds from saving TOP's changed finances to the watch waiting again (all published).

    `bwk run --watch` touches a marker file at each `watch-waiting` checkpoint when
    BWK_TEST_MARKERS names a folder (bwklib.build.hooks): the bench waits for that file.
    """
    markers = work / "markers"
    markers.mkdir()
    ready = markers / "watch-waiting"
    env = {**os.environ, "BWK_TEST_MARKERS": str(markers)}
    with open(work / "watch.log", "w") as log:
        proc = subprocess.Popen([*run, "--watch"], stdout=log, stderr=log, env=env)
    try:
        times = []
        for i in range(rounds + 1):  # round 0: the first build
            if i:
                ready.unlink()
                start = time.perf_counter()
                bump(data, 100 + i)
            while not ready.exists():
                if proc.poll() is not None:
                    raise SystemExit(
                        f"bwk run --watch stopped:\n{(work / 'watch.log').read_text()}"
                    )
                time.sleep(0.005)
            if i:
                times.append(time.perf_counter() - start)
        return times
    finally:
        proc.terminate()
        proc.wait(60)


def median(values: list[float]) -> float:
    return statistics.median(values)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="interleaved rounds (medians)")
    ap.add_argument(
        "--synthetic", default="50,200", help="numbers of synthetic locations, comma-separated"
    )
    ap.add_argument("--skip-naive", action="store_true", help="leave out the naive loops")
    opts = ap.parse_args()
    bwk = [str(BIN / "bwk")]
    cores = len(os.sched_getaffinity(0))
    print(
        f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, {load()} at the start"
    )
    rows = []

    def row(name, secs, mem=None, note="", goal=""):
        rows.append((name, secs, mem, note, goal, load()))
        print(f"  {name}: {secs:.2f} s ({load()})", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        shutil.copytree(ROOT / "data", data)
        out = tmp / "out"
        run = [*bwk, "--data-dir", str(data), "--output-dir", str(out), "run", "--year", "2019"]
        floors, seq, par, forced, mems, noops, edits = [], [], [], [], [], [], []
        timings = ""
        for r in range(opts.repeat):  # interleaved: every figure of a round sees the same load
            floors.append(measure([sys.executable, "-c", "import pandas, matplotlib.pyplot"])[0])
            if not opts.skip_naive:
                for parallel, into in ((1, seq), (2, par)):
                    work = tmp / f"naive{parallel}-{r}"
                    work.mkdir()
                    into.append(naive(data, work, parallel))
            # Cold: charts kept by an earlier round would make the forced build a rebuild.
            shutil.rmtree(out / CHART_FOLDER, ignore_errors=True)
            secs, mem, err = measure([*run, "--force", "--timings"], stderr=True)
            forced.append(secs)
            mems.append(mem)
            timings = err[err.index("rapport ") :] if "rapport " in err else ""
            noops.append(measure(run)[0])
            bump(data, r + 1)
            edits.append(measure(run)[0])
        floor, b = median(floors), median(forced)
        row("floor: python -c 'import pandas, matplotlib.pyplot'", floor)
        if seq:
            a, a2 = median(seq), median(par)
            row("(a) naive loop: papermill + 2x nbconvert per notebook, 5 notebooks", a)
            row(
                "(a2) the same loop two at a time (xargs -P2)",
                a2,
                note=f"{a / a2:.1f}x faster than (a)",
            )
            row(
                "(b) bwk run --force, no charts kept",
                b,
                median(mems),
                f"{a / b:.1f}x faster than (a), {a2 / b:.1f}x than (a2)",
                "goal >= 8x (a), >= 4x (a2)",
            )
        else:
            row("(b) bwk run --force, no charts kept", b, median(mems))
        c = median(noops)
        row(
            "(c) bwk run, nothing changed",
            c,
            note=f"{c / floor:.2f}x the floor, {b / c:.0f}x faster than (b)",
            goal="goal <= 0.3 s quiet",
        )
        e = median(edits)
        row(
            "(e) one number of TOP's finances changed: top + utrecht",
            e,
            note=f"{b / e:.1f}x faster than (b)",
            goal="goal <= 4 s quiet",
        )
        w = median(watch_edits(run, data, tmp))
        row(
            "(e2) the same change saved while bwk run --watch runs",
            w,
            note=f"{e / w:.1f}x faster than (e)",
            goal="goal <= 4 s quiet",
        )
        per_notebook = {}
        for n in [int(x) for x in opts.synthetic.split(",") if x]:
            syn = make(ROOT / "data", tmp / f"syn{n}", n)
            d, d_mem = measure(
                [
                    *bwk,
                    "--data-dir",
                    str(syn),
                    "--output-dir",
                    str(tmp / f"o{n}"),
                    "run",
                    "--year",
                    "2019",
                    "--force",
                ]
            )
            per_notebook[n] = d_mem
            row(
                f"(d) bwk run --force, {n} synthetic locations + region",
                d,
                d_mem,
                f"{d / (n + 1):.2f} s per notebook",
                "goal <= 0.5 s per notebook",
            )
    print(f"{'what':<62} {'wall s':>8} {'peak MiB':>9}  {'note':<42} {'goal':<28} load 1/5 min")
    for name, secs, mem, note, goal, ld in rows:
        shown = "" if mem is None else f"{mem:9.0f}"
        print(f"{name:<62} {secs:8.2f} {shown:>9}  {note:<42} {goal:<28} {ld[5:]}")
    if len(per_notebook) > 1:
        (n1, m1), (n2, m2) = sorted(per_notebook.items())[0], sorted(per_notebook.items())[-1]
        print(f"memory: {m1:.0f} MiB at {n1} locations, {m2:.0f} MiB at {n2} ({m2 / m1:.2f}x)")
    if timings:
        print("\nWhere the time of (b) goes, per notebook (bwk run --timings):")
        print(timings.rstrip())


if __name__ == "__main__":
    main()
