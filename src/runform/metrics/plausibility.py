"""Plausible contacts only: every detected foot contact is checked against running physics.

A contact the pose model or the event detector invented (two skeletons merged, a foot swap,
a missed landing next to it) produces numbers no runner can produce: a foot on the ground for
30 ms or for 110 % of the stride, a negative flight, a shin at 85 deg. Such a contact keeps
its row (``contacts.csv``, ``metrics.json``) with ``excluded = True`` and the reason in
``exclusion_reason``, and is left out of every median, cue and verdict.

All bounds live in :class:`ContactBounds`, each with its physical reason. They are deliberately
wide: they remove what cannot be running, not what is merely unusual. Timing is checked
against the runner's own cadence (medians over the contacts that pass the absolute checks),
so a sprinter and a jogger, and a slow-motion clip read in file time, are judged alike.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..geometry import RunnerGeometry
from ..keypoints import Keypoints
from .contact import Contact

__all__ = ["ContactBounds", "contact_problems", "judge_plausibility", "counted", "excluded_summary", "runner_step_time",
           "mean_step_time"]


@dataclass(frozen=True)
class ContactBounds:
    """Physical bounds every counted contact must meet.

    Attributes
    ----------
    duty_factor_min, duty_factor_max : float
        Contact time / stride time. Running has a flight phase, so it is below 0.5: about
        0.20-0.25 in sprinting and 0.30-0.45 in jogging (Novacheck 1998, Gait Posture 7:77;
        Folland et al. 2017). Walking is about 0.6. Outside 0.1-0.8 the contact is not a
        stance of one foot (a missed toe-off, two contacts merged, an invented touch).
    flight_time_min_s : float
        Toe-off to the next contralateral contact, s. Running flight times are about 0 to
        +150 ms; a slow jog may overlap by a frame or two, and video toe-off reads up to 57 ms
        early (README, Accuracy), so -20 ms (just over a frame at 60 fps) is allowed. More
        negative means both feet on the ground at once for longer: walking or a wrong event.
    contact_time_min_s : float
        No running contact is shorter than 40 ms: elite sprinters touch for about 80 ms
        (Weyand et al. 2000, J Appl Physiol 89:1991), and video toe-off reads at most ~57 ms
        early. Shorter is a flicker of the detector.
    contact_time_min_rel, contact_time_max_rel : float
        Contact time against this runner's median contact: within one steady clip contact
        times vary by about +/-10 % (CV 3-5 %); below 0.35x or above 2.5x the contact is
        a fragment or a merge of two.
    step_time_min_rel, step_time_max_rel : float
        Step time (this contact to the next of the other foot) against the runner's median
        step: step-to-step variability is a few % (Hausdorff 2005); 0.6x means an invented
        contact in between, 1.6x a missed one (a missed contact makes it about 3x).
    shin_deg : tuple of float
        Shin angle at contact, deg (+ ankle ahead of knee). Overstriders land at up to
        ~15-20 deg, forefoot sprinters at about -10 (Lieberman et al. 2015, J Exp Biol
        218:3406; population data in ``../shared/data/population``). Beyond -30..+40 the
        knee and ankle are not one leg's.
    knee_flexion_ic_deg : tuple of float
        Knee flexion at contact, deg. Runners land with 5-30 deg (Novacheck 1998); a 2D
        straight knee reads a few degrees either side of 0, so -5 is allowed; over 90 deg
        is a crouch, not a running contact.
    trunk_lean_deg : tuple of float
        Pelvis -> shoulders from vertical at contact, deg (+ forward). Distance runners lean
        5-10 deg, sprinters accelerating out of blocks up to ~45 (Nagahara 2014); beyond
        -30..+45 the shoulders or hips are someone else's or missing.
    overstride_pct_leg : tuple of float
        Heel ahead of the pelvis at contact, % leg length. Runners land about -10 to +35 %
        (heel under to well ahead of the hips; Lieberman et al. 2015 report up to ~0.3 m);
        beyond -40..+60 % the foot is not under this body.
    foot_above_ground_max_pct_leg : float
        The lowest point of the landing foot at contact may sit at most this far above the
        local ground line (the 95th percentile of the lowest foot point within
        ``ground_window_s``), % leg. A landing foot is on the ground; pose noise on heels is
        about 5 % leg (README, Accuracy). Higher means the "contact" is in mid-swing.
    ground_window_s : float
        Half-width of the window around each contact over which the ground line is taken,
        s (local, so a panning camera or a sloped track is followed).
    min_reference_contacts : int
        Fewer contacts than this with a measured time skip the checks against the runner's
        own medians (there is no cadence to compare with).
    own_shin_max_deg : float
        Largest distance (deg) of a contact's shin angle from the median of the same foot's
        other plausible contacts. A steady runner lands the same way step after step (the
        shank's angle at contact varies by a few degrees; our video error is 2-4 deg on the
        annotated clip), so 15 deg off is a wrong contact time or another leg, as on the gym
        clip's far-behind "contact" timed without the sole (shin -24 deg, heel 37 % leg
        behind the hip, against a near-foot median of -1 deg).
    own_overstride_max_pct_leg : float
        The same for the heel ahead of the hip (% leg); a steady runner's varies by ~15 % leg
        over a clip.
    """

    duty_factor_min: float = 0.10
    duty_factor_max: float = 0.80
    flight_time_min_s: float = -0.020
    contact_time_min_s: float = 0.040
    contact_time_min_rel: float = 0.35
    contact_time_max_rel: float = 2.5
    step_time_min_rel: float = 0.6
    step_time_max_rel: float = 1.6
    shin_deg: tuple[float, float] = (-30.0, 40.0)
    knee_flexion_ic_deg: tuple[float, float] = (-5.0, 90.0)
    trunk_lean_deg: tuple[float, float] = (-30.0, 45.0)
    overstride_pct_leg: tuple[float, float] = (-40.0, 60.0)
    foot_above_ground_max_pct_leg: float = 15.0
    ground_window_s: float = 1.0
    min_reference_contacts: int = 3
    own_shin_max_deg: float = 15.0
    own_overstride_max_pct_leg: float = 25.0


def _num(v) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def _ms(v: float) -> str:
    return f"{v * 1000:.0f} ms"


#: (stride key, bounds field, label, unit) of the angle and position ranges.
_RANGES = (
    ("shin_angle_ic_deg", "shin_deg", "shin angle", " deg"),
    ("knee_flexion_ic_deg", "knee_flexion_ic_deg", "knee flexion", " deg"),
    ("trunk_lean_deg", "trunk_lean_deg", "trunk lean", " deg"),
    ("overstride_pct_leg", "overstride_pct_leg", "heel ahead of hip", " % leg"),
)


def _absolute(s: dict, b: ContactBounds) -> list[str]:
    out = []
    df = _num(s.get("duty_factor"))
    if df is not None and not b.duty_factor_min <= df <= b.duty_factor_max:
        out.append(f"duty factor {df:.2f} outside {b.duty_factor_min:g}-{b.duty_factor_max:g}")
    fl = _num(s.get("flight_time_s"))
    if fl is not None and fl < b.flight_time_min_s:
        out.append(f"flight time {fl * 1000:.1f} ms below {_ms(b.flight_time_min_s)}")
    ct = _num(s.get("contact_time_s"))
    if ct is not None and ct < b.contact_time_min_s:
        out.append(f"contact time {ct * 1000:.1f} ms below {_ms(b.contact_time_min_s)}")
    for key, field, label, unit in _RANGES:
        v, (lo, hi) = _num(s.get(key)), getattr(b, field)
        if v is not None and not lo <= v <= hi:
            out.append(f"{label} {v:.0f}{unit} outside {lo:g} to {hi:g}")
    return out


def _lowest(rows: np.ndarray) -> np.ndarray:
    """Per column, the largest finite y (the lowest point, y down); NaN where none is finite."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN frame is NaN, as meant
        return np.nanmax(rows, axis=0)


