"""Three consecutive years through new-year, the workbook, import and run.

2020 is begun from the shipped 2019; in 2021 De Klop closes, De Kroon opens and the region Amsterdam
Zuidoost begins (its rows added by the analyst, then its own workbook); 2022 holds both regions in
one workbook. Every figure of a year must come from that year's entered data: nothing of an earlier
year (volunteer hours, published values, any figure) is carried into a later one.
"""

from __future__ import annotations

import csv
import math
import shutil

import openpyxl
import pytest
import zuidoost
from buildtools import stubbed
from inprocess import report_html
from shared import once, warm_workers

from bwklib import paths
from bwklib.build.pipeline import run
from bwklib.cli import main
from bwklib.compute.history import comparison
from bwklib.entry.sheets import SHEETS, YES
from bwklib.inputs.loading import load_year

YEARS = (2020, 2021, 2022)
REGION = zuidoost.REGION
KROON = {
    "location": "de-kroon",
    "region": "utrecht",
    "name": "De Kroon",
    "neighbourhood": "Kanaleneiland",
    "results_registered": "true",
    "note": "",
}
UNREGISTERED = {"de-klop", "de-handreiking"}


def rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def applies(row: dict, region: str) -> bool:
    return (row.get("region") or "") in ("", region)


def amount(year: int, *parts: int) -> int:
    """A made-up whole number that differs per year (so a carried figure cannot pass as entered)."""
    return 100 + 37 * (year - 2019) + sum((i + 2) * p for i, p in enumerate(parts))


def entered(year: int, folder, locations: list[dict]) -> dict[str, list[dict]]:
    """The figures the analyst enters for the given locations of a year (resource -> rows)."""
    defs = {
        name: rows(folder / f"{name}.csv")
        for name in (
            "indicators",
            "activity_types",
            "generic_measures",
            "housing_corporations",
            "finance_lines",
        )
    }
    out = {name: [] for name in ("results", "participants_activity", "generic_counts")}
    out |= {"participants_housing": [], "finance": []}
    for n, loc in enumerate(locations):
        region, code = loc["region"], loc["location"]

        def mine(name, loc_region=region):
            return [d for d in defs[name] if applies(d, loc_region)]

        for i, d in enumerate(mine("finance_lines")):
            out["finance"].append(
                {
                    "location": code,
                    "line": d["line"],
                    "budget": amount(year, n, i) * 10,
                    "actual": amount(year, n, i) * 10 - 3 * i,
                }
            )
        if code in UNREGISTERED:
            continue
        for i, d in enumerate(mine("indicators")):
            out["results"].append(
                {
                    "location": code,
                    "indicator": d["indicator"],
                    "result": amount(year, n, i),
                    "target": amount(year, n, i) + i,
                }
            )
        for name, table, column in (
            ("activity_types", "participants_activity", "activity_type"),
            ("housing_corporations", "participants_housing", "housing_corporation"),
            ("generic_measures", "generic_counts", "measure"),
        ):
            value = "value" if table == "generic_counts" else "participants"
            for i, d in enumerate(mine(name)):
                out[table].append({"location": code, column: d[column], value: amount(year, n, i)})
    return out


def fill(book, locations: list[dict], figures: dict[str, list[dict]]) -> None:
    """Fill a workbook as the analyst would: every prefilled row replaced by the entered rows."""
    wb = openpyxl.load_workbook(book)
    for sheet in SHEETS:
        ws = wb[sheet.title]
        col = {c.value: c.column for c in ws[1]}
        width = ws.max_column  # openpyxl scans every cell to answer: once, not once a row
        for r in range(2, ws.max_row + 1):
            for c in range(1, width + 1):
                ws.cell(r, c).value = None
        table = locations if sheet.resource == "locations" else figures.get(sheet.resource, [])
        for r, row in enumerate(table, start=2):
            for field, header in sheet.columns.items():
                value = row.get(field, "")
                if value in ("true", "false"):
                    value = YES if value == "true" else "nee"
                ws.cell(r, col[header]).value = value if value != "" else None
    wb.save(book)


def locations_of(year_dir, region: str | None = None) -> list[dict]:
    found = rows(year_dir / "locations.csv")
    return [r for r in found if region is None or r["region"] == region]


