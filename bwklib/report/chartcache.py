"""A chart drawn once per content: the SVG of a chart whose inputs and drawing code are unchanged.

Laying out a chart (matplotlib measures every label) is most of a report's time. When the analyst
corrects one figure of TOP's finances, the region report is rebuilt, but only its finance charts
show the change; its participant, appendix and story charts are the same as the last time. A chart
function wrapped with `cached` returns the HTML it returned before for the same arguments, read
from a folder of files named by content:

    key = SHA-256 of (the function's name, its arguments in a canonical text form, the source of
          every module of bwklib.report, the matplotlib and numpy versions, and the matplotlib
          settings in force: a matplotlibrc that changes a font or a colour draws anew)

so any change to the data shown, the titles, the drawing code or matplotlib draws the chart anew.
Drawing is deterministic (reruns are byte-identical, tested), so a reused chart is the chart that
would be drawn. The folder is set per kernel by the build (`use`, output/.bwk-charts/); without it
(Jupyter, tests) every chart is drawn. Files are written atomically; the oldest go beyond
`MAX_FILES`.

Standard library only at module level: the build imports this in a kernel before any notebook.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FOLDER = ".bwk-charts"  # in the output folder, beside the years
MAX_FILES = 2000  # a few MB: every chart of several years and many corrections

_DIR: Path | None = None
_CODE: str | None = None


class Unkeyable(TypeError):
    """An argument without a name that is the same in every process (a lambda): not kept."""


def use(folder: str | os.PathLike | None) -> None:
    """Keep charts in `folder` from now on in this process (None: draw every chart)."""
    global _DIR
    _DIR = Path(folder) if folder is not None else None


def code_digest() -> str:
    """Digest of every module of bwklib.report and of the matplotlib and numpy versions."""
    global _CODE
    if _CODE is None:
        import matplotlib
        import numpy

        h = hashlib.sha256(f"{matplotlib.__version__} {numpy.__version__}".encode())
        for path in sorted(Path(__file__).parent.rglob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        _CODE = h.hexdigest()
    return _CODE


def settings_digest() -> str:
    """Digest of the matplotlib settings in force (charts.py's own, and a user's matplotlibrc)."""
    import matplotlib

    text = repr(sorted(matplotlib.rcParams.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value) -> str:
    """A text that differs whenever the value would draw differently (frames as CSV with index)."""
    if hasattr(value, "to_csv"):  # a pandas DataFrame or Series: values, index, labels, types
        types = value.dtypes.tolist() if hasattr(value, "columns") else [value.dtype]
        return f"{type(value).__name__}({value.to_csv()!r}, {types!r})"
    if callable(value):  # a formatter: by name; a lambda or a closure has none that is unique
        name = f"{value.__module__}.{value.__qualname__}"
        if "<" in name:
            raise Unkeyable(name)
        return name
    if isinstance(value, list | tuple):
        return f"{type(value).__name__}[{', '.join(canonical(v) for v in value)}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {canonical(v)}" for k, v in sorted(value.items())) + "}"
    return repr(value)


def key(name: str, args: tuple, kwargs: dict) -> str:
    """The content key of one chart call."""
    text = (
        f"{name}({canonical(list(args))}, {canonical(kwargs)}) {code_digest()} {settings_digest()}"
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached(draw: Callable[..., str]) -> Callable[..., str]:
    """Wrap a chart function: reuse its HTML for the same arguments while a folder is in use."""

    @functools.wraps(draw)
    def chart(*args, **kwargs) -> str:
        if _DIR is None:
            return draw(*args, **kwargs)
        try:
            path = _DIR / f"{key(draw.__qualname__, args, kwargs)}.html"
        except Unkeyable:
            return draw(*args, **kwargs)
        try:
            html = path.read_text(encoding="utf-8")
            os.utime(path)  # recently used: pruned last
            return html
        except OSError:
            pass
        html = draw(*args, **kwargs)
        store(path, html)
        return html

    return chart


def store(path: Path, html: str) -> None:
    """Write one chart atomically (a half-written file is never read); never fail the report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.replace(tmp, path)
    except OSError:  # a full disk or a read-only output folder: the chart is simply not kept
        return


def prune(folder: Path, keep: int = MAX_FILES) -> None:
    """Remove the least recently used charts beyond `keep`, and leftovers of interrupted writes."""
    try:
        files = [p for p in Path(folder).iterdir() if p.is_file()]
        charts = sorted(
            (p for p in files if p.suffix == ".html"), key=lambda p: p.stat().st_mtime_ns
        )
        stale = charts[: max(0, len(charts) - keep)]
        for p in stale + [p for p in files if p.name.startswith(".tmp-")]:
            p.unlink(missing_ok=True)
    except OSError:
        return
