"""metrics.oscillation: the bounce per step, read from the pelvis and the head."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runform.metrics.oscillation import OscillationConfig, step_ranges, vertical_oscillation

FPS, STEP_S = 120.0, 0.35


def _run(bounce: float, head_gain: float = 1.0, steps: int = 8, phase: float = 0.0):
    """A body rising and falling once per step: pelvis range ``bounce``, head ``head_gain`` times it."""
    t = np.arange(0.0, steps * STEP_S + 1e-9, 1.0 / FPS)
    wave = 0.5 * np.cos(2 * np.pi * (t / STEP_S) + phase)  # range 1 per step
    contacts = np.arange(steps + 1) * STEP_S
    return t, 500.0 + bounce * wave, 200.0 + head_gain * bounce * wave, contacts


def test_step_ranges_read_each_steps_bounce():
    t, pel, _, contacts = _run(20.0)
    r = step_ranges(t, pel, contacts)
    assert r.shape == (contacts.size - 1,)
    np.testing.assert_allclose(r, 20.0, rtol=0.01)


def test_step_ranges_nan_where_a_step_has_too_few_samples():
    t, pel, _, contacts = _run(20.0)
    pel[(t > contacts[2]) & (t < contacts[3])] = np.nan
    r = step_ranges(t, pel, contacts)
    assert np.isnan(r[2]) and np.all(np.isfinite(np.delete(r, 2)))


@settings(max_examples=30, deadline=None)
@given(bounce=st.floats(5.0, 60.0), leg=st.floats(100.0, 600.0), phase=st.floats(0.0, 2 * np.pi))
def test_the_same_bounce_agrees_and_reads_in_percent_of_leg(bounce, leg, phase):
    t, pel, head, contacts = _run(bounce, phase=phase)
    o = vertical_oscillation(t, pel, head, contacts, leg)
    assert o.agree and o.steps == contacts.size - 1
    # Sampled at 120 Hz a per-step range misses the extremes by at most a few tenths of a percent.
    assert o.value_pct_leg == pytest.approx(100.0 * bounce / leg, rel=0.01)


def test_a_pelvis_landmark_pulled_by_the_thigh_is_not_trusted():
    # As on male_side.mp4: the pelvis landmarks range 1.6 times as far per step as the head.
    t, pel, head, contacts = _run(40.0, head_gain=1 / 1.6)
    o = vertical_oscillation(t, pel, head, contacts, 280.0)
    assert not o.agree and o.disagreement == pytest.approx(0.46, abs=0.01)
    assert o.value_pct_leg == pytest.approx(o.pelvis_pct_leg)


def test_the_motion_capture_difference_agrees():
    # P01's markers: the head ranges ~9 % less than the pelvis.
    t, pel, head, contacts = _run(30.0, head_gain=0.917)
    assert vertical_oscillation(t, pel, head, contacts, 280.0).agree


def test_no_head_or_too_few_steps_is_no_agreement():
    t, pel, head, contacts = _run(30.0, steps=2)
    assert not vertical_oscillation(t, pel, head, contacts, 280.0).agree
    t, pel, head, contacts = _run(30.0)
    o = vertical_oscillation(t, pel, np.full_like(head, np.nan), contacts, 280.0)
    assert not o.agree and o.head_pct_leg is None and o.pelvis_pct_leg == pytest.approx(100 * 30 / 280, rel=0.01)
    assert vertical_oscillation(t, pel, head, contacts, float("nan")).pelvis_pct_leg is None


@pytest.mark.parametrize("kw", [{"max_disagreement": 0.0}, {"max_disagreement": 2.5}, {"min_steps": 0}])
def test_config_refuses_nonsense(kw):
    with pytest.raises(ValueError):
        OscillationConfig(**kw)
