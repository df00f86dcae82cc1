"""Optional imports that bwk's own processes do without: about a second of CPU per process.

nbformat validates notebooks with jsonschema, and jsonschema loads every optional format checker
it finds installed. One of them, `rfc3987_syntax` (installed with Jupyter's server, for the `iri`
formats), builds a grammar when imported: 1.0-1.1 s on a quiet machine, in every worker, before
its first notebook. nbformat's schemas use no `format` at all, so the checker is never called;
jsonschema skips a checker whose import fails. bwk's processes (the command, its workers, the test
processes) mark the module as absent before anything imports it. Importing bwklib elsewhere (a
notebook in Jupyter) changes nothing.
"""

from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax",)


def skip_optional_imports() -> None:
    """Make `import rfc3987_syntax` fail in this process, unless it was imported already."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)
