"""One runner, followed (issue 12, item 4): choosing the runner among several people and cropping to them."""

from pathlib import Path

import numpy as np
import pytest

from runform.errors import NoRunnerFound, RunnerPointError
from runform.keypoints import INDEX, KEYPOINT_NAMES
from runform.pose.runner import RunnerConfig, RunnerCrops, follow_runner
from runform.pose.tracks import Track, choose_track, link_tracks
from tests.media import SAMPLES, read_frames, write_clip

LEFT_SRC = SAMPLES / "relaxed_60fps.mp4"
RIGHT_SRC = SAMPLES / "before_retraining_60fps.mp4"


def _box(cx, cy, h=100.0):
    return (cx - h / 4, cy - h / 2, cx + h / 4, cy + h / 2)


# --- pure parts -------------------------------------------------------------------------------

def test_link_tracks_follows_each_person_by_distance():
    # Two people 300 px apart, each drifting 10 px per sample; the list order swaps every sample.
    samples = []
    for k in range(6):
        a, b = _box(100 + 10 * k, 200), _box(400 - 10 * k, 200)
        samples.append((6 * k, [a, b] if k % 2 else [b, a]))
    tracks = link_tracks(samples, max_gap_frames=12)
    assert len(tracks) == 2
    for t in tracks:
        xs = [(b[0] + b[2]) / 2 for b in t.boxes]
        assert len(xs) == 6 and np.all(np.abs(np.diff(xs)) == 10)


def test_link_tracks_breaks_after_a_long_gap_and_on_a_jump():
    samples = [(0, [_box(100, 200)]), (6, [_box(110, 200)]), (60, [_box(120, 200)]), (66, [_box(500, 200)])]
    tracks = link_tracks(samples, max_gap_frames=12)
    assert sorted(len(t.frames) for t in tracks) == [1, 1, 2]


def test_choose_track_longest_or_at_the_point():
    long = Track((0, 6, 12, 18), (_box(100, 200),) * 4)
    short = Track((0, 6), (_box(400, 200),) * 2)
    late = Track((6, 12, 18, 24, 30), (_box(250, 200),) * 5)
    assert choose_track([short, long]) is long
    assert choose_track([short, long, late]) is late  # seen in the most samples
    assert choose_track([short, long, late], point=(400, 190)) is short  # only first-frame people
    assert choose_track([short, long], point=(700, 190)) is None  # nobody there
    assert choose_track([]) is None


def test_crops_box_and_keeps():
    boxes = np.array([[100, 100, 150, 200], [np.nan] * 4, [100, 100, 150, 200]], dtype=float)
    crops = RunnerCrops(boxes, (400, 300), 2, "point", RunnerConfig(pad=0.5, keep_margin=0.3, max_aspect=2.0))
    assert crops.box(0) == (50, 50, 200, 250)  # padded by half the 100 px height, clipped at 300
    assert crops.box(1) is None and crops.box(5) is None  # a gap; past the end
    xy = np.full((len(KEYPOINT_NAMES), 2), np.nan)
    xy[INDEX["pelvis"]] = (125, 150)
    xy[INDEX["nose"]] = (125, 100)
    xy[INDEX["left_ankle"]] = (120, 200)
    assert crops.keeps(0, xy)
    assert not crops.keeps(1, xy)  # no box: nobody is kept
    away = xy + (200, 0)
    assert not crops.keeps(2, away)  # someone else's pelvis
    fused = xy.copy()
    fused[INDEX["right_wrist"]] = (400, 150)  # two people fused: far wider than tall
    assert not crops.keeps(2, fused)


def test_config_validation():
    with pytest.raises(ValueError):
        RunnerConfig(sample_hz=0)
    with pytest.raises(ValueError):
        RunnerConfig(max_people=0)


# --- on video -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_runners(tmp_path_factory) -> tuple[Path, int, Path]:
    """Two rendered runners side by side (different gaits), 2.5 s at 60 fps; and the right one alone."""
    left, fps = read_frames(LEFT_SRC, 1.0, 2.5)
    right, _ = read_frames(RIGHT_SRC, 1.0, 2.5)
    n = min(len(left), len(right))
    d = tmp_path_factory.mktemp("two")
    both = write_clip([np.hstack([a, b]) for a, b in zip(left[:n], right[:n])], d / "two.mp4", fps)
    alone = write_clip(right[:n], d / "right.mp4", fps)
    return both, left[0].shape[1], alone


