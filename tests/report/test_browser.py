"""The 2019 reports as a reader's browser shows them: headless Chromium, offline, desktop and phone.

The session's shared build of 2019 (tests/conftest.py); every stakeholder report, audit report and the
index page is opened once per viewport per session (also under pytest-xdist) from a file:// URL with
the network blocked, and the facts are kept for the tests below: axe-core's WCAG 2.1 A/AA violations
at 1280 and 390 px, tables and chart text on a phone, the page printed at A4 width. Screenshots
(desktop, phone: whole page for the stakeholder reports and the index, the first screen of an audit
version) and a PDF of every stakeholder report go to a temporary folder and to output/screenshots/
of the working tree, so a developer can look at them as a reader would.

Cost: one Chromium and one page per width open report after report (browser.Tab); axe-core is
added to every load by an init script, with a memo for its colour parsing (browser.py); the tests
of one report run together (parametrize scope=module), so xdist workers split the reports.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import (
    A4_PRINT_WIDTH_PX,
    AUDIT_SUFFIX,
    AXE_PHONE_AUDIT,
    BAND_COLOURS_JS,
    BODY_FONT_JS,
    DESKTOP,
    INDEX,
    LINKS_JS,
    MOBILE,
    OVERFLOW_JS,
    PRINT_BREAKS_JS,
    SVG_CHARTS_JS,
    TOO_WIDE_JS,
    VISIBLE_TEXT_JS,
    WIDE_TABLES_JS,
    PageLog,
    Tabs,
    axe_init_script,
    axe_violations,
    report_names,
    requires_chromium,
    rgb,
    scope_of,
)
from shared import once

from bwklib import paths

pytestmark = requires_chromium

YEAR = 2019
NAMES = report_names(paths.DATA_DIR, YEAR)
TOLERANCE_PX = 4  # sub-pixel rounding and a scrollbar's worth of slack, no more
SCREENSHOT_COPY = paths.OUTPUT_DIR / "screenshots"
MIN_CHART_TEXT = 0.6  # chart text at least this share of the body text, on a phone too


@dataclass
class Desktop:
    """What a 1280 px browser showed of one page."""

    log: PageLog
    charts: list[dict]
    charts_in_source: int
    band_colours: dict[str, list[list[str]]]
    screenshot: Path
    screenshot_size: tuple[int, int]
    print_breaks: list[str]
    axe: list[str]
    links: list[str]
    text: str
    print_overflow: dict
    pdf: Path | None


@dataclass
class Mobile:
    """What a 390 px phone showed of one page."""

    log: PageLog
    overflow: dict
    screenshot: Path
    screenshot_size: tuple[int, int]
    axe: list[str]
    wide_tables: list[str]
    charts: list[dict]
    body_font: float


def csv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def built(built2019):
    """The 2019 year folder of the session's shared build: read it, never write into it."""
    return built2019.year


@pytest.fixture(scope="module")
def tabs(chromium):
    """The desktop and phone pages, axe-core (with its colour memo) in every load."""
    opened = Tabs(chromium, axe_init_script())
    yield opened
    opened.close()


def facts_once(tmp_path_factory, cache: dict, key: str, make):
    """`make(folder)` once per session for this key, also across pytest-xdist workers.

    worksteal hands a report's tests to both workers at the seams of their queues; the worker that
    comes second reads the facts (and screenshots) the first one made (tests/shared.py `once`).
    """
    if key not in cache:
        _, cache[key] = once(tmp_path_factory, f"browser-{key}", make)
    return cache[key]