def _foot_low(kp: Keypoints, foot: str) -> np.ndarray:
    """Per frame, y (down) of the lowest of the foot's heel, toe and sole points."""
    return _lowest(np.stack([kp.point(f"{foot}_{j}")[:, 1] for j in ("heel", "toe", "sole")]))


def _above_ground(s: dict, kp: Keypoints, leg: float, low: dict[str, np.ndarray], both: np.ndarray,
                  b: ContactBounds) -> float | None:
    """How far the landing foot's lowest point is above the local ground at IC, % leg."""
    t = kp.time_s
    if not (np.isfinite(leg) and leg > 0) or t.size == 0:
        return None
    ic = s["ic_time_s"]
    near = np.abs(t - ic) <= b.ground_window_s
    ground = both[near]
    ground = ground[np.isfinite(ground)]
    i = int(np.argmin(np.abs(t - ic)))
    foot_y = low[s["foot"]][i]
    if ground.size < 3 or not np.isfinite(foot_y):
        return None
    return float((np.percentile(ground, 95) - foot_y) / leg * 100.0)


def _median_of(contacts: list[dict], key: str, keep: list[bool], min_reference: int) -> float | None:
    vals = [_num(s.get(key)) for s, k in zip(contacts, keep) if k]
    vals = [v for v in vals if v is not None and v > 0]
    return float(np.median(vals)) if len(vals) >= min_reference else None


