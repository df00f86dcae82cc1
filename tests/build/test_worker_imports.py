"""A worker process runs papermill and nbconvert; pandas and matplotlib are for its kernel only."""

import subprocess
import sys

# What a worker imports before and while it executes its first notebook (bwklib.build.warmup.warm
# and bwklib.build.worker.execute), then what of the heavy packages it has.
WORKER = (
    "import sys\n"
    "from bwklib.build import guard, warmup, worker\n"
    "guard.die_with_parent()\n"
    "import nbformat, papermill\n"
    "from bwklib.build.engine import register_engine\n"
    "from bwklib.build.plan import Task, TaskResult\n"
    "from bwklib.build.render import exporters\n"
    "register_engine()\n"
    "stakeholder, audit = exporters()\n"
    "nb = warmup.sample_notebook()\n"
    "stakeholder.from_notebook_node(nb, resources={'metadata': {'name': ''}})\n"
    "print(' '.join(m for m in ('pandas', 'matplotlib', 'numpy', 'isoduration', 'arrow')"
    " if sys.modules.get(m) is not None) or '-')\n"
)


def test_a_worker_imports_neither_pandas_nor_matplotlib_nor_format_checkers():
    """The worker's kernel imports pandas and matplotlib; the worker itself only passes notebooks
    on and renders them. pandas in the worker cost 0.7 s of its start and 60 MB."""
    out = subprocess.run(
        [sys.executable, "-c", WORKER], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["-"], out