def full_page_screenshot(name: str) -> bool:
    """Whole-page screenshots of what readers read: every stakeholder report and the index.

    Of an audit version only the first screen: its layout is the stakeholder version's with the
    audit sections below, and a whole-page shot of those (34,000 px at 1280, 78,000 px on a phone
    for utrecht-audit) cost as much CPU as all other checks of the page; the HTML is at hand.
    """
    return not name.endswith(AUDIT_SUFFIX)


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's header; fails on anything that is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", head
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def check_screenshot(shot: Path, size: tuple[int, int], name: str, viewport: dict) -> None:
    """The PNG is the size asked: the viewport's width, and the whole page or its first screen."""
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert png_size(shot) == size
    width, height = size
    assert width == viewport["width"]
    if full_page_screenshot(name):
        assert height >= viewport["height"]
    else:
        assert height == viewport["height"]


def keep_screenshot(path: Path) -> None:
    """Copy a screenshot or PDF to output/screenshots/ of the working tree."""
    SCREENSHOT_COPY.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, SCREENSHOT_COPY / path.name)


@pytest.fixture(scope="module")
def desktop(tabs, built2019, tmp_path_factory):
    """name -> Desktop facts; each page is opened once per session, on first use."""
    bands = [row["band"] for row in csv_rows(paths.DATA_DIR / "config" / "bands.csv")]
    cache: dict[str, Desktop] = {}

    def make(name: str, folder: Path) -> Desktop:
        browser = tabs.get(mobile=False)
        page = browser.page
        html = built2019.year / f"{name}.html"
        log = browser.open(html)
        shot = folder / f"{name}.png"
        shot_size = browser.screenshot(shot, full_page=full_page_screenshot(name))
        keep_screenshot(shot)
        charts = page.evaluate(SVG_CHARTS_JS)
        colours = page.evaluate(BAND_COLOURS_JS, bands)
        axe = axe_violations(page)
        links = page.evaluate(LINKS_JS)
        text = page.evaluate(VISIBLE_TEXT_JS)
        page.emulate_media(media="print")
        breaks = page.evaluate(PRINT_BREAKS_JS)
        pdf = None
        if name != INDEX and not name.endswith(AUDIT_SUFFIX):
            pdf = folder / f"{name}.pdf"
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
            keep_screenshot(pdf)
        page.set_viewport_size({"width": A4_PRINT_WIDTH_PX, "height": 1000})
        print_overflow = page.evaluate(TOO_WIDE_JS, TOLERANCE_PX)
        source = html.read_text(encoding="utf-8")
        return Desktop(
            log,
            charts,
            source.count('<figure class="bwk-chart">'),
            colours,
            shot,
            shot_size,
            breaks,
            axe,
            links,
            text,
            print_overflow,
            pdf,
        )

    def facts(name: str) -> Desktop:
        return facts_once(tmp_path_factory, cache, f"desktop-{name}", lambda f: make(name, f))

    return facts


@pytest.fixture(scope="module")
def mobile(tabs, built2019, tmp_path_factory):
    """name -> Mobile facts at 390 px; each page is opened once per session, on first use."""
    cache: dict[str, Mobile] = {}

    def make(name: str, folder: Path) -> Mobile:
        browser = tabs.get(mobile=True)
        page = browser.page
        log = browser.open(built2019.year / f"{name}.html")
        overflow = page.evaluate(OVERFLOW_JS, TOLERANCE_PX)
        shot = folder / f"{name}-mobile.png"
        shot_size = browser.screenshot(shot, full_page=full_page_screenshot(name))
        keep_screenshot(shot)
        axe = axe_violations(page, AXE_PHONE_AUDIT if name.endswith(AUDIT_SUFFIX) else None)
        wide = page.evaluate(WIDE_TABLES_JS, TOLERANCE_PX)
        charts = page.evaluate(SVG_CHARTS_JS)
        body_font = page.evaluate(BODY_FONT_JS)
        return Mobile(log, overflow, shot, shot_size, axe, wide, charts, body_font)

    def facts(name: str) -> Mobile:
        return facts_once(tmp_path_factory, cache, f"mobile-{name}", lambda f: make(name, f))

    return facts


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


MAX_REPORT_BYTES = 200_000


