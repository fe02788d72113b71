"""The one way tests find the shared real data: ``../shared/data`` beside the checkout."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
#: Skip a test when the shared data is not beside the checkout.
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")
