"""Provenance: every file read is hashed, and the per-location digests follow the documented recipe."""

import csv
import hashlib
import io
import shutil
import subprocess

import pytest

from bwklib import paths
from bwklib.build import provenance

LOCATION_TABLES = [
    "results.csv",
    "participants_activity.csv",
    "participants_housing.csv",
    "finance.csv",
]


def recipe(path, location):
    """docs/herkomst.md, written independently of bwklib."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        records = list(csv.reader(f))

    def line(cells):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return out.getvalue()

    at = records[0].index("location")
    body = sorted(line(r) for r in records[1:] if r[at] == location)
    return hashlib.sha256((line(records[0]) + "".join(body)).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("location", ["top", "de-verbinding", "de-klop"])
def test_location_digests_follow_the_recipe(data2019, location):
    digests = provenance.input_digests(data2019, location)
    for name in LOCATION_TABLES:
        shown = f"data/2019/{name} (regels van {location})"
        assert digests[shown] == recipe(paths.DATA_DIR / "2019" / name, location)


@pytest.mark.skipif(not shutil.which("sha256sum"), reason="needs coreutils")
def test_location_digest_with_standard_tools(data2019):
    script = (
        "(head -n1 results.csv; awk -F, 'NR>1 && $1==\"top\"' results.csv | LC_ALL=C sort) "
        "| sha256sum"
    )
    out = subprocess.run(
        ["sh", "-c", script],
        cwd=paths.DATA_DIR / "2019",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    assert (
        out == provenance.input_digests(data2019, "top")["data/2019/results.csv (regels van top)"]
    )


def test_a_digest_ignores_other_locations_and_row_order(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('location,x\ntop,1\nklop,2\ntop,"a,b"\n', encoding="utf-8")
    before = provenance.rows_digest(path, "location", "top")
    path.write_text('\ufefflocation,x\r\ntop,"a,b"\r\nklop,3\r\ntop,1\r\n', encoding="utf-8")
    assert provenance.rows_digest(path, "location", "top") == before
    assert before == recipe(path, "top")


def test_every_file_read_is_listed_and_hashed(data2019):
    record = provenance.collect(data2019)
    files = record["data_files"]
    assert "data/2018/known_figures.csv" in files  # the comparison with 2018 reads it
    assert "data/datapackage.json" in files
    assert {f"data/2019/{n}" for n in LOCATION_TABLES} <= set(files)
    assert "data/2019/stories/top.md" in files
    for name, digest in files.items():
        assert digest == hashlib.sha256((paths.ROOT / name).read_bytes()).hexdigest()


def test_no_absolute_path_in_the_record(data2019):
    text = repr(provenance.collect(data2019)) + repr(provenance.input_digests(data2019, "top"))
    assert str(paths.ROOT) not in text


class TestFileDigests:
    """One FileDigests for every report of a run: the same digests, each file read once."""

    def test_the_same_digests_as_each_report_alone(self, data2019):
        shared = provenance.FileDigests()
        for scope in [*data2019["locations"].location, *data2019["regions"].region]:
            assert provenance.input_digests(data2019, scope, shared) == (
                provenance.input_digests(data2019, scope)
            )

    def test_each_file_read_once(self, data2019, monkeypatch):
        opened = []
        real = provenance._rows_by_value, provenance.sha256
        monkeypatch.setattr(
            provenance, "_rows_by_value", lambda p, c: opened.append(f"rows {p}") or real[0](p, c)
        )
        monkeypatch.setattr(
            provenance, "sha256", lambda p: opened.append(f"bytes {p}") or real[1](p)
        )
        shared = provenance.FileDigests()
        scopes = [*data2019["locations"].location, *data2019["regions"].region]
        for scope in scopes:
            provenance.input_digests(data2019, scope, shared)
        assert len(scopes) > 2 and opened  # the year's tables, 2018 (compared with), the stories
        assert sorted(opened) == sorted(set(opened))

    def test_a_value_without_rows_gives_the_header_alone(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_text("location,x\ntop,1\n", encoding="utf-8")
        assert provenance.FileDigests().rows(path, "location", "klop") == (
            hashlib.sha256(b"location,x\n").hexdigest()
        )
        assert provenance.FileDigests().rows(path, "location", "top") == recipe(path, "top")
