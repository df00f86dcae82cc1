"""Shared Playwright helpers for the browser tests: Debian's Chromium, offline pages, page facts.

The browser is the system's Chromium (`apt-get install chromium`, see .ci/run), never one that
Playwright downloads. Every page is opened from a file:// URL with every other request aborted, so a
report that tries to load anything (a script, a font, an image) shows up as a blocked request.
"""

from __future__ import annotations

import base64
import csv
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, sync_playwright

from bwklib.build.pdf import CHROMIUM_FLAGS

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = CHROMIUM_FLAGS
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
INDEX = "index"
AUDIT_SUFFIX = "-audit"


def chromium_executable() -> str | None:
    """Debian's Chromium: /usr/bin/chromium, else `chromium` on PATH, else None."""
    if SYSTEM_CHROMIUM.is_file():
        return str(SYSTEM_CHROMIUM)
    return shutil.which("chromium")


requires_chromium = pytest.mark.skipif(
    chromium_executable() is None,
    reason="Chromium not installed (/usr/bin/chromium or `chromium` on PATH); "
    "install it with `apt-get install chromium` (.ci/run does so in CI)",
)


@contextmanager
def launch() -> Iterator[Browser]:
    """Headless system Chromium, closed afterwards."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


class SharedChromium:
    """One Chromium (and Playwright driver) for the browser tests of a test process, started on
    first use: a pytest-xdist worker whose pages the other worker opened starts none. Each launch
    is a Node.js driver and a browser with its helper processes (about a CPU second); the modules
    take their own contexts and pages from this one browser (fixture `chromium`, conftest.py)."""

    def __init__(self):
        self._stack = ExitStack()
        self._browser: Browser | None = None

    def get(self) -> Browser:
        if self._browser is None:
            self._browser = self._stack.enter_context(launch())
        return self._browser

    def close(self) -> None:
        self._stack.close()
        self._browser = None


class Tabs:
    """One page per width in the session's Chromium, each started on first use, with `init_script`
    in every load: a pytest-xdist worker whose pages the other worker opened starts no browser."""

    def __init__(self, chromium: SharedChromium, init_script: str):
        self._chromium = chromium
        self._init_script = init_script
        self._contexts: list[BrowserContext] = []
        self._tabs: dict[bool, Tab] = {}

    def get(self, mobile: bool = False) -> Tab:
        """The page for phone or desktop width."""
        if mobile not in self._tabs:
            context = new_context(self._chromium.get(), mobile=mobile)
            self._contexts.append(context)
            context.add_init_script(self._init_script)
            self._tabs[mobile] = Tab(context.new_page(), MOBILE if mobile else DESKTOP)
        return self._tabs[mobile]

    def close(self) -> None:
        """Close the pages' contexts (the browser is the session's)."""
        for context in self._contexts:
            context.close()


def new_context(browser: Browser, mobile: bool = False) -> BrowserContext:
    """A fresh context: desktop (1280 px) or a phone (390 px, meta viewport honoured)."""
    if mobile:
        return browser.new_context(
            viewport=MOBILE,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=1,
            service_workers="block",
        )
    return browser.new_context(viewport=DESKTOP, device_scale_factor=1, service_workers="block")


@dataclass
class PageLog:
    """What happened while a page loaded: errors, requests other than the file, dialogs."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every console error, uncaught exception, blocked or failed request, as one list."""
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"blocked request: {u}" for u in self.blocked]
            + [f"failed request: {u}" for u in self.failed]
        )


def same_url(a: str, b: str) -> bool:
    """Two URLs equal up to percent-encoding and a fragment."""
    return unquote(a.split("#", 1)[0]) == unquote(b.split("#", 1)[0])


