"""Bad input, round two: ids that become paths, numbers beyond range, and inputs that used to end in
a traceback. Each gives a Dutch message naming file (row, column), exit 1, and leaves output/ as it
was (the pattern of test_bad_input.py)."""

import csv
import errno
import hashlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from bwklib.cli import main
from bwklib.inputs.limits import MAX_RESULT, id_problem, reserved_stems
from bwklib.inputs.schema import MAX_TEXT, shape_problem


def replace(file, old, new):
    def mutate(data: Path):
        path = data / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def rename_scope(old: str, new: str):
    """Rename a location or region id in every file of 2019 (cells equal to it, and its story)."""

    def mutate(data: Path):
        for path in (data / "2019").glob("*.csv"):
            rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(
                [[new if c == old else c for c in r] for r in rows]
            )
            path.write_text(buf.getvalue(), encoding="utf-8")
        story = data / "2019" / "stories" / f"{old}.md"
        story.rename(story.with_name(f"{new}.md"))

    return mutate


def write(file, content: str):
    def mutate(data: Path):
        (data / file).write_text(content, encoding="utf-8")

    return mutate


def header_only(file):
    def mutate(data: Path):
        path = data / file
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")

    return mutate


def folder_instead(file):
    def mutate(data: Path):
        (data / file).unlink()
        (data / file).mkdir()

    return mutate


BIG = "9" * 400
LONG_ID = "de-" + "klop" * 20  # 83 characters, matches the id pattern

IDS = [
    ("id-index", rename_scope("de-klop", "index"), ["locations.csv", "rij 5", "'location'"]),
    (
        "id-audit-of-another",
        rename_scope("de-klop", "top-audit"),
        ["rij 5", "auditrapport van top"],
    ),
    ("id-audit-own", rename_scope("de-klop", "klop-audit"), ["rij 5", "'-audit'"]),
    ("id-export-name", rename_scope("de-klop", "scores"), ["rij 5", "bestand of map"]),
    ("id-notebooks-folder", rename_scope("de-klop", "notebooks"), ["rij 5", "bestand of map"]),
    ("region-pdf-folder", rename_scope("utrecht", "pdf"), ["regions.csv", "rij 2", "'region'"]),
    ("id-too-long", rename_scope("de-klop", LONG_ID), ["rij 5", "hoogstens 64 tekens"]),
]
NUMBERS = [
    (
        "two-budgets-9e18",
        lambda d: [
            replace(
                "2019/finance.csv", "top,gemeente-spdo,59000", f"top,gemeente-spdo,{9 * 10**18}"
            )(d),
            replace(
                "2019/finance.csv",
                "top,gemeente-fondsen,15000",
                f"top,gemeente-fondsen,{9 * 10**18}",
            )(d),
        ],
        ["finance.csv", "rij 2", "rij 3", "'budget'", "hoogstens 100.000.000"],
    ),
    (
        "count-2-to-63",
        replace("2019/participants_housing.csv", "top,mitros,258", f"top,mitros,{2**63}"),
        ["participants_housing.csv", "rij 2", "'participants'", "hoogstens 100.000"],
    ),
    (
        "count-400-digits",
        replace(
            "2019/generic_counts.csv",
            "top,actieve-vrijwilligers,41",
            f"top,actieve-vrijwilligers,{BIG}",
        ),
        ["generic_counts.csv", "rij 3", "'value'", "hoogstens"],
    ),
    (
        "result-400-digits",
        replace("2019/results.csv", "top,sleutelhouders,29,20", f"top,sleutelhouders,{BIG},20"),
        ["results.csv", "rij 2", "'result'", "hoogstens 1.000.000.000"],
    ),
    (
        "ratio-target-beyond-range",
        replace(
            "2019/results.csv", "top,sleutelhouders,29,20", "top,sleutelhouders,29,5 op 20000000000"
        ),
        ["results.csv", "rij 2", "'target'", "hoogstens"],
    ),
    (
        "published-400-digits",
        replace(
            "2019/published.csv", "top,income_total,budget,108000", f"top,income_total,budget,{BIG}"
        ),
        ["published.csv", "rij 2", "'reported'", "te groot"],
    ),
    (
        "published-below-minimum",
        replace("2019/published.csv", "top,balance,budget,-264", "top,balance,budget,-2000000000"),
        ["published.csv", "rij 6", "'reported'", "minstens -1.000.000.000"],
    ),
    (
        "band-bound-infinite",
        replace("config/bands.csv", ",0.2,false,", f",{BIG}.5,false,"),
        ["bands.csv", "rij 2", "'upper'"],
    ),
    (
        "hourly-rate-beyond-range",
        replace("2019/volunteer_hours.csv", "utrecht,,,369200", "utrecht,10,5000,369200"),
        ["volunteer_hours.csv", "rij 2", "'hourly_rate'", "hoogstens 1.000"],
    ),
]
TRACEBACKS = [
    (
        "field-over-128k",
        replace("2019/locations.csv", "Ondiep,true,", "Ondiep,true," + "x" * 200_000),
        ["locations.csv", "rij 2", "'note'", "hoogstens 10.000 tekens"],
    ),
    (
        "quoted-field-over-128k",
        replace(
            "2019/finance.csv",
            "top,gemeente-spdo,59000,59000,",
            f'top,gemeente-spdo,59000,59000,"{"y, " * 50_000}"',
        ),
        ["finance.csv", "rij 2", "'note'", "tekens"],
    ),
    ("header-only-bands", header_only("config/bands.csv"), ["bands.csv", "geen banden"]),
    ("header-only-locations", header_only("2019/locations.csv"), ["locations.csv"]),
    (
        "datapackage-resources-object",
        write("datapackage.json", '{"resources": {"a": 1}}'),
        ["datapackage.json", "resources"],
    ),
    ("datapackage-a-list", write("datapackage.json", "[1, 2]"), ["datapackage.json", "resources"]),
    (
        "datapackage-resource-without-scope",
        write("datapackage.json", '{"resources": [{"name": "x"}]}'),
        ["datapackage.json", "'path'"],
    ),
    (
        "datapackage-field-without-type",
        replace("datapackage.json", '"type": "integer"', '"type": "int"'),
        ["datapackage.json", "schema.fields"],
    ),
    (
        "datapackage-foreign-key-shape",
        replace("datapackage.json", '"reference": {', '"reference": "locations", "x": {'),
        ["datapackage.json", "foreignKeys"],
    ),
    ("folder-for-data-file", folder_instead("2019/finance.csv"), ["finance.csv", "is een map"]),
    (
        "folder-for-config-file",
        folder_instead("config/scoring_rules.csv"),
        ["scoring_rules.csv", "is een map"],
    ),
    ("folder-for-story", folder_instead("2019/stories/top.md"), ["top.md", "is een map"]),
]
CORPUS = IDS + NUMBERS + TRACEBACKS


