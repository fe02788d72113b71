"""The tilted render camera: roll and pitch as a homography, truth kept in the world frame."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from runform.synth.render.camera import CameraTilt, apply_homography, homography, vertical_vanishing_point

C = (360.0, 640.0)


def _line_angle(h, x, y0=200.0, y1=1000.0):
    """Angle (deg, + = top leans left) of a level-view vertical line at x, in the tilted view."""
    a, b = apply_homography(h, np.array([[x, y0], [x, y1]]))
    return float(np.degrees(np.arctan2(b[0] - a[0], b[1] - a[1])))


def test_level_camera_is_identity():
    h = homography(CameraTilt(), C, C)
    np.testing.assert_allclose(h, np.eye(3), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(roll=st.floats(-10, 10))
def test_roll_turns_the_picture_counter_clockwise_about_its_centre(roll):
    h = homography(CameraTilt(roll_deg=roll), C, C)
    np.testing.assert_allclose(apply_homography(h, np.array(C)), C, atol=1e-9)
    for x in (100.0, 360.0, 650.0):  # every vertical turns by the roll, top to the left for roll > 0
        assert _line_angle(h, x) == pytest.approx(roll, abs=1e-9)
    # Distances are kept (a rotation).
    p = np.array([[100.0, 200.0], [600.0, 1100.0]])
    q = apply_homography(h, p)
    assert np.linalg.norm(q[1] - q[0]) == pytest.approx(np.linalg.norm(p[1] - p[0]))


@pytest.mark.parametrize("pitch", [5.0, 12.0])
def test_pitch_up_converges_verticals_upward(pitch):
    cam = CameraTilt(pitch_deg=pitch)
    h = homography(cam, C, C)
    left, mid, right = (_line_angle(h, x) for x in (60.0, 360.0, 660.0))
    assert mid == pytest.approx(0.0, abs=1e-9)
    assert left < 0.0 < right  # left lines lean top-right, right lines top-left: they meet above
    vp = vertical_vanishing_point(cam, C)
    assert vp[1] < 0 and vp[0] == pytest.approx(C[0])
    assert vp[1] == pytest.approx(C[1] - cam.focal_px / np.tan(np.radians(pitch)))
    # Every mapped vertical passes through the vanishing point.
    for x in (60.0, 660.0):
        a, b = apply_homography(h, np.array([[x, 300.0], [x, 900.0]]))
        cross = (b - a)[0] * (vp - a)[1] - (b - a)[1] * (vp - a)[0]
        assert abs(cross) < 1e-6 * np.linalg.norm(b - a) * np.linalg.norm(vp - a)


def test_roll_and_pitch_compose():
    cam = CameraTilt(roll_deg=-5.0, pitch_deg=8.0)
    h = homography(cam, C, C)
    # At the vertical through the vanishing point the picture's verticals lean by the roll.
    vp = vertical_vanishing_point(cam, C)
    a, b = apply_homography(h, np.array([[360.0, 600.0], [360.0, 700.0]]))
    lean = np.degrees(np.arctan2(b[0] - a[0], b[1] - a[1]))
    assert lean == pytest.approx(-5.0, abs=0.5)
    assert np.hypot(*(vp - np.array(C))) > 5000
    with pytest.raises(ValueError):
        CameraTilt(roll_deg=60)
