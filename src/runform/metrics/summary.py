"""Session summary (median, IQR, stride count per metric and side) and quality flags."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry import RunnerGeometry
from ..keypoints import Keypoints
from .plausibility import counted, excluded_summary, mean_step_time
from .registry import CONTACT_METRICS, REGISTRY

@dataclass(frozen=True)
class QualityConfig:
    """Thresholds for the quality flags.

    Attributes
    ----------
    min_contacts_per_side : int
        Fewer contacts than this on a side flags ``too_few_strides``.
    min_key_confidence : float
        Mean confidence of hips/knees/ankles/heels/toes below this flags ``low_visibility``.
    max_far_leg_missing : float
        Fraction of frames with the far leg missing above this flags ``far_leg_hidden``.
    min_side_on_ratio : float
        Foot length / shank length below this suggests the camera is not side-on
        (a foot seen end-on looks short).
    max_jump_leg : float
        A frame-to-frame pelvis jump larger than this many leg lengths means the pose
        model switched to another person or the camera cut.
    min_leg_px : float
        Video and OpenPose: a leg (thigh + shank) shorter than this many pixels flags
        ``low_resolution``. The shank is then under ~40 px, where one pixel of landmark error
        turns the shin angle by about 1.5 deg and MediaPipe's few-pixel scatter by 5-10.
    """

    min_contacts_per_side: int = 4
    min_key_confidence: float = 0.6
    max_far_leg_missing: float = 0.3
    min_side_on_ratio: float = 0.25
    max_jump_leg: float = 0.5
    min_leg_px: float = 80.0


def _stats(values: list[float]) -> dict:
    v = np.array([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"median": None, "iqr": None, "n": 0}
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    return {"median": round(float(med), 4), "iqr": round(float(q3 - q1), 4), "n": int(v.size)}


#: Largest gap (deg) between the two legs' median shin angles at contact that a runner's own
#: asymmetry explains; healthy runners' legs differ by a few degrees. Beyond it one leg is more
#: likely measured wrong, and from a side camera that is the far one, partly hidden behind the
#: near leg and, at belt height, behind the treadmill's deck (the gym clip: 15 deg apart).
MAX_LEG_SHIN_GAP_DEG = 8.0


def legs_disagree(shin: dict, max_gap_deg: float = MAX_LEG_SHIN_GAP_DEG, min_n: int = 3) -> dict | None:
    """The two legs' median shin angles when they differ by more than ``max_gap_deg``, else None.

    ``shin`` is the summary's ``metrics["shin_angle_ic_deg"]`` entry (``left``/``right`` with
    ``median`` in degrees and ``n``); each leg needs ``min_n`` counted contacts.
    """
    left, right = shin.get("left") or {}, shin.get("right") or {}
    if min(left.get("n") or 0, right.get("n") or 0) < min_n:
        return None
    gap = abs(left["median"] - right["median"])
    if gap <= max_gap_deg:
        return None
    return {"left_deg": left["median"], "right_deg": right["median"], "gap_deg": round(gap, 2)}


def summarize(contacts: list[dict], near_leg: str | None = None) -> dict:
    """Median/IQR/n of every metric, overall and per foot, plus cadence, over the counted contacts.

    Contacts marked ``excluded`` (:mod:`runform.metrics.plausibility`) are left out of every
    median; ``n_contacts_counted`` counts the contacts that count, ``n_contacts_found`` all that were found
    and ``n_excluded`` the difference. Cadence (steps/min) is steps over time: 60 / the mean step
    time of :func:`runform.metrics.plausibility.mean_step_time` (same-foot intervals between
    counted contacts, so a per-foot timing bias cancels and an excluded contact is counted as
    the step it was), else (fewer than three intervals) 60 / the median step time.

    ``near_leg`` ("left"/"right", for a camera's side view): the session value of every
    metric marked ``near_leg_in_video`` in the registry is that leg's median, and
    ``near_leg_metrics_from`` names it; the far leg is hidden behind the near one through
    its mid-stance. None (motion capture, or the near side unknown) uses both legs. When the
    two legs' shins at contact disagree by more than a runner's legs do (:func:`legs_disagree`,
    recorded as ``legs_disagree``), every session value is the near leg's.
    """
    found = len(contacts)
    step_s = mean_step_time(contacts) or _stats([s.get("step_time_s") for s in counted(contacts)])["median"]
    contacts = counted(contacts)
    out: dict = {"n_contacts_found": found, "n_excluded": found - len(contacts)}
    out["cadence_spm"] = round(60.0 / step_s, 2) if step_s else None
    out["n_contacts_counted"] = len(contacts)
    out["metrics"] = {}
    for name in (m.name for m in CONTACT_METRICS):
        entry = {"all": _stats([s.get(name) for s in contacts])}
        for foot in ("left", "right"):
            entry[foot] = _stats([s.get(name) for s in contacts if s["foot"] == foot])
        out["metrics"][name] = entry
    apart = legs_disagree(out["metrics"]["shin_angle_ic_deg"]) if near_leg in ("left", "right") else None
    if apart:
        out["legs_disagree"] = apart
    for name, entry in out["metrics"].items():
        out[name] = entry["all"]["median"]
        if near_leg in ("left", "right") and (REGISTRY[name].near_leg_in_video or apart) and entry[near_leg]["n"]:
            out[name] = entry[near_leg]["median"]
            out["near_leg_metrics_from"] = near_leg
    for foot in ("left", "right"):
        classes = [s.get("foot_strike") for s in contacts if s["foot"] == foot and s.get("foot_strike")]
        out[f"foot_strike_{foot}"] = max(set(classes), key=classes.count) if classes else None
    return out


def quality_flags(kp: Keypoints, geom: RunnerGeometry, contacts: list[dict],
                  config: QualityConfig = QualityConfig(), summary: dict | None = None) -> dict:
    """Flags for results that rest on weak data, each with a plain explanation.

    Contact counts are of the counted contacts (not ``excluded``); ``contacts_excluded``
    says how many were left out and why. ``summary`` (:func:`summarize`'s) gives
    ``legs_disagree`` when it found the legs' shins too far apart.
    """
    flags: dict[str, str] = {}
    left_out = excluded_summary(contacts)
    if left_out:
        flags["contacts_excluded"] = left_out
    contacts = counted(contacts)
    joints = ("hip", "knee", "ankle", "heel", "toe")
    if kp.units == "px" and np.isfinite(geom.leg_length) and 0 < geom.leg_length < config.min_leg_px:
        flags["low_resolution"] = (f"the runner's leg is only {geom.leg_length:.0f} px long (< {config.min_leg_px:g}); "
                                   "film closer or at a higher resolution: angles this small are coarse")
    if kp.units == "px":
        sides = [geom.near_side] if geom.near_side else ["left", "right"]
        key_conf = float(np.mean([kp.conf(f"{s}_{j}").mean() for s in sides for j in joints]))
        if key_conf < config.min_key_confidence:
            flags["low_visibility"] = f"key landmarks seen with mean confidence {key_conf:.2f} (< {config.min_key_confidence})"
        if geom.near_side:
            far = "left" if geom.near_side == "right" else "right"
            missing = float(np.mean([np.mean(kp.conf(f"{far}_{j}") < 0.5) for j in joints]))
            if missing > config.max_far_leg_missing:
                flags["far_leg_hidden"] = f"far ({far}) leg poorly seen in {missing:.0%} of frames; its metrics are less reliable"
    with np.errstate(all="ignore"):
        ratios = []
        for s in ("left", "right"):
            foot = np.hypot(*(kp.point(f"{s}_toe") - kp.point(f"{s}_heel")).T)
            shank = np.hypot(*(kp.point(f"{s}_ankle") - kp.point(f"{s}_knee")).T)
            ratios.append(foot / shank)
        r = np.concatenate(ratios)
        r = r[np.isfinite(r)]
    if r.size and np.median(r) < config.min_side_on_ratio:
        flags["not_side_on"] = (f"feet look short (foot/shank {np.median(r):.2f}); the camera is probably "
                                "not side-on, so sagittal angles are underestimated")
    p = kp.midpoint("left_hip", "right_hip")
    with np.errstate(all="ignore"):
        jumps = int(np.sum(np.hypot(*np.diff(p, axis=0).T) > config.max_jump_leg * geom.leg_length))
    if jumps:
        flags["tracking_jumps"] = (f"the body jumped {jumps} time(s) between frames: another person or a camera "
                                   "cut; contacts near the jumps may be wrong")
    apart = (summary or {}).get("legs_disagree")
    if apart:
        near = summary["near_leg_metrics_from"]
        far = "left" if near == "right" else "right"
        flags["legs_disagree"] = (
            f"the shins at contact differ by {apart['gap_deg']:.0f} deg between the legs (left {apart['left_deg']:+.1f}, "
            f"right {apart['right_deg']:+.1f}), more than a runner's two legs do: the far ({far}) leg, partly hidden "
            f"from this camera, is probably measured wrong, so the session values are the near ({near}) leg's")
    for foot in ("left", "right"):
        n = sum(1 for s in contacts if s["foot"] == foot)
        if n < config.min_contacts_per_side:
            flags[f"too_few_contacts_{foot}"] = (f"only {n} plausible {foot}-foot contacts "
                                                f"(< {config.min_contacts_per_side}); medians are unstable")
    return flags
