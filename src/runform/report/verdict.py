"""The one overstriding decision every output shows: CLI, report, annotated video, compare, batch.

Per contact: the classifier's decision at its threshold (:func:`runform.classify.model.contact_overstriding`),
else the shin-angle and overstride bands (:func:`is_overstride`). Per session and foot:
:func:`runform.classify.model.verdict` (interval on the mean, minimum contacts, and "cannot judge"
when the view, the visibility, the clock or the share of implausible contacts does not support a
verdict). :func:`overstriding_decision` picks the classifier's verdict when there is one, else
the band rule through the same function.
"""

from __future__ import annotations

import numpy as np

from ..classify.model import VerdictConfig, cannot_judge_reason, contact_overstriding, verdict
from ..metrics.registry import finite as _num
from .thresholds import Thresholds


def _thresholds(t: Thresholds | None) -> Thresholds:
    return t if t is not None else Thresholds()


__all__ = ["is_overstride", "band_rule_overstriding", "overstriding_decision", "decision_min"]


def is_overstride(stride: dict, t: Thresholds | None = None) -> bool | None:
    """Whether one contact counts as overstriding (None when it cannot be judged).

    An ``excluded`` contact (:mod:`runform.metrics.plausibility`) is never judged. The
    classifier's own per-contact decision (``overstriding``, made at the model's threshold by
    :func:`runform.classify.model.contact_overstriding`) decides when present; a bare
    ``overstride_probability`` is cut at ``overstride_probability_cut`` by the same rule.
    Otherwise the bands: shin angle or heel-ahead-of-pelvis in the red band, or both in the
    amber band.
    """
    t = _thresholds(t)
    if stride.get("excluded"):
        return None
    if isinstance(stride.get("overstriding"), bool):
        return stride["overstriding"]
    p = _num(stride.get("overstride_probability"))
    if p is not None:
        return contact_overstriding(p, t.overstride_probability_cut)
    shin, over = _num(stride.get("shin_angle_ic_deg")), _num(stride.get("overstride_pct_leg"))
    if shin is None and over is None:
        return None
    if (shin is not None and shin > t.shin_red_deg) or (over is not None and over > t.overstride_red_pct_leg):
        return True
    return (shin is not None and shin > t.shin_amber_deg) and (over is not None and over > t.overstride_amber_pct_leg)


def band_rule_overstriding(contacts: list[dict], quality: dict | None, t: Thresholds | None = None) -> dict:
    """The session verdict from the shin-angle and overstride bands alone (no classifier).

    Each counted contact is 1 (overstriding by the bands) or 0, and
    :func:`runform.classify.model.verdict` decides as it does for probabilities, with
    ``overstride_min_fraction`` as the share to reach and ``cue_min_contacts`` contacts at least;
    the same cannot-judge rules apply. ``source`` is "band rule".
    """
    t = _thresholds(t)
    bare = [{k: v for k, v in s.items() if k not in ("overstride_probability", "overstriding")} for s in contacts]
    calls = [is_overstride(s, t) for s in bare]
    probs = np.array([np.nan if c is None else float(c) for c in calls], dtype=float)
    cfg = VerdictConfig(threshold=t.overstride_min_fraction, min_contacts=max(1, int(t.cue_min_contacts)))
    return {"model": None, "source": "band rule", **verdict(contacts, probs, cfg, quality)}


def overstriding_decision(contacts: list[dict], quality: dict | None, overstriding: dict | None = None,
                          t: Thresholds | None = None) -> dict:
    """The session's overstriding decision: the one every output shows.

    Parameters
    ----------
    contacts : list of dict
        Every contact (``excluded`` ones are not counted).
    quality : dict or None
        Quality flags (some make it "cannot judge").
    overstriding : dict or None
        The classifier's verdict (:attr:`runform.pipeline.Analysis.overstriding`, or a
        metrics.json ``overstriding`` block). Without one, contacts that carry
        ``overstride_probability`` are decided on those (cut at ``overstride_probability_cut``),
        and contacts without fall back to :func:`band_rule_overstriding`.

    Returns
    -------
    dict
        As :func:`runform.classify.model.verdict` (``left``, ``right``, ``session``,
        ``cannot_judge``), plus ``source`` ("classifier" or "band rule").
    """
    if not (isinstance(overstriding, dict) and isinstance(overstriding.get("session"), dict)
            and overstriding["session"].get("verdict")):
        probs = np.array([np.nan if _num(s.get("overstride_probability")) is None else _num(s["overstride_probability"])
                          for s in contacts], dtype=float)
        if np.isfinite(probs).any():  # per-contact probabilities without their verdict: decide on them
            cfg = VerdictConfig(threshold=_thresholds(t).overstride_probability_cut)
            return {"model": None, "source": "classifier", **verdict(contacts, probs, cfg, quality)}
        return band_rule_overstriding(contacts, quality, t)
    out = {**overstriding, "source": "classifier"}
    # A verdict written before the cannot-judge rules (an older metrics.json) gets them here.
    reason = out.get("cannot_judge") or cannot_judge_reason(contacts, quality)
    if reason:
        out["cannot_judge"] = reason
        for who in ("left", "right", "session"):
            if isinstance(out.get(who), dict):
                out[who] = {**out[who], "verdict": "cannot judge", "reason": reason, "text": f"cannot judge: {reason}"}
    return out


def decision_min(decision: dict, t: Thresholds | None = None) -> int:
    """Contacts a verdict needs: the classifier's minimum, or ``cue_min_contacts`` for the band rule."""
    if decision.get("source") == "band rule":
        return max(1, int(_thresholds(t).cue_min_contacts))
    return VerdictConfig().min_contacts
