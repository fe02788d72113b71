import numpy as np
import pytest
from hypothesis import given, strategies as st

from runform.metrics.angles import (angle_between, angle_from_vertical, flexion_angle, unit_from_vertical,
                                    joint_angle, pitch_from_horizontal)

coord = st.floats(-100, 100, allow_nan=False)
vec = st.tuples(coord, coord).filter(lambda v: np.hypot(*v) > 1e-3)
direction = st.sampled_from([1, -1])


def rot(v, deg):
    a = np.radians(deg)
    return np.array([np.cos(a) * v[0] - np.sin(a) * v[1], np.sin(a) * v[0] + np.cos(a) * v[1]])


def test_sign_conventions_image_y_down():
    # ankle ahead (+x) of and below (+y) the knee, running +x: positive shin angle
    assert angle_from_vertical([1, 10], 1) == pytest.approx(np.degrees(np.arctan2(1, 10)))
    assert angle_from_vertical([1, 10], -1) < 0
    assert angle_from_vertical([0, 5], 1) == 0
    # trunk: shoulders above (-y) and ahead: positive lean
    assert angle_from_vertical([1, -10], 1, up=True) > 0
    # toe higher (smaller y) than heel: positive pitch
    assert pitch_from_horizontal([10, -1], 1) > 0
    assert pitch_from_horizontal([-10, -1], -1) > 0
    assert pitch_from_horizontal([10, 1], 1) < 0
    # straight leg 0 flexion, right angle 90
    assert flexion_angle([0, 0], [0, 1], [0, 2]) == pytest.approx(0)
    assert flexion_angle([0, 0], [0, 1], [1, 1]) == pytest.approx(90)


@given(vec, vec, st.floats(-180, 180))
def test_rotation_invariance(u, v, deg):
    a = angle_between(np.array(u), np.array(v))
    b = angle_between(rot(u, deg), rot(v, deg))
    assert b == pytest.approx(a, abs=1e-6)
    assert 0 <= a <= 180


@given(vec, vec, vec)
def test_joint_angle_range_and_symmetry(a, b, c):
    a, b, c = map(np.array, (a, b, c))
    j = joint_angle(a, b, c)
    if np.isfinite(j):
        assert j == pytest.approx(joint_angle(c, b, a), abs=1e-6)
        assert flexion_angle(a, b, c) == pytest.approx(180 - j)


@given(vec, direction, st.booleans())
def test_mirror_symmetry_with_direction(v, d, up):
    v = np.array(v)
    mirrored = np.array([-v[0], v[1]])
    assert angle_from_vertical(mirrored, -d, up) == pytest.approx(angle_from_vertical(v, d, up), abs=1e-9)
    assert pitch_from_horizontal(mirrored, -d) == pytest.approx(pitch_from_horizontal(v, d), abs=1e-9)


@given(vec, direction)
def test_vertical_flip_negates_pitch(v, d):
    v = np.array(v)
    flipped = np.array([v[0], -v[1]])
    p, q = pitch_from_horizontal(v, d), pitch_from_horizontal(flipped, d)
    if abs(abs(p) - 180) > 1e-6:
        assert q == pytest.approx(-p, abs=1e-9)


def test_zero_vector_is_nan():
    assert np.isnan(angle_between([0, 0], [1, 0]))


@given(angle=st.floats(-170.0, 170.0), direction=st.sampled_from([-1, 1]))
def test_unit_from_vertical_inverts_angle_from_vertical(angle, direction):
    v = unit_from_vertical(angle, direction)
    assert np.linalg.norm(v) == pytest.approx(1.0)
    assert float(angle_from_vertical(v, direction)) == pytest.approx(angle, abs=1e-9)
