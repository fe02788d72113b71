import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from runform.keypoints import INDEX, KEYPOINT_NAMES, Keypoints
from runform.signals.cleaning import (
    SignalConfig,
    clean_keypoints,
    contiguous_runs,
    fill_short_gaps,
    find_foot_spikes,
    find_leg_swaps,
    lowpass,
)


def test_fill_short_gaps_fills_only_short_ones():
    t = np.arange(40) / 30.0
    x = np.sin(t)
    y = x.copy()
    y[5:7] = np.nan  # 2 frames = 0.067 s: filled
    y[20:30] = np.nan  # 10 frames = 0.33 s: kept
    out = fill_short_gaps(y, t, 0.1)
    assert np.all(np.isfinite(out[5:7]))
    np.testing.assert_allclose(out[5:7], x[5:7], atol=1e-3)
    assert np.all(np.isnan(out[20:30]))


@given(st.lists(st.booleans(), min_size=0, max_size=50))
def test_contiguous_runs_cover_exactly_the_true_entries(flags):
    flags = np.array(flags, bool)
    mask = np.zeros_like(flags)
    for a, b in contiguous_runs(flags):
        assert b > a
        assert flags[a:b].all()
        mask[a:b] = True
    assert np.array_equal(mask, flags)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.5, 4.0), st.sampled_from([30.0, 60.0, 120.0, 240.0]))
def test_lowpass_keeps_slow_signal_and_removes_fast_noise(freq, fs):
    t = np.arange(int(4 * fs)) / fs
    slow = np.sin(2 * np.pi * freq * t)
    noise = 0.3 * np.sin(2 * np.pi * 0.45 * fs * t)
    out = lowpass(slow + noise, fs, 10.0)
    core = slice(int(0.5 * fs), -int(0.5 * fs))
    assert np.max(np.abs(out[core] - slow[core])) < 0.1


def test_lowpass_filters_each_chunk_and_keeps_nan():
    x = np.sin(np.arange(200) / 10.0)
    x[100:110] = np.nan
    out = lowpass(x, 60.0, 8.0)
    assert np.isnan(out[100:110]).all()
    assert np.isfinite(out[:100]).all() and np.isfinite(out[110:]).all()


def _two_legs(n=60):
    t = np.arange(n) / 30.0
    xy = np.full((n, len(KEYPOINT_NAMES), 2), np.nan)
    for side, phase in (("left", 0.0), ("right", np.pi)):
        for j, (dx, dy) in {"hip": (0, 0), "knee": (0, 40), "ankle": (0, 80), "heel": (-5, 85), "toe": (15, 85)}.items():
            xy[:, INDEX[f"{side}_{j}"], 0] = 100 + 50 * np.sin(2 * np.pi * 1.4 * t + phase) + dx
            xy[:, INDEX[f"{side}_{j}"], 1] = 100 + dy
    return t, xy


def test_find_leg_swaps_flags_swapped_frames():
    t, xy = _two_legs()
    bad = [20, 21, 22]
    swapped = xy.copy()
    for j in ("knee", "ankle", "heel", "toe"):
        li, ri = INDEX[f"left_{j}"], INDEX[f"right_{j}"]
        swapped[bad, li], swapped[bad, ri] = xy[bad, ri], xy[bad, li]
    flags = find_leg_swaps(swapped)
    assert flags[bad].all()
    assert flags.sum() == len(bad)
    assert not find_leg_swaps(xy).any()


def test_clean_keypoints_repairs_swaps():
    t, xy = _two_legs()
    swapped = xy.copy()
    li, ri = INDEX["left_ankle"], INDEX["right_ankle"]
    for j in ("knee", "ankle", "heel", "toe"):
        a, b = INDEX[f"left_{j}"], INDEX[f"right_{j}"]
        swapped[30, a], swapped[30, b] = xy[30, b], xy[30, a]
    kp = Keypoints(swapped, np.where(np.isfinite(swapped[..., 0]), 1.0, 0.0), t)
    clean, diag = clean_keypoints(kp, SignalConfig(cutoff_hz=None))
    assert diag["swapped_frames"] == 1
    np.testing.assert_allclose(clean.xy[30, li], xy[30, li])
    np.testing.assert_allclose(clean.xy[30, ri], xy[30, ri])



def test_a_foot_put_on_the_other_foot_for_two_frames_is_dropped_and_filled():
    """MediaPipe's slip at touchdown: right ankle, heel and toe on the left foot, knees in place."""
    t, xy = _two_legs()
    apart = np.abs(xy[:, INDEX["left_ankle"], 0] - xy[:, INDEX["right_ankle"], 0])
    bad = [f for f in range(10, 50) if apart[f] > 60 and apart[f + 1] > 60][0]
    bad = [bad, bad + 1]
    slipped = xy.copy()
    for j in ("ankle", "heel", "toe"):
        slipped[bad, INDEX[f"right_{j}"]] = xy[bad, INDEX[f"left_{j}"]]
    spikes = find_foot_spikes(slipped, leg=80.0)
    assert np.flatnonzero(spikes[:, 1]).tolist() == bad and not spikes[:, 0].any()
    kp = Keypoints(slipped, np.where(np.isfinite(slipped[..., 0]), 1.0, 0.0), t)
    clean, diag = clean_keypoints(kp, SignalConfig(cutoff_hz=None))
    assert diag["foot_spikes"] == 2
    for j in ("ankle", "heel", "toe"):  # filled from the frames around: within 5 px of the true path (was 100)
        np.testing.assert_allclose(clean.xy[bad, INDEX[f"right_{j}"]], xy[bad, INDEX[f"right_{j}"]], atol=5.0)


@settings(max_examples=40, deadline=None)
@given(amplitude=st.floats(0.1, 0.7), stride_hz=st.floats(1.2, 1.7), fps=st.sampled_from([25.0, 30.0, 60.0, 120.0]),
       phase=st.floats(0.0, 6.3))
def test_a_steady_swinging_foot_is_never_a_spike(amplitude, stride_hz, fps, phase):
    """Feet swinging up to +/-0.7 leg at running stride rates, filmed at 25-120 fps: nothing is dropped."""
    leg = 400.0
    n = int(2 * fps)
    t = np.arange(n) / fps
    xy = np.full((n, len(KEYPOINT_NAMES), 2), np.nan)
    for side, shift in (("left", 0.0), ("right", np.pi)):
        for j, (dx, dy) in {"ankle": (0, 0), "heel": (-20, 10), "toe": (60, 15)}.items():
            swing = np.sin(2 * np.pi * stride_hz * t + phase + shift)
            xy[:, INDEX[f"{side}_{j}"], 0] = 500 + amplitude * leg * swing + dx
            xy[:, INDEX[f"{side}_{j}"], 1] = 900 - 0.1 * leg * np.clip(swing, 0, None) + dy
    assert not find_foot_spikes(xy, leg).any()


def test_real_running_feet_from_motion_capture_are_never_spikes(shared_data):
    """Marker feet (RBDS treadmill, P01 overground) at 30 and 60 Hz: within 0.064 leg of their path, none dropped."""
    from runform.geometry import leg_length
    from runform.io.trc import read_trc

    for name in ("RBDS001runT25_30hz.trc", "RBDS001runT25_60hz.trc", "P01_S01_Running_01_30hz.trc"):
        kp = read_trc(shared_data / "mocap-gt" / name)
        assert not find_foot_spikes(kp.xy, leg_length(kp)).any(), name
