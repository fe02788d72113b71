"""The rendered synthetic runner is a video MediaPipe Pose can track."""

from __future__ import annotations

import av
import numpy as np
import pytest

from runform.synth.render.figure import SceneConfig, render_frame, render_run
from runform.synth.runner import GaitParams

pytest.importorskip("mediapipe")


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("render") / "run.mp4"
    params = GaitParams(fps=30.0, duration_s=2.0, direction=1)
    res = render_run(params, SceneConfig(width=360, height=640), path)
    return path, res


def test_frame_is_rgb_and_runner_in_frame(clip):
    from runform.keypoints import KEYPOINT_NAMES

    _, res = clip
    kp = res["keypoints"]
    w, h = res["image_size"]
    from runform.pose.silhouette import SILHOUETTE_POINTS

    drawn = [i for i, n in enumerate(KEYPOINT_NAMES) if not n.endswith(SILHOUETTE_POINTS)]  # video-only points
    xy = kp.xy[:, drawn]
    assert np.all((xy[..., 0] > 0) & (xy[..., 0] < w))
    assert np.all((xy[..., 1] > 0) & (xy[..., 1] < h))
    img = render_frame({n: kp.xy[0, i] for i, n in enumerate(KEYPOINT_NAMES)},
                       res["scene"], 1)
    assert img.shape == (h, w, 3) and img.dtype == np.uint8


def test_video_is_h264_with_all_frames(clip):
    path, res = clip
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == res["image_size"]
        n = sum(1 for _ in c.decode(stream))
    assert n == res["frames"] == 60


def test_mediapipe_tracks_the_runner(clip):
    from runform.pose.mediapipe_pose import estimate_pose

    path, res = clip
    est = estimate_pose(path)
    assert est.meta["detection_rate"] >= 0.95
    leg = res["leg_length_px"]
    for joint, limit in (("knee", 0.05), ("ankle", 0.06)):
        err = np.concatenate([np.linalg.norm(est.point(f"{s}_{joint}") - res["points"][f"{s}_{joint}"],
                                             axis=1) for s in ("left", "right")])
        assert np.nanmedian(err) < limit * leg, joint
