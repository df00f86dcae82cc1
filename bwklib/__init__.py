"""bwklib: loaders and calculations behind the BuurtWerkKamers evaluation reports.

Notebooks present, bwklib computes: every figure in a report comes from a named function here.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`from bwklib import views` (the notebooks' one import) resolves to bwklib.report.views."""
    if name == "views":
        from bwklib.report import views

        return views
    raise AttributeError(f"module 'bwklib' has no attribute {name!r}")
