"""Data changed while a run executes: a run reads one snapshot of its inputs, so its reports, exports,
provenance and cache keys agree, and the next run rebuilds what the change touches."""

import csv
import hashlib
import json
import os
import re

import pytest
from shared import warm_workers
from tiny_notebooks import write_tiny_notebooks

from bwklib.build import hooks, snapshot
from bwklib.build.exporting import export_year
from bwklib.build.pipeline import run
from bwklib.build.publish import year_lock
from bwklib.cli import main
from bwklib.errors import DataError, RunError
from bwklib.inputs.digests import tree_digests

KLUSSEN = "top,klussen,103,50"
SHOW_KLUSSEN = """from bwklib import views
_r = views.load(year, data_dir)["results"]
print("KLUSSEN", int(_r[(_r.location == "top") & (_r.indicator == "klussen")].result.iloc[0]))"""


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_klussen(data_dir, value):
    path = data_dir / "2019" / "results.csv"
    text = path.read_text(encoding="utf-8")
    new = re.sub(r"^top,klussen,\d+,50$", f"top,klussen,{value},50", text, flags=re.M)
    assert new != text or f"top,klussen,{value},50" in text
    path.write_text(new, encoding="utf-8")


def exported_klussen(year_dir):
    with open(year_dir / "scores.csv", encoding="utf-8") as f:
        (row,) = [
            r for r in csv.DictReader(f) if (r["location"], r["indicator"]) == ("top", "klussen")
        ]
    return int(row["result"])


def shown_klussen(year_dir, scope):
    """TOP's klussen as a report's notebook printed them (SHOW_KLUSSEN)."""
    text = (year_dir / f"{scope}.html").read_text(encoding="utf-8")
    return int(re.search(r"KLUSSEN (\d+)", text).group(1))


def stub_klussen(year_dir):
    """TOP's klussen as the stub executor's page for TOP shows its row of results.csv."""
    text = (year_dir / "top.html").read_text(encoding="utf-8")
    (value,) = re.findall(r"results\.csv: top,klussen,(\d+),50", text)
    return int(value)


def provenance_hash(year_dir):
    record = json.loads((year_dir / "provenance.json").read_text(encoding="utf-8"))
    return record["data_files"]["data/2019/results.csv"]


@pytest.fixture(autouse=True)
def no_hooks():
    hooks.HOOKS.clear()
    yield
    hooks.HOOKS.clear()


class TestTake:
    def test_copies_every_input_byte_for_byte(self, data_copy, tmp_path):
        """Everything under data/ and notebooks/, as the fast path fingerprints them: the record a
        run leaves describes exactly the bytes it read."""
        (data_copy / "2018" / "extra").mkdir()
        (data_copy / "2018" / "extra" / "note.md").write_text("x", encoding="utf-8")
        notebooks = write_tiny_notebooks(tmp_path / "nb")
        snap = snapshot.take(data_copy, 2019, tmp_path / "snap", notebook_dir=notebooks)
        parts = snapshot.digests(snap)
        assert parts["data"] == tree_digests(data_copy)
        assert parts["notebooks"] == tree_digests(notebooks)
        assert "2018/extra/note.md" in parts["data"] and "2019/stories/top.md" in parts["data"]

    def test_the_copy_does_not_follow_later_edits(self, data_copy, tmp_path):
        snap = snapshot.take(data_copy, 2019, tmp_path / "snap")
        before = sha(snap.data_dir / "2019" / "results.csv")
        set_klussen(data_copy, 777)  # written in place, as an editor or pandas does
        assert sha(snap.data_dir / "2019" / "results.csv") == before
        results = snap.load(2019)["results"]
        assert (
            float(
                results[
                    (results.location == "top") & (results.indicator == "klussen")
                ].result.item()
            )
            == 103
        )

    def test_a_fifo_is_not_read(self, data_copy, tmp_path):
        """Reading a named pipe would block the run forever; it is left out (then reported)."""
        os.mkfifo(data_copy / "2019" / "stories" / "pipe.md")
        snap = snapshot.take(data_copy, 2019, tmp_path / "snap")
        assert not (snap.data_dir / "2019" / "stories" / "pipe.md").exists()

    def test_problems_name_the_analysts_files_not_the_copy(self, data_copy, tmp_path):
        path = data_copy / "2019" / "results.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(KLUSSEN, "top,klussen,veel,50"))
        snap = snapshot.take(data_copy, 2019, tmp_path / "snap")
        with pytest.raises(DataError) as e:
            snap.load(2019)
        message = e.value.report()
        assert "results.csv" in message and "veel" in message
        assert snapshot.SNAPSHOT not in message and "snap" not in message
        assert (
            str(data_copy / "2019" / "results.csv") in message or "data/2019/results.csv" in message
        )


