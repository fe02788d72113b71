"""Per-stride features of the overstriding classifier.

The model sees only what :func:`runform.pipeline.analyze_keypoints` measures on one
contact (2D, noisy), never the ground truth the label is defined on (see
``docs/overstriding.md``). Missing values stay NaN here; the model's own
``SimpleImputer`` (inside the exported ONNX graph) fills them, so the run-time rule
for missing inputs is part of the model file, not of this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from ..metrics.registry import REGISTRY

#: Standard gravity (m/s^2), for the Froude-style cadence normalisation.
G = 9.81


@dataclass(frozen=True)
class Feature:
    """One model input column."""

    name: str
    unit: str
    description: str


def _measured(name: str) -> Feature:
    """A per-contact metric as a model input: unit and definition from the metric registry."""
    m = REGISTRY[name]
    return Feature(name, m.unit or "1", m.definition)


#: The model's input columns, in order. The ONNX card stores the same names; a model
#: whose card lists other names or another order is refused at load time.
FEATURES: tuple[Feature, ...] = (
    _measured("shin_angle_ic_deg"),
    _measured("overstride_pct_leg"),
    _measured("knee_flexion_ic_deg"),
    _measured("foot_strike_angle_ic_deg"),
    Feature("cadence_norm", "1",
            "step frequency x sqrt(leg length / g): cadence made independent of body size "
            "(NaN when leg length in metres is unknown)"),
    _measured("duty_factor"),
    _measured("trunk_lean_deg"),
    Feature("shin_angle_foot_median_deg", "deg",
            "median shin angle at IC over all contacts of the same foot in the recording"),
    Feature("overstride_foot_median_pct_leg", "% leg length",
            "median overstride over all contacts of the same foot in the recording"),
    Feature("knee_flexion_foot_median_deg", "deg",
            "median knee flexion at IC over all contacts of the same foot in the recording"),
)
#: Session-context columns and the per-stride column each summarises. A runner's true
#: angles vary by only 1-2 deg between contacts, while one contact's video measurement errs by
#: several degrees, so the same-foot median tells the model much about each stride.
SESSION_OF: Mapping[str, str] = {
    "shin_angle_ic_deg": "shin_angle_foot_median_deg",
    "overstride_pct_leg": "overstride_foot_median_pct_leg",
    "knee_flexion_ic_deg": "knee_flexion_foot_median_deg",
}
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)

#: Values outside these physical ranges are measurement failures, not runners: they
#: become NaN (imputed) rather than extrapolating the model. (lo, hi) per feature.
PLAUSIBLE: Mapping[str, tuple[float, float]] = {
    "shin_angle_ic_deg": (-40.0, 45.0),
    "overstride_pct_leg": (-60.0, 90.0),
    "knee_flexion_ic_deg": (-20.0, 90.0),
    "foot_strike_angle_ic_deg": (-50.0, 60.0),
    "cadence_norm": (0.3, 2.0),
    "duty_factor": (0.1, 0.8),
    "trunk_lean_deg": (-30.0, 45.0),
    "shin_angle_foot_median_deg": (-40.0, 45.0),
    "overstride_foot_median_pct_leg": (-60.0, 90.0),
    "knee_flexion_foot_median_deg": (-20.0, 90.0),
}


def _num(v) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return float("nan")
    return x if np.isfinite(x) else float("nan")


def cadence_norm(step_time_s: float, leg_length_m: float | None) -> float:
    """Step frequency (1/s) times sqrt(leg length / g): dimensionless, NaN when unknown.

    A taller runner's natural cadence is lower (pendulum scaling, f ~ sqrt(g / L)), so
    the raw cadence would confound size with overstriding.
    """
    st, leg = _num(step_time_s), _num(leg_length_m)
    if not (st > 0 and leg > 0):
        return float("nan")
    return float(np.sqrt(leg / G) / st)


def stride_features(contacts: Iterable[Mapping], leg_length_m: float | None = None) -> np.ndarray:
    """Feature matrix of per-stride dicts.

    Parameters
    ----------
    contacts : iterable of mapping
        All per-stride dicts of one recording, as produced by
        :func:`runform.metrics.stance.stance_metrics` (``None`` for unmeasured values).
        The ``*_foot_median_*`` columns summarise the contacts of the same ``foot`` in
        this list, so pass the whole recording, not a subset.
    leg_length_m : float or None
        Hip-to-ankle length in metres, for ``cadence_norm``; None when the keypoints
        have no metric scale (a video without ``--height-cm``).

    Returns
    -------
    ndarray, float32, shape (n_contacts, len(FEATURES))
        Columns in :data:`FEATURE_NAMES` order; NaN where missing or implausible.
    """
    contacts = list(contacts)
    idx = {name: i for i, name in enumerate(FEATURE_NAMES)}
    x = np.full((len(contacts), len(FEATURES)), np.nan)
    for i, s in enumerate(contacts):
        for name in FEATURE_NAMES:
            if name == "cadence_norm":
                x[i, idx[name]] = cadence_norm(s.get("step_time_s"), leg_length_m)
            elif name not in SESSION_OF.values():
                x[i, idx[name]] = _num(s.get(name))
    x = _implausible_to_nan(x)
    feet = np.array([str(s.get("foot")) for s in contacts], dtype=object)
    for per_stride, session in SESSION_OF.items():
        col = x[:, idx[per_stride]]
        for foot in set(feet):
            m = feet == foot
            vals = col[m][np.isfinite(col[m])]
            x[m, idx[session]] = np.median(vals) if vals.size else np.nan
    return x.astype(np.float32)


def _implausible_to_nan(x: np.ndarray) -> np.ndarray:
    lo = np.array([PLAUSIBLE[n][0] for n in FEATURE_NAMES])
    hi = np.array([PLAUSIBLE[n][1] for n in FEATURE_NAMES])
    with np.errstate(invalid="ignore"):
        return np.where((x >= lo) & (x <= hi), x, np.nan)


def leg_length_metres(leg_length: float, centimetres_per_unit: float | None) -> float | None:
    """Leg length in metres from the keypoint-unit length and the unit scale (None if unknown)."""
    if centimetres_per_unit is None or not np.isfinite(_num(leg_length)):
        return None
    return float(leg_length) * float(centimetres_per_unit) / 100.0


def analysis_features(analysis) -> np.ndarray:
    """:func:`stride_features` of a :class:`runform.pipeline.Analysis`."""
    leg_m = leg_length_metres(analysis.geometry.leg_length, analysis.diagnostics.get("centimetres_per_unit"))
    return stride_features(analysis.contacts, leg_m)


def document_features(doc: Mapping) -> np.ndarray:
    """:func:`stride_features` of a parsed ``metrics.json`` document."""
    leg = (doc.get("runner") or {}).get("leg_length")
    leg_m = leg_length_metres(leg, (doc.get("diagnostics") or {}).get("centimetres_per_unit"))
    return stride_features(doc.get("contacts") or [], leg_m)


__all__ = ["Feature", "FEATURES", "FEATURE_NAMES", "PLAUSIBLE", "SESSION_OF", "stride_features", "cadence_norm",
           "leg_length_metres", "analysis_features", "document_features"]
