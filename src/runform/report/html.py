"""The one-file HTML report: summary, cues, metrics table, plots, key frames, definitions.

Everything is inline (CSS, PNG/JPEG as base64 data URIs), so the file opens offline and can
be mailed as is. Every string from the user (file names) is escaped by Jinja2 autoescape.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..atomic import write_text_atomic
from ..geometry import pelvis
from ..classify.model import DECISIVE
from ..metrics.angles import angle_from_vertical, flexion_angle
from ..metrics.plausibility import counted
from ..metrics.registry import METRICS, REGISTRY, fmt
from ..pipeline import Analysis
from .cues import WEAK_DATA_FLAGS, Thresholds, band, band_text, overstriding_decision
from .key_frames import key_frames

#: What each quality flag means for the results.
QUALITY_MEANING = {
    "low_visibility": "The pose model was unsure of the legs: angles and events are noisier; angle-based cues are withheld.",
    "far_leg_hidden": "The far leg is often hidden: trust the near-leg results more.",
    "vertical_oscillation_uncertain": "The bounce read at the hips and at the head disagree: the vertical "
                                      "oscillation shown is not reliable here, and no cue is drawn from it.",
    "not_side_on": "The camera is not side-on: sagittal angles are underestimated; angle-based cues are withheld.",
    "too_few_contacts_left": "Few left contacts: left-side medians are uncertain.",
    "too_few_contacts_right": "Few right contacts: right-side medians are uncertain.",
    "trc_units": "The TRC file's Units header did not fit the body size; distances were read in the unit that did.",
    "contacts_excluded": "Contacts no runner can produce (see the Contacts table) are left out of every median, cue "
                         "and verdict.",
    "slow_motion": "The clip's clock is not real time: every time, the cadence and the verdict wait for the right "
                   "--capture-fps; no cue is given.",
    "shin_from_landmarks": "The shin comes mostly from the pose model's knee and ankle points: no overstriding verdict.",
    "camera_tilt_unknown": "Every angle may be turned by the camera's tilt: no overstriding verdict.",
    "contact_timing_estimated": "Contact times rest on an assumed delay, not on the foot seen touching down.",
    "tracking_jumps": "The pose jumped between people or across a cut: contacts near the jumps may be someone else's.",
    "mirrored": "The file is shown mirrored by players; it was analysed as filmed.",
    "low_resolution": "The runner is small in the frame: angles are coarse; angle-based cues and the verdict are withheld.",
    "frames_missing": "Part of the file could not be decoded: the results cover only what was read.",
    "camera_tilt_from_ground": "The true vertical was taken square to the ground the feet trace (no straight vertical "
                               "lines in the background): angles are as good as that ground line.",
    "overstride_model_missing": "The overstriding classifier could not be loaded: overstriding is judged by the "
                                "shin-angle and overstride bands.",
}

_SIDE_COLOUR = {"left": "#1f77b4", "right": "#d62728"}
_BAND_FILL = {"green": "#2ca02c", "amber": "#ffb000", "red": "#e03232"}


def _fig_png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def small_multiples(n: int, ncol: int, width: float, row_height: float):
    """A figure with ``n`` panels in rows of ``ncol`` (axes always 2-D); inches."""
    nrow = math.ceil(n / ncol)
    return _plt().subplots(nrow, ncol, figsize=(width, row_height * nrow), squeeze=False)


def small_multiples_png(fig, axes, n: int) -> str:
    """Hide the panels after the first ``n``, lay out, and return the figure as a PNG data URI."""
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    return _fig_png(fig)


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _vals(contacts, foot, key):
    pts = [(s["ic_time_s"], s.get(key)) for s in contacts if s["foot"] == foot]
    return [(t, v) for t, v in pts if v is not None and math.isfinite(v)]


def plot_shin(analysis: Analysis, t: Thresholds) -> str | None:
    """Shin angle at contact per stride, per foot, over the traffic-light bands."""
    plt = _plt()
    if not any(_vals(analysis.contacts, f, "shin_angle_ic_deg") for f in ("left", "right")):
        return None
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.axhspan(-30, t.shin_amber_deg, color=_BAND_FILL["green"], alpha=0.10)
    ax.axhspan(t.shin_amber_deg, t.shin_red_deg, color=_BAND_FILL["amber"], alpha=0.15)
    ax.axhspan(t.shin_red_deg, 40, color=_BAND_FILL["red"], alpha=0.10)
    lo, hi = 0.0, t.shin_red_deg + 2
    for foot in ("left", "right"):
        pts = _vals(counted(analysis.contacts), foot, "shin_angle_ic_deg")
        if pts:
            x, y = zip(*pts)
            ax.plot(x, y, "o-", ms=4, lw=1, color=_SIDE_COLOUR[foot], label=foot)
            lo, hi = min(lo, min(y) - 2), max(hi, max(y) + 2)
    out = [(s["ic_time_s"], s["shin_angle_ic_deg"]) for s in analysis.contacts
           if s.get("excluded") and s.get("shin_angle_ic_deg") is not None]
    if out:  # shown where they are, clipped to the axis: they are not part of the runner's values
        x, y = zip(*out)
        ax.plot(x, np.clip(y, lo, hi), "x", ms=6, color="#9a9a9a", label="excluded (implausible)")
    ax.set_ylim(lo, hi)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("shin angle at contact (deg)")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    return _fig_png(fig)


def gait_cycle_curves(analysis: Analysis, n: int = 101) -> dict:
    """Knee flexion and trunk angle over the gait cycle, per side.

    Each cycle runs from one initial contact to the next of the same foot, resampled to ``n``
    points (0-100%). Cycles longer than 1.5 x the median are skipped (a missed contact).

    Returns
    -------
    dict
        ``{"knee": {side: (mean, sd, cycles)}, "trunk": {...}, "toe_off_pct": {side: float}}``;
        a side or signal with no complete cycle is left out.
    """
    kp, d = analysis.keypoints, analysis.geometry.direction
    t = kp.time_s
    with np.errstate(invalid="ignore"):
        trunk = angle_from_vertical(kp.midpoint("left_shoulder", "right_shoulder") - pelvis(kp), d, up=True)
    out: dict = {"knee": {}, "trunk": {}, "toe_off_pct": {}}
    grid = np.linspace(0, 1, n)
    for side in ("left", "right"):
        with np.errstate(invalid="ignore"):
            knee = flexion_angle(kp.point(f"{side}_hip"), kp.point(f"{side}_knee"), kp.point(f"{side}_ankle"))
        st = [s for s in counted(analysis.contacts) if s["foot"] == side]
        spans = [(a["ic_time_s"], b["ic_time_s"], a.get("contact_time_s")) for a, b in zip(st, st[1:])]
        if not spans:
            continue
        med = float(np.median([b - a for a, b, _ in spans]))
        spans = [s for s in spans if s[1] - s[0] <= 1.5 * med]
        tos = [c / (b - a) * 100 for a, b, c in spans if c]
        if tos:
            out["toe_off_pct"][side] = float(np.median(tos))
        for name, sig in (("knee", knee), ("trunk", trunk)):
            ok = np.isfinite(sig)
            if ok.sum() < 2:
                continue
            cycles = []
            for a, b, _ in spans:
                ts = a + grid * (b - a)
                inside = ok & (t >= a - 1e-9) & (t <= b + 1e-9)
                if inside.sum() >= 0.8 * (b - a) * kp.fps:
                    cycles.append(np.interp(ts, t[ok], sig[ok]))
            if cycles:
                c = np.array(cycles)
                out[name][side] = (c.mean(axis=0), c.std(axis=0), len(cycles))
    return out


def plot_cycles(analysis: Analysis) -> str | None:
    """Knee flexion and trunk lean, mean +/- SD per side, over the normalised gait cycle."""
    curves = gait_cycle_curves(analysis)
    panels = [(k, lab) for k, lab in (("knee", "knee flexion (deg)"), ("trunk", "trunk lean, + forward (deg)"))
              if curves[k]]
    if not panels:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, len(panels), figsize=(9, 3.4), squeeze=False)
    x = np.linspace(0, 100, 101)
    for ax, (key, label) in zip(axes[0], panels):
        for side, (mean, sd, count) in curves[key].items():
            col = _SIDE_COLOUR[side]
            ax.plot(x, mean, color=col, label=f"{side} (n={count})")
            ax.fill_between(x, mean - sd, mean + sd, color=col, alpha=0.2)
            if side in curves["toe_off_pct"]:
                ax.axvline(curves["toe_off_pct"][side], color=col, ls="--", lw=0.8)
        ax.set_xlabel("% gait cycle (contact to contact, same foot)\ndashed = median toe-off", fontsize=8)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return _fig_png(fig)


def plot_times(analysis: Analysis) -> str | None:
    """Contact (solid) and flight (hatched) time per contact, coloured by foot."""
    st = analysis.contacts
    if not any(s.get("contact_time_s") for s in st):
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 3.0))
    idx = np.arange(len(st))
    ct = np.array([s.get("contact_time_s") or np.nan for s in st], dtype=float) * 1000
    ft = np.array([s.get("flight_time_s") or np.nan for s in st], dtype=float) * 1000
    cols = ["#bbbbbb" if s.get("excluded") else _SIDE_COLOUR[s["foot"]] for s in st]
    ax.bar(idx, np.nan_to_num(ct), color=cols, width=0.8)
    ax.bar(idx, np.nan_to_num(ft), bottom=np.nan_to_num(ct), color=cols, width=0.8, alpha=0.3)
    ax.set_xlabel("contact number (blue = left, red = right, grey = excluded; dark = contact, light = flight)")
    ax.set_ylabel("time (ms)")
    ax.grid(axis="y", alpha=0.3)
    return _fig_png(fig)


_SYM_METRICS = ("shin_angle_ic_deg", "overstride_pct_leg", "knee_flexion_ic_deg", "knee_flexion_excursion_deg",
                "foot_strike_angle_ic_deg", "contact_time_s", "flight_time_s", "step_time_s")
#: Ratio-scale metrics, where a symmetry index in % means something (angles near 0 do not).
_SI_METRICS = ("contact_time_s", "flight_time_s", "step_time_s")


def symmetry_rows(summary: dict) -> list[dict]:
    """Left and right median/IQR, right - left, and for times a symmetry index.

    The symmetry index ``|L - R| / mean(L, R) x 100`` is given only for times: for angles
    near zero it explodes, so angles are compared by their difference in degrees.
    """
    rows = []
    for m in _SYM_METRICS:
        e = summary.get("metrics", {}).get(m, {})
        left, right = (e.get(f, {}).get("median") for f in ("left", "right"))
        if left is None or right is None:
            continue
        si = None
        if m in _SI_METRICS and left + right > 0:
            si = abs(left - right) / ((left + right) / 2) * 100
        rows.append({"metric": m, "name": REGISTRY[m].label, "unit": REGISTRY[m].unit,
                     "left": left, "right": right, "diff": right - left, "si": si,
                     "left_iqr": e["left"].get("iqr") or 0.0, "right_iqr": e["right"].get("iqr") or 0.0})
    return rows


def plot_symmetry(rows: list[dict]) -> str | None:
    """One small panel per metric: left and right median with the IQR as a bar."""
    if not rows:
        return None
    fig, axes = small_multiples(len(rows), 4, 9, 2.2)
    for ax, r in zip(axes.flat, rows):
        for x, side in ((0, "left"), (1, "right")):
            ax.errorbar([x], [r[side]], yerr=[[r[f"{side}_iqr"] / 2], [r[f"{side}_iqr"] / 2]], fmt="o",
                        color=_SIDE_COLOUR[side], capsize=4, ms=6)
        ax.set_xlim(-0.6, 1.6)
        ax.set_xticks([0, 1], ["L", "R"])
        unit = f" ({r['unit']})" if r["unit"] else ""
        ax.set_title(r["name"] + unit, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    return small_multiples_png(fig, axes, len(rows))


def metric_rows(summary: dict, bands: dict, t: Thresholds) -> list[dict]:
    """Rows of the metrics table: name, unit, median, IQR, left/right, normal band, light."""
    rows = []
    for m in METRICS:
        e = summary.get("metrics", {}).get(m.name, {})
        if summary.get(m.name) is None and not e.get("all", {}).get("n"):
            continue
        rows.append({
            "metric": m.name, "name": m.label, "unit": m.unit, "median": fmt(m, summary.get(m.name)),
            "iqr": fmt(m, e.get("all", {}).get("iqr")), "left": fmt(m, e.get("left", {}).get("median")),
            "right": fmt(m, e.get("right", {}).get("median")), "n": e.get("all", {}).get("n"),
            "normal": band_text(m.name, t), "light": bands.get(m.name, band(m.name, summary.get(m.name), t)),
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


def contact_rows(contacts: list[dict]) -> list[dict]:
    """One row per contact for the Contacts table: counted or excluded, with the reason."""
    def ms(v):
        return "-" if v is None else f"{v * 1000:.0f}"

    rows = []
    for i, s in enumerate(contacts, 1):
        p = s.get("overstride_probability")
        rows.append({"n": i, "foot": s.get("foot", "-"), "ic": "-" if s.get("ic_time_s") is None else f"{s['ic_time_s']:.3f}",
                     "contact": ms(s.get("contact_time_s")), "step": ms(s.get("step_time_s")),
                     "flight": ms(s.get("flight_time_s")), "duty": fmt("duty_factor", s.get("duty_factor")),
                     "shin": fmt("shin_angle_ic_deg", s.get("shin_angle_ic_deg")),
                     "knee": fmt("knee_flexion_ic_deg", s.get("knee_flexion_ic_deg")),
                     "over": fmt("overstride_pct_leg", s.get("overstride_pct_leg")), "p": fmt("overstride_probability", p),
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
        cues = {**cues, "overstriding": overstriding_decision(analysis.contacts, analysis.quality,
                                                              analysis.overstriding, thresholds)}
    verdict_band, verdict = summary_light(cues, analysis.quality)
    sym = symmetry_rows(s)
    frames = key_frames(analysis, Path(video_path), capture_fps, thresholds=thresholds) if video_path else []
    defs = [{"metric": m.name, "name": m.label, "text": m.definition} for m in METRICS]
    quality = [{"flag": f, "text": txt, "meaning": QUALITY_MEANING.get(f, "")} for f, txt in analysis.quality.items()]
    return _env().get_template("report.html.j2").render(
        title=Path(analysis.input.path).name, input=analysis.input, version=__version__,
        runner={"direction": "right" if g.direction > 0 else "left", "near_side": g.near_side or "-",
                "setting": "treadmill" if g.treadmill else "overground"},
        summary=s, cadence=fmt("cadence_spm", s.get("cadence_spm")), n_found=len(analysis.contacts),
        verdict=verdict, verdict_band=verdict_band, cues=cues.get("cues", []), withheld=cues.get("withheld", []),
        rows=metric_rows(s, cues.get("bands", {}), thresholds),
        plots={"shin": plot_shin(analysis, thresholds), "cycles": plot_cycles(analysis),
               "times": plot_times(analysis), "symmetry": plot_symmetry(sym)},
        sym=sym, frames=frames, names={m.name: m.label for m in METRICS}, video=bool(video_path), quality=quality, definitions=defs,
        fmt=lambda v, metric: fmt(metric, v), overstriding=cues["overstriding"], contacts=contact_rows(analysis.contacts),
        n_counted=len(counted(analysis.contacts)),
    )


def write_report(analysis: Analysis, cues: dict, out_path: Path, video_path: Path | None = None,
                 **kwargs) -> Path:
    """Render and write ``report.html`` atomically; returns its path (kwargs go to :func:`render_report`)."""
    out_path = Path(out_path)
    write_text_atomic(out_path, render_report(analysis, cues, video_path, **kwargs))
    return out_path


__all__ = ["render_report", "write_report", "gait_cycle_curves", "symmetry_rows", "metric_rows", "key_frames",
           "summary_light", "contact_rows",
           "QUALITY_MEANING"]
