"""Hostile text in the data: script payloads in every free-text field must show as text, never run.

A copy of data/ gets a payload appended to every free-text cell that reaches a report (names, labels,
units, notes, explanations, legend texts) and to every story; ids, numbers and colours stay as they
are. The year is built with bwklib.build.pipeline.run and every page is opened in headless Chromium with
the network blocked and alert/confirm/prompt watched.

Cost: one Chromium page opens report after report (browser.Tab: no renderer process per report, the
dialog watch compiled once), and the facts of a report are made once per session, also across
pytest-xdist workers (tests/shared.py `once`): a worker whose reports the other one opened starts no
browser. `test_the_watch_sees_what_runs` shows that the reused page still catches a script that
runs, a dialog and a request.
"""

from __future__ import annotations

import csv
import shutil
from itertools import cycle
from pathlib import Path

import pytest
from browser import PageLog, Tab, Tabs, report_names, requires_chromium
from shared import once, warm_workers

from bwklib import paths
from bwklib.build.pipeline import run

pytestmark = [requires_chromium, pytest.mark.build]  # builds the hostile data itself

YEAR = 2019
NAMES = report_names(paths.DATA_DIR, YEAR)
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '<a href="javascript:alert(3)">x</a>',
    "</style><script>alert(4)</script>",
    "<svg onload=alert(5)><script>alert(6)</script></svg>",
    '"><script>alert(7)</script>',
    "'><img src=x onerror=alert(8)>",
    "</title><script>alert(9)</script>",  # names also go into <title>
]
# Every free-text column that reaches a report, by file under data/ (ids and numbers untouched).
FREE_TEXT = {
    f"{YEAR}/locations.csv": ["name", "neighbourhood", "note"],
    f"{YEAR}/regions.csv": ["name", "title", "organisation"],
    f"{YEAR}/indicators.csv": ["label", "unit"],
    f"{YEAR}/indicator_sections.csv": ["label"],
    f"{YEAR}/activity_types.csv": ["label", "chart_label"],
    f"{YEAR}/generic_measures.csv": ["label", "chart_label"],
    f"{YEAR}/generic_counts.csv": ["note"],
    f"{YEAR}/housing_corporations.csv": ["label"],
    f"{YEAR}/finance_lines.csv": ["label", "chart_label"],
    f"{YEAR}/finance.csv": ["note"],
    f"{YEAR}/finance_region.csv": ["note"],
    f"{YEAR}/key_ratios.csv": ["label", "explanation"],
    "config/bands.csv": ["label", "description"],
    "config/scoring_rules.csv": ["explanation"],
}
# alert/confirm/prompt still open their dialog (so page.on("dialog") sees it too), but first leave
# a mark that survives a dismissed dialog.
WATCH_DIALOGS = """
for (const name of ['alert', 'confirm', 'prompt']) {
    const original = window[name];
    window[name] = function (...args) {
        window.__xss = true;
        (window.__xssCalls = window.__xssCalls || []).push(name + '(' + args.join(', ') + ')');
        return original.apply(window, args);
    };
}
"""
ACTIVE_CONTENT_JS = """() => ({
    xss: window.__xss,
    calls: window.__xssCalls || [],
    scripts: [...document.scripts].map(s => s.outerHTML.slice(0, 120)),
    handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
        .filter(a => a.name.toLowerCase().startsWith('on'))
        .map(a => el.tagName.toLowerCase() + ' ' + a.name + '=' + a.value)),
    jsUrls: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
        .map(el => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action')
            || el.getAttribute('formaction') || '')
        .filter(u => u.replace(/\\s/g, '').toLowerCase().startsWith('javascript:')),
    embedded: document.querySelectorAll('iframe, object, embed, frame').length,
    text: document.body.innerText,
})"""


