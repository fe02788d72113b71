"""Writers for metrics.json and contacts.csv. Every file is written atomically."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from . import __version__
from .atomic import write_text_atomic
from .metrics.proxies import PROXY_NOTES
from .metrics.registry import rounded
from .pipeline import Analysis

#: Bumped when a field changes meaning or is removed (adding fields does not bump it).
#: 1.1: for video, ``shin_angle_ic_deg`` is the silhouette's shank midline (was the landmarks' line,
#: now ``shin_angle_ic_landmark_deg``); ``shin_angle_source`` says which one a stride reports.
#: 1.2: for video, initial contact and toe-off are where the sole meets and leaves the ground
#: (``ic_evidence``/``to_evidence``), ``shin_angle_ic_deg`` is the knee->ankle joint-centre line on
#: the silhouette, and every angle is measured from the true vertical at the runner (``camera``).
#: 1.3: every contact carries ``excluded`` and ``exclusion_reason`` (runform.metrics.plausibility);
#: ``summary`` medians, ``n_strides`` and the overstriding verdict count only the contacts not excluded
#: (``summary.n_contacts`` counts all); verdicts may be "cannot judge" (with ``reason``); ``overstriding``
#: holds the band-rule decision (``source``) when no classifier ran; ``input`` gains ``capture_fps``,
#: ``capture_fps_source``, ``file_fps`` and ``mirrored``.
#: 2.0: stiffness has one unit per column: ``vertical_stiffness_kn_m_kg`` and ``leg_stiffness_kn_m_kg``
#: (per kg body mass, always) and ``vertical_stiffness_kn_m`` / ``leg_stiffness_kn_m`` (kN/m, only with
#: ``--mass-kg``, null otherwise; they were per kg without it) and ``summary.stiffness_unit`` is gone;
#: ``vertical_oscillation_cm`` when a scale is known; per-contact numbers are rounded to one decimal
#: more than they are shown with (:mod:`runform.metrics.registry`); the trunk-lean band is two-sided.
#: Names a clinician reads right: ``strides`` is ``contacts`` (one per foot contact, a step, not
#: a stride) and ``strides.csv`` is ``contacts.csv``; ``summary.n_strides`` is ``n_contacts_counted`` and
#: ``summary.n_contacts`` is ``n_contacts_found``; flags ``too_few_strides_*`` are ``too_few_contacts_*``;
#: a cue's ``strides_supporting`` is ``contacts_supporting``; the threshold ``min_strides`` is
#: ``cue_min_contacts``. Each output folder also holds ``run.log.json``.
SCHEMA_VERSION = "2.0"

#: Column order of contacts.csv; the same keys appear in metrics.json ``contacts``. Every registry
#: metric (:data:`runform.metrics.registry.CONTACT_METRICS`) is one; a name ends in its unit.
CONTACT_COLUMNS = (
    "foot", "ic_time_s", "to_time_s", "ic_evidence", "to_evidence", "contact_time_s", "flight_time_s", "step_time_s", "duty_factor",
    "shin_angle_ic_deg", "shin_angle_source", "shin_angle_ic_landmark_deg", "foot_strike_angle_ic_deg", "foot_strike", "knee_flexion_ic_deg",
    "knee_flexion_peak_stance_deg", "knee_flexion_excursion_deg", "overstride_pct_leg", "overstride_cm",
    "trunk_lean_deg", "vertical_oscillation_pct_leg", "vertical_oscillation_cm", "vertical_stiffness_kn_m_kg",
    "vertical_stiffness_kn_m", "leg_stiffness_kn_m_kg", "leg_stiffness_kn_m", "speed_m_s",
    "overstride_probability", "overstriding", "excluded", "exclusion_reason",
)


def json_safe(value):
    """JSON-safe: NaN/inf become null, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _overstriding(analysis: Analysis, cues: dict | None) -> dict:
    """The decision the outputs show (:func:`runform.report.cues.overstriding_decision`)."""
    decision = (cues or {}).get("overstriding")
    if decision is None:
        from .report.cues import overstriding_decision

        decision = overstriding_decision(analysis.contacts, analysis.quality, analysis.overstriding)
    if analysis.overstriding is None:
        decision = {**decision, "note": analysis.quality.get("overstride_model_missing", "no overstriding model used")}
    return decision


def metrics_document(analysis: Analysis, cues: dict | None = None) -> dict:
    """The metrics.json document (see README, 'Outputs'); ``cues`` from report.cues.coaching_cues."""
    g = analysis.geometry
    return json_safe({
        "schema_version": SCHEMA_VERSION,
        "runform_version": __version__,
        "input": analysis.input.as_dict(),
        "runner": {
            "direction": "right" if g.direction > 0 else "left",
            "near_side": g.near_side,
            "setting": "treadmill" if g.treadmill else "overground",
            "leg_length": g.leg_length,
            "leg_length_units": analysis.keypoints.units,
        },
        "camera": analysis.camera.as_dict() if analysis.camera is not None else None,
        "summary": analysis.summary,
        "quality": analysis.quality,
        "overstriding": _overstriding(analysis, cues),
        "cues": (cues or {}).get("cues", []),
        "cues_withheld": (cues or {}).get("withheld", []),
        "bands": (cues or {}).get("bands", {}),
        "proxy_definitions": PROXY_NOTES,
        "diagnostics": analysis.diagnostics,
        "contacts": [contact_row(s) for s in analysis.contacts],
    })


def contact_row(contact: dict) -> dict:
    """One contact's output row: :data:`CONTACT_COLUMNS`, numbers rounded as the registry says."""
    return {k: rounded(k, contact.get(k)) for k in CONTACT_COLUMNS}


def contacts_csv(analysis: Analysis) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CONTACT_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for s in analysis.contacts:
        w.writerow({k: ("" if v is None else v) for k, v in contact_row(s).items()})
    return buf.getvalue()


def write_outputs(analysis: Analysis, out_dir: Path, cues: dict | None = None) -> dict[str, Path]:
    """Write metrics.json and contacts.csv into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    paths = {"metrics": out_dir / "metrics.json", "contacts": out_dir / "contacts.csv"}
    write_text_atomic(paths["contacts"], contacts_csv(analysis))
    # metrics.json last: its presence marks a finished analysis.
    write_text_atomic(paths["metrics"], json.dumps(metrics_document(analysis, cues), indent=1))
    return paths