def tree(folder: Path) -> dict:
    """Every file's digest; the per-year lock file (output/.bwk-<year>.lock) is not output."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def output(tmp_path):
    """An output folder holding a previous year's (fake) reports that must survive."""
    out = tmp_path / "output"
    (out / "2019" / "notebooks").mkdir(parents=True)
    (out / "2019" / "index.html").write_text("vorige versie", encoding="utf-8")
    return out


def run_cli(command, data, output, capsys, *extra) -> tuple[int, str]:
    code = main(["--data-dir", str(data), "--output-dir", str(output), command, *extra])
    return code, capsys.readouterr().err


def check(mutate, expected, command, data_copy, output, capsys):
    mutate(data_copy)
    before = tree(output)
    code, err = run_cli(command, data_copy, output, capsys)
    assert code == 1
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert len(err) < 100_000  # a 200k-character value is not printed whole
    assert tree(output) == before


@pytest.mark.parametrize("name, mutate, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_validate(name, mutate, expected, data_copy, output, capsys):
    check(mutate, expected, "validate", data_copy, output, capsys)


END_TO_END = [c for c in CORPUS if c[0] in ("id-index", "two-budgets-9e18", "result-400-digits")]


@pytest.mark.parametrize("name, mutate, expected", END_TO_END, ids=[c[0] for c in END_TO_END])
def test_export_refuses_too(name, mutate, expected, data_copy, output, capsys):
    check(mutate, expected, "export", data_copy, output, capsys)


class TestIds:
    @pytest.mark.parametrize("scope", ["top", "de-klop", "audit", "index-2", "a" * 64])
    def test_ordinary_ids_pass(self, scope):
        assert id_problem(scope, {"utrecht"}) is None

    @pytest.mark.parametrize("scope", ["index", "scores", "checks", "figures", "provenance", "pdf"])
    def test_names_bwk_writes_are_refused(self, scope):
        assert "bestand of map" in id_problem(scope, set())

    def test_reserved_names_come_from_the_output_names(self):
        from bwklib import paths

        assert {
            "index",
            "scores",
            "figures",
            "checks",
            "provenance",
            "notebooks",
        } <= reserved_stems()
        assert all(Path(n).stem in reserved_stems() for n in paths.YEAR_OUTPUT_NAMES)

    def test_length(self):
        assert "64" in id_problem("a" * 65, set())


class TestNumbers:
    def test_the_2019_data_is_within_every_bound(self, data2019):
        assert data2019["finance"].budget.max() < 100_000_000
        assert all(abs(float(v)) < MAX_RESULT for v in data2019["published"].reported)

    def test_sums_cannot_overflow(self, data2019):
        """The largest amounts allowed, on a thousand rows, still sum exactly in int64."""
        total = pd.Series([100_000_000] * 1000, dtype="int64").sum()
        assert total == 100_000_000_000


class TestShape:
    @pytest.mark.parametrize(
        "package", [None, [], {}, {"resources": None}, {"resources": [1]}, {"resources": [{}]}]
    )
    def test_wrong_shapes_are_named(self, package):
        assert shape_problem(package)

    def test_the_shipped_datapackage_is_fine(self):
        import json

        from bwklib import paths

        assert shape_problem(json.loads((paths.DATA_DIR / "datapackage.json").read_text())) is None

    def test_max_text_fits_excel(self):
        assert MAX_TEXT <= 32_767


class TestYears:
    @pytest.mark.parametrize("year", ["0000", "0999", "２０１９", "2019²", "19", "20190", "-2019"])
    def test_a_year_that_is_not_four_plain_digits_is_refused(self, year, data_copy, output, capsys):
        before = tree(output)
        with pytest.raises(SystemExit) as info:
            main(
                [
                    "--data-dir",
                    str(data_copy),
                    "--output-dir",
                    str(output),
                    "export",
                    "--year",
                    year,
                ]
            )
        err = capsys.readouterr().err
        assert info.value.code == 2 and "jaartal van vier cijfers" in err
        assert tree(output) == before

    @pytest.mark.parametrize("name", ["2019²", "２０２０", "0000"])
    def test_a_folder_that_is_not_a_year_is_ignored(self, name, data_copy, output, capsys):
        (data_copy / name).mkdir()
        code, err = run_cli("validate", data_copy, output, capsys)
        assert code == 0 and "Traceback" not in err
        from bwklib.inputs.loading import available_years

        assert available_years(data_copy) == [2018, 2019]


def fail_with(exc):
    def raiser(*args, **kwargs):
        raise exc

    return raiser


class TestFileSystem:
    @pytest.mark.parametrize(
        "error, message",
        [
            (errno.ENOSPC, "de schijf is vol"),
            (errno.EACCES, "geen toestemming"),
            (errno.EROFS, "niet geschreven"),
        ],
    )
    def test_export_on_a_full_disk_or_read_only_folder(
        self, error, message, data_copy, output, capsys, monkeypatch
    ):
        import bwklib.build.exports as exports

        before = tree(output)
        target = str(output / "2019" / "figures.csv")
        monkeypatch.setattr(exports, "write_csv", fail_with(OSError(error, "x", target)))
        code, err = run_cli("export", data_copy, output, capsys)
        assert code == 1 and "Traceback" not in err
        assert message in err and "figures.csv" in err
        assert tree(output) == before
        assert not [p for p in (output / "2019").iterdir() if p.name.startswith(".bwk-")]

    def test_run_on_a_full_disk_leaves_the_previous_output(
        self, data_copy, output, capsys, monkeypatch, stub_executor
    ):
        """The exports are written while the reports are made: those are stubbed, and no worker
        is warmed up ahead (`bwk run` would start kernels for the stub to ignore)."""
        import bwklib.build.pipeline as pipeline
        from bwklib.build import warmup

        monkeypatch.setattr(warmup, "start", lambda *args, **kwargs: None)

        before = tree(output)
        monkeypatch.setattr(
            pipeline, "write_exports", fail_with(OSError(errno.ENOSPC, "x", str(output)))
        )
        code, err = run_cli("run", data_copy, output, capsys)
        assert code == 1 and "de schijf is vol" in err and "Traceback" not in err
        assert tree(output) == before
        assert not [p for p in output.iterdir() if p.name.startswith(".bwk-build")]

    def test_run_in_a_read_only_output_folder(self, data_copy, output, capsys, monkeypatch):
        import bwklib.build.pipeline as pipeline

        denied = PermissionError(errno.EACCES, "Permission denied", str(output))
        monkeypatch.setattr(pipeline.tempfile, "mkdtemp", fail_with(denied))
        code, err = run_cli("run", data_copy, output, capsys)
        assert code == 1 and "geen toestemming" in err and "Traceback" not in err


class TestCharts:
    LABELS = ["$x^$", r"$\frac{a}{$", "kosten $5 en $10", "50% $"]

    def test_dollar_signs_in_every_chart_are_text(self):
        from bwklib.report import charts

        wide = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 4, 5]})
        parts = [
            charts.hbar(pd.Series([1, 2, 3, 4]), self.LABELS, "$titel", "$x"),
            charts.stacked_by_location(wide, self.LABELS, ["$a$", "$b"], "t$", "x$"),
            charts.small_multiples(wide, self.LABELS, ["$a$", "$b"], "$t$"),
            charts.panels(wide, self.LABELS, ["$a$", "$b^"], "$t", "$x"),
            charts.trend_chart(wide.T, ["$a$", "$b"], [2018, 2019, 2020, 2021], "$t$"),
            charts.budget_actual_chart(
                pd.DataFrame({"budget": [1, 2], "actual": [2, 1], "chart_label": ["$a$", "$b"]}),
                "$t$",
            ),
        ]
        assert all(
            re.match(r'<(figure class="bwk-chart"|div class="bwk-charts")', p) and "<svg" in p
            for p in parts
        )
        assert "kosten $5 en $10" in parts[0]  # SVG text, as written
