"""The report kernel: ipykernel as `python -m ipykernel_launcher` starts it, without its debugger.

bwk starts every kernel with the Python that runs bwk itself, as
`python -m bwklib.build.kernel -f <connection file>` (`bwklib.build.engine.report_kernel_spec`),
not through whatever kernelspec named "python3" Jupyter finds, which can name another Python.
Reports are never stepped through in a debugger, so the kernel does without debugpy: its import
was 0.18 s of the 0.6 s a kernel takes to start (ipykernel runs without its debugger when the
import fails). The installed kernelspec also switches Python's frozen standard modules off for
the debugger's sake; this one keeps them.
"""

from __future__ import annotations

import sys
from pathlib import Path

SKIPPED = ("debugpy",)


def main() -> None:
    """Start an IPython kernel on the connection file given with -f, as ipykernel_launcher does."""
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # the notebook folder is no package folder (ipykernel_launcher does so)
    for name in SKIPPED:
        sys.modules.setdefault(name, None)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
