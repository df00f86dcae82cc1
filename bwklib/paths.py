"""Path constants: the one place that knows where data, notebooks and outputs live."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
TEMPLATE_DIR = PACKAGE_DIR / "report" / "templates"
DATA_DIR = ROOT / "data"
NOTEBOOK_DIR = ROOT / "notebooks"
OUTPUT_DIR = ROOT / "output"
DATAPACKAGE = "datapackage.json"
CONFIG_SUBDIR = "config"


def config_dir(data_dir: Path) -> Path:
    """Folder with year-independent configuration (legend, scoring rules)."""
    return Path(data_dir) / CONFIG_SUBDIR


def year_dir(data_dir: Path, year: int) -> Path:
    """Folder with the data of one year."""
    return Path(data_dir) / str(year)