def registered(locations: list[dict]) -> list[dict]:
    """The locations with results registered as the analyst sets them for the year."""
    out = []
    for r in locations:
        unregistered = r["location"] in UNREGISTERED
        out.append(
            {
                **r,
                "results_registered": "false" if unregistered else "true",
                "note": "Geen registratie dit jaar." if unregistered else "",
            }
        )
    return out


def cli(data, *args) -> None:
    assert main(["--data-dir", str(data), *args]) == 0


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    """Three years entered and built once: (data folder, output folder, entered figures per year)."""
    root, entries = once(tmp_path_factory, "years", make_years)
    return root / "data", root / "output", entries


def make_years(root):
    """Enter and build the three years in `root`; the figures entered per year."""
    data, out = root / "data", root / "output"
    shutil.copytree(paths.DATA_DIR, data)
    entries = {}

    # 2020: Utrecht as in 2019, figures of its own; volunteer hours entered for 2020 only.
    cli(data, "new-year", "2020")
    folder = data / "2020"
    assert not (folder / "volunteer_hours.csv").exists()  # 2019's published value is not carried
    locs = registered(locations_of(folder))
    entries[2020] = entered(2020, folder, locs)
    fill(folder / "invoer-2020.xlsx", locs, entries[2020])
    cli(data, "import", str(folder / "invoer-2020.xlsx"))
    with open(folder / "volunteer_hours.csv", "w", encoding="utf-8", newline="") as f:
        f.write("scope,hours,hourly_rate,published_value,source_location,note\n")
        f.write("utrecht,4000,12,,,Uren 2020\n")

    # 2021: De Klop closes, De Kroon opens; Amsterdam Zuidoost begins (rows first, then new-year).
    cli(data, "new-year", "2021")
    folder = data / "2021"
    locs = registered([r for r in locations_of(folder) if r["location"] != "de-klop"] + [KROON])
    zuidoost.add_definitions(folder)
    zuidoost.append(folder / "locations.csv", zuidoost.LOCATIONS)
    cli(data, "new-year", "2021", "--region", REGION)
    assert (folder / f"invoer-2021-{REGION}.xlsx").exists()
    entries[2021] = entered(2021, folder, locs)
    fill(folder / "invoer-2021.xlsx", locs, entries[2021])
    region_locs = registered(locations_of(folder, REGION))
    region_entries = entered(2021, folder, region_locs)
    fill(folder / f"invoer-2021-{REGION}.xlsx", region_locs, region_entries)
    cli(data, "import", str(folder / f"invoer-2021-{REGION}.xlsx"))  # before Utrecht's: waits
    cli(data, "import", str(folder / "invoer-2021.xlsx"))
    for name, extra in region_entries.items():
        entries[2021][name] += extra

    # 2022: both regions in one workbook.
    cli(data, "new-year", "2022")
    folder = data / "2022"
    locs = registered(locations_of(folder))
    entries[2022] = entered(2022, folder, locs)
    fill(folder / "invoer-2022.xlsx", locs, entries[2022])
    cli(data, "import", str(folder / "invoer-2022.xlsx"))

    # Exports are real; only 2022's reports that the tests read execute notebooks, on the test
    # process's warm workers (tests/shared.py). Utrecht's reports of 2020 and 2021 are read from
    # their notebook run in this process (tests/inprocess.py).
    for year in YEARS:
        if year == 2022:
            with stubbed(real={"top", REGION}), warm_workers():
                summary = run(year, data, out, jobs=1, progress=lambda s: None)
        else:
            with stubbed():
                summary = run(year, data, out, jobs=1, progress=lambda s: None)
        assert not summary.failures, [f.error for f in summary.failures]
    return entries


