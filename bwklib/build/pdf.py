"""PDF copies of the stakeholder reports, printed by a headless Chromium when one is installed.

Chromium is started with its network features off, so printing loads nothing from elsewhere; the
reports carry a print stylesheet (bwk.css: `@page { size: A4; margin: 12mm }`, which Chromium's
--print-to-pdf follows instead of its Letter default; tables within the page width, headers repeated,
headings kept with what follows) and --no-pdf-header-footer leaves out the date and file path.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Chromium with its network features off: nothing is fetched besides the file itself.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FLAGS = ["--headless", *CHROMIUM_FLAGS, "--no-pdf-header-footer"]


def find_chromium() -> str | None:
    """The path of an installed Chromium, or None."""
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


def print_pdf(html: Path, pdf: Path, browser: str) -> None:
    """Print one HTML file to PDF.

    Raises
    ------
    RuntimeError
        When Chromium fails or writes no PDF.
    """
    with tempfile.TemporaryDirectory(prefix="bwk-chromium-") as profile:
        result = subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if not pdf.exists():
        raise RuntimeError(f"Chromium maakte geen PDF van {html.name}: {result.stderr[-300:]}")


def write_pdfs(year_dir: Path, scopes: list[str]) -> list[Path]:
    """PDFs of the stakeholder reports of the given scopes under year_dir/pdf/.

    Raises
    ------
    RuntimeError
        When no Chromium is installed.
    """
    browser = find_chromium()
    if browser is None:
        raise RuntimeError(
            "--pdf vraagt om Chromium; installeer het (bijv. apt-get install chromium)"
        )
    out = Path(year_dir) / "pdf"
    out.mkdir(exist_ok=True)
    written = []
    for scope in scopes:
        html = Path(year_dir) / f"{scope}.html"
        if html.exists():
            print_pdf(html, out / f"{scope}.pdf", browser)
            written.append(out / f"{scope}.pdf")
    return written