def _same_foot_intervals(contacts) -> list[float]:
    """Intervals (s) between consecutive counted (not ``excluded``) contacts of each foot.

    An excluded contact is stepped over: the interval across it spans two strides.
    """
    out = []
    for foot in ("left", "right"):
        own = sorted(s["ic_time_s"] for s in contacts
                     if s.get("foot") == foot and not s.get("excluded") and _num(s.get("ic_time_s")) is not None)
        out += [b2 - a for a, b2 in zip(own, own[1:]) if b2 > a]
    return out


def mean_step_time(contacts, min_reference: int = 3) -> float | None:
    """The clip's mean step time (s): the time the same-foot intervals span over the steps in them.

    Each interval counts as ``round(interval / median interval)`` strides (an excluded contact
    inside it makes it two), so this is steps over time: a contact's timing error moves one
    interval up and the next down, and only the two ends of a run of contacts remain, spread over
    the whole clip; a median of intervals read at 30 fps instead jumps with their sub-frame
    scatter (``male_side.mp4``: 170.2 steps/min by the median, 168.2-168.9 by this, against
    168.9 counted by hand). None with fewer than ``min_reference`` intervals.
    """
    d = np.asarray(_same_foot_intervals(contacts), float)
    if d.size < min_reference:
        return None
    strides = np.maximum(np.round(d / np.median(d)), 1.0)
    return float(d.sum() / (2.0 * strides.sum()))


def runner_step_time(contacts, min_reference: int = 3) -> float | None:
    """The runner's step time (s): half the median same-foot interval, else the median step.

    Same-foot intervals (one contact to the next of the same foot) are taken between
    consecutive counted contacts of a foot (not ``excluded``). A per-foot bias in
    contact timing cancels in them: the far foot's landing read late when its sole is behind
    a treadmill's deck (the gym clip: steps alternate 0.31-0.34 and 0.37-0.40 s) moves both
    ends, while the median of alternating steps jumps between the two clusters with whichever
    contacts are excluded. A missed contact of the other foot does not disturb them either.
    Too few intervals: the median ``step_time_s`` of the counted contacts.
    """
    halves = [0.5 * d for d in _same_foot_intervals(contacts)]
    if len(halves) >= min_reference:
        return float(np.median(halves))
    return _median_of(contacts, "step_time_s", [not s.get("excluded") for s in contacts], min_reference)


def contact_problems(contacts: list[dict], kp: Keypoints | None = None, geom: RunnerGeometry | None = None,
                     bounds: ContactBounds = ContactBounds()) -> list[list[str]]:
    """Why each contact is not plausible running (an empty list when it is).

    Parameters
    ----------
    contacts : list of dict
        Per-contact metrics (:func:`runform.metrics.stance.stance_metrics`), in time order.
    kp : Keypoints, optional
        The keypoints the metrics were measured on (x right, y down), for the foot-on-the-
        ground check; skipped when None.
    geom : RunnerGeometry, optional
        For the leg length of that check.
    bounds : ContactBounds

    Returns
    -------
    list of list of str
        One list of reasons per stride, e.g. ``["duty factor 1.12 outside 0.1-0.8"]``.
    """
    b = bounds
    out = [_absolute(s, b) for s in contacts]
    if kp is not None and geom is not None and len(kp):
        low = {f: _foot_low(kp, f) for f in ("left", "right")}
        both = _lowest(np.stack([low["left"], low["right"]]))
        for s, reasons in zip(contacts, out):
            h = _above_ground(s, kp, geom.leg_length, low, both, b)
            if h is not None and h > b.foot_above_ground_max_pct_leg:
                reasons.append(f"landing foot {h:.0f} % leg above the ground line (> {b.foot_above_ground_max_pct_leg:g})")
    # The runner's own timing. Contact time: the median of the contacts whose timing passed the
    # absolute checks (merged and flickering contacts are both common, so all of them would
    # not do). Step time: half the median same-foot interval (one contact to the next of the
    # same foot), which a missed contact of the other foot, the commonest miss on video (the
    # far leg), does not disturb; the median step when there are too few such intervals.
    timing_ok = [not any(r.startswith(("duty factor", "flight time", "contact time")) for r in rs) for rs in out]
    references = {"contact_time_s": _median_of(contacts, "contact_time_s", timing_ok, b.min_reference_contacts),
                  "step_time_s": runner_step_time(contacts, b.min_reference_contacts)}
    for key, lo_rel, hi_rel, label in (
            ("contact_time_s", b.contact_time_min_rel, b.contact_time_max_rel, "contact time"),
            ("step_time_s", b.step_time_min_rel, b.step_time_max_rel, "step time")):
        med = references[key]
        if med is None:
            continue
        for s, reasons in zip(contacts, out):
            v = _num(s.get(key))
            if v is None:
                continue
            ratio = v / med
            if not lo_rel <= ratio <= hi_rel:
                reasons.append(f"{label} {_ms(v)} is {ratio:.2f}x this runner's median {_ms(med)} "
                               f"(outside {lo_rel:g}-{hi_rel:g}x)")
    _own_landing(contacts, out, b)
    return out


