"""Tests for the annotated video (a real clip through pose, analysis and rendering)."""

import av
import cv2
import numpy as np
import pytest

from runform.errors import NotEnoughData
from runform.io.video import iter_frames, probe_video
from runform.report.annotate import AnnotateConfig, overstride_flagged, render_annotated_video, shin_band


def test_shin_band_and_verdict():
    cfg = AnnotateConfig()
    assert shin_band(3.0, cfg) == "ok" and shin_band(7.0, cfg) == "warn" and shin_band(12.0, cfg) == "bad"
    assert shin_band(None, cfg) is None
    assert overstride_flagged({"shin_angle_ic_deg": 12.0}) and not overstride_flagged({"shin_angle_ic_deg": 4.0})
    assert not overstride_flagged({"shin_angle_ic_deg": 12.0, "overstride_probability": 0.2})
    assert overstride_flagged({"shin_angle_ic_deg": 2.0, "overstride_probability": 0.8})


@pytest.fixture(scope="module")
def analysis(shared_data):
    path = shared_data / "videos" / "male_side.mp4"
    if not path.exists():
        pytest.skip("male_side.mp4 not in the shared data")
    from runform.pipeline import InputInfo, analyze_keypoints
    from runform.pose.mediapipe_pose import estimate_pose

    info = probe_video(path)
    for n in (90, 150):
        kp = estimate_pose(path, max_frames=n)
        inp = InputInfo(str(path), "video", kp.fps, len(kp), float(kp.time_s[-1]), info.rotation,
                        info.width, info.height)
        try:
            return analyze_keypoints(kp, inp)
        except NotEnoughData:
            continue
    pytest.skip("no contacts in the first seconds of the clip")


def _decode(path):
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return s.codec_context.name, s.codec_context.pix_fmt, [(f.time, f.to_ndarray(format="rgb24")) for f in c.decode(s)]


def _along(a, b, n=25):
    return [(int(round(x)), int(round(y))) for x, y in np.linspace(a, b, n)]


def test_annotated_video(analysis, tmp_path):
    out = tmp_path / "annotated.mp4"
    res = render_annotated_video(analysis, out, AnnotateConfig(video_height=480))
    codec, fmt, frames = _decode(out)
    raw = list(iter_frames(analysis.input.path))
    assert codec == "h264" and fmt == "yuv420p"
    assert len(frames) == len(raw) == res.frames_in == res.frames_out
    h, w = frames[0][1].shape[:2]
    assert h == 480 and w % 2 == 0 and w < h  # portrait like the source
    assert (res.width, res.height) == (w, h)
    times = [t for t, _ in frames]
    assert all(b > a for a, b in zip(times, times[1:]))

    scale = h / analysis.input.height
    kp = analysis.keypoints
    near = analysis.geometry.near_side or "left"
    s = next(s for s in analysis.contacts if s["foot"] == near)
    i = int(np.argmin(np.abs(kp.time_s - s["ic_time_s"])))
    j = int(np.argmin([abs(t - kp.time_s[i]) for t, _ in frames]))
    knee, ankle = kp.point(f"{near}_knee")[i] * scale, kp.point(f"{near}_ankle")[i] * scale

    def diff(k):
        small = cv2.resize(raw[k][1], (w, h), interpolation=cv2.INTER_AREA).astype(int)
        return np.mean([np.abs(frames[k][1][y, x].astype(int) - small[y, x]).sum()
                        for x, y in _along(knee, ankle) if 0 <= x < w and 0 <= y < h])

    assert diff(j) > 60  # shin line / skeleton drawn over the leg at contact
    late = [k for k, (t, _) in enumerate(frames) if t > kp.time_s[-1] + 0.5]
    if late:
        assert diff(late[len(late) // 2]) < 30  # past the keypoints: no skeleton


def test_slowmo_replay_adds_frames(analysis, tmp_path):
    out = tmp_path / "replay.mp4"
    res = render_annotated_video(analysis, out, AnnotateConfig(video_height=240, slowmo_replay=True))
    _, _, frames = _decode(out)
    assert res.frames_out > res.frames_in
    assert len(frames) == res.frames_out
    times = [t for t, _ in frames]
    assert all(b > a for a, b in zip(times, times[1:]))
