"""`bwk run --watch`: rebuild on every saved change, report bad data and go on, stop cleanly.

Driven by the `watch-waiting` checkpoint (bwklib.build.hooks): each time the watch starts waiting,
the test's next step runs (edit a file, break it, mend it, stop). Reports are built by the stub
executor; the warm workers are counted, not started.
"""

import os
import signal
import threading
from pathlib import Path

import pytest

from bwklib import paths
from bwklib.build import hooks, warmup
from bwklib.build import watch as watching
from bwklib.build.pipeline import run
from bwklib.cli import main


@pytest.fixture
def steps(monkeypatch):
    """A list of callables: one is run (and removed) each time the watch starts waiting."""
    todo: list = []
    monkeypatch.setitem(hooks.HOOKS, "watch-waiting", lambda: todo.pop(0)())
    return todo


@pytest.fixture
def workers(monkeypatch):
    """How often the warm workers were started and stopped (none are)."""
    count = {"start": 0, "stop": 0}
    monkeypatch.setattr(
        warmup, "start", lambda *a, **k: count.__setitem__("start", count["start"] + 1)
    )
    monkeypatch.setattr(warmup, "stop", lambda: count.__setitem__("stop", count["stop"] + 1))
    return count


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def watch_year(data: Path, out: Path, stop: threading.Event, package: Path | None = None):
    lines: list[str] = []
    starts = []
    watching.watch(
        lambda: run(2019, data, out, jobs=2, progress=lines.append),
        lambda: starts.append(1),
        lines.append,
        [data, paths.NOTEBOOK_DIR, *([package] if package else [])],
        stop=stop,
        interval=0.01,
        package_dir=package or paths.PACKAGE_DIR,
    )
    return lines, len(starts)


class TestWatch:
    def test_a_saved_change_rebuilds_what_it_touches(
        self, data_copy, tmp_path, stub_executor, steps
    ):
        stop = threading.Event()
        finance = data_copy / "2019" / "finance.csv"
        steps += [
            lambda: replace_in(
                finance, "top,huisvesting,16236,17254", "top,huisvesting,16236,17999"
            ),
            stop.set,
        ]
        lines, starts = watch_year(data_copy, tmp_path / "out", stop)
        runs = "\n".join(lines).split("Gewijzigd: opnieuw bouwen…")
        assert len(runs) == 2 and starts == 1
        assert "5 rapport(en) maken" in runs[0]
        assert (
            "Ongewijzigd, hergebruikt: hart-voor-leidsche-rijn, de-verbinding, de-klop" in runs[1]
        )
        assert "2 rapport(en) maken" in runs[1]
        page = (tmp_path / "out" / "2019" / "top.html").read_text(encoding="utf-8")
        assert "top,huisvesting,16236,17999" in page and "17254" not in page
        assert lines[-1].startswith("Gestopt met wachten op wijzigingen")

    def test_bad_data_is_named_and_the_watch_goes_on(
        self, data_copy, tmp_path, stub_executor, steps
    ):
        stop = threading.Event()
        finance = data_copy / "2019" / "finance.csv"
        good, bad = "top,huisvesting,16236,17254", "top,huisvesting,16236,zeventien"
        steps += [
            lambda: replace_in(finance, good, bad),
            lambda: replace_in(finance, bad, "top,huisvesting,16236,17255"),
            stop.set,
        ]
        lines, _ = watch_year(data_copy, tmp_path / "out", stop)
        text = "\n".join(lines)
        runs = text.split("Gewijzigd: opnieuw bouwen…")
        assert len(runs) == 3
        assert "finance.csv" in runs[1] and "zeventien" in runs[1] and "actual" in runs[1]
        assert "Verbeter deze punten en sla het bestand op" in runs[1]
        assert "Klaar in" not in runs[1] and "Klaar in" in runs[2]
        page = (tmp_path / "out" / "2019" / "top.html").read_text(encoding="utf-8")
        assert "17255" in page

    def test_a_change_to_bwks_code_restarts_the_workers(
        self, data_copy, tmp_path, stub_executor, steps
    ):
        package = tmp_path / "bwklib"
        package.mkdir()
        (package / "module.py").write_text("x = 1\n", encoding="utf-8")
        stop = threading.Event()
        steps += [
            lambda: (data_copy / "2019" / "stories" / "top.md").write_text(
                "Nieuw verhaal.\n", encoding="utf-8"
            ),
            lambda: (package / "module.py").write_text("x = 22\n", encoding="utf-8"),
            stop.set,
        ]
        lines, starts = watch_year(data_copy, tmp_path / "out", stop, package)
        assert starts == 2  # at the start, and after the code changed, not after the story
        assert lines.count("De code van bwk is gewijzigd: de werkprocessen starten opnieuw.") == 1


