import json

import numpy as np
import pytest

from runform.gait.events import EventConfig, Stance, detect_stances
from runform.geometry import estimate_geometry
from runform.io.trc import read_trc
from runform.keypoints import Keypoints

from ..shared import SHARED, needs_shared

DATA = SHARED / "mocap-gt"
needs_data = needs_shared


def _errors(trc, gt):
    kp = read_trc(trc)
    st = detect_stances(kp, estimate_geometry(kp).direction)
    ic, to = [], []
    for ev in gt["events"]:
        foot = "left" if ev["foot"] == "L" else "right"
        c = [s for s in st if s.foot == foot and abs(s.ic_time_s - ev["ic_time_s"]) < 0.15]
        assert c, f"missed {ev}"
        s = min(c, key=lambda s: abs(s.ic_time_s - ev["ic_time_s"]))
        ic.append(s.ic_time_s - ev["ic_time_s"])
        if s.to_time_s is not None:
            to.append(s.to_time_s - ev["to_time_s"])
    return kp.fps, np.median(np.abs(ic)), np.median(np.abs(to)), st


@needs_data
@pytest.mark.parametrize("suffix, ic_max_s", [("", 0.008), ("_60hz", 1 / 60), ("_30hz", 1 / 30)])
def test_rbds_events_within_targets(suffix, ic_max_s):
    gt = json.loads((DATA / "RBDS001runT25.groundtruth.json").read_text())
    fs, ic, to, st = _errors(DATA / f"RBDS001runT25{suffix}.trc", gt)
    assert ic <= ic_max_s
    assert to <= 1 / fs
    assert abs(len(st) - len(gt["events"])) <= 2
    assert all(a.ic_time_s <= b.ic_time_s for a, b in zip(st, st[1:]))


@needs_data
@pytest.mark.parametrize("suffix", ["", "_60hz", "_30hz"])
def test_short_overground_clip(suffix):
    gt = json.loads((DATA / "P01_S01_Running_01.groundtruth.json").read_text())
    fs, ic, to, st = _errors(DATA / f"P01_S01_Running_01{suffix}.trc", gt)
    assert ic <= 0.02 and to <= 0.02


def _synthetic(fs=60.0, seconds=4.0, direction=1, scale=1.0, cadence_hz=1.4):
    """Two legs swinging sinusoidally about the pelvis, feet lifting in swing."""
    t = np.arange(0, seconds, 1 / fs)
    kp = Keypoints.empty(t.size, t, units="px")
    xy = kp.xy.copy()
    conf = np.ones_like(kp.confidence)
    xy[:, :, :] = 0.0
    xy[:, 9] = [0, -1.0]
    for k, (side, phase) in enumerate((("left", 0.0), ("right", np.pi))):
        ph = 2 * np.pi * cadence_hz * t + phase
        fx = 0.35 * np.sin(ph)                     # foot ahead of pelvis
        lift = np.where(np.cos(ph) > 0, 0.15 * np.cos(ph), 0.0)  # off ground while swinging forward
        from runform.keypoints import INDEX
        xy[:, INDEX[f"{side}_hip"]] = [0.0, -1.0]
        xy[:, INDEX[f"{side}_knee"]] = np.stack([fx / 2 + 0.05, -0.5 + 0 * t], 1)
        xy[:, INDEX[f"{side}_ankle"]] = np.stack([fx, -0.08 - lift], 1)
        xy[:, INDEX[f"{side}_heel"]] = np.stack([fx - 0.05, -0.03 - lift], 1)
        xy[:, INDEX[f"{side}_toe"]] = np.stack([fx + 0.15, -0.0 - lift], 1)
    xy[..., 0] *= direction
    return kp.with_xy(xy * scale, conf), t, cadence_hz


@pytest.mark.parametrize("fs", [30.0, 60.0, 100.0, 150.0])
@pytest.mark.parametrize("direction", [1, -1])
def test_synthetic_sine(fs, direction):
    kp, t, f = _synthetic(fs=fs, direction=direction, scale=300.0)
    st = detect_stances(kp, direction)
    assert {s.foot for s in st} == {"left", "right"}
    left = [s.ic_time_s for s in st if s.foot == "left"]
    # heel-forward peak at sin(ph) = 1 -> ph = pi/2 (+ 2 pi k) for the left foot, plus the IC delay
    expected = (0.25 + np.arange(10)) / f + EventConfig().ic_offset_s
    for ic in left:
        assert np.min(np.abs(expected - ic)) < 0.01
    steps = np.diff([s.ic_time_s for s in st])
    assert np.allclose(steps, 0.5 / f, atol=0.015)
    assert all(isinstance(s, Stance) for s in st)


def test_too_short_returns_empty():
    kp, _, _ = _synthetic(seconds=0.05)
    assert detect_stances(kp, 1) == []


def _toe_off_errors_ms(kp, truth, config=EventConfig()):
    stances = detect_stances(kp, 1, config)
    errs = []
    for ts in truth["stances"]:
        cands = [s for s in stances if s.foot == ts["foot"] and s.to_time_s is not None]
        best = min(cands, key=lambda s: abs(s.ic_time_s - ts["ic_time_s"]), default=None)
        if best is not None and abs(best.ic_time_s - ts["ic_time_s"]) < 0.05:
            errs.append(1000 * (best.to_time_s - ts["to_time_s"]))
    return np.asarray(errs)


def _toe_lifting_with_heel(kp):
    """MediaPipe-like feet: the toe point rises with the heel (the foot's middle, not its tip)."""
    from runform.keypoints import INDEX

    xy = kp.xy.copy()
    for side in ("left", "right"):
        heel, toe = xy[:, INDEX[f"{side}_heel"], 1], xy[:, INDEX[f"{side}_toe"], 1]
        ground = np.nanmax(toe)
        xy[:, INDEX[f"{side}_toe"], 1] = np.minimum(toe, ground - 0.5 * (ground - heel))
    return Keypoints(xy, kp.confidence, kp.time_s, units=kp.units, image_size=kp.image_size)


def test_toe_off_method_by_source():
    """Video (pixels) uses the toe's backward peak; motion capture (metres) the toe rise.

    Both are within 25 ms on exact kinematics. When the toe point rises with the heel,
    as MediaPipe's does, the toe rise reads TO far too early and the backward peak does not.
    """
    from runform.synth.runner import GaitParams, generate_run, to_pixels

    kp_m, truth = generate_run(GaitParams(duration_s=6.0, fps=60.0))
    kp_px = to_pixels(kp_m, 400.0, (640.0, 700.0))
    assert np.median(np.abs(_toe_off_errors_ms(kp_m, truth))) < 25  # auto -> toe rise
    assert np.median(np.abs(_toe_off_errors_ms(kp_px, truth))) < 25  # auto -> backward peak
    lifted = _toe_lifting_with_heel(kp_px)
    rise = _toe_off_errors_ms(lifted, truth, EventConfig(to_method="toe_rise"))
    back = _toe_off_errors_ms(lifted, truth, EventConfig(to_method="toe_back_peak"))
    assert np.median(rise) < -50
    assert np.median(np.abs(back)) < 25


def test_unknown_toe_off_method_is_refused():
    with pytest.raises(ValueError, match="to_method"):
        EventConfig(to_method="guess")
