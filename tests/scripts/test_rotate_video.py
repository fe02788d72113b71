"""scripts/support/rotate_video.py: a rotated copy of a video and of its truth JSON."""

import importlib.util
import json
import sys
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from runform.io.video_writer import VideoWriter

ROOT = Path(__file__).resolve().parents[2]
W, H = 240, 320


def _mod():
    spec = importlib.util.spec_from_file_location("rotate_video", ROOT / "scripts" / "support" / "rotate_video.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["rotate_video"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture()
def clip(tmp_path):
    """12 frames at 25 fps: a vertical bar through the centre and a dot moving right; truth beside it."""
    path = tmp_path / "bar.mp4"
    dots = []
    with VideoWriter(path, fps=25.0, crf=10) as w:
        for i in range(12):
            img = np.zeros((H, W, 3), np.uint8)
            cv2.rectangle(img, (W // 2 - 3, 40), (W // 2 + 3, H - 40), (255, 255, 255), -1)
            dot = (60 + 8 * i, 100)
            cv2.circle(img, dot, 5, (255, 0, 0), -1)
            dots.append(list(dot))
            w.write(img, i / 25.0)
    truth = {"video": "bar.mp4", "fps": 25.0, "frames": 12, "leg_length_px": 100.0,
             "points_px": {"right_knee": dots}, "stances": [{"foot": "right", "shin_angle_ic_deg": 3.0,
                                                             "ic_time_s": 0.1, "to_time_s": 0.3}],
             "events": [{"foot": "right", "ic_time_s": 0.1, "to_time_s": 0.3}]}
    (tmp_path / "bar.truth.json").write_text(json.dumps(truth))
    return path, truth


def _frames(path):
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return [(f.time, f.to_ndarray(format="rgb24")) for f in c.decode(s)], s.codec_context.name


@pytest.mark.parametrize("degrees", [5.0, -5.0])
def test_rotation_sense_timestamps_and_truth(clip, tmp_path, degrees):
    rv = _mod()
    src, truth = clip
    out = rv.rotate_video(src, tmp_path / "rot.mp4", degrees, fill="black")
    (before, _), (after, codec) = _frames(src), _frames(tmp_path / "rot.mp4")
    assert codec == "h264" and len(after) == len(before) == out["frames"] == 12
    assert [t for t, _ in after] == pytest.approx([t for t, _ in before], abs=1e-9)
    # The bar turns counter-clockwise on screen: its top leans left for degrees > 0.
    ys, xs = np.nonzero(after[3][1][..., 1] > 128)
    slope = np.polyfit(ys, xs, 1)[0]  # dx per dy (y down)
    assert np.degrees(np.arctan(slope)) == pytest.approx(degrees, abs=0.5)
    # The dot's truth moves with the picture.
    doc = json.loads((tmp_path / "rot.truth.json").read_text())
    for i in (0, 6, 11):
        x, y = doc["points_px"]["right_knee"][i]
        r = after[i][1][..., 0].astype(float) - after[i][1][..., 1]
        yy, xx = np.nonzero(r > 100)
        assert (xx.mean(), yy.mean()) == pytest.approx((x, y), abs=1.0)
    assert doc["stances"] == truth["stances"] and doc["events"] == truth["events"]  # world truth
    assert doc["camera"]["roll_deg"] == degrees and doc["video"] == "rot.mp4"


def test_zoom_fill_covers_the_frame_and_round_trips(clip, tmp_path):
    rv = _mod()
    src, truth = clip
    out = rv.rotate_video(src, tmp_path / "z.mp4", 5.0)
    assert out["zoom"] == pytest.approx(np.cos(np.radians(5)) + (H - 1) / (W - 1) * np.sin(np.radians(5)))
    doc = json.loads((tmp_path / "z.truth.json").read_text())
    assert doc["leg_length_px"] == pytest.approx(100.0 * out["zoom"])
    m = np.asarray(doc["camera"]["rotated_copy"]["affine_px"])
    back = cv2.invertAffineTransform(m)
    # Every output pixel comes from inside the source frame: no filled border.
    corners = np.array([[0, 0], [W - 1, 0], [0, H - 1], [W - 1, H - 1]], float) @ back[:, :2].T + back[:, 2]
    assert np.all((corners >= -1e-6) & (corners <= [W - 1 + 1e-6, H - 1 + 1e-6]))
    pts = np.asarray(doc["points_px"]["right_knee"], float)
    restored = pts @ back[:, :2].T + back[:, 2]
    np.testing.assert_allclose(restored, truth["points_px"]["right_knee"], atol=0.02)
    # Rotating the rotated copy back composes the rolls.
    rv.rotate_video(tmp_path / "z.mp4", tmp_path / "zz.mp4", -5.0)
    doc2 = json.loads((tmp_path / "zz.truth.json").read_text())
    assert doc2["camera"]["roll_deg"] == pytest.approx(0.0)


def test_zoom_override_scales_a_level_copy(clip, tmp_path):
    """A level copy at a rolled copy's zoom: the picture is scaled about the centre, truth moved with it."""
    rv = _mod()
    src, truth = clip
    out = rv.rotate_video(src, tmp_path / "z.mp4", 0.0, zoom=1.2)
    assert out["zoom"] == 1.2
    doc = json.loads((tmp_path / "z.truth.json").read_text())
    centre = np.array([(W - 1) / 2, (H - 1) / 2])
    moved = np.asarray(doc["points_px"]["right_knee"], float)
    np.testing.assert_allclose(moved, centre + 1.2 * (np.asarray(truth["points_px"]["right_knee"], float) - centre),
                               atol=0.01)
    assert doc["camera"]["roll_deg"] == 0.0 and doc["leg_length_px"] == pytest.approx(120.0)
    with pytest.raises(ValueError, match="zoom"):
        rv.rotate_video(src, tmp_path / "bad.mp4", 0.0, zoom=0.0)


def _shin_and_vertical(video: Path) -> tuple[float, float]:
    """Median shin angle at contact (deg) and the true vertical found at the runner (deg)."""
    from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints

    kp, info = load_keypoints(video, AnalysisConfig())
    analysis = analyze_keypoints(kp, info)
    shins = [s["shin_angle_ic_deg"] for s in analysis.contacts if s.get("shin_angle_ic_deg") is not None]
    return float(np.median(shins)), float(analysis.camera.vertical_at_runner_deg)


@pytest.fixture(scope="module")
def rolled_sample(tmp_path_factory):
    """A 4 s cut (30 fps) of a bundled sample rolled by +-5 deg (zoomed to fill the frame) and a level copy at
    the same zoom, so the roll is all that differs: {roll: (shin, vertical)}."""
    rv = _mod()
    sample = ROOT / "sample_videos" / "before_retraining_30fps.mp4"
    out = tmp_path_factory.mktemp("roll")
    found, zoom = {}, None
    for deg in (5.0, -5.0, 0.0):
        path = out / f"roll{deg:+.0f}.mp4"
        zoom = rv.rotate_video(sample, path, deg, max_s=4.0, zoom=zoom if deg == 0.0 else None)["zoom"]
        found[deg] = _shin_and_vertical(path)
    assert zoom > 1.1  # the level copy took the rolled copies' zoom
    return found


@pytest.mark.slow
def test_rolled_sample_is_levelled_and_its_shin_does_not_follow_the_roll(rolled_sample):
    """The camera's roll is found to 0.2 deg (measured 0.02), and the shin does not take the roll on (an
    unlevelled 5 deg roll moves it 5 deg; measured +0.7 / -0.6 deg on this cut)."""
    for deg, (shin, vertical) in rolled_sample.items():
        assert vertical == pytest.approx(deg, abs=0.2)
        assert abs(shin - rolled_sample[0.0][0]) <= 3.5, rolled_sample


@pytest.mark.slow
def test_rolled_sample_keeps_its_shin_angle_within_1_5_deg(rolled_sample):
    """Issue 11's acceptance: a bundled sample rolled by +-5 deg gives the level shin angle within 1.5 deg
    (measured +0.70 / -0.56 on this cut; scripts/validate_roll.py: at most 1.43 over eight copies)."""
    level = rolled_sample[0.0][0]
    assert all(abs(shin - level) <= 1.5 for shin, _ in rolled_sample.values()), rolled_sample
