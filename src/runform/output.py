"""Writers for metrics.json and strides.csv. Every file is written atomically."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from . import __version__
from .atomic import write_text_atomic
from .metrics.proxies import PROXY_NOTES
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
SCHEMA_VERSION = "1.3"

#: Column order of strides.csv; the same keys appear in metrics.json ``strides``.
STRIDE_COLUMNS = (
    "foot", "ic_time_s", "to_time_s", "ic_evidence", "to_evidence", "contact_time_s", "flight_time_s", "step_time_s", "duty_factor",
    "shin_angle_ic_deg", "shin_angle_source", "shin_angle_ic_landmark_deg", "foot_strike_angle_ic_deg", "foot_strike", "knee_flexion_ic_deg",
    "knee_flexion_peak_stance_deg", "knee_flexion_excursion_deg", "overstride_pct_leg", "overstride_cm",
    "trunk_lean_deg", "vertical_oscillation_pct_leg", "vertical_stiffness_kn_m", "leg_stiffness_kn_m", "speed_m_s",
    "overstride_probability", "overstriding", "excluded", "exclusion_reason",
)


def _clean(value):
    """JSON-safe: NaN/inf become null, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
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

        decision = overstriding_decision(analysis.strides, analysis.quality, analysis.overstriding)
    if analysis.overstriding is None:
        decision = {**decision, "note": analysis.quality.get("overstride_model_missing", "no overstriding model used")}
    return decision


def metrics_document(analysis: Analysis, cues: dict | None = None) -> dict:
    """The metrics.json document (see README, 'Outputs'); ``cues`` from report.cues.coaching_cues."""
    g = analysis.geometry
    return _clean({
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
        "strides": [{k: s.get(k) for k in STRIDE_COLUMNS} for s in analysis.strides],
    })


def strides_csv(analysis: Analysis) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=STRIDE_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for s in analysis.strides:
        w.writerow({k: ("" if s.get(k) is None else s.get(k)) for k in STRIDE_COLUMNS})
    return buf.getvalue()


def write_outputs(analysis: Analysis, out_dir: Path, cues: dict | None = None) -> dict[str, Path]:
    """Write metrics.json and strides.csv into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    paths = {"metrics": out_dir / "metrics.json", "strides": out_dir / "strides.csv"}
    write_text_atomic(paths["strides"], strides_csv(analysis))
    # metrics.json last: its presence marks a finished analysis.
    write_text_atomic(paths["metrics"], json.dumps(metrics_document(analysis, cues), indent=1))
    return paths
