import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from runform.keypoints import INDEX, KEYPOINT_NAMES, Keypoints
from runform.metrics.proxies import PROXY_NOTES, arm_and_shoulder, vertical_stiffness


def test_vertical_stiffness_matches_morin_worked_example():
    # Morin 2005: tc 0.2 s, tf 0.12 s, 70 kg -> Fmax ~ 1726 N, dy ~ 0.051 m, k ~ 34 kN/m,
    # inside the 20-50 kN/m that Morin reports for running.
    k = vertical_stiffness(0.2, 0.12, 70.0)
    fmax = 70 * 9.81 * math.pi / 2 * (0.12 / 0.2 + 1)
    dy = -fmax * 0.04 / (70 * math.pi**2) + 9.81 * 0.04 / 8
    assert k == pytest.approx(fmax / abs(dy) / 1000)
    assert 20 < k < 50


@given(st.floats(0.15, 0.35), st.floats(0.0, 0.2), st.floats(40, 120))
def test_vertical_stiffness_scales_with_mass(tc, tf, m):
    per_kg = vertical_stiffness(tc, tf)
    assert vertical_stiffness(tc, tf, m) == pytest.approx(per_kg * m, rel=1e-9)


def test_vertical_stiffness_rejects_nonsense():
    assert vertical_stiffness(None, 0.1) is None
    assert vertical_stiffness(0.0, 0.1) is None
    assert vertical_stiffness(0.2, -0.1) is None


def _pose(elbow_deg, n=30):
    xy = np.full((n, len(KEYPOINT_NAMES), 2), np.nan)
    def put(name, x, y):
        xy[:, INDEX[name]] = (x, y)
    put("left_hip", 0, 0); put("right_hip", 0, 0)
    put("left_shoulder", 0, -50); put("right_shoulder", 0, -50)
    put("head", 0, -70)
    put("left_elbow", 0, -20); put("right_elbow", 0, -20)
    a = math.radians(180 - elbow_deg)  # forearm turned forward by the flexion
    put("left_wrist", 30 * math.sin(a), -20 + 30 * math.cos(a))
    put("right_wrist", 30 * math.sin(a), -20 + 30 * math.cos(a))
    return Keypoints(xy, np.ones(xy.shape[:2]), np.arange(n) / 30.0)


@pytest.mark.parametrize("elbow", [60.0, 90.0, 150.0])
def test_elbow_angle_and_shoulder_ratio(elbow):
    out = arm_and_shoulder(_pose(elbow), "left")
    assert out["elbow_angle_deg"] == pytest.approx(elbow, abs=1e-6)
    assert out["shoulder_elevation_ratio"] == pytest.approx(20 / 50)


def test_every_proxy_says_what_it_does_not_measure():
    for text in PROXY_NOTES.values():
        assert "not" in text


def test_leg_stiffness_worked_example():
    from runform.metrics.proxies import leg_stiffness

    # tc 0.25 s, tf 0.12 s, 3.5 m/s, L 0.93 m, 70 kg: Morin 2005 reports ~10-12 kN/m at such speeds
    k = leg_stiffness(0.25, 0.12, 3.5, 0.93, 70.0)
    assert 5 < k < 20
    assert leg_stiffness(0.25, 0.12, None, 0.93, 70.0) is None
    assert leg_stiffness(0.25, 0.12, 3.5, None, 70.0) is None


@pytest.mark.parametrize("trial", ["RBDS001runT25_60hz", "P01_S01_Running_01_30hz"])
def test_speed_and_stiffness_from_mocap(shared_data, trial):
    import json

    from runform.pipeline import AnalysisConfig, RunnerInfo, analyze_keypoints, load_keypoints

    base = trial.replace("_60hz", "").replace("_30hz", "")
    truth = json.loads((shared_data / "mocap-gt" / f"{base}.groundtruth.json").read_text())
    cfg = AnalysisConfig(runner=RunnerInfo(mass_kg=70.0))
    kp, info = load_keypoints(shared_data / "mocap-gt" / f"{trial}.trc", cfg)
    s = analyze_keypoints(kp, info, cfg).summary
    assert s["speed_m_s"] == pytest.approx(truth["summary"]["speed_measured_m_s"], rel=0.07)
    assert 5 < s["leg_stiffness_kn_m"] < 20
    assert 15 < s["vertical_stiffness_kn_m"] < 40
    # One unit per column: per kg is the same stiffness over the mass given.
    assert s["leg_stiffness_kn_m_kg"] == pytest.approx(s["leg_stiffness_kn_m"] / 70.0, rel=1e-3)
    assert s["vertical_stiffness_kn_m_kg"] == pytest.approx(s["vertical_stiffness_kn_m"] / 70.0, rel=1e-3)
    # Without a mass the absolute columns stay empty instead of silently changing unit.
    s0 = analyze_keypoints(kp, info, AnalysisConfig()).summary
    assert s0["vertical_stiffness_kn_m"] is None and s0["leg_stiffness_kn_m"] is None
    assert s0["vertical_stiffness_kn_m_kg"] == pytest.approx(s["vertical_stiffness_kn_m_kg"])