def expected_figures(year: int, data_dir, figures: dict[str, list[dict]]) -> dict:
    """Every figure of a year recomputed in the test from the rows entered for that year."""
    folder = data_dir / str(year)
    locs = rows(folder / "locations.csv")
    region_of = {r["location"]: r["region"] for r in locs}
    lines = {r["line"]: r for r in rows(folder / "finance_lines.csv")}
    ratio_lines = rows(folder / "key_ratio_lines.csv")
    want: dict[tuple[str, str, str], float] = {}
    scopes = {r["location"]: [r["location"]] for r in locs}
    for region in {r["region"] for r in locs}:
        scopes[region] = [loc for loc, reg in region_of.items() if reg == region]
    for scope, members in scopes.items():
        fin = [r for r in figures["finance"] if r["location"] in members]
        for basis in ("budget", "actual"):
            per_line: dict[str, int] = {}
            for r in fin:
                per_line[r["line"]] = per_line.get(r["line"], 0) + r[basis]
            for line, value in per_line.items():
                want[(scope, f"{lines[line]['kind']}:{line}", basis)] = value
            income = sum(v for k, v in per_line.items() if lines[k]["kind"] == "income")
            expense = sum(v for k, v in per_line.items() if lines[k]["kind"] == "expense")
            want[(scope, "income_total", basis)] = income
            want[(scope, "expense_total", basis)] = expense
            want[(scope, "balance", basis)] = income - expense
            for ratio in {r["ratio"] for r in ratio_lines}:
                part = sum(per_line.get(r["line"], 0) for r in ratio_lines if r["ratio"] == ratio)
                want[(scope, ratio, basis)] = part / expense
        region = region_of.get(scope, scope)
        for table, prefix, column, value in (
            ("participants_activity", "activity", "activity_type", "participants"),
            ("participants_housing", "housing", "housing_corporation", "participants"),
            ("generic_counts", "generic", "measure", "value"),
        ):
            counts: dict[str, int] = {}
            for r in figures[table]:
                if r["location"] in members:
                    counts[r[column]] = counts.get(r[column], 0) + r[value]
            if not counts:
                continue
            for k, v in counts.items():
                want[(scope, f"{prefix}:{k}", "actual")] = v
            if prefix != "generic":
                want[(scope, f"{prefix}_total", "actual")] = sum(counts.values())
                for k, v in counts.items():
                    want[(scope, f"{prefix}_share:{k}", "actual")] = v / sum(counts.values())
            else:
                for k, v in counts.items():
                    total = sum(
                        r[value]
                        for r in figures[table]
                        if r[column] == k and region_of[r["location"]] == region
                    )
                    want[(scope, f"generic_share:{k}", "actual")] = v / total
    return want


@pytest.mark.build
class TestThreeYears:
    @pytest.mark.parametrize("year", YEARS)
    def test_every_figure_comes_from_the_years_own_entries(self, years, year):
        data_dir, out, entries = years
        want = expected_figures(year, data_dir, entries[year])
        got = {
            (r["scope"], r["key"], r["basis"]): float(r["value"]) if r["value"] else math.nan
            for r in rows(out / str(year) / "figures.csv")
        }
        known = {k: v for k, v in got.items() if k in want}
        assert set(want) <= set(got), sorted(set(want) - set(got))[:5]
        for key, value in known.items():
            assert value == pytest.approx(want[key]), key
        then = {y: expected_figures(y, data_dir, entries[y]) for y in YEARS if y < year}
        checked = 0
        for (scope, key, basis), value in got.items():  # earlier years' values, as labelled
            if key.startswith("earlier:"):
                _, earlier, figure = key.split(":", 2)
                known_then = then.get(int(earlier), {})
                if (scope, figure, basis) in known_then:
                    assert value == pytest.approx(known_then[(scope, figure, basis)]), key
                    checked += 1
        assert checked or year == 2020
        volunteer = {k: v for k, v in got.items() if k[1] == "volunteer_value"}
        assert volunteer == (
            {("utrecht", "volunteer_value", "actual"): 48000.0} if year == 2020 else {}
        )
        scopes = {s for s, _, _ in got}
        assert ("de-klop" in scopes) == (year == 2020) and ("de-kroon" in scopes) == (year > 2020)
        assert (REGION in scopes) == (year > 2020)

    def test_no_published_value_is_carried(self, years):
        data_dir, out, _ = years
        data = str(data_dir)
        for year in YEARS:
            assert rows(data_dir / str(year) / "published.csv") == []
            assert rows(out / str(year) / "checks.csv") == []
        utrecht = {
            year: report_html("regio.ipynb", {"year": year, "region": "utrecht", "data_dir": data})
            for year in (2020, 2021)
        }
        assert "369.200" not in utrecht[2021] and "48.000" not in utrecht[2021]
        assert "Ureninvestering bewoners / vrijwilligers: niet ingevuld voor 2021" in utrecht[2021]
        assert "€ 48.000, berekend als uren × uurtarief" in utrecht[2020]

    def test_the_comparison_over_the_years_is_right(self, years):
        data_dir, out, entries = years
        data = load_year(2022, data_dir)
        for scope in ("top", "de-kroon", "utrecht", REGION, "multibron"):
            table = comparison(data, scope).set_index(["key", "basis"])
            for year in (2020, 2021, 2022):
                want = expected_figures(year, data_dir, entries[year])
                for (key, basis), row in table.iterrows():
                    value = want.get((scope, key, basis))
                    if value is None:
                        assert math.isnan(row[year]), (scope, key, year)
                    else:
                        assert row[year] == pytest.approx(value), (scope, key, year)
            assert (table["change"].dropna() == (table[2022] - table[2021]).dropna()).all()
        assert 2019 in comparison(data, "top").columns  # the shipped year counts as well
        top = (out / "2022/top.html").read_text(encoding="utf-8")
        assert "Verschil met 2021" in top and "Ontwikkeling over de jaren" in top
        region = (out / f"2022/{REGION}.html").read_text(encoding="utf-8")
        assert "Mitros" not in region and "Gemeente Utrecht SPDO" not in region

    def test_each_year_has_the_reports_of_its_own_locations(self, years):
        _, out, _ = years
        assert (out / "2020/de-klop.html").exists() and not (out / "2021/de-klop.html").exists()
        assert (out / "2021/de-kroon.html").exists() and (out / f"2021/{REGION}.html").exists()
        assert not (out / f"2020/{REGION}.html").exists()


