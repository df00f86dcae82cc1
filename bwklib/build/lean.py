"""Optional imports that bwk's own processes do without: over a second of CPU per process.

nbformat validates notebooks with jsonschema, and jsonschema loads every optional format checker
it finds installed. One of them, `rfc3987_syntax` (installed with Jupyter's server, for the `iri`
formats), builds a grammar when imported: 1.0-1.1 s on a quiet machine, in every worker, before
its first notebook. Four more cost 0.14 s together (`isoduration`, which imports `arrow`, alone
0.09 s). nbformat's schemas use no `format` at all, so the checkers are never called; jsonschema
skips a checker whose import fails. (`idna`, another of them, stays: other packages use it.) bwk's processes (the command, its workers, the test
processes) mark the module as absent before anything imports it. Importing bwklib elsewhere (a
notebook in Jupyter) changes nothing.
"""

from __future__ import annotations

import sys

SKIPPED = (
    "rfc3987_syntax",
    "isoduration",
    "rfc3986_validator",
    "uri_template",
    "rfc3339_validator",
)


def skip_optional_imports() -> None:
    """Make `import rfc3987_syntax` (and the others) fail here, unless imported already."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)
