"""The 2019 reports as a reader's browser shows them: headless Chromium, offline, desktop and phone.

The session's shared build of 2019 (tests/conftest.py); every stakeholder report, audit report and the
index page is opened once per viewport from a file:// URL with the network blocked, and the facts are
cached for the tests below. Full-page screenshots go to a temporary folder of their own and, when
output/ exists in the working tree, to output/screenshots/ so a developer can look at them.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import (
    BAND_COLOURS_JS,
    CHARTS_JS,
    INDEX,
    OVERFLOW_JS,
    PRINT_BREAKS_JS,
    PageLog,
    launch,
    new_context,
    open_file,
    report_names,
    requires_chromium,
    rgb,
    scope_of,
)

from bwklib import paths

pytestmark = requires_chromium

YEAR = 2019
NAMES = report_names(paths.DATA_DIR, YEAR)
TOLERANCE_PX = 4  # sub-pixel rounding and a scrollbar's worth of slack, no more
SCREENSHOT_COPY = paths.OUTPUT_DIR / "screenshots"  # only when output/ exists


@dataclass
class Desktop:
    """What a 1280 px browser showed of one page."""

    log: PageLog
    charts: list[dict]
    charts_in_source: int
    band_colours: dict[str, list[list[str]]]
    screenshot: Path
    print_breaks: list[str]


@dataclass
class Mobile:
    """What a 390 px phone showed of one page."""

    log: PageLog
    overflow: dict
    screenshot: Path


def csv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def built(built2019):
    """The 2019 year folder of the session's shared build: read it, never write into it."""
    return built2019.year


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    """Where this module's screenshots go (not into the shared build)."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def chromium():
    with launch() as browser:
        yield browser


def keep_screenshot(path: Path) -> None:
    """Copy a screenshot to output/screenshots/ of the working tree, if output/ exists there."""
    if SCREENSHOT_COPY.parent.is_dir():
        SCREENSHOT_COPY.mkdir(exist_ok=True)
        shutil.copy2(path, SCREENSHOT_COPY / path.name)


@pytest.fixture(scope="module")
def desktop(chromium, built2019, screenshots):
    """name -> Desktop facts; each page is opened once, on first use."""
    context = new_context(chromium)
    bands = [row["band"] for row in csv_rows(paths.DATA_DIR / "config" / "bands.csv")]
    cache: dict[str, Desktop] = {}

    def facts(name: str) -> Desktop:
        if name not in cache:
            html = built2019.year / f"{name}.html"
            page, log = open_file(context, html)
            shot = screenshots / f"{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            keep_screenshot(shot)
            charts = page.evaluate(CHARTS_JS)
            colours = page.evaluate(BAND_COLOURS_JS, bands)
            page.emulate_media(media="print")
            breaks = page.evaluate(PRINT_BREAKS_JS)
            page.close()
            source = html.read_text(encoding="utf-8")
            cache[name] = Desktop(
                log, charts, source.count('<figure class="bwk-chart">'), colours, shot, breaks
            )
        return cache[name]

    yield facts
    context.close()


@pytest.fixture(scope="module")
def mobile(chromium, built2019, screenshots):
    """name -> Mobile facts at 390 px; each page is opened once, on first use."""
    context = new_context(chromium, mobile=True)
    cache: dict[str, Mobile] = {}

    def facts(name: str) -> Mobile:
        if name not in cache:
            page, log = open_file(context, built2019.year / f"{name}.html")
            overflow = page.evaluate(OVERFLOW_JS, TOLERANCE_PX)
            shot = screenshots / f"{name}-mobile.png"
            page.screenshot(path=str(shot), full_page=True)
            keep_screenshot(shot)
            page.close()
            cache[name] = Mobile(log, overflow, shot)
        return cache[name]

    yield facts
    context.close()


def expected_bands(year: Path, name: str) -> set[str]:
    """The bands that scores.csv gives the locations a page covers (all of them for the index)."""
    scope = scope_of(name)
    regions = {
        row["location"]: row["region"]
        for row in csv_rows(paths.DATA_DIR / str(YEAR) / "locations.csv")
    }
    covered = {loc for loc, region in regions.items() if scope in (None, loc, region)}
    return {
        row["band"]
        for row in csv_rows(year / "scores.csv")
        if row["location"] in covered and row["band"]
    }


def test_every_page_of_the_year_is_checked(built):
    assert sorted(p.stem for p in built.glob("*.html")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
class TestDesktop:
    def test_loads_without_errors_or_requests(self, desktop, name):
        log = desktop(name).log
        assert log.problems() == []
        assert log.dialogs == []

    def test_every_chart_loaded(self, desktop, name):
        facts = desktop(name)
        assert len(facts.charts) == facts.charts_in_source
        if name != INDEX:
            assert facts.charts, "a report without a single chart"
        for chart in facts.charts:
            assert chart["src"].startswith("data:image/png;base64,"), chart
            assert chart["complete"] and chart["naturalWidth"] > 0 and chart["naturalHeight"] > 0, (
                chart
            )
            assert chart["shownWidth"] > 0, chart

    def test_band_colours_from_the_legend(self, built, desktop, name):
        legend = {row["band"]: row for row in csv_rows(paths.DATA_DIR / "config" / "bands.csv")}
        shown = desktop(name).band_colours
        expected = expected_bands(built, name)
        if scope_of(name) == "de-klop":
            assert expected == set(), "De Klop registered no results in 2019, so it has no bands"
        for band in sorted(expected):
            want = [rgb(legend[band]["colour"]), rgb(legend[band]["text_colour"])]
            assert want in shown[band], f"band-{band}: want {want}, page shows {shown[band][:5]}"

    def test_full_page_screenshot(self, desktop, name):
        shot = desktop(name).screenshot
        assert shot.is_file() and shot.stat().st_size > 10_000
        with open(shot, "rb") as f:
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert width == 1280 and height >= 900

    def test_print_keeps_figures_whole(self, desktop, name):
        breaks = desktop(name).print_breaks
        if name != INDEX:
            assert breaks, "no figure to print"
        assert all(b == "avoid" for b in breaks), breaks


@pytest.mark.parametrize("name", NAMES)
class TestPhone:
    def test_loads_without_errors_or_requests(self, mobile, name):
        assert mobile(name).log.problems() == []

    def test_main_text_fits_the_screen(self, mobile, name):
        o = mobile(name).overflow
        assert o["textWidth"] <= o["viewport"] + TOLERANCE_PX and o["wideText"] == [], o

    def test_no_sideways_scrolling_of_the_page(self, mobile, name):
        """Tables may be wider than the phone, but then they scroll in their own box."""
        o = mobile(name).overflow
        assert o["pageWidth"] <= o["viewport"] + TOLERANCE_PX and o["wideTables"] == [], o