@pytest.mark.parametrize("name", NAMES)
def test_report_is_lean(built, name):
    """One lean stylesheet and SVG charts: no page of the year (stakeholder and audit versions,
    the index) is over 200 KB."""
    assert (built / f"{name}.html").stat().st_size <= MAX_REPORT_BYTES


def test_every_page_of_the_year_is_checked(built):
    assert sorted(p.stem for p in built.glob("*.html")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES, scope="module")
class TestDesktop:
    def test_loads_without_errors_or_requests(self, desktop, name):
        log = desktop(name).log
        assert log.problems() == []
        assert log.dialogs == []

    def test_every_chart_shown_with_real_text(self, desktop, name):
        facts = desktop(name)
        assert len(facts.charts) == facts.charts_in_source
        if name != INDEX:
            assert facts.charts, "a report without a single chart"
        for chart in facts.charts:
            assert chart["svg"] and chart["width"] > 0 and chart["height"] > 0, chart
            assert chart["texts"] > 0 and chart["caption"], chart

    def test_no_accessibility_violations(self, desktop, name):
        assert desktop(name).axe == []

    def test_links_to_the_index(self, desktop, name):
        if name != INDEX:
            assert "index.html" in desktop(name).links

    def test_printed_at_a4_width_nothing_is_wider_than_the_page(self, desktop, name):
        o = desktop(name).print_overflow
        assert o["width"] == A4_PRINT_WIDTH_PX and o["elements"] == [], o

    def test_stakeholder_version_has_no_audit_material(self, desktop, name):
        """Controle, Herkomst, file names and package versions are for the audit version."""
        if name == INDEX or name.endswith(AUDIT_SUFFIX):
            return
        text = desktop(name).text
        for word in ("opnieuw berekend", "Herkomst", "papermill", "pandas", "Python", "SHA-256"):
            assert word not in text, word
        files = re.findall(r"[\w./-]+\.(?:csv|md|json|ipynb|py|txt)\b", text)
        assert files == []
        keys = re.findall(r"\b[A-Za-z]+_[a-z_]+\b", text)  # e.g. volunteer_value, sroi_share
        assert keys == []
        assert f"{name}{AUDIT_SUFFIX}.html" in desktop(name).links

    def test_audit_version_keeps_the_audit_material(self, desktop, name):
        if name.endswith(AUDIT_SUFFIX):
            text = desktop(name).text
            assert "opnieuw berekend" in text and "Herkomst" in text and "pandas" in text

    def test_printed_on_a4(self, desktop, name):
        pdf = desktop(name).pdf
        if pdf is None:
            return
        head = pdf.read_bytes()
        assert head.startswith(b"%PDF")
        # every page box of the PDF is A4 (595 x 842 pt), as the stylesheet's @page asks
        boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", head))
        assert boxes and all(
            abs(float(w) - 595) < 1.5 and abs(float(h) - 842) < 1.5 for w, h in boxes
        ), boxes

    def test_band_colours_from_the_legend(self, built, desktop, name):
        legend = {row["band"]: row for row in csv_rows(paths.DATA_DIR / "config" / "bands.csv")}
        shown = desktop(name).band_colours
        expected = expected_bands(built, name)
        if scope_of(name) == "de-klop":
            assert expected == set(), "De Klop registered no results in 2019, so it has no bands"
        for band in sorted(expected):
            want = [rgb(legend[band]["colour"]), rgb(legend[band]["text_colour"])]
            assert want in shown[band], f"band-{band}: want {want}, page shows {shown[band][:5]}"

    def test_screenshot(self, desktop, name):
        facts = desktop(name)
        check_screenshot(facts.screenshot, facts.screenshot_size, name, DESKTOP)

    def test_print_keeps_figures_whole(self, desktop, name):
        breaks = desktop(name).print_breaks
        if name != INDEX:
            assert breaks, "no figure to print"
        assert all(b == "avoid" for b in breaks), breaks


