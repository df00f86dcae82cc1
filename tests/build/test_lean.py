"""bwk's processes do without the optional format checker that costs a second per import."""

import subprocess
import sys

CHECK = (
    "import importlib.util, sys\n"
    "installed = importlib.util.find_spec('rfc3987_syntax') is not None\n"
    "{prepare}\n"
    "import nbformat\n"
    "from nbformat.v4 import new_notebook\n"
    "nbformat.validate(new_notebook())\n"
    "print(installed, sys.modules.get('rfc3987_syntax') is not None)\n"
)


def run_check(prepare: str) -> tuple[bool, bool]:
    """(whether the checker is installed, whether validating a notebook imported it)."""
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(prepare=prepare)],
        capture_output=True,
        text=True,
        check=True,
    )
    installed, imported = out.stdout.split()
    return installed == "True", imported == "True"


def test_a_worker_validates_notebooks_without_the_checker():
    assert run_check("from bwklib.build import guard\nguard.die_with_parent()")[1] is False


def test_importing_bwklib_elsewhere_changes_nothing():
    """A notebook in Jupyter that imports bwklib keeps jsonschema as it is."""
    installed, imported = run_check("import bwklib.build.worker, bwklib.cli")
    assert imported is installed