def inject(data_dir: Path) -> int:
    """Append payloads, in turn, to every free-text cell and story of a copy of data/.

    Empty cells (notes) get the payload alone. CSV is rewritten with the csv module so quoting
    stays valid. Returns the number of cells and stories changed.
    """
    payload = cycle(PAYLOADS)
    changed = 0
    for name, columns in FREE_TEXT.items():
        path = data_dir / name
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            fieldnames, rows = reader.fieldnames, list(reader)
        for row in rows:
            for column in columns:
                row[column] = f"{row[column]} {next(payload)}".strip()
                changed += 1
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fieldnames, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    # Stories are Markdown written by people: raw HTML in them must show as text as well.
    for story in sorted((data_dir / str(YEAR) / "stories").glob("*.md")):
        extra = "\n\n".join([f"Tekst {p}" for p in PAYLOADS] + ["[klik](javascript:alert(10))"])
        story.write_text(story.read_text(encoding="utf-8") + "\n\n" + extra + "\n", "utf-8")
        changed += 1
    return changed


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The 2019 reports built from a copy of data/ with payloads in every free-text field."""
    _, (summary, lines, error) = once(tmp_path_factory, "hostile", build_hostile)
    if error:  # a finding: hostile but valid text must not stop the build
        pytest.fail(f"the build with hostile text failed: {error}\n" + "\n".join(lines))
    return summary, lines


def build_hostile(root: Path) -> tuple:
    """(summary, progress lines, error) of the build of hostile data in `root`."""
    data_dir = root / "data"
    shutil.copytree(paths.DATA_DIR, data_dir)
    assert inject(data_dir) > 100
    lines: list[str] = []
    try:
        with warm_workers():  # the text is the subject here, not the processes
            summary = run(
                YEAR, data_dir=data_dir, output_dir=root / "output", jobs=1, progress=lines.append
            )
    except Exception as e:
        return None, lines, repr(e)
    return summary, lines, None


@pytest.fixture(scope="module")
def tab(chromium):
    """The desktop page with the dialog watch in every load."""
    watched = Tabs(chromium, WATCH_DIALOGS)
    yield watched
    watched.close()


def look(tab: Tab, html: Path) -> tuple[dict, PageLog]:
    """(active content found, PageLog) of one page opened in the watched tab."""
    log = tab.open(html)
    return tab.page.evaluate(ACTIVE_CONTENT_JS), log


@pytest.fixture(scope="module")
def pages(hostile, tab, tmp_path_factory):
    """name -> (page facts, PageLog); each page is opened once per session, on first use."""
    summary, _ = hostile
    cache = {}

    def facts(name: str):
        if name not in cache:
            make = lambda _: look(tab.get(), summary.output / f"{name}.html")  # noqa: E731
            _, cache[name] = once(tmp_path_factory, f"hostile-page-{name}", make)
        return cache[name]

    return facts


# A page on which something does run: an inline script, a handler, a dialog, a request.
ACTIVE_SAMPLE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>t</title>
<script>alert('script')</script></head><body><p>tekst</p>
<img src="https://example.invalid/x.png" onerror="confirm('handler')" alt=""></body></html>"""


def test_the_watch_sees_what_runs(tab, tmp_path):
    """The reused page still catches what the hostile pages must not do, page after page: a script
    that runs, its dialogs, a handler, a request; and the next page starts with a clean log."""
    active = tmp_path / "actief.html"
    active.write_text(ACTIVE_SAMPLE, encoding="utf-8")
    quiet = tmp_path / "stil.html"
    quiet.write_text("<!doctype html><title>t</title><p>tekst</p>", encoding="utf-8")
    for _ in range(2):
        facts, log = look(tab.get(), active)
        assert facts["xss"] is True
        assert facts["calls"] == ["alert(script)", "confirm(handler)"]
        assert log.dialogs == ["alert: script", "confirm: handler"]
        assert facts["scripts"] and facts["handlers"]
        assert log.blocked == ["https://example.invalid/x.png"]
        facts, log = look(tab.get(), quiet)
        assert facts["xss"] is None and facts["calls"] == []
        assert log.dialogs == [] and log.problems() == []


def test_build_succeeds(hostile):
    summary, lines = hostile
    assert not summary.failures, "\n".join(lines)
    assert sorted(p.stem for p in summary.output.glob("*.html")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
class TestHostileText:
    def test_nothing_runs(self, pages, name):
        facts, log = pages(name)
        assert log.dialogs == []
        assert facts["xss"] is None, facts["calls"]

    def test_no_active_content_in_the_page(self, pages, name):
        facts, _ = pages(name)
        assert facts["scripts"] == []
        assert facts["handlers"] == []
        assert facts["jsUrls"] == []
        assert facts["embedded"] == 0

    def test_nothing_loaded_or_failed(self, pages, name):
        _, log = pages(name)
        assert log.problems() == []

    def test_payload_shown_as_text(self, pages, name):
        facts, _ = pages(name)
        shown = [p for p in PAYLOADS if p in facts["text"]]
        assert shown, "no payload visible as text: escaped text was dropped"


def test_every_payload_shown_somewhere(pages):
    text = "\n".join(pages(name)[0]["text"] for name in NAMES)
    assert [p for p in PAYLOADS if p not in text] == []
