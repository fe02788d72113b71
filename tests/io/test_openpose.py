"""Tests for runform.io.openpose."""

import json

import numpy as np
import pytest

from runform.errors import InputNotFound, UnreadableInput
from runform.io.openpose import read_openpose_folder
from runform.keypoints import INDEX


def _person(offset: float, conf: float = 0.9, missing=()) -> dict:
    arr = np.zeros((25, 3))
    arr[:, 0] = offset + np.arange(25)
    arr[:, 1] = 100 + 2 * np.arange(25)
    arr[:, 2] = conf
    for i in missing:
        arr[i] = 0
    return {"person_id": [-1], "pose_keypoints_2d": arr.ravel().tolist()}


def _write(folder, i, people, prefix="clip"):
    (folder / f"{prefix}_{i:012d}_keypoints.json").write_text(
        json.dumps({"version": 1.3, "people": people}))


def test_reads_and_maps_body25(tmp_path):
    for i in range(3):
        _write(tmp_path, i, [_person(10 * i, missing=(4,))])
    kp = read_openpose_folder(tmp_path, fps=25)
    assert len(kp) == 3 and kp.units == "px"
    np.testing.assert_allclose(kp.time_s, [0, 0.04, 0.08])
    f = kp.xy[1]
    assert tuple(f[INDEX["nose"]]) == (10, 100)
    assert tuple(f[INDEX["neck"]]) == (11, 102)
    assert tuple(f[INDEX["right_shoulder"]]) == (12, 104)
    assert tuple(f[INDEX["left_shoulder"]]) == (15, 110)
    assert tuple(f[INDEX["pelvis"]]) == (18, 116)
    assert tuple(f[INDEX["right_hip"]]) == (19, 118)
    assert tuple(f[INDEX["left_ankle"]]) == (24, 128)
    assert tuple(f[INDEX["left_toe"]]) == (29, 138)
    assert tuple(f[INDEX["left_heel"]]) == (31, 142)
    assert tuple(f[INDEX["right_toe"]]) == (32, 144)
    assert tuple(f[INDEX["right_heel"]]) == (34, 148)
    np.testing.assert_allclose(f[INDEX["head"]], [(27 + 28) / 2, (134 + 136) / 2])
    # Missing (c == 0) -> NaN, confidence 0.
    assert np.all(np.isnan(f[INDEX["right_wrist"]]))
    assert kp.confidence[1, INDEX["right_wrist"]] == 0
    assert kp.confidence[1, INDEX["nose"]] == pytest.approx(0.9)


def test_sorted_by_number_not_name(tmp_path):
    for i in (10, 2, 1):
        (tmp_path / f"f{i}_keypoints.json").write_text(
            json.dumps({"people": [_person(float(i))]}))
    kp = read_openpose_folder(tmp_path)
    np.testing.assert_allclose(kp.xy[:, INDEX["nose"], 0], [1, 2, 10])
    np.testing.assert_allclose(kp.time_s, np.arange(3) / 30)


def test_picks_most_confident_person_and_empty_frames(tmp_path):
    _write(tmp_path, 0, [_person(500, conf=0.3), _person(7, conf=0.8)])
    _write(tmp_path, 1, [])
    kp = read_openpose_folder(tmp_path)
    assert kp.xy[0, INDEX["nose"], 0] == 7
    assert np.all(np.isnan(kp.xy[1])) and np.all(kp.confidence[1] == 0)


def test_errors(tmp_path):
    with pytest.raises(InputNotFound):
        read_openpose_folder(tmp_path / "nope")
    with pytest.raises(UnreadableInput):
        read_openpose_folder(tmp_path)
    (tmp_path / "a_0_keypoints.json").write_text("{not json")
    with pytest.raises(UnreadableInput):
        read_openpose_folder(tmp_path)
    (tmp_path / "a_0_keypoints.json").write_text(json.dumps({"people": [{"pose_keypoints_2d": [1, 2]}]}))
    with pytest.raises(UnreadableInput):
        read_openpose_folder(tmp_path)
    (tmp_path / "a_0_keypoints.json").write_text(json.dumps({"nobody": []}))
    with pytest.raises(UnreadableInput):
        read_openpose_folder(tmp_path)


def test_pose2sim_names_are_read_in_frame_order(tmp_path):
    for i in (10, 2, 1):
        (tmp_path / f"trial_cam01.{i:06d}.json").write_text(json.dumps({"people": [_person(float(i))]}))
    (tmp_path / "notes.json").write_text("{}")  # not a frame file: ignored
    kp = read_openpose_folder(tmp_path, fps=60)
    np.testing.assert_allclose(kp.xy[:, INDEX["nose"], 0], [1, 2, 10])
    np.testing.assert_allclose(kp.time_s, np.arange(3) / 60)


def test_follows_one_person_when_a_more_confident_one_appears(tmp_path):
    # The runner (x 100, 105, ...) is alone at first; from frame 2 a bystander at x 600 is more
    # confident and listed first, and frame 4 is empty. The runner must be kept throughout.
    for i in range(8):
        runner = _person(100 + 5 * i, conf=0.6)
        people = [] if i == 4 else ([_person(600 - i, conf=0.95), runner] if i >= 2 else [runner])
        _write(tmp_path, i, people)
    kp = read_openpose_folder(tmp_path)
    x = kp.xy[:, INDEX["nose"], 0]
    np.testing.assert_allclose(np.delete(x, 4), [100 + 5 * i for i in range(8) if i != 4])
    assert np.isnan(x[4])


def test_track_starts_with_the_largest_confident_person(tmp_path):
    small = _person(500, conf=0.9)
    arr = np.asarray(small["pose_keypoints_2d"]).reshape(25, 3)
    arr[:, 1] = 100 + 0.2 * np.arange(25)  # a distant person: 5 px tall
    _write(tmp_path, 0, [{"pose_keypoints_2d": arr.ravel().tolist()}, _person(7, conf=0.8)])
    _write(tmp_path, 1, [_person(9, conf=0.8), {"pose_keypoints_2d": arr.ravel().tolist()}])
    kp = read_openpose_folder(tmp_path)
    np.testing.assert_allclose(kp.xy[:, INDEX["nose"], 0], [7, 9])


def test_batch_finds_pose2sim_folders(tmp_path):
    from runform.batch.discovery import find_inputs

    folder = tmp_path / "in" / "trial"
    folder.mkdir(parents=True)
    (folder / "trial.000001.json").write_text(json.dumps({"people": [_person(1.0)]}))
    assert [(p.name, kind) for p, kind in find_inputs(tmp_path / "in")] == [("trial", "openpose")]
