"""Touchdown and lift-off where the sole's height breaks: generated soles with a known instant."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from runform.gait.contact import hinge_time, liftoff_time, touchdown_time

LEG = 300.0  # pixels


def _sole(t, touch, lift, fall_px_s=450.0, drift_px_s=20.0, rise_px_s=500.0, ground=1000.0, noise=0.0, seed=0):
    """Sole y (down) falling at ``fall_px_s`` until ``touch``, drifting down slowly in stance, rising after ``lift``."""
    y = ground + drift_px_s * (t - touch)
    y = np.where(t < touch, ground - fall_px_s * (touch - t), y)
    y = np.where(t > lift, ground + drift_px_s * (lift - touch) - rise_px_s * (t - lift), y)
    y = y + np.random.default_rng(seed).normal(0.0, noise, t.size)
    return np.column_stack([np.full(t.size, 100.0), y])


@settings(deadline=None, max_examples=40)
@given(fps=st.sampled_from([30.0, 60.0, 120.0]), phase=st.floats(0.0, 1.0), delay=st.floats(0.02, 0.09))
def test_touchdown_within_a_tenth_of_a_frame_on_a_clean_sole(fps, phase, delay):
    """Exact sole heights: the break is found to 0.1 frame wherever it falls between frames."""
    t = np.arange(0.0, 1.0, 1.0 / fps)
    peak = 0.3 + phase / fps
    touch = peak + delay
    found = touchdown_time(t, _sole(t, touch, touch + 0.25), peak, LEG)
    assert found is not None and abs(found - touch) * fps < 0.1


def test_touchdown_with_pixel_noise_at_30_fps():
    """2 px noise (a mask's edge): median error within 0.3 frame over many contacts."""
    fps = 30.0
    t = np.arange(0.0, 1.0, 1.0 / fps)
    errs = []
    for seed in range(40):
        touch = 0.35 + (seed % 10) / 10 / fps
        found = touchdown_time(t, _sole(t, touch, touch + 0.25, noise=2.0, seed=seed), touch - 0.06, LEG)
        errs.append(abs(found - touch) * fps)
    assert np.median(errs) < 0.3


def test_no_landing_seen_gives_none():
    """A sole that only settles (no real fall) or breaks too long after the heel's peak is not a landing."""
    t = np.arange(0.0, 1.0, 1.0 / 30)
    settling = _sole(t, 0.4, 0.65, fall_px_s=20.0)  # 1 px per frame: the shoe settling, not a foot landing
    assert touchdown_time(t, settling, 0.35, LEG) is None
    late = _sole(t, 0.6, 0.85)
    assert touchdown_time(t, late, 0.35, LEG) is None  # 250 ms after the foot stopped moving forward


def test_liftoff_is_the_rise_off_the_ground():
    fps = 60.0
    t = np.arange(0.0, 1.0, 1.0 / fps)
    sole = _sole(t, 0.3, 0.55 + 0.3 / fps)
    found = liftoff_time(t, sole, 0.3, 0.9)
    assert found is not None and abs(found - (0.55 + 0.3 / fps)) * fps < 0.15


def test_hinge_needs_samples_on_both_sides():
    t = np.arange(4) / 30.0
    assert hinge_time(t, np.array([0.0, -1.0, -2.0, -2.0]), 0.001, 2, moving_before=True) is None
