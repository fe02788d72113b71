"""The per-contact record: one frozen, typed row per foot contact.

:func:`runform.metrics.stance.stance_metrics` makes them; later stages (scale, stiffness,
plausibility, the classifier) return new records with :meth:`Contact.with_values` and never
change one in place. A record also reads as a mapping (``contact["shin_angle_ic_deg"]``,
``contact.get(name)``), so code that walks the metric registry by name, and the same code on a
``metrics.json`` contact (a plain dict), need no second path.

Units and signs of every metric field are in :mod:`runform.metrics.registry`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Contact(Mapping):
    """One foot contact (initial contact to toe-off) and what was measured on it.

    Attributes
    ----------
    foot : {"left", "right"}
    ic_time_s, to_time_s : float, float or None
        Initial contact and toe-off, seconds on the input's clock.
    ic_evidence, to_evidence : str or None
        What decided each event (:class:`runform.gait.events.Stance`).
    shin_angle_source : {"silhouette", "landmarks"}
        Which line ``shin_angle_ic_deg`` is; ``shin_angle_ic_landmark_deg`` is always the landmarks'.
    foot_angle_ic_raw_deg : float or None
        Heel->toe pitch at IC before the foot-flat offset (+ toe up); not written out.
    foot_strike : {"rearfoot", "midfoot", "forefoot"} or None
    overstride_probability, overstriding : float or None, bool or None
        The classifier's probability and its decision at the model's threshold (None when
        excluded or no model ran).
    excluded, exclusion_reason : bool, str or None
        Not plausible running (:mod:`runform.metrics.plausibility`), and why.

    The remaining fields are the registry's per-contact metrics, None where not measurable.
    """

    foot: str
    ic_time_s: float
    to_time_s: float | None = None
    ic_evidence: str | None = None
    to_evidence: str | None = None
    contact_time_s: float | None = None
    flight_time_s: float | None = None
    step_time_s: float | None = None
    duty_factor: float | None = None
    shin_angle_ic_deg: float | None = None
    shin_angle_source: str | None = None
    shin_angle_ic_landmark_deg: float | None = None
    foot_angle_ic_raw_deg: float | None = None
    foot_strike_angle_ic_deg: float | None = None
    foot_strike: str | None = None
    knee_flexion_ic_deg: float | None = None
    knee_flexion_peak_stance_deg: float | None = None
    knee_flexion_excursion_deg: float | None = None
    overstride_pct_leg: float | None = None
    overstride_cm: float | None = None
    trunk_lean_deg: float | None = None
    vertical_oscillation_pct_leg: float | None = None
    vertical_oscillation_cm: float | None = None
    vertical_stiffness_kn_m_kg: float | None = None
    vertical_stiffness_kn_m: float | None = None
    leg_stiffness_kn_m_kg: float | None = None
    leg_stiffness_kn_m: float | None = None
    speed_m_s: float | None = None
    overstride_probability: float | None = None
    overstriding: bool | None = None
    excluded: bool = False
    exclusion_reason: str | None = None

    def __post_init__(self) -> None:
        if self.foot not in ("left", "right"):
            raise ValueError(f"foot must be 'left' or 'right', got {self.foot!r}")

    def with_values(self, **changes) -> "Contact":
        """A new record with ``changes``; an unknown field is a TypeError."""
        return replace(self, **changes)

    # Read-only mapping over the fields, in declaration order.
    def __getitem__(self, key: str):
        if key not in FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self):
        return iter(FIELDS)

    def __len__(self) -> int:
        return len(FIELDS)


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Contact))

__all__ = ["Contact", "FIELDS"]
