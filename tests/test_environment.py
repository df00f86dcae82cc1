"""The project's own files install everything: pyproject.toml states the ranges, requirements.lock
the exact versions (with hashes), environment.yml the same packages at the locked versions."""

import re
import tomllib

from packaging.specifiers import SpecifierSet

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


def locked():
    """name -> (version, number of hashes) of requirements.lock."""
    out = {}
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z])", text):
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", block)
        if m:
            out[norm(m[1])] = (m[2], len(re.findall(r"--hash=sha256:[0-9a-f]{64}", block)))
    return out


def test_conda_lists_the_packages_of_pyproject():
    assert conda_requirements().keys() == pip_requirements().keys()


def test_conda_pins_the_locked_versions():
    lock = locked()
    assert {k: v for k, v in conda_requirements().items()} == {
        k: f"=={lock[k][0]}" for k in conda_requirements()
    }


def test_every_locked_package_is_exact_and_hashed():
    lock = locked()
    assert len(lock) > 50
    assert all(n >= 1 for _, n in lock.values())
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert not re.search(r"^-e ", text, re.M)  # bwk itself is installed with --no-deps -e .


def test_the_locked_versions_satisfy_pyproject():
    lock = locked()
    for name, spec in pip_requirements().items():
        assert name in lock, name
        assert lock[name][0] in SpecifierSet(spec), (name, lock[name][0], spec)


def test_make_install_uses_the_lock():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements.lock" in make
    # bwk itself built with the locked setuptools, not one fetched for an isolated build
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in make


def test_provenance_records_the_lock(data2019):
    import hashlib

    from bwklib.build.provenance import collect

    lock = collect(data2019)["lock_file"]
    body = (ROOT / "requirements.lock").read_bytes()
    assert lock == {"path": "requirements.lock", "sha256": hashlib.sha256(body).hexdigest()}


def test_nbconvert_has_the_security_fixes():
    assert pip_requirements()["nbconvert"] == ">=7.17.1"
