"""Shared fixtures of the report tests."""

import pytest

from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints


@pytest.fixture(scope="session")
def rbds(shared_data):
    """A real motion-capture run (RBDS001, 2.5 m/s treadmill, 60 Hz) analysed."""
    path = shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc"
    if not path.exists():
        pytest.skip(f"{path} missing")
    kp, info = load_keypoints(path, AnalysisConfig())
    return analyze_keypoints(kp, info)
