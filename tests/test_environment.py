"""The project's own files install everything: conda and pip list the same packages."""

import re
import tomllib

from bwklib import paths

ROOT = paths.ROOT


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def split(spec):
    m = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", spec.strip())
    return norm(m[1]), m[2].replace(" ", "")


def pip_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(split(s) for s in specs)


def conda_requirements():
    deps = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z][^\s#:]*)\s*$", line)
        if m and m[1] != "pip" and not m[1].startswith("python"):
            name, spec = split(m[1])
            deps[name] = spec
    return deps


def test_conda_and_pip_agree():
    assert conda_requirements() == pip_requirements()


def test_nbconvert_has_the_security_fixes():
    assert pip_requirements()["nbconvert"] == ">=7.17.1"
