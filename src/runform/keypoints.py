"""The keypoint series every stage takes and returns.

Coordinates are image-style: x to the right, y *down*, in ``units`` (pixels for
video and OpenPose; metres or millimetres for TRC motion capture, whose Y-up axis
is flipped on reading so that all sources share one convention).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

#: Canonical keypoints, in array order. Readers map their own names onto these and
#: leave NaN where a source has no such point.
KEYPOINT_NAMES: tuple[str, ...] = (
    "nose",
    "head",
    "neck",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "pelvis",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_toe",
    "right_toe",
    # Measured on the person mask (video only; runform.pose.silhouette): the shank's joint
    # centres, the rear end of the shoe's bottom and the lowest point under each foot.
    "left_knee_silhouette",
    "right_knee_silhouette",
    "left_ankle_silhouette",
    "right_ankle_silhouette",
    "left_heel_silhouette",
    "right_heel_silhouette",
    "left_sole",
    "right_sole",
)
INDEX: dict[str, int] = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
SIDES = ("left", "right")


class KeypointError(ValueError):
    """Raised when a keypoint series is malformed."""


@dataclass(frozen=True)
class Keypoints:
    """A time series of 2D keypoints for one runner.

    Attributes
    ----------
    xy : ndarray, shape (frames, len(KEYPOINT_NAMES), 2)
        Positions, x right and y down, in ``units``. NaN where missing.
    confidence : ndarray, shape (frames, len(KEYPOINT_NAMES))
        Detection confidence in [0, 1]; 0 where missing.
    time_s : ndarray, shape (frames,)
        Timestamp of each frame in seconds on the input's own clock
        (strictly increasing).
    units : str
        ``"px"``, ``"m"`` or ``"mm"``.
    image_size : tuple of int or None
        (width, height) in pixels for video sources.
    """

    xy: np.ndarray
    confidence: np.ndarray
    time_s: np.ndarray
    units: str = "px"
    image_size: tuple[int, int] | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        xy = np.asarray(self.xy, dtype=float)
        conf = np.asarray(self.confidence, dtype=float)
        t = np.asarray(self.time_s, dtype=float)
        k = len(KEYPOINT_NAMES)
        if xy.ndim != 3 or xy.shape[1:] != (k, 2):
            raise KeypointError(f"xy must have shape (frames, {k}, 2), got {xy.shape}")
        if conf.shape != xy.shape[:2]:
            raise KeypointError(f"confidence must have shape {xy.shape[:2]}, got {conf.shape}")
        if t.shape != (xy.shape[0],):
            raise KeypointError(f"time_s must have shape ({xy.shape[0]},), got {t.shape}")
        if t.size > 1 and not np.all(np.diff(t) > 0):
            raise KeypointError("time_s must be strictly increasing")
        if self.units not in ("px", "m", "mm"):
            raise KeypointError(f"units must be px, m or mm, got {self.units!r}")
        object.__setattr__(self, "xy", xy)
        object.__setattr__(self, "confidence", conf)
        object.__setattr__(self, "time_s", t)

    def __len__(self) -> int:
        return self.xy.shape[0]

    def point(self, name: str) -> np.ndarray:
        """(frames, 2) positions of one keypoint (a view)."""
        return self.xy[:, INDEX[name], :]

    def conf(self, name: str) -> np.ndarray:
        return self.confidence[:, INDEX[name]]

    def midpoint(self, a: str, b: str) -> np.ndarray:
        """(frames, 2) midpoint of two keypoints; where one is missing, the other one."""
        pa, pb = self.point(a), self.point(b)
        mid = 0.5 * (pa + pb)
        return np.where(np.isfinite(mid), mid, np.where(np.isfinite(pa), pa, pb))

    def has(self, name: str, min_fraction: float = 0.5) -> bool:
        """True when the keypoint is present in at least ``min_fraction`` of frames."""
        return bool(np.mean(np.isfinite(self.point(name)[:, 0])) >= min_fraction) if len(self) else False

    def with_xy(self, xy: np.ndarray, confidence: np.ndarray | None = None) -> "Keypoints":
        return replace(self, xy=xy, confidence=self.confidence if confidence is None else confidence)

    @property
    def fps(self) -> float:
        """Median frame rate in Hz."""
        if len(self) < 2:
            return float("nan")
        return float(1.0 / np.median(np.diff(self.time_s)))

    @classmethod
    def empty(cls, n_frames: int, time_s: np.ndarray, **kw) -> "Keypoints":
        k = len(KEYPOINT_NAMES)
        return cls(np.full((n_frames, k, 2), np.nan), np.zeros((n_frames, k)), time_s, **kw)

    def to_npz(self, path) -> None:
        np.savez_compressed(
            path,
            xy=self.xy,
            confidence=self.confidence,
            time_s=self.time_s,
            units=self.units,
            image_size=np.array(self.image_size if self.image_size else (0, 0)),
            names=np.array(KEYPOINT_NAMES),
        )

    @classmethod
    def from_npz(cls, path) -> "Keypoints":
        with np.load(path, allow_pickle=False) as d:
            if tuple(d["names"].tolist()) != KEYPOINT_NAMES:
                raise KeypointError(f"{path}: keypoint names do not match this version")
            size = tuple(int(v) for v in d["image_size"])
            return cls(d["xy"], d["confidence"], d["time_s"], units=str(d["units"]),
                       image_size=size if size != (0, 0) else None)