class Tab:
    """One page of a context that opens file after file, each with a log of its own.

    Navigating a page that exists costs a fraction of a new page (no new renderer process, and a
    script added with `add_init_script` is compiled once). Every request other than the file that is
    open is aborted and recorded as blocked; console errors, uncaught exceptions, failed requests and
    dialogs (dismissed) go to the log of the file that is open. Each `open` starts from the screen
    as the context left it: `viewport`, screen media.
    """

    def __init__(self, page: Page, viewport: dict | None = None):
        self.page = page
        self.viewport = viewport
        self.log = PageLog("about:blank")
        self._cdp: CDPSession | None = None
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.log.page_errors.append(str(e)[:300]))
        page.on("requestfailed", self._failed)
        page.on("dialog", self._dialog)
        page.route("**/*", self._route)

    def _route(self, r):
        if same_url(r.request.url, self.log.url):
            r.continue_()
        else:
            self.log.blocked.append(r.request.url[:200])
            r.abort("blockedbyclient")

    def _failed(self, request):
        if not same_url(request.url, self.log.url) and request.url[:200] in self.log.blocked:
            return  # already recorded as blocked
        self.log.failed.append(f"{request.url[:200]} ({request.failure})")

    def _console(self, message):
        if message.type == "error":
            self.log.console_errors.append(message.text[:300])

    def _dialog(self, d):
        self.log.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    def open(self, path: Path) -> PageLog:
        """Load a local HTML file (images included) in this page; its log."""
        if self.viewport and self.page.viewport_size != self.viewport:
            self.page.set_viewport_size(self.viewport)
        self.page.emulate_media(media="screen")
        self.log = PageLog(Path(path).resolve().as_uri())
        self.page.goto(self.log.url, wait_until="load")
        return self.log

    def screenshot(self, path: Path, full_page: bool = True) -> tuple[int, int]:
        """A PNG of what is open: the whole page, or the first screen; its (width, height) in px.

        Chromium's own capture (what Playwright's full-page screenshot uses too) with its fast PNG
        compression: the same pixels in a bigger file, about half the encoding time.
        """
        if self._cdp is None:
            self._cdp = self.page.context.new_cdp_session(self.page)
        if full_page:
            width, height = self.page.evaluate(PAGE_SIZE_JS)
        else:
            width, height = self.page.viewport_size["width"], self.page.viewport_size["height"]
        shot = self._cdp.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "optimizeForSpeed": True,
                "captureBeyondViewport": full_page,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        Path(path).write_bytes(base64.b64decode(shot["data"]))
        return width, height


def report_names(data_dir: Path, year: int) -> list[str]:
    """Every HTML page of a year, by file stem: each location and region, its audit version, index.

    Read from locations.csv and regions.csv, so the list follows the data, as the pipeline does.
    """
    scopes = []
    for table, column in (("locations", "location"), ("regions", "region")):
        with open(Path(data_dir) / str(year) / f"{table}.csv", encoding="utf-8", newline="") as f:
            scopes += [row[column] for row in csv.DictReader(f)]
    return [name for s in scopes for name in (s, s + AUDIT_SUFFIX)] + [INDEX]


def scope_of(name: str) -> str | None:
    """The scope id of a page stem ('top-audit' -> 'top'); None for the index page."""
    return None if name == INDEX else name.removesuffix(AUDIT_SUFFIX)


# The page scripts below run in the browser; each returns plain JSON.

BAND_COLOURS_JS = """(bands) => Object.fromEntries(bands.map(band => [band,
    [...document.querySelectorAll('.band-' + band)].map(el => {
        const style = getComputedStyle(el);
        return [style.backgroundColor, style.color];
    })]))"""

PRINT_BREAKS_JS = """() => [...document.querySelectorAll('figure')].map(f =>
    getComputedStyle(f).breakInside)"""

# Horizontal overflow at phone width. `text`: with tables and code blocks (which may scroll) taken
# out of the layout, how wide the page is and which elements stick out. `page`: with everything in,
# how wide the page is and which tables stick out of it (a table in its own scroll box does not).
OVERFLOW_JS = """(tolerance) => {
    const root = document.documentElement;
    const viewport = root.clientWidth;
    const describe = el => el.tagName.toLowerCase()
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ' "' + (el.textContent || '').trim().slice(0, 50) + '"';
    const scrolls = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
    };
    const sticking = selector => [...document.body.querySelectorAll(selector)]
        .filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.right > viewport + tolerance && !scrolls(el);
        })
        .map(el => describe(el) + ' right=' + Math.round(el.getBoundingClientRect().right));
    const pageWidth = Math.max(root.scrollWidth, document.body.scrollWidth);
    const wideTables = sticking('table');
    const hidden = [...document.querySelectorAll('table, pre')].map(el => [el, el.style.display]);
    hidden.forEach(([el]) => { el.style.display = 'none'; });
    const textWidth = Math.max(root.scrollWidth, document.body.scrollWidth);
    const wideText = sticking('*');
    hidden.forEach(([el, display]) => { el.style.display = display; });
    return {viewport, pageWidth, wideTables: wideTables.slice(0, 10),
            textWidth, wideText: wideText.slice(0, 10)};
}"""


def rgb(hex_colour: str) -> str:
    """'#1b7837' -> 'rgb(27, 120, 55)', as getComputedStyle reports an opaque colour."""
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


# Charts are inline SVG: each with its size on screen and the smallest text in screen pixels.
SVG_CHARTS_JS = """() => [...document.querySelectorAll('figure.bwk-chart')].map(f => {
    const svg = f.querySelector('svg');
    if (!svg) return {caption: f.textContent.slice(0, 60), svg: false};
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    return {caption: f.querySelector('figcaption')?.textContent || '', svg: true,
            width: box.width, height: box.height, texts: sizes.length,
            smallest: sizes.length ? Math.min(...sizes) : 0};
})"""

