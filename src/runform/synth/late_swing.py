"""Real late-swing thigh and knee curves for the synthetic runner (the swing into contact).

How the leg comes down onto the belt decides what a video detector sees at initial
contact (IC): real runners stop the thigh and straighten the knee *before* contact,
so the shank is nearly still at touchdown (RBDS/RIC median: +2.3 deg from 4 % of the
stride before IC to IC, then turning back -7.4 deg over the next 4 %) and the heel comes
down smoothly. A keyframed swing that retracts the thigh into contact turned the shank
~17 deg in the last 4 % and lifted the heel ~8 cm before slamming it down, so a
detector one frame late read the shin 10-20 deg low on renders but not on real video.

The curves are the per-row medians over 105 subject x side mean gait cycles (RBDS 28 +
RIC 25 runners, treadmill 2.5 m/s; rows 60-100 of the 101-point cycle, row 100 = IC),
relative to each curve's value at IC, in degrees: thigh from the downward vertical
(+ forward), knee flexion (+ flexed). Source: Fukuchi RK, Fukuchi CA, Duarte M (2017),
PeerJ 5:e3298, doi:10.7717/peerj.3298, and the mean-cycle arrays of
``regifukuchi/BMC-RIC-running-biomechanics`` (CC BY 4.0), as prepared in
``../shared/data/population`` (not part of this repository).
"""

from __future__ import annotations

import numpy as np

__all__ = ["THIGH_REL_DEG", "KNEE_REL_DEG", "ROWS", "THIGH_PEAK_ROW", "KNEE_PEAK_ROW", "KNEE_MIN_PCT", "HEEL_LEAD_PCT",
           "late_swing_angles", "late_swing_pitch", "FOOT_REL_DEG"]

#: Stride rows (% of the stride, 100 = IC) of the tables below.
ROWS = np.arange(60, 101, dtype=float)
THIGH_REL_DEG = np.array([
    -18.5, -16.4, -14.6, -12.1, -10.3, -8.1, -5.5, -4.2, -2.4, -0.6, 1.2, 2.8, 4.1, 5.7, 7.3, 8.2, 9.3, 10.1,
    10.6, 10.9, 11.1, 11.1, 11.2, 10.8, 10.1, 9.5, 8.8, 7.8, 6.8, 5.7, 4.7, 3.7, 2.9, 2.1, 1.4, 0.9, 0.5, 0.2,
    0.0, -0.0, 0.0])
KNEE_REL_DEG = np.array([
    63.1, 66.3, 69.2, 71.9, 74.2, 76.0, 77.9, 79.2, 79.9, 80.3, 80.2, 79.7, 79.3, 78.3, 77.4, 75.8, 73.5, 71.1,
    68.1, 65.3, 62.1, 58.1, 53.7, 48.7, 44.2, 39.2, 34.5, 29.6, 24.7, 19.7, 15.5, 11.7, 8.0, 5.0, 2.6, 0.9,
    -0.5, -1.1, -1.2, -0.9, 0.0])
#: The foot against the ground (+ toes up), relative to IC: it plantarflexes early in the
#: swing, comes up to 2.3 deg above its IC pitch 3 % before IC and tips 2 deg toes-down into
#: contact.
FOOT_REL_DEG = np.array([
    -96.4, -96.5, -96.3, -95.6, -94.6, -93.5, -92.1, -90.5, -88.6, -86.0, -83.4, -80.5, -77.6, -74.5, -71.0,
    -67.8, -64.6, -61.3, -57.9, -54.2, -50.4, -46.7, -42.5, -38.2, -34.1, -30.2, -26.4, -22.3, -18.3, -14.5,
    -11.1, -8.3, -5.1, -2.6, -0.6, 0.9, 1.9, 2.3, 2.1, 1.3, 0.0])
#: Rows over which the swing foot's own pitch hands over to the curve's.
FOOT_BLEND_ROWS = (60.0, 75.0)
THIGH_PEAK_ROW = 82  #: the thigh's forward peak (18 % of the stride before IC)
KNEE_PEAK_ROW = 69  #: the knee's swing flexion peak (31 % before IC)
#: The knee's late-swing extension minimum, % of the stride before IC (rows 97-98).
KNEE_MIN_PCT = 2.0
#: The heel's forward peak (rel. the hip) before IC on these curves, % of the stride
#: (scripts/population_contact_ranges.py: median 2.9).
HEEL_LEAD_PCT = 2.9


def late_swing_angles(u, *, stride_s: float, swing_s: float, stretch: float, thigh_to: float, thigh_ic: float,
                      knee_to: float, knee_ic: float, knee_peak: float, **_) -> tuple[np.ndarray, np.ndarray]:
    """Thigh and knee flexion (rad) over the swing fraction ``u`` (0 = toe-off, 1 = IC).

    From the knee's swing peak (thigh: its forward peak) to IC the median real curves,
    time-scaled by ``stretch`` (1: the median timing; 1.5: the approach starts 1.5 times
    earlier, so the heel's forward peak leads contact by ~1.5 times as long), with the
    knee's curve scaled so that it peaks at ``knee_peak``; before that a cosine from the
    toe-off angles. Angles in rad, ``stride_s`` and ``swing_s`` in s.
    """
    u = np.asarray(u, float)
    pct_per_u = swing_s / (0.01 * stride_s * stretch)  # curve rows per unit of u
    row = 100.0 - (1.0 - u) * pct_per_u
    u_th = 1.0 - (100.0 - THIGH_PEAK_ROW) / pct_per_u
    u_kn = 1.0 - (100.0 - KNEE_PEAK_ROW) / pct_per_u
    if u_kn < 0.15:
        raise ValueError(f"late-swing stretch {stretch:.2f} leaves no time to flex the knee after toe-off")
    r = np.radians
    th_peak = thigh_ic + r(THIGH_REL_DEG[THIGH_PEAK_ROW - 60])
    th = np.where(u >= u_th, thigh_ic + r(np.interp(row, ROWS, THIGH_REL_DEG)), _ease(u, u_th, thigh_to, th_peak))
    gain = (knee_peak - knee_ic) / r(KNEE_REL_DEG[KNEE_PEAK_ROW - 60])
    kn = np.where(u >= u_kn, knee_ic + gain * r(np.interp(row, ROWS, KNEE_REL_DEG)), _ease(u, u_kn, knee_to, knee_peak))
    return th, kn


def _ease(u, u_end, start, end):
    """Cosine from ``start`` at u = 0 to ``end`` at ``u_end`` (zero slope at both ends)."""
    w = np.clip(u / u_end, 0.0, 1.0)
    return start + (end - start) * 0.5 * (1.0 - np.cos(np.pi * w))


def late_swing_pitch(u, swing_pitch, *, stride_s: float, swing_s: float, stretch: float, pitch_ic: float,
                     **_) -> np.ndarray:
    """Foot pitch (rad, heel -> toe, + toes up) over the swing fraction ``u``.

    The real foot curve (time-scaled like :func:`late_swing_angles`) added to ``pitch_ic``,
    handed over from the model's own ``swing_pitch`` over :data:`FOOT_BLEND_ROWS`.
    """
    u = np.asarray(u, float)
    row = 100.0 - (1.0 - u) * swing_s / (0.01 * stride_s * stretch)
    w = np.clip((row - FOOT_BLEND_ROWS[0]) / (FOOT_BLEND_ROWS[1] - FOOT_BLEND_ROWS[0]), 0.0, 1.0)
    real = pitch_ic + np.radians(np.interp(row, ROWS, FOOT_REL_DEG))
    return (1.0 - w) * swing_pitch + w * real
