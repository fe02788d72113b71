"""Score an analysis against a hand annotation of real video (``*.contacts.json``).

The annotation (``../shared/data/videos/male_side.contacts.json``, see the data README) marks
every foot contact at first touch with a sub-frame estimate, and for the near-foot contacts
the knee, ankle, heel and hip pixels at IC, the shin angle from the true vertical and the
foot-strike type. Used by ``scripts/validate_video.py`` and the slow real-video test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

#: The annotation's fitted vanishing point of scene verticals, as its camera block words it
#: ("... vanishing point at about (x=233, y=-3977) px ...").
_VANISHING_POINT = re.compile(r"vanishing point[^(]{0,40}\(\s*x\s*=\s*(-?[\d.]+)\s*,\s*y\s*=\s*(-?[\d.]+)\s*\)")


@dataclass(frozen=True)
class ContactScore:
    """How one analysis compares with the annotation (frames at the video's rate)."""

    n_truth: int
    matched: int
    missed: int
    invented: int
    ic_median_abs_frames: float
    ic_bias_frames: float
    ic_median_abs_ms: float
    near_shin_mae_deg: float
    near_shin_bias_deg: float
    near_shin_n: int
    near_knee_mae_deg: float
    near_knee_bias_deg: float
    heel_vs_hip_truth_pct: float
    heel_vs_hip_truth_image_pct: float
    heel_vs_hip_measured_pct: float
    foot_strike_agree: int
    foot_strike_n: int
    verdict: str | None

    def lines(self) -> list[str]:
        return [
            f"contacts: {self.matched} of {self.n_truth} matched, {self.missed} missed, {self.invented} invented",
            f"IC: median |error| {self.ic_median_abs_frames:.2f} frames ({self.ic_median_abs_ms:.0f} ms), "
            f"bias (median) {self.ic_bias_frames:+.2f} frames",
            f"near-foot shin at contact: MAE {self.near_shin_mae_deg:.1f} deg, bias {self.near_shin_bias_deg:+.1f} deg "
            f"({self.near_shin_n} contacts; truth from the true vertical, +/-4 deg)",
            f"near-foot knee flexion at contact: MAE {self.near_knee_mae_deg:.1f} deg, bias "
            f"{self.near_knee_bias_deg:+.1f} deg (truth: annotated hip, knee and ankle at first touch; no target)",
            f"heel vs hip at contact (near foot, median): measured {self.heel_vs_hip_measured_pct:+.1f} % leg, "
            f"truth {self.heel_vs_hip_truth_pct:+.1f} % leg (+ = heel ahead; along the true horizontal at first "
            f"touch; along image x at the IC frame {self.heel_vs_hip_truth_image_pct:+.1f})",
            f"foot strike (near foot): {self.foot_strike_agree} of {self.foot_strike_n} agree",
            f"overstriding verdict: {self.verdict}",
        ]


def vanishing_point(truth: dict) -> np.ndarray | None:
    """The annotation's vertical vanishing point (x, y) in pixels, or None when it gives none.

    Read from a numeric ``camera.vanishing_point_px`` ([x, y]) or from the camera block's words.
    """
    camera = truth.get("camera") or {}
    vp = camera.get("vanishing_point_px")
    if isinstance(vp, (list, tuple)) and len(vp) == 2:
        return np.array([float(vp[0]), float(vp[1])])
    for text in camera.values():
        m = _VANISHING_POINT.search(text) if isinstance(text, str) else None
        if m:
            return np.array([float(m.group(1)), float(m.group(2))])
    return None


def true_up(truth: dict, at: np.ndarray) -> np.ndarray:
    """Unit vector (image pixels, y down) of the true vertical, pointing up, at pixel ``at``.

    Toward the annotation's vanishing point of verticals (the phone is pitched: verticals
    converge); without one, image vertical turned by its ``roll_deg_at_image_centre`` (+ = the
    verticals lean bottom-to-the-right, as the annotation words it); else image vertical.
    """
    vp = vanishing_point(truth)
    if vp is not None:
        d = vp - np.asarray(at, float)
        return d / np.linalg.norm(d)
    roll = (truth.get("camera") or {}).get("roll_deg_at_image_centre")
    r = np.radians(float(roll)) if isinstance(roll, (int, float)) else 0.0
    return np.array([-np.sin(r), -np.cos(r)])


def heel_ahead_true(points: dict, up: np.ndarray, direction: float) -> float:
    """Heel ahead of the hip (px, + ahead) at right angles to the true vertical ``up`` at the hip.

    runform measures heel ahead of hip along the true horizontal (its keypoints are levelled to
    the true vertical at the runner), while the annotation's ``heel_ahead_of_hip_px`` is along
    image x: on a phone pitched and rolled by a few degrees the two differ by several % leg.
    """
    heel, hip = np.asarray(points["heel"], float), np.asarray(points["hip"], float)
    across = np.array([-up[1], up[0]])  # x-positive unit vector at right angles to the vertical
    return float(direction * (heel - hip) @ across)


def knee_flexion_of(points: dict) -> float:
    """Knee flexion (deg, 0 = straight) from annotated ``hip``, ``knee`` and ``ankle`` pixels."""
    hip, knee, ankle = (np.asarray(points[j], float) for j in ("hip", "knee", "ankle"))
    thigh, shank = knee - hip, ankle - knee
    cos = thigh @ shank / (np.linalg.norm(thigh) * np.linalg.norm(shank))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _at_touch(contact: dict, value) -> float:
    """``value(points)`` at the annotated sub-frame touch instant, interpolated between its frames."""
    frames = sorted(int(k) for k in contact["points"])
    return float(np.interp(contact["ic_subframe"], frames, [value(contact["points"][str(k)]) for k in frames]))


def _truth_heel_ahead(contact: dict, truth: dict, direction: float) -> float:
    """Heel ahead of hip (px) at the annotated sub-frame touch instant, interpolated between the
    annotated frames (the heel moves ~25-30 px a frame against the hip at touch on this 30 fps clip)."""
    return _at_touch(contact, lambda p: heel_ahead_true(p, true_up(truth, p["hip"]), direction))


def score_contacts(analysis, truth: dict) -> ContactScore:
    """Match detected contacts to the annotated ones (same foot, within half a step) and score them.

    ``analysis`` is a :class:`runform.pipeline.Analysis` of the annotated video; frame times
    are taken from its keypoints' clock (frame 0 = the first decoded frame).
    """
    kp = analysis.keypoints
    fps = float(truth["fps"])
    t0 = float(kp.time_s[0])
    near = truth["near_side"]
    far = "right" if near == "left" else "left"
    leg = float(analysis.geometry.leg_length)
    detected = [(s["foot"], (s["ic_time_s"] - t0) * fps, s) for s in analysis.contacts]
    step = np.median(np.diff(sorted(c["ic_subframe"] for c in truth["contacts"])))
    direction = -1.0 if truth.get("running_direction") == "left" else 1.0
    used, errs, shin, knee, heel_t, heel_img, heel_m, strike = set(), [], [], [], [], [], [], []
    for c in truth["contacts"]:
        foot = near if c["foot"] == "near" else far
        cands = [(abs(f - c["ic_subframe"]), i) for i, (side, f, _) in enumerate(detected)
                 if side == foot and abs(f - c["ic_subframe"]) < 0.5 * step and i not in used]
        if not cands:
            continue
        _, i = min(cands)
        used.add(i)
        _, frame, s = detected[i]
        errs.append(frame - c["ic_subframe"])
        derived = c.get("derived")
        if not derived:
            continue
        ic = str(c["ic_frame"])
        if s.get("shin_angle_ic_deg") is not None:
            shin.append(s["shin_angle_ic_deg"] - derived["shin_angle_vs_local_true_vertical_deg"][ic])
        if s.get("knee_flexion_ic_deg") is not None and c.get("points"):
            knee.append(s["knee_flexion_ic_deg"] - _at_touch(c, knee_flexion_of))
        heel_img.append(100.0 * derived["heel_ahead_of_hip_px"][ic] / leg)
        heel_t.append(100.0 * _truth_heel_ahead(c, truth, direction) / leg)
        if s.get("overstride_pct_leg") is not None:
            heel_m.append(s["overstride_pct_leg"])
        if c.get("foot_strike") and s.get("foot_strike"):
            strike.append(c["foot_strike"] == s["foot_strike"])
    errs, shin, knee = np.asarray(errs), np.asarray(shin), np.asarray(knee)
    session = ((analysis.overstriding or {}).get("session") or {})
    nan = float("nan")
    return ContactScore(
        n_truth=len(truth["contacts"]), matched=len(errs), missed=len(truth["contacts"]) - len(errs),
        invented=len(detected) - len(used),
        ic_median_abs_frames=float(np.median(np.abs(errs))) if errs.size else nan,
        ic_bias_frames=float(np.median(errs)) if errs.size else nan,
        ic_median_abs_ms=float(np.median(np.abs(errs))) * 1000.0 / fps if errs.size else nan,
        near_shin_mae_deg=float(np.mean(np.abs(shin))) if shin.size else nan,
        near_shin_bias_deg=float(np.mean(shin)) if shin.size else nan, near_shin_n=int(shin.size),
        near_knee_mae_deg=float(np.mean(np.abs(knee))) if knee.size else nan,
        near_knee_bias_deg=float(np.mean(knee)) if knee.size else nan,
        heel_vs_hip_truth_pct=float(np.median(heel_t)) if heel_t else nan,
        heel_vs_hip_truth_image_pct=float(np.median(heel_img)) if heel_img else nan,
        heel_vs_hip_measured_pct=float(np.median(heel_m)) if heel_m else nan,
        foot_strike_agree=int(sum(strike)), foot_strike_n=len(strike),
        verdict=session.get("verdict"),
    )
