"""Minimal detectable change (MDC) of every compared metric, with where each value comes from.

A before/after difference counts as a **real change** only when it is larger than the
smallest change the measurement can detect between two sessions. That threshold has two
sources, and the larger one is used:

* **Published test-retest reliability of 2D video running analysis.** Dingenen, Barton,
  Janssen, Benoit & Malliaras (2018), *Test-retest reliability of two-dimensional video
  analysis during running*, Phys Ther Sport 33:40-47, doi:10.1016/j.ptsp.2018.06.009:
  21 recreational runners filmed twice one week apart, the mean of 10 steps per leg. The
  abstract reports smallest detectable differences (SDD = 1.96 x sqrt(2) x SEM) as ranges
  over groups of variables: lateral trunk position, femoral adduction and **foot
  inclination at initial contact 1.3-2.3 deg**; **tibia inclination at initial contact**
  and ankle dorsiflexion 2.2-4.8 deg; hip adduction and **knee flexion (mid-stance)**
  2.3-3.8 deg. The per-variable values of their table were not checked here, so the
  **upper end of each range** is used (conservative). Between-day SDDs include real
  day-to-day variation of the runner, which is what a before/after comparison faces.
* **This tool's own measurement error** (README "Accuracy"): per-contact mean absolute
  error against 3D motion capture and force plates, taking the larger (overground) trial:
  shin angle 1.6 deg, foot angle 2.6 deg (3.6 overground), knee flexion 1.4 deg, heel ahead of
  pelvis 1.4 % leg, contact time 11 ms, cadence 1.3 spm (0.35 % on real video). It is
  turned into an MDC as ``1.96 * sqrt(2) * error`` (Weir 2005, J Strength Cond Res 19:231),
  treating the error as the standard error of measurement of one session.

Metrics with neither a published figure nor a measured error carry a **working value** of
this tool, said so in :data:`MDC_SOURCES`. Override any value with
``dataclasses.replace(MinimalDetectableChange(), shin_angle_ic_deg=3.0)`` or
``runform compare --mdc shin_angle_ic_deg=3``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from ..errors import ConfigError

#: 1.96 x sqrt(2): turns a standard error of measurement into a 95 % minimal detectable change.
MDC95_FACTOR = 1.96 * math.sqrt(2.0)


def mdc_from_error(error: float) -> float:
    """95 % minimal detectable change from a measurement error (SEM), same units."""
    return MDC95_FACTOR * float(error)


@dataclass(frozen=True)
class MinimalDetectableChange:
    """MDC95 per metric, in the metric's own units (see :data:`MDC_SOURCES` for each value).

    Attributes
    ----------
    cadence_spm : float
        steps/min. Own error 1.3 spm (overground mocap) -> 3.6.
    shin_angle_ic_deg : float
        deg. Dingenen 2018 tibia inclination at IC, upper end 4.8 (own: 1.6 deg -> 4.4).
    foot_strike_angle_ic_deg : float
        deg. Own error 2.6 deg (mocap) -> 7.2 (Dingenen foot inclination <= 2.3).
    knee_flexion_ic_deg : float
        deg. Own 1.4 deg -> 3.9 (Dingenen knee flexion mid-stance <= 3.8).
    knee_flexion_excursion_deg : float
        deg. Working value: as knee flexion at contact.
    overstride_pct_leg : float
        % leg length. Own 1.4 % leg -> 3.9.
    overstride_cm : float
        cm. Own 1.4 % of a 0.87 m leg = 1.2 cm -> 3.4.
    trunk_lean_deg : float
        deg. Working value (no measured error; shoulder landmarks 2.5-3.2 % leg): 4.0.
    contact_time_s, flight_time_s : float
        s. Own 11 ms (overground mocap) -> 0.031. Video toe-off reads early (systematic).
    duty_factor : float
        fraction. Working value from the contact-time error over a 0.7 s stride: 0.045.
    vertical_oscillation_pct_leg : float
        % leg length. Working value (pelvis landmark error ~3 % leg, mostly a bias): 1.5.
    """

    cadence_spm: float = round(mdc_from_error(1.3), 1)
    shin_angle_ic_deg: float = 4.8
    foot_strike_angle_ic_deg: float = round(mdc_from_error(2.6), 1)
    knee_flexion_ic_deg: float = round(mdc_from_error(1.4), 1)
    knee_flexion_excursion_deg: float = round(mdc_from_error(1.4), 1)
    overstride_pct_leg: float = round(mdc_from_error(1.4), 1)
    overstride_cm: float = round(mdc_from_error(1.2), 1)
    trunk_lean_deg: float = 4.0
    contact_time_s: float = round(mdc_from_error(0.0113), 3)
    flight_time_s: float = round(mdc_from_error(0.0113), 3)
    duty_factor: float = 0.045
    vertical_oscillation_pct_leg: float = 1.5

    def get(self, metric: str) -> float | None:
        """The MDC of ``metric``, or None when it has none."""
        return getattr(self, metric, None)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_DINGENEN = ("Dingenen et al. 2018, Phys Ther Sport 33:40 (2D video, 1 week apart; abstract range, "
             "upper end used)")
_OWN = "runform README 'Accuracy' (validate_mocap.py), MDC = 1.96 x sqrt(2) x error"

#: Where each default value comes from (shown in compare.html and compare.json).
MDC_SOURCES: dict[str, str] = {
    "cadence_spm": f"{_OWN}: cadence error 1.3 spm overground (0.5 spm treadmill, +0.35 % real video)",
    "shin_angle_ic_deg": f"{_DINGENEN}: tibia inclination at IC / ankle dorsiflexion SDD 2.2-4.8 deg; "
                         f"own error 1.6 deg overground -> 4.4 deg",
    "foot_strike_angle_ic_deg": f"{_OWN}: foot angle 2.6 deg (Dingenen 2018 foot inclination SDD <= 2.3 deg "
                                "is smaller, so ours decides); MediaPipe heel/toe points bias flat landings",
    "knee_flexion_ic_deg": f"{_OWN}: knee flexion 1.4 deg overground; Dingenen 2018 knee flexion "
                           "(mid-stance) SDD 2.3-3.8 deg",
    "knee_flexion_excursion_deg": "working value of this tool: taken equal to knee flexion at contact",
    "overstride_pct_leg": f"{_OWN}: heel ahead of pelvis 1.4 % leg overground (no published 2D figure)",
    "overstride_cm": f"{_OWN}: 1.4 % of a 0.87 m leg = 1.2 cm",
    "trunk_lean_deg": "working value of this tool (sagittal trunk lean error not measured yet)",
    "contact_time_s": f"{_OWN}: contact time 11 ms overground; from video toe-off reads 12-57 ms early, "
                      "a bias that cancels only when both sessions are filmed alike",
    "flight_time_s": f"{_OWN}: as contact time",
    "duty_factor": "working value of this tool: contact-time MDC over a 0.7 s stride",
    "vertical_oscillation_pct_leg": "working value of this tool (pelvis height error not measured yet)",
}


def parse_overrides(items: tuple[str, ...] | list[str], base: MinimalDetectableChange | None = None
                    ) -> MinimalDetectableChange:
    """Apply ``name=value`` overrides (e.g. from ``--mdc``) to the default MDC table.

    Raises
    ------
    ConfigError
        On an unknown metric name, a missing ``=`` or a value that is not a positive number.
    """
    base = base or MinimalDetectableChange()
    known = {f.name for f in fields(MinimalDetectableChange)}
    values: dict[str, float] = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        name = name.strip()
        if not sep:
            raise ConfigError(f"--mdc wants NAME=VALUE, got {item!r}")
        if name not in known:
            raise ConfigError(f"unknown MDC metric {name!r} (known: {', '.join(sorted(known))})")
        try:
            v = float(value)
        except ValueError:
            raise ConfigError(f"MDC for {name} must be a number, got {value!r}") from None
        if not (v >= 0 and math.isfinite(v)):
            raise ConfigError(f"MDC for {name} must be a finite number >= 0, got {value!r}")
        values[name] = v
    return replace(base, **values)


__all__ = ["MinimalDetectableChange", "MDC_SOURCES", "MDC95_FACTOR", "mdc_from_error", "parse_overrides"]
