"""Side-by-side video and key frames on a short rendered before/after pair.

MediaPipe is not run: each session's pose cache is filled with the rendered figure's exact
pixel keypoints, so ``run_analysis`` reads them as if MediaPipe had produced them.
"""

import json
from dataclasses import replace

import pytest

from runform.atomic import write_text_atomic
from runform.compare.command import run_compare
from runform.io.video import iter_frames, probe_video
from runform.pose import mediapipe_pose
from runform.pose import cache as pose_cache
from runform.pose.cache import cache_key
from runform.pose.mediapipe_pose import PoseConfig
from runform.synth.render.figure import SceneConfig, render_run
from runform.synth.render.samples import AFTER, BEFORE


def _video_session(params, name, root):
    """Render ``name.mp4`` and analyse it into ``root/out/<name>/`` with an exact pose cache."""
    from runform.app import OutputOptions, run_analysis
    from runform.pipeline import AnalysisConfig

    video = root / f"{name}.mp4"
    res = render_run(params, SceneConfig(width=360, height=640), video)
    target = root / "out" / name
    target.mkdir(parents=True)
    kp = replace(res["keypoints"], meta={})
    kp.to_npz(target / "pose.npz")
    write_text_atomic(target / "pose.npz.json", json.dumps({"key": cache_key(video, None, PoseConfig(), None),
                                                            "meta": {"detection_rate": 1.0}}))
    run_analysis(video, root / "out", AnalysisConfig(), OutputOptions(video=False, report=False))
    assert (target / "metrics.json").is_file()
    return target


def _no_mediapipe(*args, **kwargs):
    raise AssertionError("MediaPipe ran: the pose cache should have been read")


@pytest.fixture(scope="module")
def video_pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("videos")
    with pytest.MonkeyPatch.context() as mp:  # what the docstring promises
        mp.setattr(mediapipe_pose, "estimate_pose", _no_mediapipe)
        mp.setattr(pose_cache, "estimate_pose", _no_mediapipe)
        return (_video_session(replace(BEFORE, fps=30.0, duration_s=3.0), "before", root),
                _video_session(replace(AFTER, fps=30.0, duration_s=3.0), "after", root))


def test_side_by_side_video_and_key_frames(video_pair, tmp_path):
    out = tmp_path / "cmp"
    paths = run_compare(list(video_pair), out, video=True, max_pairs=4)
    mp4 = out / "side_by_side.mp4"
    assert paths["side-by-side video"] == mp4 and mp4.is_file()
    doc = json.loads((out / "compare.json").read_text())
    sbs = doc["outputs"]["side_by_side"]
    assert 2 <= sbs["pairs"] <= 4
    info = probe_video(mp4)
    assert info.codec == "h264" and info.width % 2 == 0 and info.height % 2 == 0
    assert info.width > info.height * 1.2  # two panels side by side
    frames = list(iter_frames(mp4))
    assert len(frames) == sbs["frames"]
    # each pair: 0.25 s before + 0.35 s after IC at 30 fps (19 frames) + 0.3 s hold (9 frames)
    assert len(frames) == sbs["pairs"] * (19 + 9)
    assert frames[-1][0] == pytest.approx(sbs["duration_s"] - 1 / 30, abs=0.05)
    img = frames[len(frames) // 2][1]
    assert img.std() > 10  # real picture content, not a blank frame
    html = (out / "compare.html").read_text()
    assert html.count("data:image/jpeg;base64,") == 2
    assert "side_by_side.mp4" in html


def test_video_skipped_with_a_note_for_keypoint_sessions(video_pair, analysed_pair, tmp_path):
    out = tmp_path / "mixed"
    paths = run_compare([analysed_pair[0], video_pair[1]], out, video=True)
    assert "side-by-side video" not in paths and not (out / "side_by_side.mp4").exists()
    doc = json.loads((out / "compare.json").read_text())
    assert "skipped" in doc["outputs"]["video_note"] and "not a video" in doc["outputs"]["video_note"]
    assert any("mix input types" in w for w in doc["warnings"])