BODY_FONT_JS = "() => parseFloat(getComputedStyle(document.body).fontSize)"

# Tables whose content is wider than the space they have (they would need sideways scrolling).
WIDE_TABLES_JS = """(tolerance) => [...document.querySelectorAll('table')].filter(t => {
    const box = t.parentElement.getBoundingClientRect();
    const limit = Math.min(box.width, document.documentElement.clientWidth);
    return t.scrollWidth > limit + tolerance || t.getBoundingClientRect().width > limit + tolerance;
}).map(t => (t.querySelector('th, td')?.textContent || '').trim().slice(0, 40)
           + ' width=' + Math.round(t.scrollWidth))"""

# Elements sticking out of the page or cut inside a scroll box (used in print emulation).
TOO_WIDE_JS = """(tolerance) => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width <= 1) continue;  // nothing shown (or text for screen readers only)
        if (r.right > width + tolerance || r.left < -tolerance
            || el.scrollWidth > el.clientWidth + tolerance && getComputedStyle(el).overflowX !== 'visible') {
            out.push(el.tagName.toLowerCase() + '.' + (el.className?.baseVal ?? el.className)
                     + ' "' + (el.textContent || '').trim().slice(0, 40) + '" right=' + Math.round(r.right));
        }
    }
    return {width, elements: out.slice(0, 10)};
}"""

LINKS_JS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"

VISIBLE_TEXT_JS = "() => document.body.innerText"

PAGE_SIZE_JS = """() => [Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
                          Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)]"""

# axe-core: the WCAG 2.1 A and AA rules. Only violations are kept in full (`resultTypes`). Tried
# and left out (2026-11, axe 4.12, on every 2019 page, desktop): `selectors: False` gives the same
# violations for no measurable saving (3%, within the noise), elementRef/ancestry/xpath/absolutePaths
# are off by default; `preload: False` and `iframes: False` would narrow what is checked. About 85%
# of axe's time on utrecht-audit is color-contrast (evaluating and matching), an AA rule.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# The audit versions at phone width: every rule of AXE_OPTIONS but color-contrast, 85% of axe's time
# on those long pages (about 7 CPU s a session). What contrast checks is a pair of colours, and no
# colour changes with the width: the width rules of the pages set none (test_stylesheet.py::
# test_narrow_screens_change_no_colour). Contrast is checked on every audit version at desktop width
# and on every stakeholder page and the index at both; the layout rules (a scroll box without a tab
# stop, a link told apart by colour alone) still run on the audit versions at phone width.
AXE_PHONE_AUDIT = {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
A4_PRINT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)  # A4 less 12 mm margins, in CSS pixels

# axe-core's colour-contrast rule parses the CSS colour of every element in the background stack of
# every text element (colorjs.io, a few hundred microseconds a time): over half of axe's time on a
# report with a thousand table cells, for a handful of distinct colour strings. Parsing is a pure
# function of the string, so its result (r, g, b, alpha) is kept per string; a string that does not
# parse goes to axe's own parser every time, which fails as before. Without the hook (another axe
# version) axe runs unchanged, only slower. test_browser.py::test_axe_colour_memo_changes_nothing.
AXE_COLOUR_MEMO_JS = """(() => {
    const proto = window.axe?.commons?.color?.Color?.prototype;
    if (!proto || typeof proto.parseString !== 'function' || proto.parseString.memo) return false;
    const parse = proto.parseString;
    const known = new Map();
    const memo = function (text) {
        const rgba = known.get(text);
        if (rgba === undefined) {
            parse.call(this, text);
            known.set(text, [this.r, this.g, this.b, this.alpha]);
        } else {
            [this.r, this.g, this.b, this.alpha] = rgba;
        }
        return this;
    };
    memo.memo = true;
    memo.original = parse;
    proto.parseString = memo;
    return true;
})()"""


def axe_source() -> str:
    """axe-core's script as axe_playwright_python ships it."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def axe_init_script(memo: bool = True) -> str:
    """axe-core (and the colour memo) for `BrowserContext.add_init_script`: in every page loaded."""
    return axe_source() + ("\n;" + AXE_COLOUR_MEMO_JS + ";\n" if memo else "\n")


def axe_results(page: Page, options: dict | None = None) -> dict:
    """axe-core's results on the page; axe is injected first if the context did not add it."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
        page.evaluate(AXE_COLOUR_MEMO_JS)
    return page.evaluate("(options) => axe.run(document, options)", options or AXE_OPTIONS)


def axe_violations(page: Page, options: dict | None = None) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one line per rule with an example
    (`options`: AXE_OPTIONS, or AXE_PHONE_AUDIT)."""
    found = axe_results(page, options)["violations"]
    return [f"{v['id']} ({len(v['nodes'])}x): {v['nodes'][0]['html'][:120]}" for v in found]
