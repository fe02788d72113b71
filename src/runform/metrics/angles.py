"""Pure angle helpers for image coordinates (x right, y *down*).

All angles are in degrees. ``direction`` is +1 when the runner faces +x and -1
when facing -x; signed angles are positive toward the running direction so that
mirrored clips give the same values.
"""

from __future__ import annotations

import numpy as np


def angle_between(u, v) -> np.ndarray:
    """Unsigned angle (deg, 0..180) between vectors ``u`` and ``v`` (..., 2).

    NaN where either vector is zero-length or missing.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = np.sum(u * v, axis=-1)
    with np.errstate(invalid="ignore"):
        ang = np.degrees(np.arctan2(np.abs(cross), dot))
        zero = (np.hypot(*np.moveaxis(u, -1, 0)) == 0) | (np.hypot(*np.moveaxis(v, -1, 0)) == 0)
    return np.where(zero, np.nan, ang)


def joint_angle(a, b, c) -> np.ndarray:
    """Unsigned angle (deg) at ``b`` between segments b->a and b->c."""
    a, b, c = (np.asarray(p, dtype=float) for p in (a, b, c))
    return angle_between(a - b, c - b)


def flexion_angle(a, b, c) -> np.ndarray:
    """180 - joint angle at ``b`` (deg): 0 for a straight limb, e.g. knee flexion for hip, knee, ankle."""
    return 180.0 - joint_angle(a, b, c)


def angle_from_vertical(v, direction: int, up: bool = False) -> np.ndarray:
    """Signed angle (deg, -180..180) of vector ``v`` from the vertical.

    Parameters
    ----------
    v : array_like, shape (..., 2)
        Vector in image coordinates (x right, y down).
    direction : int
        +1 when running toward +x, -1 toward -x.
    up : bool
        Measure from the upward vertical (e.g. pelvis -> shoulders, trunk lean)
        instead of the downward one (e.g. knee -> ankle, shin angle).

    Returns
    -------
    ndarray
        Positive when the vector leans toward the running direction (ankle ahead
        of knee; shoulders ahead of pelvis).
    """
    v = np.asarray(v, dtype=float)
    fwd = direction * v[..., 0]
    vert = -v[..., 1] if up else v[..., 1]
    return np.degrees(np.arctan2(fwd, vert))


def unit_from_vertical(angle_deg, direction: int) -> np.ndarray:
    """Unit vector (x right, y down) at ``angle_deg`` from the downward vertical.

    The inverse of :func:`angle_from_vertical` (``up=False``): positive angles lean toward
    the running direction ``direction`` (+1 toward +x, -1 toward -x).
    """
    a = np.radians(np.asarray(angle_deg, dtype=float))
    return np.stack([direction * np.sin(a), np.cos(a)], axis=-1)


def pitch_from_horizontal(v, direction: int) -> np.ndarray:
    """Signed pitch (deg, -180..180) of vector ``v`` above the forward horizontal.

    For heel -> toe this is the foot angle: positive when the toe is higher than
    the heel (toe up, image y smaller), for either running direction.
    """
    v = np.asarray(v, dtype=float)
    return np.degrees(np.arctan2(-v[..., 1], direction * v[..., 0]))


__all__ = ["angle_between", "joint_angle", "flexion_angle", "angle_from_vertical", "unit_from_vertical",
           "pitch_from_horizontal"]
