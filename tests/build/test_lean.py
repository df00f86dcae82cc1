"""bwk's processes do without the optional format checker that costs a second per import."""

import subprocess
import sys

CHECK = (
    "import sys, time\n"
    "{prepare}\n"
    "import nbformat\n"
    "from nbformat.v4 import new_notebook\n"
    "nbformat.validate(new_notebook())\n"
    "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is not None)\n"
)


def imported_checker(prepare: str) -> bool:
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(prepare=prepare)],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip() == "True"


def test_a_worker_validates_notebooks_without_the_checker():
    prepare = "from bwklib.build import guard\nguard.die_with_parent()"
    assert imported_checker(prepare) is False


def test_importing_bwklib_elsewhere_changes_nothing():
    """A notebook in Jupyter that imports bwklib keeps jsonschema as it is."""
    baseline = imported_checker("pass")
    assert imported_checker("import bwklib.build.worker, bwklib.cli") is baseline
