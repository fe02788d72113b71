"""Joint centres and soles on the person mask: pure geometry on drawn masks."""

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runform.metrics.angles import angle_from_vertical
from runform.pose.silhouette import SilhouetteConfig, cut_midpoint, foot_sole, shank_centres


def _shank_mask(knee, angle_deg, length=220.0, knee_w=40.0, calf_w=56.0, ankle_w=26.0, calf_back=10.0,
                shape=(480, 480)):
    """A lower leg from ``knee`` at ``angle_deg`` from vertical (+ toward +x, the runner's front).

    The tibia runs through the middle of the knee and of the ankle; the calf bulges behind
    it (toward -x) by ``calf_back`` px in the upper half, as on a real leg.
    """
    a = np.radians(angle_deg)
    along = np.array([np.sin(a), np.cos(a)])
    front = np.array([np.cos(a), -np.sin(a)])  # perpendicular, toward the runner's front (+x)
    ankle = knee + length * along
    levels = np.linspace(0.0, 1.0, 41)
    width = np.interp(levels, [0.0, 0.35, 1.0], [knee_w, calf_w, ankle_w])
    shift = -np.interp(levels, [0.0, 0.35, 0.8, 1.0], [0.0, calf_back, 0.0, 0.0])  # calf: backward
    centre = knee + levels[:, None] * length * along + shift[:, None] * front
    outline = np.vstack([centre + width[:, None] / 2 * front, (centre - width[:, None] / 2 * front)[::-1]])
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(outline * 16).astype(np.int32)], 1, lineType=cv2.LINE_AA, shift=4)
    return mask.astype(float), ankle


@settings(deadline=None, max_examples=30)
@given(angle=st.floats(-10.0, 20.0), knee_shift=st.floats(-8.0, 8.0), ankle_shift=st.floats(-6.0, 6.0))
def test_joint_centre_line_ignores_the_calf_and_misplaced_landmarks(angle, knee_shift, ankle_shift):
    """The tibia's angle within 1.5 deg although the calf bulges 10 px and the landmarks are off axis.

    (A line bisecting 0.2-0.8 of this shank reads it about 3 deg off: the calf moves its top.)
    """
    knee = np.array([200.0, 100.0])
    mask, ankle = _shank_mask(knee, angle)
    a = np.radians(angle)
    normal = np.array([np.cos(a), -np.sin(a)])
    k, an = shank_centres(mask, knee + knee_shift * normal, ankle + ankle_shift * normal)
    assert abs(float(angle_from_vertical(an - k, 1)) - angle) < 1.5


def test_a_bisector_of_the_whole_shank_is_pulled_by_the_calf():
    """Why the joint levels: the midpoint at mid-shank lies behind the tibia by the calf."""
    knee = np.array([200.0, 100.0])
    mask, ankle = _shank_mask(knee, 0.0)
    mid = cut_midpoint(mask, knee, ankle, 0.35)
    assert mid[0] < 200.0 - 6.0  # about 10 px behind the tibia line x = 200


def test_cuts_that_miss_or_swallow_the_limb_are_refused():
    knee = np.array([200.0, 100.0])
    mask, ankle = _shank_mask(knee, 5.0)
    assert np.isnan(shank_centres(mask, knee + [150.0, 0.0], ankle + [150.0, 0.0])[0]).all()
    blob = np.zeros_like(mask)
    blob[50:420, 60:400] = 1.0  # the shank inside one wide shape: no edge at a plausible width
    assert np.isnan(shank_centres(np.maximum(mask, blob), knee, ankle)[0]).all()
    assert np.isnan(shank_centres(mask, knee, np.array([np.nan, 1.0]))[0]).all()


@pytest.mark.parametrize("sole_y", [300.0, 312.25, 320.5])
def test_foot_sole_is_the_lowest_point_under_the_foot(sole_y):
    """A shoe drawn with its sole at ``sole_y`` (anti-aliased): found within 1.5 px (a 30 fps shoe
    blurs over 3-12 px as it lands)."""
    mask = np.zeros((400, 400), np.uint8)
    shoe = np.array([[150.0, sole_y - 40], [260.0, sole_y - 25], [262.0, sole_y], [150.0, sole_y]])
    cv2.fillPoly(mask, [np.round(shoe * 16).astype(np.int32)], 255, lineType=cv2.LINE_AA, shift=4)
    foot = np.array([[155.0, sole_y - 12], [255.0, sole_y - 10], [170.0, sole_y - 45]])  # heel, toe, ankle
    found, heel = foot_sole(mask / 255.0, foot, shank_length=150.0)
    assert abs(found[1] - sole_y) < 1.5
    assert 150.0 <= found[0] <= 262.0
    assert abs(heel[0] - 150.0) <= 1.5  # the shoe's rear end (the heel landmark is at x 155)


@given(dx=st.floats(-40.0, 60.0), gap=st.integers(3, 20), size=st.integers(2, 12))
@settings(max_examples=40, deadline=None)
def test_a_speck_under_the_shoe_is_not_the_sole(dx, gap, size):
    """A detached mask speck below the shoe (seen on real video, in a dark edge under the shoe)
    moves neither the sole nor the heel; a shoe-sized piece there would."""
    mask = np.zeros((400, 400))
    mask[260:300, 150:262] = 1.0  # the shoe, sole at y 300 (edge between rows 299 and 300)
    foot = np.array([[155.0, 288.0], [255.0, 290.0], [170.0, 255.0]])  # heel, toe, ankle
    sole, heel = foot_sole(mask, foot, shank_length=150.0)
    x = int(200 + dx)
    mask[300 + gap:300 + gap + size, x:x + size] = 1.0  # smaller than 0.1 x 150 px square
    assert np.allclose(foot_sole(mask, foot, shank_length=150.0), (sole, heel), equal_nan=True)
    mask[300 + gap:300 + gap + 20, x:x + 20] = 1.0  # 20 px square: big enough to count
    assert foot_sole(mask, foot, shank_length=150.0)[0][1] > sole[1] + gap


def test_foot_sole_needs_a_foot():
    mask = np.zeros((100, 100))
    assert np.isnan(foot_sole(mask, np.array([[10.0, 10.0], [30.0, 12.0], [15.0, 5.0]]), 80.0)).all()
    assert np.isnan(foot_sole(mask, np.full((3, 2), np.nan), 80.0)).all()


def test_config_is_checked():
    with pytest.raises(ValueError):
        SilhouetteConfig(knee_level=0.9, ankle_level=0.1)
    with pytest.raises(ValueError):
        SilhouetteConfig(mask_threshold=1.5)
