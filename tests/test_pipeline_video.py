"""Integration: the whole pipeline on a real treadmill video (MediaPipe on ~12 s of 720p)."""

import importlib.util
import json
from pathlib import Path

import pytest

from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints

_SCORE = Path(__file__).resolve().parents[1] / "scripts" / "annotation_score.py"


def _score(analysis, truth):
    import sys

    spec = importlib.util.spec_from_file_location("annotation_score", _SCORE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["annotation_score"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.score_contacts(analysis, truth)


@pytest.fixture(scope="module")
def male_side(shared_data, tmp_path_factory):
    video = shared_data / "videos" / "male_side.mp4"
    cache = tmp_path_factory.mktemp("male_side")
    kp, info = load_keypoints(video, AnalysisConfig(), cache_dir=cache)
    truth = json.loads((shared_data / "videos" / "male_side.contacts.json").read_text())
    a = analyze_keypoints(kp, info)
    return video, cache, info, a, _score(a, truth)


@pytest.mark.slow
def test_male_side_cadence_and_contact_times(male_side, shared_data):
    video, cache, info, a, _ = male_side
    truth = json.loads((shared_data / "videos" / "male_side.groundtruth.json").read_text())
    assert info.source_type == "video"
    assert info.fps == pytest.approx(30, abs=0.5)
    assert (cache / "pose.npz").exists()
    ref = truth["cadence_spm"]["value"]
    assert a.summary["cadence_spm"] == pytest.approx(ref, rel=0.01)
    lo, hi = truth["plausible_ranges"]["contact_time_ms"]
    assert lo <= a.summary["contact_time_s"] * 1000 <= hi
    assert a.geometry.direction == -1  # the runner faces image-left
    assert a.geometry.treadmill
    assert a.summary["n_contacts_counted"] >= 25
    # A re-analysis reads the pose cache instead of re-running the model.
    kp2, _ = load_keypoints(video, AnalysisConfig(), cache_dir=cache)
    assert kp2.meta.get("cached")


@pytest.mark.slow
def test_male_side_matches_the_first_touch_annotation(male_side):
    """Issue 11's acceptance on the hand-annotated clip (one runner, one camera)."""
    *_, a, sc = male_side
    assert sc.missed == 0 and sc.invented == 0
    assert sc.ic_median_abs_frames <= 0.5 and abs(sc.ic_bias_frames) <= 0.5
    assert sc.near_shin_n >= 14 and sc.near_shin_mae_deg <= 3.0
    assert sc.verdict != "overstriding"
    # The phone's tilt from the background's verticals: the annotator's 1.6 deg roll
    # (+/-1) and +0.2..+0.4 deg at the shank.
    assert a.camera.source == "scene_verticals"
    assert abs(a.camera.roll_deg - 1.6) <= 1.0 and abs(a.camera.vertical_at_runner_deg - 0.3) <= 1.0


@pytest.mark.slow
def test_male_side_mid_stance_knee_and_bounce_are_not_confidently_wrong(male_side):
    """The far (right) knee hides behind the near one in mid-stance; the pelvis landmarks ride the thighs."""
    *_, a, _ = male_side
    per_foot = a.summary["metrics"]["knee_flexion_excursion_deg"]
    assert a.summary["near_leg_metrics_from"] == a.geometry.near_side == "left"
    assert per_foot["right"]["median"] < 10 < per_foot["left"]["median"] == a.summary["knee_flexion_excursion_deg"]
    readings = a.diagnostics["vertical_oscillation_readings"]
    assert readings["pelvis_pct_leg"] > 1.3 * readings["head_pct_leg"]
    assert "vertical_oscillation_uncertain" in a.quality


@pytest.mark.slow
def test_male_side_heel_vs_hip_within_8_pct_leg(male_side):
    """Measured 6.8 % leg apart with two pose workers, 7.5 with one (before ignoring mask specks
    under the shoe: 9.0 and 7.5); the truth is taken along the true horizontal at first touch."""
    sc = male_side[-1]
    assert abs(sc.heel_vs_hip_measured_pct - sc.heel_vs_hip_truth_pct) <= 8.0


@pytest.fixture(scope="module")
def gym_analysis(shared_data, tmp_path_factory):
    video = shared_data / "videos" / "treadmill_gym_1080x1920_60fps.mp4"
    kp, info = load_keypoints(video, AnalysisConfig(), cache_dir=tmp_path_factory.mktemp("gym"))
    return analyze_keypoints(kp, info)


@pytest.mark.slow
def test_gym_clip_swap_repair_does_not_invent_swaps(gym_analysis):
    """MediaPipe jitter at 60 fps once read as runs of leg swaps and wrecked one side's numbers."""
    a = gym_analysis
    assert a.diagnostics["swapped_frames"] < 15
    # Swaps would move contacts from one side to the other: count what was found, before the
    # plausibility checks exclude any (those have their own tests).
    found = [sum(c.foot == side for c in a.contacts) for side in ("left", "right")]
    assert abs(found[0] - found[1]) <= 1, found
    assert 150 < a.summary["cadence_spm"] < 185
    # The phone is rolled ~4 deg and pitched up ~9 deg (issue 11's measurement of this clip).
    assert a.camera.source == "scene_verticals"
    assert abs(a.camera.roll_deg - 4.0) <= 1.5 and abs(a.camera.pitch_deg - 9.0) <= 3.0


@pytest.mark.slow
def test_gym_clip_legs_that_disagree_leave_the_session_to_the_near_leg(gym_analysis):
    """Measured: far (left) shin -7.4 deg, near (right) +4.0 (2026-11-29: -12.7, +2.7; the session had mixed them)."""
    a = gym_analysis
    shin = a.summary["metrics"]["shin_angle_ic_deg"]
    gap = abs(shin["left"]["median"] - shin["right"]["median"])
    assert ("legs_disagree" in a.quality) == ("legs_disagree" in a.summary) == (gap > 8.0)
    if gap > 8.0:
        near = a.geometry.near_side
        assert a.summary["shin_angle_ic_deg"] == shin[near]["median"]
        assert a.summary["near_leg_metrics_from"] == near


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="README, Accuracy: on this clip the far foot's touchdown scatters (its sole "
                                        "partly behind the deck's edge from a camera at belt height): far shin IQR "
                                        "9.2 deg, near 6.2 (2026-11-30)")
def test_gym_clip_shin_is_consistent_step_to_step(gym_analysis):
    per_side = gym_analysis.summary["metrics"]["shin_angle_ic_deg"]
    assert per_side["left"]["iqr"] < 6 and per_side["right"]["iqr"] < 6
