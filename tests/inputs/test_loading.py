"""Loading: malformed data gives one message naming file, row, column and what was expected."""

import subprocess
import sys

import pytest

from bwklib.cli import main
from bwklib.errors import DataError
from bwklib.inputs.loading import load_year


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems(data_dir):
    with pytest.raises(DataError) as info:
        load_year(2019, data_dir)
    return info.value.problems


class TestLoadYear:
    def test_shipped_2019_loads(self, data2019):
        assert len(data2019["locations"]) == 4
        assert len(data2019["results"]) == 60
        assert set(data2019.tables) >= {"finance", "results", "bands", "scoring_rules"}

    def test_letter_in_a_count(self, data_copy):
        edit(data_copy / "2019/participants_activity.csv", "top,klussen,103", "top,klussen,1O3")
        (p,) = problems(data_copy)
        assert (p.file.endswith("participants_activity.csv"), p.row, p.column, p.value) == (
            True,
            3,
            "participants",
            "1O3",
        )
        assert "geheel getal" in p.expected

    def test_missing_column(self, data_copy):
        edit(
            data_copy / "2019/finance.csv",
            "location,line,budget,actual,note",
            "location,line,budget,note",
        )
        ps = problems(data_copy)
        assert any(p.column == "actual" and p.row == 1 and "ontbreekt" in p.expected for p in ps)

    def test_duplicate_row(self, data_copy):
        path = data_copy / "2019/generic_counts.csv"
        path.write_text(
            path.read_text(encoding="utf-8") + "top,sleutelhouders,29,\n", encoding="utf-8"
        )
        (p,) = problems(data_copy)
        assert p.row == 23 and "dubbele regel" in p.expected and "rij 4" in p.expected

    def test_every_problem_at_once(self, data_copy):
        edit(data_copy / "2019/finance.csv", "top,coachen,23424", "top,coachen,23.424")
        edit(data_copy / "2019/participants_housing.csv", "top,mitros,258", "top,mitros,-258")
        edit(data_copy / "2019/generic_counts.csv", "top,statushouders,11", "top,statushouders,")
        ps = problems(data_copy)
        assert {p.column for p in ps} == {"budget", "participants", "value"}

    def test_unknown_location(self, data_copy):
        edit(data_copy / "2019/finance.csv", "de-klop,huisvesting", "de-klob,huisvesting")
        ps = problems(data_copy)
        assert any(p.value == "de-klob" and "onbekend" in p.expected for p in ps)

    def test_unparseable_target(self, data_copy):
        edit(
            data_copy / "2019/results.csv",
            "top,sleutelhouders,29,20",
            "top,sleutelhouders,29,ca. 20",
        )
        (p,) = problems(data_copy)
        assert (p.column, p.value, p.row) == ("target", "ca. 20", 2)

    def test_byte_order_mark(self, data_copy):
        path = data_copy / "2019/locations.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        (p,) = problems(data_copy)
        assert "byte-order mark" in p.expected

    def test_wrong_encoding(self, data_copy):
        path = data_copy / "2019/finance.csv"
        path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
        (p,) = problems(data_copy)
        assert "geen UTF-8" in p.expected and p.row is not None

    def test_missing_and_empty_files(self, data_copy):
        (data_copy / "2019/results.csv").unlink()
        (data_copy / "2019/regions.csv").write_text("", encoding="utf-8")
        ps = problems(data_copy)
        assert {p.file.rsplit("/", 1)[-1] for p in ps} == {"results.csv", "regions.csv"}

    def test_year_that_does_not_exist(self, data_copy):
        with pytest.raises(DataError, match="beschikbare jaren: 2019"):
            load_year(2031, data_copy)

    def test_registration_contradiction(self, data_copy):
        path = data_copy / "2019/participants_activity.csv"
        path.write_text(path.read_text(encoding="utf-8") + "de-klop,klussen,3,\n", encoding="utf-8")
        (p,) = problems(data_copy)
        assert "results_registered" in p.expected and p.value == "de-klop"

    def test_legend_with_a_gap(self, data_copy):
        edit(data_copy / "config/bands.csv", "0.4,true,0.8,false", "0.45,true,0.8,false")
        ps = problems(data_copy)
        assert any(p.file.endswith("bands.csv") and p.column == "lower" for p in ps)


class TestCommandLine:
    """`bwk` run in this process (from another folder), where the process itself is not tested."""

    def run(self, *args, cwd, capsys, monkeypatch) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    def test_export_with_bad_data_exits_non_zero_without_traceback(
        self, data_copy, tmp_path, capsys, monkeypatch
    ):
        edit(data_copy / "2019/participants_activity.csv", "top,klussen,103", "top,klussen,abc")
        out = tmp_path / "out"
        code, _, err = self.run(
            "--data-dir",
            str(data_copy),
            "--output-dir",
            str(out),
            "export",
            "--year",
            "2019",
            cwd=tmp_path,
            capsys=capsys,
            monkeypatch=monkeypatch,
        )
        assert code == 1
        assert "Traceback" not in err
        assert "participants_activity.csv, rij 3, kolom 'participants': waarde 'abc'" in err
        assert not out.exists() or not any(out.rglob("*.csv"))

    def test_export_writes_both_files(self, tmp_path, capsys, monkeypatch):
        code, _, err = self.run(
            "--output-dir",
            str(tmp_path),
            "export",
            "--year",
            "2019",
            cwd=tmp_path,
            capsys=capsys,
            monkeypatch=monkeypatch,
        )
        assert code == 0, err
        assert {p.name for p in (tmp_path / "2019").iterdir()} == {
            "scores.csv",
            "figures.csv",
            "checks.csv",
            "provenance.json",
            "datapackage.json",
        }

    def test_validate(self, tmp_path, capsys, monkeypatch):
        code, out, _ = self.run(
            "validate", "--year", "2019", cwd=tmp_path, capsys=capsys, monkeypatch=monkeypatch
        )
        assert code == 0 and "in orde" in out

    @pytest.mark.parametrize("year", ["../2019", "20x9", "19"])
    def test_year_is_validated_before_it_becomes_a_path(self, year, tmp_path):
        """As a process (`python -m bwklib.cli`): argparse's exit status and message."""
        r = subprocess.run(
            [sys.executable, "-m", "bwklib.cli", "validate", "--year", year],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert r.returncode == 2 and "jaartal van vier cijfers" in r.stderr
