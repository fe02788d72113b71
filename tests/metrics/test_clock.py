"""Slow motion noticed (issue 12, item 3): a clock that cannot be real time is flagged with the fix."""

import pytest

from runform.keypoints import Keypoints
from runform.metrics.clock import detect_slow_motion
from runform.pipeline import InputInfo, analyze_keypoints
from runform.report.cues import coaching_cues
from runform.synth.runner import GaitParams, generate_run, to_pixels


def _summary(cadence, contact=None, duty=0.36, contacts=12):
    return {"cadence_spm": cadence, "contact_time_s": contact, "duty_factor": duty, "n_contacts_counted": contacts}


@pytest.mark.parametrize("cadence, contact, rate, capture", [
    (84.0, 0.53, 60.0, 120.0),   # 2x slow at 60 fps: filmed at 120
    (83.7, 0.553, 30.0, 60.0),   # the gym clip re-timed 2x slower (issue 12)
    (43.0, 1.05, 30.0, 120.0),   # 4x
    (21.0, 2.1, 30.0, 240.0),    # 8x: a 240 fps clip played at 30
    (42.0, None, 15.0, 60.0),    # no contact time measured: a cadence under 70 alone
])
def test_slow_motion_suggests_the_common_capture_rate(cadence, contact, rate, capture):
    slow = detect_slow_motion(_summary(cadence, contact), rate, "video")
    assert slow is not None and slow.capture_fps == capture
    assert slow.option == f"--capture-fps {capture:g}"
    assert f"run again with --capture-fps {capture:g}" in slow.text and "withheld" in slow.text


@pytest.mark.parametrize("summary", [
    _summary(168.0, 0.25),           # running
    _summary(150.0, 0.31),           # a slow jog
    _summary(95.0, 0.62, duty=0.62), # walking: no flight phase, whatever the clock
    _summary(90.0, 0.30),            # short contacts: not a slowed clock
    _summary(80.0, None),            # slow, but not unlike a shuffle, and nothing else to go on
    _summary(43.0, 1.05, contacts=2),  # one or two counted steps (a short clip): no verdict on the clock
    _summary(None, None),
])
def test_real_time_gait_is_not_flagged(summary):
    assert detect_slow_motion(summary, 30.0, "video") is None


def test_openpose_and_trc_name_their_own_clock():
    assert detect_slow_motion(_summary(43.0, 1.0), 30.0, "openpose").option == "--keypoint-fps 120"
    trc = detect_slow_motion(_summary(43.0, 1.0), 100.0, "trc")
    assert trc.option == "" and "Time column" in trc.text


def _retimed(factor: float):
    """A 168 steps/min generated runner in pixels, its clock slowed ``factor`` times (file time)."""
    kp, _ = generate_run(GaitParams(fps=120.0, duration_s=10.0, cadence_spm=168.0, seed=4))
    px = to_pixels(kp, 400.0, (300.0, 900.0))
    slow = Keypoints(px.xy, px.confidence, px.time_s * factor, units=px.units, image_size=px.image_size, meta=px.meta)
    return analyze_keypoints(slow, InputInfo("slow.mp4", "video", slow.fps, len(slow), float(slow.time_s[-1])))


def test_retimed_run_is_flagged_and_everything_waits_for_the_clock():
    a = _retimed(2.0)  # 120 fps content playing at 60
    assert a.summary["cadence_spm"] == pytest.approx(84, abs=2)
    assert "run again with --capture-fps 120" in a.quality["slow_motion"]
    assert a.diagnostics["slow_motion"]["likely_capture_fps"] == 120.0
    assert a.overstriding["session"]["verdict"] == "cannot judge"
    assert "slow motion" in a.overstriding["session"]["reason"]
    cues = coaching_cues(a.summary, a.contacts, a.quality, overstriding=a.overstriding)
    assert cues["cues"] == [] and "clock is right" in cues["withheld"][0]["reason"]
    # Read on the right clock (what --capture-fps 120 does), the same run is 168 steps/min and not flagged.
    right = _retimed(1.0)
    assert right.summary["cadence_spm"] == pytest.approx(168, abs=2)
    assert "slow_motion" not in right.quality


def _sampled(fps: float):
    """The same 168 steps/min generated runner (pixels) sampled at ``fps`` in real time."""
    kp, _ = generate_run(GaitParams(fps=fps, duration_s=8.0, cadence_spm=168.0, seed=4))
    px = to_pixels(kp, 400.0, (300.0, 900.0))
    return analyze_keypoints(px, InputInfo("run.mp4", "video", px.fps, len(px), float(px.time_s[-1])))


def test_filters_and_event_windows_run_on_the_real_clock():
    """A slow-motion clip read with --capture-fps has real timestamps at the capture rate (240 Hz for
    a 240 fps clip played at 30). Filters, gap filling and event windows are set in seconds of those
    timestamps, not in frames: the same run at 240 Hz reads as it does at 60 Hz."""
    base, fast = _sampled(60.0), _sampled(240.0)
    assert fast.summary["cadence_spm"] == pytest.approx(base.summary["cadence_spm"], abs=1.0)
    assert fast.summary["contact_time_s"] == pytest.approx(base.summary["contact_time_s"], abs=1 / 60)
    assert fast.summary["n_contacts_counted"] == pytest.approx(base.summary["n_contacts_counted"], abs=1)
    assert "slow_motion" not in fast.quality
