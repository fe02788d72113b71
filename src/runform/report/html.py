"""The one-file HTML report: summary, cues, metrics table, plots, key frames, definitions.

Everything is inline (CSS, PNG/JPEG as base64 data URIs), so the file opens offline and can
be mailed as is. Every string from the user (file names) is escaped by Jinja2 autoescape.
"""

from __future__ import annotations

import math
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..atomic import write_text_atomic
from ..classify.model import DECISIVE
from ..metrics.plausibility import counted
from ..metrics.proxies import PROXY_NOTES
from ..metrics.summary import SUMMARY_METRICS
from ..pipeline import Analysis
from .cues import WEAK_DATA_FLAGS, Thresholds, band, band_text, overstriding_decision
from .filming import QUALITY_MEANING, filming_advice, filming_panel, provenance
from .key_frames import key_frames
from .plots import gait_cycle_curves, plot_cycles, plot_shin, plot_times
from .symmetry import plot_symmetry, symmetry_rows

#: Plain definitions of every metric (README "Outputs" table); proxies come from PROXY_NOTES.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "cadence_spm": ("Cadence", "Steps per minute: 60 / median step time (both feet)."),
    "shin_angle_ic_deg": ("Shin angle at contact", "Knee-to-ankle line from vertical at initial contact; "
                          "positive when the ankle lands ahead of the knee (overstriding). About 0 is the target."),
    "foot_strike_angle_ic_deg": ("Foot strike angle", "Heel-to-toe pitch at contact minus the flat-foot pitch in "
                                 "mid-stance; positive = toes up. > 8 deg rearfoot, < -1.6 deg forefoot "
                                 "(Altman & Davis 2012)."),
    "knee_flexion_ic_deg": ("Knee flexion at contact", "180 minus the hip-knee-ankle angle at contact."),
    "knee_flexion_peak_stance_deg": ("Peak stance knee flexion", "Largest knee flexion between contact and toe-off."),
    "knee_flexion_excursion_deg": ("Knee flexion excursion", PROXY_NOTES["knee_flexion_excursion_deg"]),
    "overstride_pct_leg": ("Overstride", "Heel ahead of the pelvis centre at contact, horizontally, "
                           "in % of leg length (thigh + shank)."),
    "overstride_cm": ("Overstride (cm)", "The same in centimetres (needs metric keypoints or the runner's height)."),
    "trunk_lean_deg": ("Trunk lean", "Pelvis centre to mid-shoulders from vertical at contact; positive = forward."),
    "contact_time_s": ("Contact time", "Initial contact to toe-off."),
    "flight_time_s": ("Flight time", "Toe-off to the next contact of the other foot."),
    "step_time_s": ("Step time", "This contact to the next contact of the other foot."),
    "duty_factor": ("Duty factor", "Contact time / stride time."),
    "vertical_oscillation_pct_leg": ("Vertical oscillation", "Range of pelvis height over one stride, % leg length."),
    "vertical_stiffness_kn_m": ("Vertical stiffness", PROXY_NOTES["vertical_stiffness_kn_m"]),
    "leg_stiffness_kn_m": ("Leg stiffness", PROXY_NOTES["leg_stiffness_kn_m"]),
    "speed_m_s": ("Speed", "The planted toe's backward speed relative to the pelvis, 30-90% of contact."),
    "shoulder_elevation_ratio": ("Shoulder elevation ratio", PROXY_NOTES["shoulder_elevation_ratio"]),
    "elbow_angle_deg": ("Elbow angle", PROXY_NOTES["elbow_angle_deg"]),
}

def _fmt(v, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    v = float(v)
    return f"{v:.3f}" if abs(v) < 1 else f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}"


def metric_rows(summary: dict, bands: dict, t: Thresholds) -> list[dict]:
    """Rows of the metrics table: name, unit, median, IQR, left/right, normal band, light."""
    units = dict(SUMMARY_METRICS, cadence_spm="steps/min", shoulder_elevation_ratio="", elbow_angle_deg="deg")
    if summary.get("stiffness_unit"):
        units["vertical_stiffness_kn_m"] = units["leg_stiffness_kn_m"] = summary["stiffness_unit"]
    rows = []
    for m in ("cadence_spm", *SUMMARY_METRICS, "shoulder_elevation_ratio", "elbow_angle_deg"):
        e = summary.get("metrics", {}).get(m, {})
        if summary.get(m) is None and not e.get("all", {}).get("n"):
            continue
        rows.append({
            "metric": m, "name": DEFINITIONS[m][0], "unit": units.get(m, ""), "median": _fmt(summary.get(m)),
            "iqr": _fmt(e.get("all", {}).get("iqr")), "left": _fmt(e.get("left", {}).get("median")),
            "right": _fmt(e.get("right", {}).get("median")), "n": e.get("all", {}).get("n"),
            "normal": band_text(m, t), "light": bands.get(m, band(m, summary.get(m), t)),
        })
    return rows


