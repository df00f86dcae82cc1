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
