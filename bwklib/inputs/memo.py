"""Load a year once per process: the notebooks of one worker's kernel share the validated data.

A worker's kernel executes many notebooks of the same year one after another; each notebook calls
`views.load`, which would read and validate every file again. Here the loaded year is kept, keyed by
the SHA-256 of every file under the data folder, so a notebook gets it again only when not one byte
changed; each caller gets its own deep copy, so no notebook can change what the next one sees.
The results computed from it (scores, figures) are kept with it: `YearData.remember`.
"""

from __future__ import annotations

import copy
from pathlib import Path

from bwklib.inputs.digests import tree_digests
from bwklib.inputs.loading import YearData, load_year

_LOADED: dict[tuple, YearData] = {}


def load_year_once(year: int, data_dir: Path) -> YearData:
    """`load_year`, from memory when the data folder's content is the same as when last read.

    Raises
    ------
    DataError
        When the data does not validate (never kept, so every call reports it).
    """
    data_dir = Path(data_dir).resolve()
    key = content_key(year, data_dir)
    if key in _LOADED:
        return shared_copy(_LOADED[key])
    _LOADED.clear()  # one year at a time: memory stays flat
    data = load_year(int(year), data_dir).read_only()
    if content_key(year, data_dir) == key:  # kept only when nothing changed while reading
        _LOADED[key] = data
        return shared_copy(data)
    return data


def shared_copy(data: YearData) -> YearData:
    """A deep copy of the tables that shares the store of computed results (scores, figures).

    Results are kept per content key and computed from the kept year itself, which no notebook
    holds, so every notebook of this kernel computes each one once and none can alter another's.
    """
    store, data.derived = data.derived, None
    try:
        return copy.deepcopy(data).read_only(store)
    finally:
        data.derived = store


def content_key(year: int, data_dir: Path) -> tuple:
    """The year, the folder and the digest of every file in it."""
    return (int(year), str(data_dir), tuple(tree_digests(data_dir).items()))
