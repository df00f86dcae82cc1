"""The package's shape: stages visible in the tree, no import cycle, modules of a readable size."""

import ast
import subprocess
from pathlib import Path

import pytest

from bwklib import paths

PACKAGE = paths.PACKAGE_DIR
STAGES = ("inputs", "compute", "report", "build", "entry")
MAX_LINES = 400  # beyond this a module says at its top why it is one module


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every bwklib module this file imports, at top level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from bwklib.x import y`: y is a submodule or a name of x, never both
            subs = [f"{node.module}.{a.name}" for a in node.names]
            names = [s for s in subs if s in modules] or [node.module]
        else:
            continue
        found |= {n for n in names if n in modules}
    return found


def import_graph() -> dict[str, set[str]]:
    """bwklib's modules and the bwklib modules each imports.

    The root package is left out as a source: its only import is the lazy `views` hook for the
    notebooks, and Python initialises it before any submodule anyway.
    """
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {m: imports_of(p, modules) - {m} for m, p in files.items() if m != "bwklib"}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the graph, as the list of modules along it, or None (depth-first search)."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


class TestFindCycle:
    def test_finds_a_cycle(self):
        assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]

    def test_none_in_a_tree(self):
        assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


class TestPackage:
    def test_the_stages_are_sub_packages(self):
        for stage in STAGES:
            assert (PACKAGE / stage / "__init__.py").is_file(), stage

    def test_no_import_cycle(self):
        """Not even through imports inside functions: each stage can be read on its own."""
        assert find_cycle(import_graph()) is None

    def test_the_graph_sees_imports(self):
        graph = import_graph()
        assert "bwklib.compute.scoring" in graph["bwklib.build.exports"]
        assert "bwklib.report.site" in graph["bwklib.build.pipeline"]  # a function-level import

    @pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
    def test_module_size(self, path):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_LINES:
            doc = ast.get_docstring(ast.parse(text)) or ""
            assert "Why one module" in doc, f"{path} is long and does not say why"


def test_every_module_is_tracked_by_git():
    """A clean clone has every module: an ignore rule once hid bwklib/build/ from commits."""
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "bwklib", "notebooks"],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    hidden = [
        line
        for line in listed.stdout.splitlines()
        if line.endswith((".py", ".ipynb", ".j2", ".json", ".css"))
    ]
    assert hidden == [], f"ignored by .gitignore, so missing from a clone: {hidden}"


def test_every_stage_folder_of_the_tests_is_collected(pytestconfig):
    """pytest skips folders named like `build` by default; tests/build/ must run all the same."""
    from fnmatch import fnmatch

    skipped = pytestconfig.getini("norecursedirs")
    for stage in STAGES:
        assert (paths.ROOT / "tests" / stage).is_dir(), stage
        assert not any(fnmatch(stage, pattern) for pattern in skipped), (stage, skipped)


IMPORT_ALL = """
import importlib, multiprocessing, pkgutil, threading
import bwklib
names = [m.name for m in pkgutil.walk_packages(bwklib.__path__, "bwklib.")]
for name in names:
    importlib.import_module(name)
from bwklib.build import engine, render
assert multiprocessing.active_children() == [], multiprocessing.active_children()
assert threading.active_count() == 1, threading.enumerate()
assert engine._KERNEL is None and render._EXPORTERS is None
print(len(names))
"""


def test_importing_every_module_starts_nothing():
    """pytest --doctest-modules imports all of bwklib: no process, thread, kernel or exporter."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) == len(import_graph())  # every module of the package was imported
