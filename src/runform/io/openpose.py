"""Read OpenPose BODY_25 ``*_keypoints.json`` folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from runform.errors import InputNotFound, UnreadableInput
from runform.keypoints import INDEX, KEYPOINT_NAMES, Keypoints

__all__ = ["read_openpose_folder", "BODY25_INDEX"]

#: Canonical keypoint name -> OpenPose BODY_25 index (direct copies).
BODY25_INDEX: dict[str, int] = {
    "nose": 0, "neck": 1,
    "right_shoulder": 2, "right_elbow": 3, "right_wrist": 4,
    "left_shoulder": 5, "left_elbow": 6, "left_wrist": 7,
    "pelvis": 8,
    "right_hip": 9, "right_knee": 10, "right_ankle": 11,
    "left_hip": 12, "left_knee": 13, "left_ankle": 14,
    "left_toe": 19, "left_heel": 21,
    "right_toe": 22, "right_heel": 24,
}
_EARS = (17, 18)  # REar, LEar -> head
_DST = np.array([INDEX[n] for n in BODY25_INDEX])
_SRC = np.array(list(BODY25_INDEX.values()))
_NUMBER = re.compile(r"(\d+)(?!.*\d)")


def _frame_number(p: Path) -> int:
    m = _NUMBER.search(p.name[: -len("_keypoints.json")])
    return int(m.group(1)) if m else -1


def _best_person(people: list, name: str) -> np.ndarray | None:
    """(25, 3) array of the person with highest mean confidence, or None."""
    best, best_score = None, -1.0
    for person in people:
        flat = person.get("pose_keypoints_2d") if isinstance(person, dict) else None
        if not flat:
            continue
        arr = np.asarray(flat, dtype=float)
        if arr.size != 75:
            raise UnreadableInput(f"{name}: expected 75 BODY_25 values, got {arr.size}")
        arr = arr.reshape(25, 3)
        score = float(np.mean(arr[:, 2]))
        if score > best_score:
            best, best_score = arr, score
    return best


def _to_row(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = len(KEYPOINT_NAMES)
    xy = np.full((k, 2), np.nan)
    conf = np.zeros(k)
    present = arr[:, 2] > 0
    pts = np.where(present[:, None], arr[:, :2], np.nan)
    xy[_DST] = pts[_SRC]
    conf[_DST] = np.where(present[_SRC], arr[_SRC, 2], 0.0)
    a, b = _EARS
    if present[a] and present[b]:
        xy[INDEX["head"]] = (pts[a] + pts[b]) / 2.0
        conf[INDEX["head"]] = min(arr[a, 2], arr[b, 2])
    return xy, np.clip(conf, 0.0, 1.0)


def read_openpose_folder(folder, fps: float = 30.0,
                         image_size: tuple[int, int] | None = None) -> Keypoints:
    """Read a folder of OpenPose BODY_25 JSON files as one runner's keypoints.

    Parameters
    ----------
    folder : str or os.PathLike
        Folder holding ``*_keypoints.json`` files, one per frame.
    fps : float
        Frame rate in Hz; frame *i* (in filename-number order) is at
        ``i / fps`` seconds.
    image_size : tuple of int, optional
        (width, height) in pixels of the source video, if known.

    Returns
    -------
    Keypoints
        Pixel coordinates, x right and y down. Points with OpenPose confidence
        0 are NaN. When several people are present, the one with the highest
        mean confidence is taken in each frame. ``head`` is the mean of the
        ears (NaN unless both are present), ``pelvis`` is MidHip and the toes
        are the big toes.

    Raises
    ------
    InputNotFound
        When the folder does not exist.
    UnreadableInput
        When it has no keypoint files or a file is not valid OpenPose JSON.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputNotFound(f"folder not found: {folder}")
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    files = sorted(folder.glob("*_keypoints.json"), key=lambda p: (_frame_number(p), p.name))
    if not files:
        raise UnreadableInput(f"no *_keypoints.json files in {folder}")
    k = len(KEYPOINT_NAMES)
    xy = np.full((len(files), k, 2), np.nan)
    conf = np.zeros((len(files), k))
    for i, f in enumerate(files):
        try:
            data = json.loads(f.read_text())
            people = data["people"]
            if not isinstance(people, list):
                raise TypeError("people is not a list")
            arr = _best_person(people, f.name)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UnreadableInput(f"{f.name}: not OpenPose JSON ({exc})") from None
        if arr is not None:
            xy[i], conf[i] = _to_row(arr)
    return Keypoints(xy, conf, np.arange(len(files)) / float(fps), units="px",
                     image_size=image_size,
                     meta={"source": "openpose", "folder": str(folder), "frames": len(files)})