@pytest.mark.parametrize("name", NAMES, scope="module")
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

    def test_no_table_needs_sideways_scrolling(self, mobile, name):
        """On a phone every table fits: its rows are stacked into cards."""
        assert mobile(name).wide_tables == []

    def test_no_accessibility_violations(self, mobile, name):
        assert mobile(name).axe == []

    def test_screenshot(self, mobile, name):
        facts = mobile(name)
        check_screenshot(facts.screenshot, facts.screenshot_size, name, MOBILE)

    def test_chart_text_legible(self, mobile, name):
        facts = mobile(name)
        for chart in facts.charts:
            assert chart["smallest"] >= MIN_CHART_TEXT * facts.body_font, (chart, facts.body_font)


# Text and backgrounds in every CSS colour syntax, some of them failing WCAG's 4.5:1, in a table
# as in the reports, nested backgrounds with transparency included; and an image without alt text.
COLOUR_SAMPLE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>kleuren</title>
<style>td { padding: 2px } .pale { color: #bbbbbb } .half { background: rgba(0, 0, 80, 0.5) }</style>
</head><body><main><h1>Kleuren</h1><table><tbody>
<tr><td style="color: #777">grijs op wit</td><td style="color: rgb(20, 20, 20)">donker</td></tr>
<tr class="half"><td style="color: white">wit op half blauw</td>
    <td style="color: hsl(210 40% 40%)">hsl op half blauw</td></tr>
<tr><td class="pale">licht</td><td style="color: color-mix(in srgb, red 40%, white)">mix</td></tr>
<tr style="background: navy"><td style="color: transparent">onzichtbaar</td>
    <td style="color: #ff000080">half rood op marine</td></tr>
<tr style="background: #1b7837"><td style="color: #fff">wit op groen</td>
    <td style="color: lightgreen">lichtgroen op groen</td></tr>
</tbody></table><p style="color: #595959; background: #f0f0f0">net genoeg</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"></main></body></html>"""

FULL_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}
CONTRAST_JS = """(options) => axe.run(document, options).then(r => Object.fromEntries(
    ['passes', 'incomplete', 'violations'].map(k => [k, r[k].flatMap(rule => rule.nodes.map(
        n => [n.html, n.any.map(c => c.data)]))])))"""


# In the reports' browser, so with them in the build tier: --fast starts no Chromium for it.
@pytest.mark.usefixtures("built2019")
def test_axe_finds_violations_and_the_colour_memo_changes_nothing(tabs, tmp_path):
    """axe as the page tests load it reports a contrast failure and a missing alt text; every
    contrast result (passes, incomplete, violations, with the colours and ratios axe found) is the
    same with the colour memo as with axe's own parser."""
    page_file = tmp_path / "kleuren.html"
    page_file.write_text(COLOUR_SAMPLE, encoding="utf-8")
    tab = tabs.get(mobile=False)
    assert tab.open(page_file).problems() == []
    memo_on = "() => axe.commons.color.Color.prototype.parseString.memo === true"
    assert tab.page.evaluate(memo_on) is True
    found = axe_violations(tab.page)
    assert {v.split(" ")[0] for v in found} >= {"color-contrast", "image-alt"}, found
    memoised = tab.page.evaluate(CONTRAST_JS, FULL_CONTRAST)
    tab.page.evaluate("""() => { const proto = axe.commons.color.Color.prototype;
                                proto.parseString = proto.parseString.original; }""")
    assert tab.page.evaluate(memo_on) is False
    plain = tab.page.evaluate(CONTRAST_JS, FULL_CONTRAST)
    assert len(memoised["violations"]) >= 3 and memoised["passes"] and memoised["incomplete"]
    assert memoised == plain
    # the audit versions' options at phone width: the same but for color-contrast
    without = {v.split(" ")[0] for v in axe_violations(tab.page, AXE_PHONE_AUDIT)}
    assert without == {v.split(" ")[0] for v in found} - {"color-contrast"}, without
