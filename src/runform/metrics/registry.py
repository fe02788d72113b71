"""The metric registry: every metric runform reports, described once.

Each :class:`Metric` holds what a reader needs to show or compare the number: its key (in
each contact, ``summary`` and the CSV header, which ends in the unit), its label, unit,
definition and sign convention, the traffic-light band (:class:`Band`, read from the
coaching :class:`runform.report.thresholds.Thresholds`), which direction is better, the decimals
every output rounds it to, and how it is summarised. The summary, the printed table, the
CSV and JSON, the report, compare, the batch index and the classifier's feature units all
read this table, so adding a metric is one entry here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .proxies import PROXY_NOTES

__all__ = ["Band", "Metric", "METRICS", "REGISTRY", "CONTACT_METRICS", "TABLE_METRICS", "band",
           "band_text", "fmt", "rounded", "finite"]


def finite(v) -> float | None:
    """``float(v)`` when it is a finite number, else None."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class Band:
    """Traffic-light limits, as names of :class:`runform.report.thresholds.Thresholds` fields.

    ``amber``/``red`` bound the high side when ``high_bad`` (green <= amber < red), the low
    side otherwise (green >= amber > red). ``low_amber``/``low_red`` add a second, low-side
    limit to a high-bad metric whose both ends are wrong (trunk lean: leaning back is not
    green either).
    """

    amber: str
    red: str
    high_bad: bool = True
    low_amber: str | None = None
    low_red: str | None = None


@dataclass(frozen=True)
class Metric:
    """One reported metric.

    Attributes
    ----------
    name : str
        Key in each contact, in ``summary`` and in the CSV header (ending in its unit).
    label : str
        What a clinician calls it, the same in every output.
    unit : str
        Display unit ("" for a ratio).
    definition : str
        What it measures, with the sign convention.
    better : {"lower", "higher", None}
        Which change is an improvement; None when neither is.
    decimals : int
        Decimals in every printed or written output.
    summary : {"median", "clip", "verdict"}
        How the session summarises it: ``median`` (measured per contact; median, IQR and n
        over the counted contacts, overall and per foot), ``clip`` (one value of the whole
        clip: cadence, the arm proxies) or ``verdict`` (per contact, summarised only by the
        overstriding verdict).
    band : Band or None
        Traffic-light band, None when unbanded.
    table : bool
        A row of the printed summary table.
    near_leg_in_video : bool
        Read through mid-stance, when a side view shows the far leg behind the swinging near
        one: from a camera (video, OpenPose) the session value is the near leg's median (both
        legs stay in the per-foot values). On the two real treadmill clips the far knee's
        excursion read 4 and 2 deg against the near knee's 19 and 31.
    """

    name: str
    label: str
    unit: str
    definition: str
    better: str | None = None
    decimals: int = 1
    summary: str = "median"
    band: Band | None = None
    table: bool = False
    near_leg_in_video: bool = False


_STIFF_PER_KG = " Per kg of body mass, so it is comparable between runners and needs no mass."
_STIFF_ABS = " Absolute: only with --mass-kg (null otherwise)."