@pytest.mark.slow
def test_one_person_is_not_cropped():
    clip = SAMPLES / "relaxed_60fps.mp4"
    assert follow_runner(clip, max_frames=90) is None


@pytest.mark.slow
def test_runner_at_the_point_is_followed_and_nobody_else(two_runners):
    from runform.pose.mediapipe_pose import estimate_pose

    both, half, alone = two_runners
    crops = follow_runner(both, point=(half * 1.5, 180))
    assert crops is not None and crops.chosen_by == "point" and crops.people == 2
    followed = np.all(np.isfinite(crops.boxes), axis=1)
    assert followed.mean() > 0.9
    assert np.all(crops.boxes[followed, 0] >= half - 10)  # the right-hand runner's box throughout
    kp = estimate_pose(both, runner_xy=(half * 1.5, 180))
    assert kp.meta["runner"]["chosen_by"] == "point" and "several_people" in kp.meta["quality"]
    seen = np.isfinite(kp.xy[..., 0])
    assert seen.any(axis=1).mean() > 0.9
    assert np.all(kp.xy[..., 0][seen] > half - 10)  # never a point on the left-hand runner
    # The same runner filmed alone: the followed skeleton is that person's (image x shifted by half).
    solo = estimate_pose(alone)
    ankle = INDEX["left_ankle"]
    both_ok = np.isfinite(kp.xy[:, ankle, 0]) & np.isfinite(solo.xy[:, ankle, 0])
    err = np.abs(kp.xy[both_ok, ankle] - (solo.xy[both_ok, ankle] + (half, 0)))
    assert np.median(err) < 3.0  # px, on a 360 px tall frame


@pytest.mark.slow
def test_bad_points(two_runners):
    both, half, _ = two_runners
    with pytest.raises(RunnerPointError, match="outside two.mp4's first frame"):
        follow_runner(both, point=(5000, 10))
    with pytest.raises(NoRunnerFound, match="no person found at 3,3"):
        follow_runner(both, point=(3, 3))


@pytest.mark.slow
def test_without_a_point_the_person_in_view_longest_is_followed(tmp_path):
    # A second runner on the left for the first 40 % of the clip only, then an empty wall.
    runner, fps = read_frames(LEFT_SRC, 1.0, 2.5)
    other, _ = read_frames(RIGHT_SRC, 1.0, 2.5)
    n = min(len(runner), len(other))
    half = runner[0].shape[1]
    frames = [np.hstack([other[i] if i < 0.4 * n else np.full_like(other[i], 200), runner[i]]) for i in range(n)]
    crops = follow_runner(write_clip(frames, tmp_path / "two.mp4", fps))
    assert crops is not None and crops.chosen_by == "longest track" and crops.people == 2
    followed = np.all(np.isfinite(crops.boxes), axis=1)
    assert followed.mean() > 0.9
    assert np.all(crops.boxes[followed, 0] >= half - 10)


def test_a_skeleton_far_wider_than_tall_is_two_people_fused():
    from runform.pose.runner import _fused

    config = RunnerConfig(max_aspect=2.0)
    assert not _fused((100, 100, 180, 200), config)  # a runner mid-stride
    assert _fused((100, 100, 330, 200), config)  # two athletes side by side read as one


@pytest.mark.slow
def test_segments_in_parallel_follow_the_same_runner(tmp_path):
    """Pose in two worker processes (runform.pose.segments) crops each frame by its clip-wide index."""
    from runform.pose.mediapipe_pose import estimate_pose

    left, fps = read_frames(LEFT_SRC, 1.0, 3.6)
    right, _ = read_frames(RIGHT_SRC, 1.0, 3.6)
    half = left[0].shape[1]
    both = write_clip([np.hstack([a, b]) for a, b in zip(left, right)], tmp_path / "two.mp4", fps)
    one = estimate_pose(both, runner_xy=(half * 1.5, 180), workers=1)
    two = estimate_pose(both, runner_xy=(half * 1.5, 180), workers=2)
    assert two.meta["pose_workers"] == 2 and len(two) == len(one)
    seen = np.isfinite(two.xy[..., 0])
    assert seen.any(axis=1).mean() > 0.9 and np.all(two.xy[..., 0][seen] > half - 10)
    ankle = INDEX["left_ankle"]
    ok = np.isfinite(one.xy[:, ankle, 0]) & np.isfinite(two.xy[:, ankle, 0])
    assert np.median(np.abs(one.xy[ok, ankle] - two.xy[ok, ankle])) < 1.0  # px: the same runner, seam included