class TestRegionBegins:
    """`new-year Y --region R` for a year that exists for other regions, and for a new region."""

    def test_a_region_new_that_year_gets_its_name_and_title(self, tmp_path):
        data = tmp_path / "data"
        shutil.copytree(paths.DATA_DIR, data)
        cli(data, "new-year", "2020")
        before = (data / "2020/locations.csv").read_bytes()
        cli(
            data,
            "new-year",
            "2020",
            "--region",
            REGION,
            "--name",
            "Amsterdam Zuidoost",
            "--title",
            "Buurtwerkkamers Amsterdam Zuidoost",
        )
        regions = rows(data / "2020/regions.csv")
        assert [r["region"] for r in regions] == ["utrecht", REGION]
        assert regions[1]["title"] == "Buurtwerkkamers Amsterdam Zuidoost"
        assert regions[1]["organisation"] == "BuurtWerkKamer Coöperatie"
        assert (data / "2020/locations.csv").read_bytes() == before
        assert (data / f"2020/invoer-2020-{REGION}.xlsx").exists()

    def test_without_a_name_the_message_says_how(self, tmp_path, capsys):
        data = tmp_path / "data"
        shutil.copytree(paths.DATA_DIR, data)
        assert main(["--data-dir", str(data), "new-year", "2020", "--region", REGION]) == 1
        err = capsys.readouterr().err
        assert "onbekende regio" in err and "--name" in err and "--title" in err
        assert not (data / "2020").exists()

    def test_a_region_alone_in_a_new_year(self, tmp_path):
        data = tmp_path / "data"
        shutil.copytree(paths.DATA_DIR, data)
        cli(data, "new-year", "2020", "--region", REGION, "--name", "Zuidoost", "--title", "BWK ZO")
        assert [r["region"] for r in rows(data / "2020/regions.csv")] == [REGION]
        assert rows(data / "2020/locations.csv") == []
        lines = [r["line"] for r in rows(data / "2020/finance_lines.csv")]
        assert "gemeente-spdo" not in lines and "werk-en-inkomen" in lines  # only every region's

    def test_a_region_workbook_is_not_made_twice(self, tmp_path, capsys):
        data = tmp_path / "data"
        shutil.copytree(paths.DATA_DIR, data)
        cli(data, "new-year", "2020")
        args = ["new-year", "2020", "--region", REGION, "--name", "Zuidoost", "--title", "ZO"]
        cli(data, *args)
        assert main(["--data-dir", str(data), *args]) == 1
        assert "heeft in 2020 al een werkmap" in capsys.readouterr().err


class TestBegunYears:
    def test_an_empty_or_begun_earlier_year_is_not_compared(self, tmp_path):
        from bwklib import views

        data = tmp_path / "data"
        shutil.copytree(paths.DATA_DIR, data)
        (data / "2016").mkdir()  # an empty year folder
        cli(data, "new-year", "2017", "--from", "2019")  # begun, never imported
        year = load_year(2019, data)
        html = str(views.comparison_section(year, "hart-voor-leidsche-rijn"))
        assert "Verschil met 2018" in html and "2017" not in html and "2016" not in html
        assert "niet ingevuld" not in html