class TestCommandLine:
    def test_sigterm_while_waiting_stops_cleanly(
        self, data_copy, tmp_path, stub_executor, steps, workers, capsys
    ):
        steps.append(lambda: os.kill(os.getpid(), signal.SIGTERM))
        out = tmp_path / "out"
        code = main(["--data-dir", str(data_copy), "--output-dir", str(out), "run", "--watch"])
        err = capsys.readouterr().err
        assert code == 0, err
        assert "Gestopt met wachten op wijzigingen; de laatste uitvoer blijft staan." in err
        assert workers == {"start": 1, "stop": 1}
        assert (out / "2019" / "index.html").is_file()

    def test_force_applies_to_the_first_run_only(
        self, data_copy, tmp_path, stub_executor, steps, workers, capsys
    ):
        out = tmp_path / "out"
        assert main(["--data-dir", str(data_copy), "--output-dir", str(out), "run"]) == 0
        story = data_copy / "2019" / "stories" / "top.md"
        steps += [
            lambda: story.write_text(story.read_text(encoding="utf-8") + "\nErbij.\n", "utf-8"),
            lambda: os.kill(os.getpid(), signal.SIGTERM),
        ]
        capsys.readouterr()
        argv = ["--data-dir", str(data_copy), "--output-dir", str(out), "run", "--watch", "--force"]
        assert main(argv) == 0
        first, second = capsys.readouterr().err.split("Gewijzigd: opnieuw bouwen…")
        assert "5 rapport(en) maken" in first  # forced, although nothing changed
        assert "1 rapport(en) maken" in second and "Ongewijzigd, hergebruikt" in second


class TestStamps:
    def test_a_rewrite_of_the_same_size_or_a_replaced_file_is_a_change(self, tmp_path):
        f = tmp_path / "a.csv"
        f.write_text("1\n")
        before = watching.stamps(tmp_path)
        st = f.stat()
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # saved a second later
        after_touch = watching.stamps(tmp_path)
        assert after_touch != before
        spare = tmp_path / "a.tmp"
        spare.write_text("2\n")
        spare.replace(f)  # how many editors save: a new file renamed over the old
        assert watching.stamps(tmp_path) != after_touch
        assert set(watching.stamps(tmp_path)) == {str(f)}

    def test_caches_are_not_watched(self, tmp_path):
        (tmp_path / "__pycache__").mkdir()
        (tmp_path / "__pycache__" / "m.pyc").write_bytes(b"x")
        assert watching.stamps(tmp_path) == {}

    def test_a_change_is_taken_once_it_holds_still(self, monkeypatch):
        polls = iter([{"a": 1}, {"a": 2}, {"a": 3}, {"a": 3}, {"a": 4}])
        monkeypatch.setattr(watching, "stamps", lambda *roots: next(polls))
        got = watching.wait_for_change({"a": 0}, [], threading.Event(), interval=0)
        assert got == {"a": 3}

    def test_stop_ends_the_wait(self):
        stop = threading.Event()
        stop.set()
        assert watching.wait_for_change({}, [], stop, interval=0) is None