METRICS: tuple[Metric, ...] = (
    Metric("cadence_spm", "Cadence", "steps/min", "Steps per minute: 60 / median step time (both feet).",
           "higher", 1, "clip", Band("cadence_amber_spm", "cadence_red_spm", False), True),
    Metric("shin_angle_ic_deg", "Shin angle at contact", "deg",
           "Knee-to-ankle line from the true vertical at initial contact; + when the ankle lands ahead of the "
           "knee (overstriding). About 0 is the target.", "lower", 1, band=Band("shin_amber_deg", "shin_red_deg"),
           table=True),
    Metric("foot_strike_angle_ic_deg", "Foot strike angle", "deg",
           "Heel-to-toe pitch at contact minus the flat-foot pitch in mid-stance; + = toes up. > 8 deg rearfoot, "
           "< -1.6 deg forefoot (Altman & Davis 2012).", table=True),
    Metric("knee_flexion_ic_deg", "Knee flexion at contact", "deg",
           "Thigh (hip -> knee) minus shank (the shin line) from vertical at contact; 0 = straight.",
           table=True),
    Metric("knee_flexion_peak_stance_deg", "Peak stance knee flexion", "deg",
           "Largest knee flexion between contact and toe-off.", near_leg_in_video=True),
    Metric("knee_flexion_excursion_deg", "Knee flexion excursion", "deg", PROXY_NOTES["knee_flexion_excursion_deg"],
           "higher", band=Band("knee_excursion_amber_deg", "knee_excursion_red_deg", False), table=True,
           near_leg_in_video=True),
    Metric("overstride_pct_leg", "Overstride (heel ahead of hip)", "% leg",
           "Heel ahead of the pelvis centre at contact, horizontally, in % of leg length (thigh + shank).",
           "lower", band=Band("overstride_amber_pct_leg", "overstride_red_pct_leg"), table=True),
    Metric("overstride_cm", "Overstride (heel ahead of hip), cm", "cm",
           "The same in centimetres (needs metric keypoints or the runner's height).", "lower", table=True),
    Metric("trunk_lean_deg", "Trunk lean", "deg",
           "Pelvis centre to mid-shoulders from the true vertical at contact; + = forward.",
           band=Band("trunk_amber_deg", "trunk_red_deg", True, "trunk_back_amber_deg", "trunk_back_red_deg"),
           table=True),
    Metric("contact_time_s", "Contact time", "s", "Initial contact to toe-off.", decimals=3, table=True),
    Metric("flight_time_s", "Flight time", "s", "Toe-off to the next contact of the other foot.", decimals=3,
           table=True),
    Metric("step_time_s", "Step time", "s", "This contact to the next contact of the other foot.", decimals=3),
    Metric("duty_factor", "Duty factor", "", "Contact time / stride time.", decimals=2, table=True),
    Metric("vertical_oscillation_pct_leg", "Vertical oscillation", "% leg",
           "Range of pelvis height over one stride, % leg length.", "lower",
           band=Band("oscillation_amber_pct_leg", "oscillation_red_pct_leg"), table=True),
    Metric("vertical_oscillation_cm", "Vertical oscillation, cm", "cm",
           "The same in centimetres (needs metric keypoints or the runner's height).", "lower", table=True),
    Metric("vertical_stiffness_kn_m_kg", "Vertical stiffness per kg", "kN/m/kg",
           PROXY_NOTES["vertical_stiffness_kn_m"] + _STIFF_PER_KG, decimals=3),
    Metric("vertical_stiffness_kn_m", "Vertical stiffness", "kN/m",
           PROXY_NOTES["vertical_stiffness_kn_m"] + _STIFF_ABS),
    Metric("leg_stiffness_kn_m_kg", "Leg stiffness per kg", "kN/m/kg",
           PROXY_NOTES["leg_stiffness_kn_m"] + _STIFF_PER_KG, decimals=3),
    Metric("leg_stiffness_kn_m", "Leg stiffness", "kN/m", PROXY_NOTES["leg_stiffness_kn_m"] + _STIFF_ABS),
    Metric("speed_m_s", "Speed", "m/s",
           "The planted toe's backward speed relative to the pelvis, 30-90% of contact.", decimals=2),
    Metric("overstride_probability", "Overstriding probability", "",
           "The overstriding classifier's probability for this contact.", "lower", 2, "verdict"),
    Metric("shoulder_elevation_ratio", "Shoulder elevation ratio", "", PROXY_NOTES["shoulder_elevation_ratio"],
           "higher", 2, "clip", Band("shoulder_ratio_amber", "shoulder_ratio_red", False)),
    Metric("elbow_angle_deg", "Elbow angle", "deg", PROXY_NOTES["elbow_angle_deg"], None, 1, "clip",
           Band("elbow_amber_deg", "elbow_red_deg", False)),
)

REGISTRY: dict[str, Metric] = {m.name: m for m in METRICS}
#: Per-contact metrics summarised as median/IQR/n.
CONTACT_METRICS: tuple[Metric, ...] = tuple(m for m in METRICS if m.summary == "median")
#: Rows of the printed summary table, in order.
TABLE_METRICS: tuple[Metric, ...] = tuple(m for m in METRICS if m.table)


#: Decimals written for the contact fields that are not metrics: event times to 0.1 ms, the
#: landmark shin line as the shin angle.
FIELD_DECIMALS = {"ic_time_s": 4, "to_time_s": 4, "shin_angle_ic_landmark_deg": 2}


def rounded(name: str, value):
    """``value`` rounded to one decimal more than the metric is shown with (what it means, no more).

    Non-numbers and names neither in the registry nor in :data:`FIELD_DECIMALS` pass through unchanged.
    """
    m = REGISTRY.get(name)
    decimals = m.decimals + 1 if m is not None else FIELD_DECIMALS.get(name)
    v = finite(value) if not isinstance(value, bool) else None
    if decimals is None or v is None:
        return value
    return round(v, decimals)


def fmt(m: Metric | str, value, missing: str = "-") -> str:
    """``value`` with the metric's decimals (the same in every output); ``missing`` when absent."""
    m = REGISTRY[m] if isinstance(m, str) else m
    v = finite(value)
    return missing if v is None else f"{v:.{m.decimals}f}"


def band(name: str, value, t) -> str | None:
    """``"green"``, ``"amber"`` or ``"red"`` for a value under thresholds ``t``; None when unbanded or missing.

    A value exactly on a limit takes the better side (green at amber, amber at red).
    """
    m, v = REGISTRY.get(name), finite(value)
    if m is None or m.band is None or v is None:
        return None
    b = m.band
    amber, red = getattr(t, b.amber), getattr(t, b.red)
    if b.high_bad:
        if v > red or (b.low_red and v < getattr(t, b.low_red)):
            return "red"
        if v > amber or (b.low_amber and v < getattr(t, b.low_amber)):
            return "amber"
        return "green"
    return "red" if v < red else "amber" if v < amber else "green"


def band_text(name: str, t) -> str:
    """The bands in words, e.g. ``"green <= 5, amber 5-10, red > 10"``; "" when unbanded."""
    m = REGISTRY.get(name)
    if m is None or m.band is None:
        return ""
    b = m.band
    a, r = (f"{getattr(t, n):g}" for n in (b.amber, b.red))
    if not b.high_bad:
        return f"green >= {a}, amber {r}-{a}, red < {r}"
    if b.low_amber:
        la, lr = (f"{getattr(t, n):g}" for n in (b.low_amber, b.low_red))
        return f"green {la} to {a}, amber {lr} to {la} or {a}-{r}, red < {lr} or > {r}"
    return f"green <= {a}, amber {a}-{r}, red > {r}"


def banded() -> tuple[Metric, ...]:
    """Every metric with a band."""
    return tuple(m for m in METRICS if m.band is not None)
