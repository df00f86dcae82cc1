"""bwklib: loaders and calculations behind the BuurtWerkKamers evaluation reports.

Notebooks present, bwklib computes: every figure in a report comes from a named function here.
"""

__version__ = "0.1.0"
