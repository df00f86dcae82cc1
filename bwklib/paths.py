"""Path constants: the one place that knows where data, notebooks and outputs live.

In a source checkout (also an editable install) the project is the folder holding bwklib/. An
installed package (a wheel in site-packages) has no project beside it: then the project is the
current folder, where `bwk` finds data/, notebooks/ and writes output/.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
NOTEBOOK_SUBDIR = "notebooks"
ROOT = SOURCE_ROOT if (SOURCE_ROOT / NOTEBOOK_SUBDIR).is_dir() else Path.cwd()
TEMPLATE_DIR = PACKAGE_DIR / "report" / "templates"
DATA_DIR = ROOT / "data"
NOTEBOOK_DIR = ROOT / NOTEBOOK_SUBDIR
OUTPUT_DIR = ROOT / "output"
DATAPACKAGE = "datapackage.json"
CONFIG_SUBDIR = "config"


def config_dir(data_dir: Path) -> Path:
    """Folder with year-independent configuration (legend, scoring rules)."""
    return Path(data_dir) / CONFIG_SUBDIR


def year_dir(data_dir: Path, year: int) -> Path:
    """Folder with the data of one year."""
    return Path(data_dir) / str(year)


def is_year_name(name: str) -> bool:
    """Whether a folder name is a year: four ASCII digits, not starting with 0 (not `2019²`)."""
    return len(name) == 4 and name.isascii() and name.isdigit() and name[0] != "0"


# The names bwk writes in output/<year>/ besides the reports of each scope. A scope id must not
# produce any of them (tests/build/test_pipeline.py checks this list against a real build).
INDEX_PAGE = "index.html"
AUDIT_SUFFIX = "-audit"
YEAR_OUTPUT_NAMES = (
    INDEX_PAGE,
    "scores.csv",
    "figures.csv",
    "checks.csv",
    "provenance.json",
    "datapackage.json",
    "notebooks",
    "pdf",
)
MAX_ID_LENGTH = 64  # a scope id becomes several file names; file systems allow 255 bytes


def report_files(scope: str) -> list[str]:
    """The files of one scope's reports in output/<year>/ (the PDF only with --pdf)."""
    return [
        f"{scope}.html",
        f"{scope}{AUDIT_SUFFIX}.html",
        f"notebooks/{scope}.ipynb",
        f"pdf/{scope}.pdf",
    ]
