"""Co-contraction and tension proxies.

Video cannot see muscles. Each proxy below states what it measures (a joint
movement or a timing ratio) and what it does not (muscle activity).
"""

from __future__ import annotations

import math

import numpy as np

from ..keypoints import Keypoints

G = 9.81

#: What each proxy measures and what it does not; printed in reports and JSON.
PROXY_NOTES: dict[str, str] = {
    "knee_flexion_excursion_deg": (
        "How far the knee bends from initial contact to its peak in stance (degrees). "
        "A small value means a stiff-kneed landing. It measures joint motion, not "
        "muscle co-contraction: a strong, relaxed runner can also land with little flexion."
    ),
    "vertical_stiffness_kn_m": (
        "Vertical stiffness from contact and flight time (Morin 2005 sine-wave model). "
        "It describes the body's spring-like bounce, not muscle tension; it assumes "
        "steady running and no speed change."
    ),
    "shoulder_elevation_ratio": (
        "Vertical distance from the mid-shoulders to the head centre divided by trunk "
        "length. A smaller ratio means shoulders raised toward the ears. It sees posture, "
        "not trapezius activity; a hood, long hair or a turned head bias it."
    ),
    "elbow_angle_deg": (
        "Median inner elbow angle (shoulder-elbow-wrist) over the clip, degrees; 180 = "
        "straight arm. Very small angles suggest clenched, tight arms; it measures arm "
        "carriage, not muscle tension."
    ),
}


def vertical_stiffness(contact_time_s: float, flight_time_s: float, mass_kg: float | None = None) -> float | None:
    """Vertical stiffness by Morin et al. (2005), J Appl Biomech 21:167-180.

    ``Fmax = m g pi/2 (tf/tc + 1)`` and ``dy = -Fmax tc^2 / (m pi^2) + g tc^2 / 8``;
    ``k = Fmax / |dy|``.

    Parameters
    ----------
    contact_time_s, flight_time_s : float
        Seconds. Flight time may be 0 (walking-like running) but not negative.
    mass_kg : float, optional
        Body mass. Without it the result is mass-specific (kN/m per kg).

    Returns
    -------
    float or None
        kN/m (or kN/m/kg without mass); None when the inputs are not valid.
    """
    if contact_time_s is None or flight_time_s is None:
        return None
    tc, tf = float(contact_time_s), float(flight_time_s)
    if not (tc > 0 and tf >= 0 and math.isfinite(tc) and math.isfinite(tf)):
        return None
    m = mass_kg if mass_kg else 1.0
    fmax = m * G * math.pi / 2 * (tf / tc + 1)
    dy = -fmax * tc**2 / (m * math.pi**2) + G * tc**2 / 8
    if dy == 0:
        return None
    return fmax / abs(dy) / 1000.0


def _angle_at(b: np.ndarray, a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Inner angle ABC in degrees for (frames, 2) arrays."""
    v1, v2 = a - b, c - b
    cos = np.sum(v1 * v2, axis=1) / (np.linalg.norm(v1, axis=1) * np.linalg.norm(v2, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def arm_and_shoulder(kp: Keypoints, side: str | None) -> dict[str, float | None]:
    """Shoulder elevation ratio and elbow angle medians over the clip.

    Parameters
    ----------
    side : str or None
        Arm to use (the near side); both arms averaged when None.
    """
    sides = [side] if side else ["left", "right"]
    with np.errstate(all="ignore"):
        elbow = np.concatenate([
            _angle_at(kp.point(f"{s}_elbow"), kp.point(f"{s}_shoulder"), kp.point(f"{s}_wrist")) for s in sides
        ])
        mid_sh = kp.midpoint("left_shoulder", "right_shoulder")
        mid_hip = kp.midpoint("left_hip", "right_hip")
        trunk = np.hypot(*(mid_sh - mid_hip).T)
        # y is down: the head is above the shoulders when its y is smaller.
        ratio = (mid_sh[:, 1] - kp.point("head")[:, 1]) / trunk
    out: dict[str, float | None] = {}
    for key, vals in (("elbow_angle_deg", elbow), ("shoulder_elevation_ratio", ratio)):
        vals = vals[np.isfinite(vals)]
        out[key] = float(np.median(vals)) if vals.size >= 10 else None
    return out
