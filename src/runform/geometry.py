"""Runner geometry in the image: running direction, near leg, setting, leg length, ground.

All functions are pure over :class:`~runform.keypoints.Keypoints` (x right, y down).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .keypoints import Keypoints


@dataclass(frozen=True)
class RunnerGeometry:
    """How the runner sits in the frame.

    Attributes
    ----------
    direction : int
        +1 when the runner faces/runs toward +x (image right), -1 toward image left.
    near_side : str or None
        ``"left"`` or ``"right"``: the leg nearer the camera (None when unknown, e.g. TRC).
    treadmill : bool
        True when the pelvis stays in place horizontally (treadmill), False overground.
    leg_length : float
        Hip-to-ankle length (thigh + shank, median over frames) in the keypoints' units.
    ground_y : float
        y (down) of the ground line: a high percentile of the lowest foot point.
    """

    direction: int
    near_side: str | None
    treadmill: bool
    leg_length: float
    ground_y: float


def _nanmedian(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else float("nan")


def segment_length(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-frame Euclidean distance between two (frames, 2) point series."""
    return np.hypot(*(b - a).T)


def leg_length(kp: Keypoints) -> float:
    """Median thigh + shank length over frames and both legs (keypoint units)."""
    lengths = []
    for side in ("left", "right"):
        hip, knee, ankle = (kp.point(f"{side}_{j}") for j in ("hip", "knee", "ankle"))
        lengths.append(segment_length(hip, knee) + segment_length(knee, ankle))
    return _nanmedian(np.concatenate(lengths))


def running_direction(kp: Keypoints) -> int:
    """+1 when the toes point toward +x (image right), else -1.

    The foot's heel->toe vector points where the runner faces, whatever the
    treadmill belt does, so it works on treadmills and overground alike. Falls
    back to the nose relative to the neck/shoulders, then to pelvis travel.
    """
    votes = []
    for side in ("left", "right"):
        dx = kp.point(f"{side}_toe")[:, 0] - kp.point(f"{side}_heel")[:, 0]
        votes.append(dx[np.isfinite(dx)])
    dx = np.concatenate(votes)
    if dx.size >= 5:
        return 1 if np.median(dx) >= 0 else -1
    nose = kp.point("nose")[:, 0]
    sh = np.nanmean([kp.point("left_shoulder")[:, 0], kp.point("right_shoulder")[:, 0]], axis=0)
    d = nose - sh
    if np.isfinite(d).sum() >= 5:
        return 1 if np.nanmedian(d) >= 0 else -1
    px = pelvis(kp)[:, 0]
    px = px[np.isfinite(px)]
    return 1 if px.size < 2 or px[-1] >= px[0] else -1


def pelvis(kp: Keypoints) -> np.ndarray:
    """(frames, 2) pelvis centre: the ``pelvis`` keypoint, else the mid-hip."""
    p = kp.point("pelvis")
    mid = kp.midpoint("left_hip", "right_hip")
    return np.where(np.isfinite(p), p, mid)


def near_side(kp: Keypoints) -> str | None:
    """The leg nearer the camera, judged by mean landmark confidence (pose models see it better).

    Returns None when confidences do not differ (motion capture).
    """
    score = {}
    for side in ("left", "right"):
        c = [kp.conf(f"{side}_{j}") for j in ("hip", "knee", "ankle", "heel", "toe")]
        score[side] = float(np.mean(c))
    if abs(score["left"] - score["right"]) < 0.02:
        return None
    return max(score, key=score.get)


def is_treadmill(kp: Keypoints, leg: float) -> bool:
    """True when the pelvis travels less than one leg length over the clip."""
    px = pelvis(kp)[:, 0]
    px = px[np.isfinite(px)]
    if px.size < 2 or not np.isfinite(leg):
        return True
    return bool(np.percentile(px, 95) - np.percentile(px, 5) < leg)


def ground_line(kp: Keypoints) -> float:
    """y (down) of the ground: 95th percentile of the lowest heel/toe point per frame."""
    feet = np.stack([kp.point(f"{s}_{j}")[:, 1] for s in ("left", "right") for j in ("heel", "toe", "ankle")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames with no foot visible
        lowest = np.nanmax(feet, axis=0) if feet.size else np.array([])
    lowest = lowest[np.isfinite(lowest)]
    return float(np.percentile(lowest, 95)) if lowest.size else float("nan")


def estimate_geometry(kp: Keypoints) -> RunnerGeometry:
    """Estimate :class:`RunnerGeometry` from a keypoint series."""
    leg = leg_length(kp)
    return RunnerGeometry(
        direction=running_direction(kp),
        near_side=near_side(kp),
        treadmill=is_treadmill(kp, leg),
        leg_length=leg,
        ground_y=ground_line(kp),
    )
