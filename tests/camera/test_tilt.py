"""The true vertical: scene vanishing points, the ground line, and turning keypoints level."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runform.camera.tilt import CameraEstimate, estimate_camera, level_keypoints
from runform.camera.verticals import SceneVerticals, vanishing_point
from runform.keypoints import INDEX, KEYPOINT_NAMES, Keypoints
from runform.metrics.angles import angle_from_vertical


def _segments_to(vp, n=20, seed=0, noise_deg=0.0, size=(720, 1280)):
    """Segments on lines through the vanishing point ``vp`` (x, y) scattered over the image."""
    rng = np.random.default_rng(seed)
    w, h = size
    out = []
    for _ in range(n):
        p = np.array([rng.uniform(0, w), rng.uniform(0.2 * h, 0.8 * h)])
        d = np.asarray(vp, float) - p
        d /= np.linalg.norm(d)
        a = np.radians(rng.normal(0.0, noise_deg))
        d = np.array([d[0] * np.cos(a) - d[1] * np.sin(a), d[0] * np.sin(a) + d[1] * np.cos(a)])
        length = rng.uniform(80, 200)
        out.append(np.r_[p, p + length * d])
    return np.array(out)


@pytest.mark.parametrize("vp", [(233.0, -3977.0), (-220.0, -9450.0), (400.0, 6000.0)])
def test_vanishing_point_of_converging_verticals(vp):
    seg = _segments_to(vp, noise_deg=0.2)
    junk = np.array([[10.0, 10.0, 60.0, 200.0], [500.0, 900.0, 700.0, 1100.0]])  # not through vp
    found = vanishing_point(np.vstack([seg, junk]), (720, 1280))
    assert found is not None and found.lines >= 18
    for x, y in [(260.0, 1100.0), (600.0, 300.0)]:
        true = (np.array([x, y]) - vp) * np.sign(y - vp[1])
        true /= np.linalg.norm(true)
        got = found.down_at(x, y)
        assert np.degrees(np.arccos(np.clip(got @ true, -1, 1))) < 0.3


def test_parallel_verticals_are_pure_roll():
    roll = np.radians(4.0)
    far = (360.0 + 1e7 * np.sin(roll) * -1, 640.0 - 1e7 * np.cos(roll))  # effectively at infinity
    found = vanishing_point(_segments_to(far), (720, 1280))
    down = found.down_at(100.0, 100.0)
    assert abs(np.degrees(np.arctan2(down[0], down[1])) - 4.0) < 0.2


def test_too_few_lines_is_no_estimate():
    assert vanishing_point(_segments_to((300.0, -4000.0), n=4), (720, 1280)) is None


@settings(deadline=None, max_examples=30)
@given(tilt=st.floats(-10.0, 10.0), shin=st.floats(-15.0, 20.0))
def test_levelling_restores_the_angle_from_the_true_vertical(tilt, shin):
    """A shank at ``shin`` deg from the true vertical, filmed with the vertical tilted: read back exactly."""
    a = np.radians(tilt)
    down = np.array([np.sin(a), np.cos(a)])            # the true vertical in the image
    fwd = np.array([np.cos(a), -np.sin(a)])            # the true horizontal, toward +x
    s = np.radians(shin)
    knee = np.array([300.0, 900.0])
    ankle = knee + 140.0 * (np.cos(s) * down + np.sin(s) * fwd)
    xy = np.full((1, len(KEYPOINT_NAMES), 2), np.nan)
    xy[0, INDEX["left_knee"]], xy[0, INDEX["left_ankle"]] = knee, ankle
    kp = Keypoints(xy, np.ones(xy.shape[:2]), np.array([0.0]))
    lev = level_keypoints(kp, tilt, (320.0, 1000.0))
    got = angle_from_vertical(lev.point("left_ankle")[0] - lev.point("left_knee")[0], 1)
    assert abs(float(got) - shin) < 1e-6


def _kp_at(x, y):
    xy = np.full((3, len(KEYPOINT_NAMES), 2), np.nan)
    for n in ("left_knee", "right_knee", "left_ankle", "right_ankle"):
        xy[:, INDEX[n]] = (x, y)
    return Keypoints(xy, np.ones(xy.shape[:2]), np.arange(3) / 30.0)


def test_scene_verticals_win_over_the_ground_line():
    sv = SceneVerticals((233.0, -3977.0, 1.0), 40, 0.4, (720, 1280))
    cam = estimate_camera(_kp_at(260.0, 1100.0), sv, ground_deg=3.7)
    assert cam.source == "scene_verticals" and cam.confidence == "high"
    assert 0.1 < cam.vertical_at_runner_deg < 0.6  # the annotated clip's +0.2..+0.4
    assert 10.0 < cam.pitch_deg < 15.0 and "belt/ground line" in cam.note


def test_ground_line_only_and_nothing():
    cam = estimate_camera(_kp_at(260.0, 1100.0), None, ground_deg=2.0)
    assert cam.source == "ground_line" and cam.vertical_at_runner_deg == pytest.approx(-2.0)
    none = estimate_camera(_kp_at(260.0, 1100.0), None, ground_deg=None)
    assert isinstance(none, CameraEstimate) and none.source == "none" and none.vertical_at_runner_deg == 0.0
    steep = estimate_camera(_kp_at(260.0, 1100.0), None, ground_deg=15.0)
    assert steep.source == "none"
