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


@pytest.mark.slow
def test_freeze_holds_each_contact(analysis, tmp_path):
    from runform.report.annotate import freeze_times
    from runform.report.draw import line_unit
    from runform.report.overlay import Scene

    cfg = AnnotateConfig(video_height=240, freeze_s=0.2)
    res = render_annotated_video(analysis, tmp_path / "freeze.mp4", cfg)
    _, _, frames = _decode(tmp_path / "freeze.mp4")
    fps = probe_video(analysis.input.path).fps
    n_hold = round(0.2 * fps)
    scale = 240 / analysis.input.height
    size = (res.width, res.height)
    sc = Scene(analysis, scale, cfg, size, line_unit(size))
    held = [t for t in freeze_times(sc) if sc.seen(t + 0.5 * sc.dt) is not None]
    assert held and res.frames_out - res.frames_in == n_hold * len(held) == len(frames) - res.frames_in
    times = [t for t, _ in frames]
    assert all(b > a for a, b in zip(times, times[1:]))


@pytest.mark.slow
def test_nothing_of_the_runner_once_gone(analysis):
    from dataclasses import replace

    from runform.report.draw import line_unit
    from runform.report.hud import timeline_top
    from runform.report.overlay import Scene, draw_frame

    kp = analysis.drawn_keypoints
    s = analysis.contacts[len(analysis.contacts) // 2]
    gone = kp.xy.copy()
    gone[kp.time_s >= s["ic_time_s"] - 0.1] = np.nan  # the runner leaves just before this contact
    a = replace(analysis, image_keypoints=kp.with_xy(gone))
    size = (analysis.input.width // 2 * 2, analysis.input.height // 2 * 2)
    sc = Scene(a, 1.0, AnnotateConfig(), size, line_unit(size))
    blank = np.zeros((size[1], size[0], 3), np.uint8)
    img = blank.copy()
    draw_frame(img, sc, s["ic_time_s"] + 0.05)
    from runform.report.hud import _lines, panel_box

    lines, _ = _lines(sc, [], s["ic_time_s"] + 0.05)
    assert lines[1] == "Shin -"
    # Outside the panel and the timeline, nothing is drawn: no contact marker, no skeleton.
    pw, ph, _ = panel_box(size, sc.u)
    mask = np.ones(size[::-1], bool)
    mask[timeline_top(size[1], sc.u) - 4:] = False  # (the cursor line's round cap reaches above it)
    mask[: int(ph + sc.u), :] = False  # the panel sits in a top corner on this clip
    assert sc.corner.startswith("top")
    assert img[mask].max() == 0
    img2 = blank.copy()
    draw_frame(img2, Scene(analysis, 1.0, AnnotateConfig(), size, line_unit(size)), s["ic_time_s"] + 0.05)
    assert img2[mask].max() > 0  # with the runner there, the same frame has the skeleton and the contact


def test_panel_goes_where_the_runner_is_not():
    from runform.report.hud import panel_corner

    size, u = (404, 720), 25.0
    body = np.full((50, 9, 2), np.nan)
    body[:, :, 0] = np.linspace(40, 200, 9)  # the runner fills the left half, head to feet
    body[:, :, 1] = np.linspace(20, 690, 9)
    assert panel_corner(body, size, u, behind=-1) == "top-right"
    body[:, :, 0] = np.linspace(220, 380, 9)  # now the right half
    assert panel_corner(body, size, u, behind=+1) == "top-left"
    assert panel_corner(np.full((5, 9, 2), np.nan), size, u, behind=+1) == "top-right"  # nobody: behind the runner


def test_labels_stay_inside_the_frame():
    from runform.report.draw import draw_label, draw_text

    w, h = 200, 120
    for x in (-50, 150, 190, 260):
        img = np.zeros((h, w + 2, 3), np.uint8)  # one spare column each side, to see a spill
        view = img[:, 1:-1]
        draw_text(view, "Heel +28% leg", (x, 60), 20)
        assert img[:, 0].max() == 0 and img[:, -1].max() == 0
        assert (view.max(axis=2) > 0).sum() > 200  # and it is drawn, not dropped
    img = np.zeros((h, w, 3), np.uint8)
    draw_label(img, "Shin 12°", (195, 60), 18, +1)  # no room to the right: drawn to the left, whole
    cols = np.flatnonzero(img.max(axis=(0, 2)))
    assert cols.min() > 0 and cols.max() < w - 1
