"""A render through a rolled and pitched camera: picture, truth pixels and world truth agree."""

import av
import cv2
import numpy as np
import pytest

from runform.keypoints import KEYPOINT_NAMES
from runform.synth.render.camera import CameraTilt, apply_homography
from runform.synth.render.figure import SceneConfig, render_frame, render_run
from runform.synth.runner import GaitParams

P = GaitParams(fps=30.0, duration_s=0.3, heel_lead_s=0.05, joint_smoothing_s=0.006)
SCENE = SceneConfig(width=360, height=640, calf=1.0, structures=True)


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    d = tmp_path_factory.mktemp("tilt")
    level = render_run(P, SCENE, d / "level.mp4")
    tilt = render_run(P, SCENE, d / "tilt.mp4", camera=CameraTilt(roll_deg=5.0, pitch_deg=6.0, focal_px=500.0))
    return level, tilt


def test_tilted_video_has_the_picture_size_and_every_frame(renders):
    _, tilt = renders
    with av.open(tilt["path"]) as c:
        s = c.streams.video[0]
        assert (s.width, s.height) == (360, 640)
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(s)]
    assert len(frames) == tilt["frames"] == 9
    # The picture is the level view (larger, drawn by render_frame) warped by the homography.
    scene, hm = tilt["scene"], np.asarray(tilt["homography"])
    kp = tilt["keypoints"]
    level_xy = apply_homography(np.linalg.inv(hm), kp.xy[4])
    img = render_frame({n: level_xy[j] for j, n in enumerate(KEYPOINT_NAMES)}, scene, P.direction,
                       -P.direction * tilt["truth"]["speed_mps"] * scene.px_per_m * kp.time_s[4])
    want = cv2.warpPerspective(img, hm, (360, 640), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    assert np.mean(np.abs(want.astype(float) - frames[4])) < 4.0


def test_truth_pixels_move_with_the_camera_but_world_truth_does_not(renders):
    level, tilt = renders
    assert tilt["truth"]["stances"] == level["truth"]["stances"]  # angles from the true vertical
    assert tilt["camera"] == {"roll_deg": 5.0, "pitch_deg": 6.0, "focal_px": 500.0}
    knee, ankle = tilt["points"]["right_knee"], tilt["points"]["right_ankle"]
    lk, la = level["points"]["right_knee"], level["points"]["right_ankle"]
    tilt_shin = np.degrees(np.arctan2(*(ankle - knee).T))
    level_shin = np.degrees(np.arctan2(*(la - lk).T))
    # Read from image vertical, the rolled picture adds about +roll (runner faces right; the
    # pitch adds a little more away from the picture's centre line).
    assert np.median(tilt_shin - level_shin) == pytest.approx(5.0, abs=1.5)
    assert np.all((tilt["points"]["right_heel"] > 0) & (tilt["points"]["right_heel"] < [360, 640]))
    assert tilt["leg_length_px"] == pytest.approx(level["leg_length_px"], rel=0.08)


def test_level_render_is_unchanged_by_the_camera_argument(renders, tmp_path):
    level, _ = renders
    again = render_run(P, SCENE, tmp_path / "again.mp4", camera=CameraTilt())
    np.testing.assert_array_equal(again["points"]["left_toe"], level["points"]["left_toe"])
    assert np.allclose(again["homography"], np.eye(3))
