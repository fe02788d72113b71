"""Contact-timing truth of a :class:`runform.synth.kinematics.LegModel`, measured on its geometry.

The leg model starts its stance at phase 0 (the *nominal* contact), but its joint
angles are time-smoothed, so the foot really reaches the ground a few ms later (9-11 ms
on the bundled sample runners). These functions measure, on the smoothed geometry
the renderer draws:

* the **first touch**: the first time the lowest point of the sole (heel or toe
  point; the sole is the straight heel-toe line) reaches the ground, Y = 0;
* the **last touch** before the swing (toe leaves the ground);
* the **heel lead**: time from the heel's forward peak relative to the hip (the
  pelvis is at a fixed X, so relative to the pelvis too) to the first touch;
* the **shank rotation rate through contact**: the change of the knee -> ankle
  angle from vertical between -1 % and +1 % of the stride around the first touch,
  / 2, in deg per 1 % of the stride (the central difference at row 0 of the RBDS /
  RIC 101-point mean-cycle curves, so directly comparable with them; negative =
  the shank turning backward).

World frame: X forward, Y up, ground at Y = 0; times in s relative to the nominal contact.
"""

from __future__ import annotations

import numpy as np

__all__ = ["first_touch", "last_touch", "heel_peak_lead", "shank_angle_deg", "shank_rate_deg_per_pct",
           "measure_contact"]

_STEP = 2.5e-4  # s, search grid


def _lowest(leg, tau: np.ndarray) -> np.ndarray:
    """Height (m) of the lowest sole point at times ``tau`` (s) after the nominal contact."""
    _, _, (hx, hy), (tx, ty) = leg.points(tau / leg.stride_s, 0.0, leg.hip_y(tau / leg.stride_s))
    return np.minimum(hy, ty)


def _crossing(leg, lo: float, hi: float, down: bool, from_extreme: bool = False) -> float:
    """First time in [lo, hi] the sole reaches (``down``) or leaves the ground, linearly refined.

    ``from_extreme``: search only after the sole's highest point in [lo, 0] (the swing
    foot's clearance), so a toe skimming the belt early in the swing does not count.
    """
    tau = np.arange(lo, hi + _STEP / 2, _STEP)
    y = _lowest(leg, tau)
    start = int(np.argmax(np.where(tau <= 0.0, y, -np.inf))) if from_extreme else 0
    hit = np.nonzero(y[start:] <= 0.0)[0] if down else np.nonzero(y[start:] > 0.0)[0]
    if hit.size == 0 or hit[0] == 0:
        raise ValueError(f"no ground {'touch' if down else 'lift'} in [{tau[start] * 1e3:.0f}, {hi * 1e3:.0f}] ms "
                         "of the nominal event")
    i = start + hit[0]
    a, b = y[i - 1], y[i]
    return float(tau[i - 1] + (tau[i] - tau[i - 1]) * a / (a - b))


def first_touch(leg) -> float:
    """Time (s, after the nominal contact) at which the sole first reaches the ground.

    Searched from the swing foot's highest point in the second half of the swing, so a
    foot that scuffs the ground in terminal swing touches down there.
    """
    return _crossing(leg, -0.5 * (1.0 - leg.duty) * leg.stride_s, 0.06, down=True, from_extreme=True)


def last_touch(leg) -> float:
    """Time (s, after the nominal contact) at which the sole last leaves the ground (toe-off)."""
    to = leg.duty * leg.stride_s
    tau = np.arange(0.5 * to, to + 0.1, _STEP)
    y = _lowest(leg, tau)
    on = np.nonzero(y <= 0.0)[0]
    if on.size == 0 or on[-1] == tau.size - 1:
        raise ValueError("no toe-off near the nominal one")
    i = on[-1]
    a, b = y[i], y[i + 1]
    return float(tau[i] + (tau[i + 1] - tau[i]) * a / (a - b))


def heel_peak_lead(leg, touch: float) -> float:
    """Time (s) from the heel's forward peak relative to the hip (last 0.25 s of swing) to ``touch``."""
    tau = np.arange(touch - 0.25, touch + _STEP / 2, _STEP)
    _, _, (hx, _), _ = leg.points(tau / leg.stride_s, 0.0, 0.0)
    i = int(np.argmax(hx))
    if 0 < i < tau.size - 1:  # parabola through the peak sample
        a, b, c = hx[i - 1], hx[i], hx[i + 1]
        den = a - 2 * b + c
        off = 0.5 * (a - c) / den if den < 0 else 0.0
    else:
        off = 0.0
    return float(touch - (tau[i] + off * _STEP))


def shank_angle_deg(leg, tau) -> np.ndarray:
    """Knee -> ankle angle from the true vertical (deg, + = ankle ahead) at times ``tau`` (s)."""
    tau = np.atleast_1d(np.asarray(tau, float))
    (kx, ky), (ax, ay), _, _ = leg.points(tau / leg.stride_s, 0.0, 0.0)
    return np.degrees(np.arctan2(ax - kx, ky - ay))


def shank_rate_deg_per_pct(leg, touch: float) -> float:
    """Shank rotation through contact: (angle at +1 % - angle at -1 % of the stride) / 2."""
    d = 0.01 * leg.stride_s
    a = shank_angle_deg(leg, [touch - d, touch + d])
    return float((a[1] - a[0]) / 2.0)


def measure_contact(leg) -> dict:
    """All of the above for one leg model (times in s relative to the nominal contact)."""
    touch = first_touch(leg)
    return {"first_touch_s": touch, "last_touch_s": last_touch(leg),
            "heel_peak_lead_s": heel_peak_lead(leg, touch),
            "shank_rate_deg_per_pct": shank_rate_deg_per_pct(leg, touch)}