def _own_landing(contacts: list[dict], out: list[list[str]], b: ContactBounds) -> None:
    """Reasons for contacts far from the same foot's own landing (shin, heel ahead of hip)."""
    passed = [not reasons for reasons in out]  # the references: contacts that passed the checks before this one
    for key, limit, label, unit in (("shin_angle_ic_deg", b.own_shin_max_deg, "shin angle", " deg"),
                                    ("overstride_pct_leg", b.own_overstride_max_pct_leg, "heel ahead of hip", " % leg")):
        for foot in ("left", "right"):
            idx = [i for i, s in enumerate(contacts) if s.get("foot") == foot and _num(s.get(key)) is not None]
            ref = np.array([_num(contacts[j].get(key)) for j in idx if passed[j]])
            for i in idx:
                v = _num(contacts[i].get(key))
                # The median of the foot's other contacts that passed the checks before this one
                # (one array per foot: a long clip's contacts are not compared pair by pair in Python).
                others = np.delete(ref, int(np.flatnonzero(ref == v)[0])) if passed[i] else ref
                if others.size < b.min_reference_contacts:
                    continue
                med = float(np.median(others))
                if abs(v - med) > limit:
                    out[i].append(f"{label} {v:.0f}{unit} is {abs(v - med):.0f}{unit} from this runner's {foot}-foot "
                                  f"median {med:.0f}{unit} (more than {limit:g})")


def judge_plausibility(contacts, kp: Keypoints | None = None, geom: RunnerGeometry | None = None,
                       bounds: ContactBounds = ContactBounds()) -> tuple[Contact, ...]:
    """The contacts with ``excluded`` (bool) and ``exclusion_reason`` (text or None) set.

    Returns new records (:meth:`runform.metrics.contact.Contact.with_values`); the given ones
    are left as they were.
    """
    problems = contact_problems(list(contacts), kp, geom, bounds)
    return tuple(c.with_values(excluded=bool(reasons), exclusion_reason="; ".join(reasons) if reasons else None)
                 for c, reasons in zip(contacts, problems))


#: The first words of every reason :func:`contact_problems` gives, for the summary sentence.
_KINDS = ("duty factor", "flight time", "contact time", "step time", "shin angle", "knee flexion", "trunk lean",
          "heel ahead of hip", "landing foot")


def counted(contacts) -> list[dict]:
    """The contacts that count: every stride not marked ``excluded``."""
    return [s for s in contacts or [] if not s.get("excluded")]


def excluded_summary(contacts: list[dict]) -> str | None:
    """One sentence for the ``contacts_excluded`` quality flag (None when nothing was excluded)."""
    out = [s for s in contacts if s.get("excluded")]
    if not out:
        return None
    kinds: dict[str, int] = {}
    for s in out:
        for r in (s.get("exclusion_reason") or "").split("; "):
            name = next((k for k in _KINDS if r.startswith(k)), r)
            kinds[name] = kinds.get(name, 0) + 1
    what = ", ".join(f"{k} ({n})" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    return (f"{len(out)} of {len(contacts)} contacts are not plausible running and are left out of medians, cues "
            f"and the verdict (implausible {what}; see exclusion_reason per contact)")
