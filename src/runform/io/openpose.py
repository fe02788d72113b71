"""Read folders of OpenPose BODY_25 JSON files (one file per frame).

Two namings are read: OpenPose's own ``<name>_000000000123_keypoints.json`` and Pose2Sim's
``<name>.000123.json``; frames are ordered by the number in the name. With several people
in view the runner is followed from frame to frame (:func:`track_person`), so a bystander
who is briefly more confident does not take over the series.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from runform.errors import InputNotFound, NoRunnerFound, RunnerPointError, UnreadableInput
from runform.keypoints import INDEX, KEYPOINT_NAMES, Keypoints

__all__ = ["read_openpose_folder", "keypoint_files", "is_keypoint_file", "track_person", "BODY25_INDEX"]

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
#: Pose2Sim's per-frame files: ``<name>.<frame number>.json``.
_POSE2SIM = re.compile(r".+\.(\d+)\.json")


def is_keypoint_file(name: str) -> bool:
    """True for an OpenPose (``*_keypoints.json``) or Pose2Sim (``*.000123.json``) frame file name."""
    return name.endswith("_keypoints.json") or _POSE2SIM.fullmatch(name) is not None


def _frame_number(p: Path) -> int:
    m = _POSE2SIM.fullmatch(p.name)
    if m:
        return int(m.group(1))
    m = _NUMBER.search(p.name[: -len("_keypoints.json")])
    return int(m.group(1)) if m else -1


def keypoint_files(folder: Path) -> list[Path]:
    """The frame files of a folder in frame-number order (ties by name)."""
    files = [p for p in Path(folder).iterdir() if p.is_file() and is_keypoint_file(p.name)]
    return sorted(files, key=lambda p: (_frame_number(p), p.name))


def _people(people: list, name: str) -> list[np.ndarray]:
    """Each person's (25, 3) array (x, y, confidence); people without keypoints left out."""
    out = []
    for person in people:
        flat = person.get("pose_keypoints_2d") if isinstance(person, dict) else None
        if not flat:
            continue
        arr = np.asarray(flat, dtype=float)
        if arr.size != 75:
            raise UnreadableInput(f"{name}: expected 75 BODY_25 values, got {arr.size}")
        out.append(arr.reshape(25, 3))
    return out


def _height(arr: np.ndarray) -> float:
    """Height (px) of a person's seen keypoints."""
    seen = arr[:, 2] > 0
    return float(np.ptp(arr[seen, 1])) if seen.sum() >= 2 else 0.0


def _start_score(arr: np.ndarray) -> float:
    """Mean confidence x body height (px): the most confident, largest person starts the track."""
    return float(np.mean(arr[:, 2])) * max(_height(arr), 1.0)


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean distance (px) over keypoints seen in both; between centroids when none is shared."""
    both = (a[:, 2] > 0) & (b[:, 2] > 0)
    if both.any():
        return float(np.mean(np.hypot(*(a[both, :2] - b[both, :2]).T)))
    ca, cb = (p[p[:, 2] > 0, :2].mean(axis=0) if (p[:, 2] > 0).any() else np.zeros(2) for p in (a, b))
    return float(np.hypot(*(ca - cb)))


def _point_distance(arr: np.ndarray, point) -> float:
    """Distance (px) from ``point`` to a person's nearest seen keypoint; inf when none is seen."""
    seen = arr[arr[:, 2] > 0, :2]
    return float(np.min(np.hypot(*(seen - np.asarray(point, dtype=float)).T))) if len(seen) else np.inf


def track_person(frames: list[list[np.ndarray]], start_xy: tuple[float, float] | None = None) -> list[np.ndarray | None]:
    """One person per frame, the same one throughout.

    The track starts with the most confident, largest person of the first frame that has
    anyone (:func:`_start_score`), or with the person nearest ``start_xy``; each later frame
    takes the person nearest the last person taken (:func:`_distance`), across empty frames too.

    Parameters
    ----------
    frames : list of list of ndarray
        Per frame, every person's (25, 3) array.
    start_xy : (float, float), optional
        ``--runner x,y``: a point (px) on the runner in the first frame that has anyone.

    Returns
    -------
    list
        The chosen (25, 3) array per frame, None where the frame has nobody.
    """
    last = None
    chosen: list[np.ndarray | None] = []
    for people in frames:
        if not people:
            chosen.append(None)
            continue
        if last is None:
            last = max(people, key=_start_score) if start_xy is None else \
                min(people, key=lambda p: _point_distance(p, start_xy))
        else:
            last = min(people, key=lambda p: _distance(p, last))
        chosen.append(last)
    return chosen


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


def read_openpose_folder(folder, fps: float = 30.0, image_size: tuple[int, int] | None = None,
                         start_xy: tuple[float, float] | None = None) -> Keypoints:
    """Read a folder of OpenPose BODY_25 JSON files as one runner's keypoints.

    Parameters
    ----------
    folder : str or os.PathLike
        Folder holding ``*_keypoints.json`` (OpenPose) or ``*.<frame>.json`` (Pose2Sim)
        files, one per frame.
    fps : float
        Frame rate in Hz; frame *i* (in filename-number order) is at
        ``i / fps`` seconds.
    image_size : tuple of int, optional
        (width, height) in pixels of the source video, if known.
    start_xy : (float, float), optional
        ``--runner x,y``: the runner is the person nearest this point (px) in the first frame
        that has anyone.

    Returns
    -------
    Keypoints
        Pixel coordinates, x right and y down. Points with OpenPose confidence
        0 are NaN. With several people, one person is followed through the frames
        (:func:`track_person`). ``head`` is the mean of the ears (NaN unless both
        are present), ``pelvis`` is MidHip and the toes are the big toes.

    Raises
    ------
    InputNotFound
        When the folder does not exist.
    UnreadableInput
        When it has no keypoint files or a file is not valid OpenPose JSON.
    NoRunnerFound
        When no file has a person in it.
    RunnerPointError
        When nobody in the first frame with people is within a body height of ``start_xy``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputNotFound(f"folder not found: {folder}")
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    files = keypoint_files(folder)
    if not files:
        raise UnreadableInput(f"no *_keypoints.json or Pose2Sim *.<frame>.json files in {folder}")
    frames = []
    for f in files:
        try:
            data = json.loads(f.read_text())
            people = data["people"]
            if not isinstance(people, list):
                raise TypeError("people is not a list")
            frames.append(_people(people, f.name))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UnreadableInput(f"{f.name}: not OpenPose JSON ({exc})") from None
    first = next((people for people in frames if people), None)
    if first is None:
        raise NoRunnerFound(f"no person in any of the {len(files)} keypoint files in {folder}")
    if start_xy is not None and min(_point_distance(p, start_xy) / max(_height(p), 1.0) for p in first) > 1.0:
        raise RunnerPointError(f"--runner {start_xy[0]:g},{start_xy[1]:g}: nobody there in the first frame "
                               f"with people in {folder.name}")
    k = len(KEYPOINT_NAMES)
    xy = np.full((len(files), k, 2), np.nan)
    conf = np.zeros((len(files), k))
    for i, arr in enumerate(track_person(frames, start_xy)):
        if arr is not None:
            xy[i], conf[i] = _to_row(arr)
    return Keypoints(xy, conf, np.arange(len(files)) / float(fps), units="px",
                     image_size=image_size,
                     meta={"source": "openpose", "folder": str(folder), "frames": len(files)})