@pytest.mark.build
class TestRunDuringAnEdit:
    """results.csv is edited right after the run took its snapshot (a hook, not a sleep)."""

    def test_one_run_one_state_and_the_rerun_rebuilds(self, data_copy, tmp_path, stub_executor):
        """The first run executes the region's notebook on a real kernel (it prints TOP's klussen
        as it reads them from data_dir); the other reports, and the reruns, which are about what
        is rebuilt, use the stub executor, whose pages show their scope's rows of the data."""
        out = tmp_path / "out"
        notebooks = write_tiny_notebooks(tmp_path / "notebooks", extra=SHOW_KLUSSEN)
        original = (data_copy / "2019" / "results.csv").read_bytes()
        hooks.HOOKS["snapshot-taken"] = lambda: set_klussen(data_copy, 777)

        def build():
            lines = []
            summary = run(
                2019,
                data_dir=data_copy,
                output_dir=out,
                notebook_dir=notebooks,
                jobs=1,
                progress=lines.append,
            )
            assert not summary.failures
            reused = [line for line in lines if line.startswith("Ongewijzigd")]
            return reused[0].split(": ", 1)[1].split(", ") if reused else []

        stub_executor(real={"utrecht"})
        with warm_workers():  # a kernel of the test process's warm workers (tests/shared.py)
            build()
        year = out / "2019"
        # everything from the bytes at the start of the run, none from the edit
        assert shown_klussen(year, "utrecht") == 103 and stub_klussen(year) == 103
        assert exported_klussen(year) == 103
        assert provenance_hash(year) == hashlib.sha256(original).hexdigest()
        assert not list(out.glob(".bwk-*-2019-*")), "the snapshot is not left behind"

        hooks.HOOKS.clear()
        stub_executor()
        reused = build()  # the edit is seen now: top and its region are rebuilt
        assert "top" not in reused and "utrecht" not in reused
        assert stub_klussen(year) == 777 and exported_klussen(year) == 777
        assert provenance_hash(year) == sha(data_copy / "2019" / "results.csv")

        (data_copy / "2019" / "results.csv").write_bytes(original)  # the edit undone
        reused = build()
        assert "top" not in reused and "utrecht" not in reused and "de-klop" in reused
        assert stub_klussen(year) == 103 and exported_klussen(year) == 103
        assert provenance_hash(year) == hashlib.sha256(original).hexdigest()

    def test_export_reads_one_state(self, data_copy, tmp_path):
        out = tmp_path / "out"
        original = (data_copy / "2019" / "results.csv").read_bytes()
        hooks.HOOKS["snapshot-taken"] = lambda: set_klussen(data_copy, 777)
        export_year(2019, data_copy, out)
        assert exported_klussen(out / "2019") == 103
        assert provenance_hash(out / "2019") == hashlib.sha256(original).hexdigest()
        hooks.HOOKS.clear()
        export_year(2019, data_copy, out)
        assert exported_klussen(out / "2019") == 777
        assert sorted(p.name for p in out.iterdir()) == [".bwk-2019.lock", "2019"]


class TestLock:
    def test_export_waits_for_no_one_and_says_so(self, data_copy, tmp_path):
        out = tmp_path / "out"
        with (
            year_lock(out, 2019),
            pytest.raises(RunError, match="er loopt al een bwk run voor 2019"),
        ):
            export_year(2019, data_copy, out)
        assert not (out / "2019").exists()

    def test_cli_export_under_a_running_run(self, data_copy, tmp_path, capsys):
        out = tmp_path / "out"
        with year_lock(out, 2019):
            code = main(["--data-dir", str(data_copy), "--output-dir", str(out), "export"])
        assert code == 1 and "er loopt al een bwk run voor 2019" in capsys.readouterr().err

    def test_import_takes_the_year_lock(self, data_copy, tmp_path, capsys):
        out = tmp_path / "out"
        before = {p.name: sha(p) for p in (data_copy / "2019").glob("*.csv")}
        book = data_copy / "2019" / "invoer-2019.xlsx"
        with year_lock(out, 2019):
            code = main(
                ["--data-dir", str(data_copy), "--output-dir", str(out), "import", str(book)]
            )
        err = capsys.readouterr().err
        assert code == 1 and "er loopt al een bwk run voor 2019" in err and "Traceback" not in err
        assert {p.name: sha(p) for p in (data_copy / "2019").glob("*.csv")} == before
