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

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np

__all__ = ["THIGH_REL_DEG", "KNEE_REL_DEG", "ROWS", "THIGH_PEAK_ROW", "KNEE_PEAK_ROW", "KNEE_MIN_PCT", "HEEL_LEAD_PCT",
           "late_swing_angles", "late_swing_pitch", "FOOT_REL_DEG", "SwingCurves", "MEDIAN_CURVES",
           "population_runner", "population_runner_count"]

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


@dataclass(frozen=True)
class SwingCurves:
    """One set of late-swing curves (rows 60-100 of the stride, relative to IC, deg).

    ``heel_lead_pct``: the heel's forward peak (rel. the hip) before IC on these curves, %
    of the stride; ``knee_lead_pct``: the timing reference the leg model's lead solve uses
    (the median curves' knee minimum; per runner, the heel lead scaled by the median ratio).
    """

    thigh_rel_deg: np.ndarray
    knee_rel_deg: np.ndarray
    foot_rel_deg: np.ndarray
    heel_lead_pct: float
    knee_lead_pct: float
    name: str = "median"

    @property
    def thigh_peak_row(self) -> int:
        """Row of the thigh's forward peak (rows 60-95)."""
        return 60 + int(np.argmax(self.thigh_rel_deg[:36]))

    @property
    def knee_peak_row(self) -> int:
        """Row of the knee's swing flexion peak (rows 60-90)."""
        return 60 + int(np.argmax(self.knee_rel_deg[:31]))


MEDIAN_CURVES = SwingCurves(THIGH_REL_DEG, KNEE_REL_DEG, FOOT_REL_DEG, HEEL_LEAD_PCT, KNEE_MIN_PCT)


@lru_cache(maxsize=1)
def _runners() -> dict:
    with files("runform.synth").joinpath("late_swing_runners.npz").open("rb") as f:
        z = np.load(f, allow_pickle=False)
        return {k: z[k] for k in z.files}


def population_runner_count() -> int:
    """How many subject x side curve sets :func:`population_runner` can return."""
    return len(_runners()["subject"])


def population_runner(index: int) -> SwingCurves:
    """One real runner's late-swing curves (``late_swing_runners.npz``, built by
    ``scripts/extract_late_swing_runners.py`` from the same RBDS/RIC mean cycles).

    Following one runner rather than time-scaling the median varies the heel's lead and
    the thigh's retraction over the real range (heel lead 0-4.9 % of the stride) with the
    knee and foot that go with them.
    """
    z = _runners()
    if not 0 <= index < len(z["subject"]):
        raise ValueError(f"population_runner must be in [0, {len(z['subject']) - 1}]")
    lead = float(z["heel_lead_pct"][index])
    if lead < 0.5:
        raise ValueError(f"population runner {index} has no heel lead before contact ({lead:.2f} % of the stride)")
    return SwingCurves(z["thigh_rel_deg"][index].astype(float), z["knee_rel_deg"][index].astype(float),
                       z["foot_rel_deg"][index].astype(float), lead, lead * KNEE_MIN_PCT / HEEL_LEAD_PCT,
                       f"{z['subject'][index]} {z['side'][index]}")


def late_swing_angles(u, *, stride_s: float, swing_s: float, stretch: float, thigh_to: float, thigh_ic: float,
                      knee_to: float, knee_ic: float, knee_peak: float, curves: SwingCurves = MEDIAN_CURVES,
                      **_) -> tuple[np.ndarray, np.ndarray]:
    """Thigh and knee flexion (rad) over the swing fraction ``u`` (0 = toe-off, 1 = IC).

    From the knee's swing peak (thigh: its forward peak) to IC the median real curves,
    time-scaled by ``stretch`` (1: the median timing; 1.5: the approach starts 1.5 times
    earlier, so the heel's forward peak leads contact by ~1.5 times as long), with the
    knee's curve scaled so that it peaks at ``knee_peak``; before that a cosine from the
    toe-off angles. ``curves``: the median curves, or one real runner's
    (:func:`population_runner`). Angles in rad, ``stride_s`` and ``swing_s`` in s.
    """
    u = np.asarray(u, float)
    c = curves
    pct_per_u = swing_s / (0.01 * stride_s * stretch)  # curve rows per unit of u
    row = 100.0 - (1.0 - u) * pct_per_u
    u_th = 1.0 - (100.0 - c.thigh_peak_row) / pct_per_u
    u_kn = 1.0 - (100.0 - c.knee_peak_row) / pct_per_u
    if u_kn < 0.15:
        raise ValueError(f"late-swing stretch {stretch:.2f} leaves no time to flex the knee after toe-off")
    r = np.radians
    th_peak = thigh_ic + r(c.thigh_rel_deg[c.thigh_peak_row - 60])
    th = np.where(u >= u_th, thigh_ic + r(np.interp(row, ROWS, c.thigh_rel_deg)), _ease(u, u_th, thigh_to, th_peak))
    gain = (knee_peak - knee_ic) / r(c.knee_rel_deg[c.knee_peak_row - 60])
    # The knee flexes at its fastest at toe-off (real: ~6 deg/% of the stride), lifting the toe
    # off the belt at once; a zero-slope start left it skimming the belt for ~50 ms.
    kn = np.where(u >= u_kn, knee_ic + gain * r(np.interp(row, ROWS, c.knee_rel_deg)),
                  _ease_out(u, u_kn, knee_to, knee_peak))
    return th, kn


def _ease(u, u_end, start, end):
    """Cosine from ``start`` at u = 0 to ``end`` at ``u_end`` (zero slope at both ends)."""
    w = np.clip(u / u_end, 0.0, 1.0)
    return start + (end - start) * 0.5 * (1.0 - np.cos(np.pi * w))


def _ease_out(u, u_end, start, end):
    """Quarter sine from ``start`` at u = 0 (at its fastest) to ``end`` at ``u_end`` (zero slope)."""
    w = np.clip(u / u_end, 0.0, 1.0)
    return start + (end - start) * np.sin(0.5 * np.pi * w)


def late_swing_pitch(u, swing_pitch, *, stride_s: float, swing_s: float, stretch: float, pitch_ic: float,
                     curves: SwingCurves = MEDIAN_CURVES, **_) -> np.ndarray:
    """Foot pitch (rad, heel -> toe, + toes up) over the swing fraction ``u``.

    The real foot curve (time-scaled like :func:`late_swing_angles`) added to ``pitch_ic``,
    handed over from the model's own ``swing_pitch`` over :data:`FOOT_BLEND_ROWS`.
    """
    u = np.asarray(u, float)
    row = 100.0 - (1.0 - u) * swing_s / (0.01 * stride_s * stretch)
    w = np.clip((row - FOOT_BLEND_ROWS[0]) / (FOOT_BLEND_ROWS[1] - FOOT_BLEND_ROWS[0]), 0.0, 1.0)
    real = pitch_ic + np.radians(np.interp(row, ROWS, curves.foot_rel_deg))
    return (1.0 - w) * swing_pitch + w * real
