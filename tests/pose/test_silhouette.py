"""The shank's silhouette midline: pure geometry on drawn masks, then a real rendered contact."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runform.metrics.angles import angle_from_vertical
from runform.pose.silhouette import SilhouetteConfig, contact_frames, segment_midline


def _limb_mask(knee, angle_deg, length=220.0, top_w=34.0, bottom_w=22.0, shape=(480, 480)):
    """A tapered limb (a filled quadrilateral) from ``knee`` at ``angle_deg`` from vertical (+ = toward +x)."""
    import cv2

    a = np.radians(angle_deg)
    along = np.array([np.sin(a), np.cos(a)])
    normal = np.array([-along[1], along[0]])
    ankle = knee + length * along
    quad = np.array([knee + top_w / 2 * normal, ankle + bottom_w / 2 * normal,
                     ankle - bottom_w / 2 * normal, knee - top_w / 2 * normal])
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad * 16).astype(np.int32), 1, lineType=cv2.LINE_AA, shift=4)
    return mask.astype(float), ankle


@settings(deadline=None, max_examples=40)
@given(angle=st.floats(-10.0, 20.0), knee_shift=st.floats(-8.0, 8.0), ankle_shift=st.floats(-8.0, 8.0))
def test_midline_recovers_the_axis_from_misplaced_landmarks(angle, knee_shift, ankle_shift):
    """Landmarks off the limb's axis by up to 8 px (about 4 deg here) still give the axis within 0.5 deg."""
    knee = np.array([200.0, 100.0])
    mask, ankle = _limb_mask(knee, angle)
    a = np.radians(angle)
    normal = np.array([-np.cos(a), np.sin(a)])
    direction, cuts = segment_midline(mask, knee + knee_shift * normal, ankle + ankle_shift * normal)
    assert cuts >= SilhouetteConfig().min_cuts
    assert abs(float(angle_from_vertical(direction, 1)) - angle) < 0.5


def test_cuts_into_another_leg_are_dropped_or_refused():
    knee = np.array([200.0, 100.0])
    mask, ankle = _limb_mask(knee, 8.0)
    other, _ = _limb_mask(np.array([120.0, 240.0]), 80.0, length=200, top_w=30, bottom_w=30)
    crossed = np.maximum(mask, other)  # a second leg crosses the lower shank
    direction, cuts = segment_midline(crossed, knee, ankle)
    clean, all_cuts = segment_midline(mask, knee, ankle)
    assert cuts < all_cuts
    assert abs(float(angle_from_vertical(direction, 1)) - 8.0) < 0.5
    blob = np.zeros_like(mask)
    blob[50:420, 100:330] = 1.0  # the whole shank inside one wide shape: nothing to measure
    assert np.isnan(segment_midline(np.maximum(mask, blob), knee, ankle)[0]).all()


def test_landmarks_off_the_silhouette_are_refused():
    knee = np.array([200.0, 100.0])
    mask, ankle = _limb_mask(knee, 5.0)
    assert np.isnan(segment_midline(mask, knee + [120.0, 0.0], ankle + [120.0, 0.0])[0]).all()
    assert np.isnan(segment_midline(mask, knee, knee + [2.0, 3.0])[0]).all()  # too short to cut
    assert np.isnan(segment_midline(mask, knee, np.array([np.nan, 1.0]))[0]).all()


def test_contact_frames_are_the_two_either_side():
    t = np.arange(10) / 30.0
    assert contact_frames(t, [4.5 / 30]) == [3, 4, 5, 6]
    assert contact_frames(t, [0.2 / 30, 8.8 / 30]) == [0, 1, 2, 7, 8, 9]  # clipped at the ends


def test_config_is_checked():
    with pytest.raises(ValueError):
        SilhouetteConfig(span=(0.8, 0.2))
    with pytest.raises(ValueError):
        SilhouetteConfig(min_cuts=2)
