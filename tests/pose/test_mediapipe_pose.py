"""Tests for runform.pose.mediapipe_pose."""

import json
from pathlib import Path

import av
import numpy as np
import pytest

from runform.errors import InputNotFound, NoRunnerFound
from runform.keypoints import KEYPOINT_NAMES
from runform.pose import mediapipe_pose as mpp
from runform.pose import cache as pose_cache
from runform.pose.cache import load_or_estimate_pose
from runform.pose.mediapipe_pose import PoseConfig, estimate_pose

from ..shared import SHARED

DATA = SHARED
MALE_SIDE = DATA / "videos" / "male_side.mp4"
needs_video = pytest.mark.skipif(not MALE_SIDE.is_file(), reason="shared test video absent")


def _blank_video(path: Path, n: int = 8) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        for _ in range(n):
            f = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 90, np.uint8), format="rgb24")
            for pk in s.encode(f):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    return path


def test_config_validation():
    assert PoseConfig().model_complexity == 1
    for bad in (0, 2):
        with pytest.raises(ValueError):
            PoseConfig(model_complexity=bad)
    with pytest.raises(ValueError):
        PoseConfig(min_detection_confidence=1.5)


def test_blank_video_has_no_runner(tmp_path):
    p = _blank_video(tmp_path / "blank.mp4")
    calls = []
    with pytest.raises(NoRunnerFound, match="blank.mp4"):
        estimate_pose(p, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (8, 8)


def test_missing_input(tmp_path):
    with pytest.raises(InputNotFound):
        estimate_pose(tmp_path / "none.mp4")
    with pytest.raises(InputNotFound):
        load_or_estimate_pose(tmp_path / "none.mp4", tmp_path / "c.npz")


@pytest.mark.slow
@needs_video
def test_real_video_first_two_seconds():
    kp = estimate_pose(MALE_SIDE, max_frames=60)
    assert len(kp) == 60
    assert kp.image_size == (720, 1280)
    assert kp.meta["detection_rate"] > 0.9
    np.testing.assert_allclose(kp.time_s, np.arange(60) / 30, atol=1e-6)
    w, h = kp.image_size
    ok = np.isfinite(kp.xy[..., 0])
    assert ok.mean() > 0.9
    x, y = kp.xy[..., 0][ok], kp.xy[..., 1][ok]
    assert np.all((x > -0.05 * w) & (x < 1.05 * w) & (y > -0.05 * h) & (y < 1.05 * h))
    # Anatomy sanity (y down): head above pelvis above ankles.
    head, pelvis, ankle = (np.nanmedian(kp.point(n)[:, 1]) for n in ("head", "pelvis", "left_ankle"))
    assert head < pelvis < ankle
    assert kp.xy.shape == (60, len(KEYPOINT_NAMES), 2)


@pytest.mark.slow
@needs_video
def test_cache_roundtrip_and_invalidation(tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "pose.npz"
    calls = []
    real = mpp.estimate_pose

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(pose_cache, "estimate_pose", counting)
    first = load_or_estimate_pose(MALE_SIDE, cache, max_frames=10)
    assert cache.is_file() and (tmp_path / "cache" / "pose.npz.json").is_file()
    second = load_or_estimate_pose(MALE_SIDE, cache, max_frames=10)
    assert len(calls) == 1 and second.meta["cached"]
    assert second.meta["detection_rate"] == first.meta["detection_rate"]
    np.testing.assert_array_equal(first.xy, second.xy)
    np.testing.assert_array_equal(first.time_s, second.time_s)
    assert second.image_size == first.image_size
    # A different config (or input change) recomputes.
    load_or_estimate_pose(MALE_SIDE, cache, config=PoseConfig(min_tracking_confidence=0.6),
                          max_frames=10)
    assert len(calls) == 2
    key = json.loads((tmp_path / "cache" / "pose.npz.json").read_text())["key"]
    assert key["config"]["min_tracking_confidence"] == 0.6
    assert not [p for p in cache.parent.iterdir() if p.name.startswith(".")]  # no temp files left


@needs_video
def test_cache_serves_a_copy_that_kept_its_mtime(tmp_path, monkeypatch):
    """A batch input shipped to a Ray node is a copy in another folder with the original mtime."""
    import shutil

    cache = tmp_path / "out" / "pose.npz"
    load_or_estimate_pose(MALE_SIDE, cache, max_frames=5)
    copy = tmp_path / "node" / MALE_SIDE.name
    copy.parent.mkdir()
    shutil.copy2(MALE_SIDE, copy)
    monkeypatch.setattr(pose_cache, "estimate_pose", lambda *a, **k: pytest.fail("pose recomputed"))
    assert load_or_estimate_pose(copy, cache, max_frames=5).meta["cached"]
    touched = tmp_path / "other" / MALE_SIDE.name
    touched.parent.mkdir()
    shutil.copy(MALE_SIDE, touched)  # a new mtime: not known to be the same file
    with pytest.raises(pytest.fail.Exception, match="recomputed"):
        load_or_estimate_pose(touched, cache, max_frames=5)
