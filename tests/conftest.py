"""Shared fixtures and the test tiers.

- `data2019`, `data_copy`: the shipped 2019 data, loaded once; a writable copy of data/.
- `built2019`: ONE real `bwk run` of the shipped 2019 data per session (also across the workers of
  pytest-xdist), shared by every test that only reads the published output. Tests that change output work on a copy (`shutil.copytree`);
  the fixture checks at the end of the session that nobody wrote into it. It is built on the test
  process's warm workers (`shared.warm_workers`, stopped in `pytest_sessionfinish`) and draws every
  chart itself (its .bwk-charts seeds other builds of the same data: `shared.seed_charts`).
- `stub_executor` (and `buildtools.stubbed()` for wider-scoped fixtures): build without
  kernels, for tests of the cache, publish and fault logic around the notebooks.
- Tiers: tests that execute notebooks are marked `build` (every test using `built2019` is marked
  automatically). `pytest --fast` (`make test-fast`) leaves them out; in that tier a real notebook
  execution is refused, so a test that needs one and lacks the mark fails instead of going slow.
"""

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import shared
from buildtools import tree_digest, use_stub
from shared import once, stop_warm_workers, warm_workers

from bwklib import paths
from bwklib.inputs.loading import load_year

ROOT = paths.ROOT
BUILD_FIXTURES = {"built2019"}  # using one of these makes a test a `build` test


def pytest_configure(config):
    from bwklib.build.lean import skip_optional_imports

    skip_optional_imports()  # as bwk's own processes do: a second less per test process


_CLEANUP: list[threading.Thread] = []


def pytest_sessionstart(session):
    """Remove the folders of old test sessions while this one runs, not after it.

    pytest keeps the last three sessions' folders (tmp_path_retention_count) and removes older ones
    when a session ends: some 10,000 files of earlier builds, about 3 s in which the machine waits
    for the disk. The same removal (pytest's own function, with the arguments it would use at the
    end) starts in a thread of the controlling process at the start; at the end nothing is left to do.
    """
    factory = getattr(session.config, "_tmp_path_factory", None)
    if os.environ.get("PYTEST_XDIST_WORKER") or factory is None:
        return  # xdist's workers have folders inside the controller's; it removes old sessions
    try:  # pytest's own, not public: another pytest version cleans up at the end, as always
        from _pytest.pathlib import LOCK_TIMEOUT, cleanup_numbered_dir

        given, keep = factory._given_basetemp, factory._retention_count  # noqa: SLF001
    except (ImportError, AttributeError):
        return
    if given is not None or keep == 0:
        return  # no numbered folders to clean up (--basetemp, or none kept)
    current = factory.getbasetemp()
    args = (current.parent, "pytest-", keep)
    dead_before = current.stat().st_mtime - LOCK_TIMEOUT  # as pytest computes it
    thread = threading.Thread(
        target=cleanup_numbered_dir, args=(*args, dead_before), name="old-tmp", daemon=True
    )
    thread.start()
    _CLEANUP.append(thread)


def pytest_sessionfinish(session):
    stop_warm_workers()  # the warm workers of tests/shared.py, if this process started them
    for thread in _CLEANUP:
        thread.join()  # long done: a thread cut off would leave a half-removed folder behind


def pytest_addoption(parser):
    parser.addoption(
        "--fast",
        action="store_true",
        help="leave out the tests marked build (they execute notebooks): make test-fast",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.build)
    builds = [item for item in items if item.get_closest_marker("build") is not None]
    others = [item for item in items if item.get_closest_marker("build") is None]
    if config.getoption("--fast"):
        if builds:
            config.hook.pytest_deselected(items=builds)
            items[:] = others
        return


@pytest.fixture(autouse=True, scope="session")
def _no_notebooks_in_the_fast_tier(request):
    """With --fast, starting a kernel or sending a real notebook to the pool fails the test."""
    if not request.config.getoption("--fast"):
        yield
        return
    from bwklib.build import engine, worker

    message = "this test executes notebooks: mark it @pytest.mark.build (see tests/conftest.py)"
    real_execute = worker.execute

    def refuse(*args, **kwargs):
        pytest.fail(message)

    class Pool(worker.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            if fn is real_execute or getattr(fn, "real", None):
                pytest.fail(message)
            return super().submit(fn, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shared, "REFUSE", message)  # its warm workers' kernels start in other processes
        mp.setattr(engine.WorkerKernel, "start", refuse)
        mp.setattr(engine.WorkerKernel, "launch", refuse)
        mp.setattr(worker, "ProcessPoolExecutor", Pool)
        yield


@pytest.fixture(scope="session")
def _worker_output(tmp_path_factory):
    return tmp_path_factory.mktemp("output")


@pytest.fixture(autouse=True)
def _default_output_dir(_worker_output, monkeypatch):
    """`bwk` called without --output-dir writes to a folder of this worker, not the project's
    output/: tests in parallel workers never share a year lock or a published year there."""
    monkeypatch.setattr(paths, "OUTPUT_DIR", _worker_output)


@pytest.fixture(scope="session")
def data2019():
    """The shipped 2019 data, loaded and validated once."""
    return load_year(2019, paths.DATA_DIR)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ (config, datapackage and 2019) that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target


@dataclass(frozen=True)
class Built:
    """A published year: the run's summary, the year folder and the progress lines it printed."""

    summary: object  # bwklib.build.pipeline.RunSummary
    year: Path
    lines: list[str]


@pytest.fixture(scope="session")
def built2019(tmp_path_factory):
    """The shipped 2019 data built once with `bwk run` (jobs=2); read it, never write into it.

    Under pytest-xdist (`make test` runs `-n auto`) the workers share one build: the first to
    arrive builds it under a lock in the session's common temporary folder, the others wait for
    that lock and read the same folder.
    """
    _, (summary, lines) = once(tmp_path_factory, "built2019", build_2019)
    built = Built(summary, summary.output, lines)
    before = tree_digest(built.year)
    yield built
    after = tree_digest(built.year)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == [], f"a test wrote into the shared 2019 build (copy it first): {changed}"


def build_2019(out: Path) -> tuple:
    """The run's summary and progress lines (bwklib's types only: they are pickled for xdist)."""
    from bwklib.build.pipeline import run

    lines: list[str] = []
    with warm_workers():  # the build is the means here: test_fastpath and the CLI tests start cold
        summary = run(2019, output_dir=out, jobs=2, progress=lines.append)
    assert not summary.failures, "\n".join(lines)
    return summary, lines


@pytest.fixture
def stub_executor(monkeypatch):
    """Build reports without kernels in this test.

    `stub_executor(fail={...})` fails some scopes; `stub_executor(real={...})` executes those
    notebooks for real (mark the test `build`) and stubs the rest. The stubs go through the test's
    own `monkeypatch`: a second MonkeyPatch undone before it would let the test's later patches
    of the same names restore a stub for every test after it.
    """
    use_stub(monkeypatch)
    return lambda fail=(), real=(): use_stub(monkeypatch, fail, real)
