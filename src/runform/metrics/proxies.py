"""Co-contraction and tension proxies.

Video cannot see muscles. Each proxy below states what it measures (a joint
movement or a timing ratio) and what it does not (muscle activity).
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry import pelvis
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
    "leg_stiffness_kn_m": (
        "Leg stiffness (Morin 2005): peak force over leg compression, with running speed "
        "estimated from how fast the planted foot moves back relative to the pelvis in "
        "stance (5% under the belt speed on the motion-capture check) and leg length from "
        "height. Needs a scale (height or metric keypoints). It describes the leg as a "
        "spring, not muscle co-contraction."
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
    fmax, dy = _morin_force_and_drop(tc, tf, mass_kg if mass_kg else 1.0)
    return fmax / dy / 1000.0 if dy > 0 else None


def _morin_force_and_drop(tc: float, tf: float, m: float) -> tuple[float, float]:
    """Peak vertical force (N) and centre-of-mass drop (m, positive down) of Morin 2005."""
    fmax = m * G * math.pi / 2 * (tf / tc + 1)
    return fmax, abs(-fmax * tc**2 / (m * math.pi**2) + G * tc**2 / 8)


def leg_stiffness(contact_time_s: float, flight_time_s: float, speed_m_s: float | None,
                  leg_length_m: float | None, mass_kg: float | None = None) -> float | None:
    """Leg stiffness by Morin et al. (2005): ``Fmax / (L - sqrt(L^2 - (v tc / 2)^2) + dy)``.

    Parameters
    ----------
    speed_m_s : float
        Running (belt) speed in m/s.
    leg_length_m : float
        Great trochanter to ground standing (about 0.53 x height), metres.

    Returns
    -------
    float or None
        kN/m (kN/m per kg without mass); None when an input is missing or invalid.
    """
    if vertical_stiffness(contact_time_s, flight_time_s) is None or not speed_m_s or not leg_length_m:
        return None
    tc, tf, L = float(contact_time_s), float(flight_time_s), float(leg_length_m)
    half = speed_m_s * tc / 2
    if not (0 < half < L):
        return None
    fmax, dy = _morin_force_and_drop(tc, tf, mass_kg if mass_kg else 1.0)
    return fmax / (L - math.sqrt(L**2 - half**2) + dy) / 1000.0


def stance_speed(kp: Keypoints, foot: str, ic_time_s: float, contact_time_s: float | None) -> float | None:
    """Speed (keypoint units per second) of the planted toe moving back relative to the pelvis.

    Measured from 30% to 90% of contact, when the forefoot is on the ground; on the
    treadmill and overground alike this is the runner's speed over the ground.
    """
    if not contact_time_s:
        return None
    t = kp.time_s
    x = kp.point(f"{foot}_toe")[:, 0] - pelvis(kp)[:, 0]
    t0, t1 = ic_time_s + 0.3 * contact_time_s, ic_time_s + 0.9 * contact_time_s
    ok = np.isfinite(x)
    if ok.sum() < 2 or t0 < t[ok][0] or t1 > t[ok][-1]:
        return None
    x0, x1 = np.interp([t0, t1], t[ok], x[ok])
    return float(abs(x1 - x0) / (t1 - t0))


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
