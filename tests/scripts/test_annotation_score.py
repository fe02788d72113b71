"""The real-video scorer compares like with like: heel ahead of hip along the true horizontal."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parents[2] / "scripts" / "annotation_score.py"


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("annotation_score", _PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["annotation_score"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_vanishing_point_is_read_from_the_camera_block(score, shared_data):
    truth = json.loads((shared_data / "videos" / "male_side.contacts.json").read_text())
    vp = score.vanishing_point(truth)
    # The annotation: verticals converge upward to about (233, -3977) px.
    assert vp is not None and abs(vp[0] - 233) < 1 and abs(vp[1] + 3977) < 1
    assert score.vanishing_point({"camera": {"pitch": "level"}}) is None
    assert list(score.vanishing_point({"camera": {"vanishing_point_px": [10, -900]}})) == [10.0, -900.0]


def test_without_a_vanishing_point_it_is_image_x_or_the_roll(score):
    points = {"heel": [278, 1222], "hip": [285, 905]}
    up = score.true_up({"camera": {}}, points["hip"])
    # Running left: the heel 7 px left of the hip is 7 px ahead (the annotation's own figure).
    assert score.heel_ahead_true(points, up, -1.0) == pytest.approx(7.0)
    assert score.heel_ahead_true(points, up, 1.0) == pytest.approx(-7.0)
    # Verticals leaning bottom-to-the-right by 2 deg: a vertical through the hip passes
    # 317 tan(2 deg) = 11 px right of it at the heel's height, so the heel is ~11 px more ahead.
    rolled = score.true_up({"camera": {"roll_deg_at_image_centre": 2.0}}, points["hip"])
    assert score.heel_ahead_true(points, rolled, -1.0) == pytest.approx(7.0 + 317 * math.tan(math.radians(2.0)), abs=0.5)


@given(lean=st.floats(-8.0, 8.0), drop=st.floats(100.0, 600.0), ahead=st.floats(-80.0, 80.0))
def test_a_heel_on_the_leaning_true_vertical_is_level_with_the_hip(score, lean, drop, ahead):
    """A heel placed ``ahead`` px from the true vertical through the hip reads ``ahead``."""
    hip = np.array([300.0, 900.0])
    up = np.array([math.sin(math.radians(lean)), -math.cos(math.radians(lean))])
    vp = hip + 5000.0 * up  # the verticals' vanishing point above the hip
    across = np.array([-up[1], up[0]])
    heel = hip - drop * up - ahead * across  # running left: ahead = toward -x
    truth = {"camera": {"pitch": f"vanishing point at about (x={vp[0]:.6f}, y={vp[1]:.6f}) px"}}
    got = score.heel_ahead_true({"heel": heel.tolist(), "hip": hip.tolist()}, score.true_up(truth, hip), -1.0)
    assert got == pytest.approx(ahead, abs=1e-6)


@given(thigh=st.floats(-30.0, 45.0), shank=st.floats(-20.0, 30.0))
def test_knee_flexion_of_annotated_points_is_thigh_minus_shank(score, thigh, shank):
    """Hip, knee and ankle placed with the thigh and shank at known angles from vertical: flexion is their difference."""
    hip = np.array([300.0, 900.0])
    knee = hip + 130.0 * np.array([math.sin(math.radians(thigh)), math.cos(math.radians(thigh))])
    ankle = knee + 140.0 * np.array([math.sin(math.radians(shank)), math.cos(math.radians(shank))])
    got = score.knee_flexion_of({"hip": hip.tolist(), "knee": knee.tolist(), "ankle": ankle.tolist()})
    assert got == pytest.approx(abs(thigh - shank), abs=1e-4)  # arccos near 0: ~1e-6 deg
