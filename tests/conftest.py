from pathlib import Path

import pytest

from .shared import SHARED


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared/data is not beside the checkout")
    return SHARED
