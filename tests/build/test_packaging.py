"""Packaging and cache: bwk installed from a wheel (not editable) builds the 2019 reports; the cache
key covers every package that shapes the HTML."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from bwklib import paths
from bwklib.build import cache
from bwklib.build.pipeline import plan

ROOT = paths.SOURCE_ROOT


def sh(*cmd, cwd=None, env=None, log: Path) -> None:
    with open(log, "a") as f:
        done = subprocess.run(
            [str(c) for c in cmd],
            cwd=cwd,
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            timeout=1200,
        )
    assert done.returncode == 0, log.read_text()[-4000:]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel `pip install .` builds from this source tree (a copy: nothing is written here).

    With the build backend of this environment (setuptools, in requirements.lock): pip's default
    isolated build would first install setuptools from the package index into a fresh folder,
    which a test should not need (and which took two thirds of the fixture's time).
    """
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", "output", "*.egg-info", "__pycache__", ".git"),
    )
    log = root / "pip.log"
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    sh(*pip, "-w", root / "dist", source, log=log)
    (built,) = (root / "dist").glob("bwklib-*.whl")
    return built


class TestWheel:
    def test_holds_every_module_and_template(self, wheel):
        names = set(zipfile.ZipFile(wheel).namelist())
        package = paths.PACKAGE_DIR
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:  # .py, templates, css, json
                rel = "bwklib/" + path.relative_to(package).as_posix()
                assert rel in names, f"{rel} is missing from the wheel"

    @pytest.mark.build
    def test_installed_in_a_fresh_environment_builds_2019(self, wheel, built2019, tmp_path):
        """A new virtual environment gets bwk from the wheel (the dependencies come from this
        environment's site-packages, so no index is needed); in a folder holding data/, notebooks/
        and a copy of the session's 2019 output, the installed `bwk run` builds de-klop's report
        (left out of the copy's cache manifest) on a kernel of the new environment's Python, with
        no kernelspec installed there (bwklib.build.kernel), reuses the others and publishes the
        complete year.

        One report: what a wheel can lack is a module or a data file of bwklib (every one is
        checked above), and any report reads the template, its stylesheet and the exporters; the
        region notebook would add no file of the wheel, only four seconds of drawing (the shared
        build and the second region's execute it)."""
        venv = tmp_path / "venv"
        log = tmp_path / "install.log"
        sh(sys.executable, "-m", "venv", "--without-pip", venv, log=log)
        python = venv / "bin" / "python"
        site = Path(
            subprocess.run(
                [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        # the dependencies: this environment's packages, after the new environment's own
        (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
        sh(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", wheel, log=log)
        where = subprocess.run(
            [python, "-c", "import bwklib; print(bwklib.__file__)"],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        ).stdout.strip()
        assert Path(where).is_relative_to(venv), f"bwklib came from {where}, not the wheel"

        project = tmp_path / "project"
        shutil.copytree(paths.SOURCE_ROOT / "data", project / "data")
        shutil.copytree(paths.SOURCE_ROOT / "notebooks", project / "notebooks")
        shutil.copytree(built2019.year, project / "output" / "2019")
        manifest = project / "output" / "2019" / ".bwk-manifest.json"
        keys = json.loads(manifest.read_text(encoding="utf-8"))
        rebuilt = ["de-klop"]
        for scope in rebuilt:
            del keys[scope]
            for name in paths.report_files(scope):
                (project / "output" / "2019" / name).unlink(missing_ok=True)
        manifest.write_text(json.dumps(keys), encoding="utf-8")
        # nbconvert's base templates are data files of the nbconvert install (share/jupyter), which
        # the borrowed site-packages do not bring: point at them, and at nothing else of Jupyter's
        # (no kernel spec: the kernel must be the new environment's Python).
        shared = tmp_path / "jupyter"
        (shared / "nbconvert").mkdir(parents=True)
        (shared / "nbconvert" / "templates").symlink_to(
            Path(sys.prefix) / "share" / "jupyter" / "nbconvert" / "templates"
        )
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["JUPYTER_PATH"] = str(shared)
        sh(
            venv / "bin" / "bwk",
            "run",
            "--year",
            "2019",
            "--jobs",
            "1",
            cwd=project,
            env=env,
            log=log,
        )
        said = log.read_text(encoding="utf-8")
        reused = "top, hart-voor-leidsche-rijn, de-verbinding, utrecht"
        assert f"Ongewijzigd, hergebruikt: {reused}" in said, said
        for scope in rebuilt:
            assert f" {scope}: klaar" in said, said
        year = project / "output" / "2019"
        scopes = ["top", "hart-voor-leidsche-rijn", "de-verbinding", "de-klop", "utrecht"]
        for scope in scopes:
            for name in (f"{scope}.html", f"{scope}-audit.html", f"notebooks/{scope}.ipynb"):
                assert (year / name).is_file(), name
        built = (year / "de-klop.html").read_text(encoding="utf-8")
        assert "€ -719" in built  # its balance, as the notebook shows it
        assert "€ " in built and "<script src=" not in built  # the bwk template, self-contained
        index = (year / "index.html").read_text(encoding="utf-8")
        assert "Niet gelukt" not in index
        spec = "from jupyter_client.kernelspec import KernelSpecManager as M; "
        spec += "print(M().get_kernel_spec('python3').argv[0])"
        kernel_python = subprocess.run(
            [python, "-c", spec], capture_output=True, text=True, check=True, env=env, cwd=project
        ).stdout.strip()
        assert Path(kernel_python).is_relative_to(venv), "the kernels ran the new environment"
        for export in ("scores.csv", "figures.csv", "checks.csv", "provenance.json"):
            assert (year / export).is_file()


class TestCacheKey:
    @pytest.mark.parametrize(
        "package",
        [
            "markdown-it-py",
            "mistune",
            "jinja2",
            "pygments",
            "jupyterlab-pygments",
            "pillow",
            "nbconvert",
            "matplotlib",
        ],
    )
    def test_packages_that_shape_the_html_are_in_the_key(self, package):
        assert package in cache.environment()

    def test_a_new_markdown_it_version_rebuilds_every_report(self, data2019, monkeypatch):
        env = cache.environment()
        before = {
            t.scope: cache.task_key(data2019, t, paths.NOTEBOOK_DIR, "c", env)
            for t in plan(data2019)
        }
        env = {**env, "markdown-it-py": env["markdown-it-py"] + ".post1"}
        after = {
            t.scope: cache.task_key(data2019, t, paths.NOTEBOOK_DIR, "c", env)
            for t in plan(data2019)
        }
        assert all(before[s] != after[s] for s in before)
