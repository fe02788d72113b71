"""The synthetic runner's poses as an image sees them, and the truth measured on them.

World frame (X forward, Y up, metres) -> image-style coordinates (x = direction * X,
y = -Y: y down), metres -> pixels, and the project-convention angles of one drawn pose
(shin, foot strike, knee flexion, overstride, trunk lean), which are the truth the
renders and the tests compare runform's readings with.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..keypoints import INDEX, KEYPOINT_NAMES, Keypoints

__all__ = ["to_image", "angle_from_vertical", "measure_pose", "to_pixels"]


def to_image(world: np.ndarray, direction: int) -> np.ndarray:
    """World (..., 2) points (X forward, Y up) as image-style ones: x = direction * X, y = -Y."""
    img = world.copy()
    img[..., 0] *= direction
    img[..., 1] *= -1.0
    return img


def angle_from_vertical(fwd, down):
    """Angle (deg) of a vector from straight down: + when it points forward (``fwd`` > 0)."""
    return np.degrees(np.arctan2(fwd, down))


def measure_pose(xy: np.ndarray, direction: int, side: str) -> dict:
    """Project-convention angles of one image-style (K, 2) pose for ``side``."""
    P = {n: xy[INDEX[n]] for n in KEYPOINT_NAMES}
    hip, knee, ankle = P[f"{side}_hip"], P[f"{side}_knee"], P[f"{side}_ankle"]
    heel, toe = P[f"{side}_heel"], P[f"{side}_toe"]
    ks = ankle - knee
    shin = angle_from_vertical(direction * ks[0], ks[1])
    ft = toe - heel
    strike = np.degrees(np.arctan2(-ft[1], direction * ft[0]))
    a, b = hip - knee, ankle - knee
    inner = np.degrees(np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b), -1, 1)))
    leg_len = np.linalg.norm(hip - knee) + np.linalg.norm(knee - ankle)
    over = 100.0 * direction * (heel[0] - P["pelvis"][0]) / leg_len
    mid_sh = 0.5 * (P["left_shoulder"] + P["right_shoulder"])
    tr = mid_sh - P["pelvis"]
    lean = angle_from_vertical(direction * tr[0], -tr[1])
    return {"shin_angle_ic_deg": float(shin), "foot_strike_angle_ic_deg": float(strike),
            "knee_flexion_ic_deg": float(180.0 - inner), "overstride_pct_leg": float(over),
            "trunk_lean_deg": float(lean)}


def to_pixels(kp: Keypoints, scale_px_per_m: float, origin_px: tuple[float, float],
              image_size: tuple[int, int] | None = None) -> Keypoints:
    """Map a metre series to pixels: ``px = origin + scale * xy`` (y stays down).

    ``origin_px`` is where the world origin (pelvis x, ground) lands in the image.
    """
    if kp.units != "m":
        raise ValueError(f"to_pixels expects units 'm', got {kp.units!r}")
    xy = np.asarray(origin_px, float) + scale_px_per_m * kp.xy
    if image_size is None:
        finite = xy[np.isfinite(xy)]
        hi = np.nanmax(xy.reshape(-1, 2), axis=0) if finite.size else np.zeros(2)
        image_size = (int(np.ceil(max(hi[0], 1) + origin_px[0] * 0)) + 1,
                      int(np.ceil(max(hi[1], 1))) + 1)
    return replace(kp, xy=xy, units="px", image_size=tuple(int(v) for v in image_size))
