"""Integration: the whole pipeline on a real treadmill video (MediaPipe on ~12 s of 720p)."""

import json

import pytest

from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints


@pytest.mark.slow
def test_male_side_cadence_and_contact_times(shared_data, tmp_path):
    video = shared_data / "videos" / "male_side.mp4"
    truth = json.loads((shared_data / "videos" / "male_side.groundtruth.json").read_text())
    kp, info = load_keypoints(video, AnalysisConfig(), cache_dir=tmp_path)
    assert info.source_type == "video"
    assert info.fps == pytest.approx(30, abs=0.5)
    assert (tmp_path / "pose.npz").exists()
    a = analyze_keypoints(kp, info)
    ref = truth["cadence_spm"]["value"]
    assert a.summary["cadence_spm"] == pytest.approx(ref, rel=0.01)
    lo, hi = truth["plausible_ranges"]["contact_time_ms"]
    assert lo <= a.summary["contact_time_s"] * 1000 <= hi
    assert a.geometry.direction == -1  # the runner faces image-left
    assert a.geometry.treadmill
    assert a.summary["n_strides"] >= 25
    # A re-analysis reads the pose cache instead of re-running the model.
    kp2, _ = load_keypoints(video, AnalysisConfig(), cache_dir=tmp_path)
    assert kp2.meta.get("cached")


@pytest.mark.slow
def test_gym_clip_swap_repair_does_not_invent_swaps(shared_data, tmp_path):
    """MediaPipe jitter at 60 fps once read as runs of leg swaps and wrecked one side's numbers."""
    kp, info = load_keypoints(shared_data / "videos" / "treadmill_gym_1080x1920_60fps.mp4", AnalysisConfig(),
                              cache_dir=tmp_path)
    a = analyze_keypoints(kp, info)
    assert a.diagnostics["swapped_frames"] < 15
    per_side = a.summary["metrics"]["shin_angle_ic_deg"]
    assert abs(per_side["left"]["n"] - per_side["right"]["n"]) <= 1
    assert per_side["left"]["iqr"] < 6 and per_side["right"]["iqr"] < 6
    assert 150 < a.summary["cadence_spm"] < 185
