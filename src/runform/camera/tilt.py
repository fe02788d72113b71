"""The camera's tilt and the true vertical at the runner, from the scene and the ground.

Every angle runform reports (shin, trunk lean, foot against the ground) is measured from
the true vertical at the runner, not from the image's edges. Two kinds of evidence:

* **scene verticals** (:mod:`runform.camera.verticals`): their vanishing point gives the
  true vertical everywhere in the image, roll and pitch together. Preferred.
* **the ground line** traced by the soles in stance (:func:`runform.gait.events.trace_ground`):
  level in the world, so its slope in the image is the roll, but only when the ground is
  level and square to the camera. A treadmill belt seen from a low phone slopes by
  perspective (3.7 deg on the annotated real clip where the scene verticals, and the
  annotator, put the roll at the runner at 0.3-0.4 deg), so it is used only when the
  background has no verticals, and says so.

Angles in degrees. ``vertical_at_runner_deg`` is the direction of the true downward vertical
at the runner, measured from the image's downward vertical, + when its bottom end points to
image right (the phone is rolled clockwise as seen from behind it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..keypoints import Keypoints
from .verticals import SceneVerticals

__all__ = ["CameraConfig", "CameraEstimate", "estimate_camera", "level_keypoints", "runner_point",
           "image_direction"]


@dataclass(frozen=True)
class CameraConfig:
    """Settings of the camera-tilt estimate.

    Attributes
    ----------
    focal_per_long_side : float
        Assumed focal length over the image's longest side, for pitch only: a phone's main
        camera (26 mm equivalent) filming 16:9 video gives 0.75-0.85.
    max_ground_deg : float
        A ground line steeper than this is not taken as the horizon (the camera is far off
        square, or the surface is not level): the tilt is then unknown.
    disagree_deg : float
        Scene verticals and ground line further apart than this are reported (an inclined
        treadmill or a camera not square to the belt).
    large_tilt_deg : float
        Uncorrected image tilts above this are flagged.
    """

    focal_per_long_side: float = 0.8
    max_ground_deg: float = 8.0
    disagree_deg: float = 3.0
    large_tilt_deg: float = 3.0


@dataclass(frozen=True)
class CameraEstimate:
    """How the camera saw the runner.

    Attributes
    ----------
    vertical_at_runner_deg : float
        True downward vertical at the runner from the image's (deg, + bottom toward image
        right); 0 when unknown. Every angle is measured from it.
    roll_deg : float or None
        The same at the image centre (the camera's roll); None when unknown.
    pitch_deg : float or None
        + when the camera looks up (verticals converge upward), from the vanishing point and
        an assumed phone focal length; None when the verticals are parallel or unknown.
    source : str
        ``"scene_verticals"``, ``"ground_line"`` or ``"none"``.
    lines : int
        Scene vertical segments used (0 without).
    rms_deg : float or None
        How far those segments miss their common vanishing point (deg, rms).
    ground_line_deg : float or None
        The ground/belt line traced by the soles (deg, + falling toward image right).
    confidence : str
        ``"high"`` (12+ consistent lines), ``"medium"``, ``"low"`` (ground line only) or ``"none"``.
    runner_xy : tuple of float
        Where the vertical was taken (pixels): the middle of the runner's shanks.
    note : str
        One sentence on what it rests on.
    """

    vertical_at_runner_deg: float
    roll_deg: float | None
    pitch_deg: float | None
    source: str
    lines: int
    rms_deg: float | None
    ground_line_deg: float | None
    confidence: str
    runner_xy: tuple[float, float]
    note: str

    def as_dict(self) -> dict:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, float):
                d[k] = round(v, 2)
        d["runner_xy"] = [round(float(v), 1) for v in self.runner_xy]
        return d


def _angle(down: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(down[0], down[1])))


def runner_point(kp: Keypoints) -> tuple[float, float]:
    """Median position (pixels) of the runner's knees and ankles: where the shank angle is read."""
    pts = np.concatenate([kp.point(f"{s}_{j}") for s in ("left", "right") for j in ("knee", "ankle")])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if not pts.size:
        return float("nan"), float("nan")
    return float(np.median(pts[:, 0])), float(np.median(pts[:, 1]))


def estimate_camera(kp: Keypoints, verticals: SceneVerticals | None, ground_deg: float | None,
                    config: CameraConfig = CameraConfig()) -> CameraEstimate:
    """Combine scene verticals and the ground line into the true vertical at the runner.

    Parameters
    ----------
    kp : Keypoints
        Cleaned keypoints in image pixels (for the runner's position).
    verticals : SceneVerticals or None
        From the pose pass (``kp.meta["scene_verticals"]``).
    ground_deg : float or None
        Slope of the ground line traced by the soles (deg, + falling toward image right).
    """
    xy = runner_point(kp)
    if verticals is not None and np.all(np.isfinite(xy)):
        w, h = verticals.image_size
        at_runner = _angle(verticals.down_at(*xy))
        roll = _angle(verticals.down_at(w / 2.0, h / 2.0))
        vx, vy, vw = verticals.vanishing_point
        pitch = None
        if abs(vw) > 1e-12:
            dist = float(np.hypot(vx / vw - w / 2.0, vy / vw - h / 2.0))
            focal = config.focal_per_long_side * max(w, h)
            pitch = float(np.degrees(np.arctan2(focal, dist))) * (1.0 if vy / vw < h / 2.0 else -1.0)
        conf = "high" if verticals.lines >= 12 and verticals.rms_deg <= 1.0 else "medium"
        note = (f"true vertical from {verticals.lines} straight vertical lines of the background "
                f"(rms {verticals.rms_deg:.1f} deg)")
        if ground_deg is not None and abs(-ground_deg - at_runner) > config.disagree_deg:
            note += (f"; the belt/ground line slopes {ground_deg:+.1f} deg in the image against {at_runner:+.1f} deg "
                     "from the verticals (an inclined treadmill, or a camera not square to the belt)")
        return CameraEstimate(at_runner, roll, pitch, "scene_verticals", verticals.lines, verticals.rms_deg,
                              ground_deg, conf, xy, note)
    if ground_deg is not None and abs(ground_deg) <= config.max_ground_deg:
        # A level ground's downward normal is the vertical: a ground falling to the right by g
        # has its normal's bottom end turned g to the left.
        return CameraEstimate(-ground_deg, -ground_deg, None, "ground_line", 0, None, ground_deg, "low", xy,
                              f"no straight verticals in the background; the true vertical is taken square to the "
                              f"belt/ground line traced by the foot contacts ({ground_deg:+.1f} deg), which is "
                              "right only for a level surface filmed square-on")
    note = "no straight verticals in the background and no usable ground line: angles are from the image vertical"
    if ground_deg is not None:
        note += f" (the ground line slopes {ground_deg:+.1f} deg)"
    return CameraEstimate(0.0, None, None, "none", 0, None, ground_deg, "none", xy, note)


def _levelling(vertical_deg: float) -> np.ndarray:
    """Rotation (x right, y down) that turns the true vertical (sin a, cos a) into (0, 1)."""
    a = np.radians(vertical_deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s], [s, c]])


def level_keypoints(kp: Keypoints, vertical_deg: float, centre: tuple[float, float]) -> Keypoints:
    """Rotate keypoints about ``centre`` so that the true vertical becomes the image's vertical.

    ``vertical_deg`` is the true downward vertical's angle from the image's (+ bottom toward
    image right); a vector along it maps to (0, 1). Identity for 0.
    """
    if not vertical_deg or not np.all(np.isfinite(centre)):
        return kp
    ctr = np.asarray(centre, float)
    return kp.with_xy((kp.xy - ctr) @ _levelling(vertical_deg).T + ctr)


def image_direction(v, vertical_deg: float) -> np.ndarray:
    """A direction measured on levelled keypoints, turned back into the image (inverse of the levelling).

    ``v`` (..., 2) is in the frame of :func:`level_keypoints` with the same ``vertical_deg``;
    (0, 1) maps to the true downward vertical in the image.
    """
    return np.asarray(v, float) @ _levelling(vertical_deg)  # the inverse rotation is the transpose
