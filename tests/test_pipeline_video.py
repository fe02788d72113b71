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