def summary_light(cues: dict, quality: dict) -> tuple[str, str]:
    """The summary's dot and sentence: never green over a flag that says the data is weak.

    Red/amber with the cues when there are cues; grey with the reason when the clock is wrong,
    the overstriding verdict cannot be given or is undecided, or a weak-data flag
    (:data:`runform.report.cues.WEAK_DATA_FLAGS`) is raised; green only otherwise.
    """
    quality = quality or {}
    found = cues.get("cues", [])
    session = (cues.get("overstriding") or {}).get("session") or {}
    weak = [f for f in WEAK_DATA_FLAGS if f in quality]
    if "slow_motion" in quality:
        return "grey", f"Cannot judge yet: {quality['slow_motion']}."
    if found:
        worst = "red" if any(c.get("band") == "red" for c in found) else "amber"
        text = f"{len(found)} thing{'s' if len(found) > 1 else ''} to work on: " + "; ".join(c["title"] for c in found) + "."
        if session.get("verdict") == "cannot judge":
            text += f" Overstriding cannot be judged: {session.get('reason')}."
        return worst, text
    if session.get("verdict") == "cannot judge":
        return "grey", f"Cannot judge this clip: {session.get('reason')}."
    if weak:
        return "grey", (f"No form issue was found, but the data is weak ({', '.join(weak)}); see Data quality "
                        "before trusting it.")
    if session and session.get("verdict") not in DECISIVE:
        return "grey", f"No clear form issue stands out, but overstriding is undecided: {session.get('text')}."
    return "green", "No clear form issue stands out in this clip."


def contact_rows(strides: list[dict]) -> list[dict]:
    """One row per contact for the Contacts table: counted or excluded, with the reason."""
    def ms(v):
        return "-" if v is None else f"{v * 1000:.0f}"

    rows = []
    for i, s in enumerate(strides, 1):
        p = s.get("overstride_probability")
        rows.append({"n": i, "foot": s.get("foot", "-"), "ic": _fmt(s.get("ic_time_s")),
                     "contact": ms(s.get("contact_time_s")), "step": ms(s.get("step_time_s")),
                     "flight": ms(s.get("flight_time_s")), "duty": _fmt(s.get("duty_factor")),
                     "shin": _fmt(s.get("shin_angle_ic_deg")), "knee": _fmt(s.get("knee_flexion_ic_deg")),
                     "over": _fmt(s.get("overstride_pct_leg")), "p": "-" if p is None else f"{p:.2f}",
                     "excluded": bool(s.get("excluded")), "reason": s.get("exclusion_reason") or ""})
    return rows


def _env() -> Environment:
    return Environment(loader=PackageLoader("runform.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def render_report(analysis: Analysis, cues: dict, video_path: Path | None = None,
                  thresholds: Thresholds = Thresholds(), capture_fps: float | None = None) -> str:
    """The self-contained HTML report.

    Parameters
    ----------
    analysis : Analysis
    cues : dict
        From :func:`runform.report.cues.coaching_cues`.
    video_path : pathlib.Path or None
        The analysed video, for key frames; None (TRC/OpenPose input) skips them.
    thresholds : Thresholds
        For the normal-band column (use the same as for the cues).
    capture_fps : float, optional
        As given to the analysis, so frame times match keypoint times.
    """
    s = analysis.summary
    g = analysis.geometry
    if "overstriding" not in cues:  # cues made elsewhere: the one decision, from the same inputs
        cues = {**cues, "overstriding": overstriding_decision(analysis.strides, analysis.quality,
                                                              analysis.overstriding, thresholds)}
    verdict_band, verdict = summary_light(cues, analysis.quality)
    sym = symmetry_rows(s, {m: n for m, (n, _) in DEFINITIONS.items()})
    frames = key_frames(analysis, Path(video_path), capture_fps, thresholds=thresholds) if video_path else []
    defs = [{"metric": m, "name": name, "text": text} for m, (name, text) in DEFINITIONS.items()]
    quality = [{"flag": f, "text": txt, "meaning": QUALITY_MEANING.get(f, "")} for f, txt in analysis.quality.items()]
    return _env().get_template("report.html.j2").render(
        title=Path(analysis.input.path).name, input=analysis.input, version=__version__,
        runner={"direction": "right" if g.direction > 0 else "left", "near_side": g.near_side or "-",
                "setting": "treadmill" if g.treadmill else "overground"},
        summary=s, cadence=_fmt(s.get("cadence_spm")), n_strides=len(analysis.strides),
        verdict=verdict, verdict_band=verdict_band, cues=cues.get("cues", []), withheld=cues.get("withheld", []),
        rows=metric_rows(s, cues.get("bands", {}), thresholds),
        plots={"shin": plot_shin(analysis, thresholds), "cycles": plot_cycles(analysis),
               "times": plot_times(analysis), "symmetry": plot_symmetry(sym)},
        sym=sym, frames=frames, names={m: n for m, (n, _) in DEFINITIONS.items()}, video=bool(video_path), quality=quality, definitions=defs,
        fmt=_fmt, overstriding=cues["overstriding"], contacts=contact_rows(analysis.strides),
        n_counted=len(counted(analysis.strides)),
        filming=filming_panel(analysis), advice=filming_advice(analysis.quality),
        provenance=provenance(analysis, thresholds, capture_fps),
    )


def write_report(analysis: Analysis, cues: dict, out_path: Path, video_path: Path | None = None,
                 **kwargs) -> Path:
    """Render and write ``report.html`` atomically; returns its path (kwargs go to :func:`render_report`)."""
    out_path = Path(out_path)
    write_text_atomic(out_path, render_report(analysis, cues, video_path, **kwargs))
    return out_path


__all__ = ["render_report", "write_report", "gait_cycle_curves", "symmetry_rows", "metric_rows", "key_frames",
           "summary_light", "contact_rows",
           "DEFINITIONS", "QUALITY_MEANING"]
