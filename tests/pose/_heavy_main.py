"""A stand-in main module that imports the analysis stack (tests/pose/test_segments.py)."""

import scipy.signal  # noqa: F401
