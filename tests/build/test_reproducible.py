"""Reproducible on any machine: the same data and notebooks at two different absolute paths give
byte-identical outputs, and no output names a folder of the machine that built it."""

import csv
import shutil

import pytest
from traceability import numeric_cells, shown_forms

from bwklib import paths
from bwklib.build.pipeline import run
from bwklib.compute.keys import documentation, key_docs


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    outs = []
    for name in ("first", "elsewhere/deeper/second"):
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


def files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_every_output_is_byte_identical(two_builds):
    (_, a), (_, b) = two_builds
    assert files(a) == files(b)
    assert len(files(a)) > 10
    differ = [f for f in files(a) if (a / f).read_bytes() != (b / f).read_bytes()]
    assert not differ


def test_no_output_contains_an_absolute_path(two_builds):
    for root, out in two_builds:
        machine = {str(root), str(paths.ROOT), str(root.parent)}
        for f in files(out):
            text = (out / f).read_bytes().decode("utf-8", errors="replace")
            assert not [m for m in machine if m in text], f


def test_calculations_only_in_the_audit_version(two_builds):
    (_, out), _ = two_builds
    for scope in ("top", "utrecht"):
        audit = (out / f"{scope}-audit.html").read_text(encoding="utf-8")
        stakeholder = (out / f"{scope}.html").read_text(encoding="utf-8")
        assert audit.count("Zo is dit berekend") >= 7
        assert "bwklib.compute.finance.finance_lines" in audit
        assert "Zo is dit berekend" not in stakeholder and "calculation" not in stakeholder


def test_every_number_in_the_built_tables_is_in_that_builds_exports(two_builds, data2019):
    (_, out), _ = two_builds

    def read(name):
        with open(out / name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    docs = key_docs(data2019)
    figures = [r for r in read("figures.csv") if documentation(r["key"], docs) is not None]
    forms = shown_forms(figures, read("scores.csv"), read("checks.csv"))
    for scope in ("top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop", "utrecht"):
        html = (out / f"{scope}.html").read_text(encoding="utf-8")
        cells = numeric_cells(html)
        assert len(cells) > 20, scope
        assert not sorted({c for c in cells if c not in forms}), scope
