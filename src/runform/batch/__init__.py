"""``runform batch``: many inputs, one process each, resumable, locally or on a Ray cluster.

Kept import-light: the analysis worker (``python -m runform.batch.worker``) imports this package.
"""

from .config import AnalysisSettings, BatchConfig

__all__ = ["AnalysisSettings", "BatchConfig"]
