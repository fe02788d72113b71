"""Coaching cues: traffic-light bands for the headline metrics and at most three cues.

Every threshold lives in :class:`Thresholds`, each with where it comes from. Most running
metrics have **no published clinical cut-off**; where that is so the field says it is a
working band of this tool, and a TOML file (:func:`load_thresholds`) can change it.
"""

from __future__ import annotations

from ..metrics.plausibility import counted
from ..metrics.registry import REGISTRY, banded, finite
from ..metrics.registry import band as registry_band
from ..metrics.registry import band_text as registry_band_text
from .cue_texts import CUES, value_text
from .thresholds import Thresholds, check_thresholds, load_thresholds
from .verdict import band_rule_overstriding, decision_min, is_overstride, overstriding_decision

#: Banded metric -> its band (from the metric registry).
_BANDED = {m.name: m.band for m in banded()}

_num = finite


#: Traffic-light colours (RGB) drawn on frames: shin lines, labels.
BAND_RGB = {"green": (40, 200, 80), "amber": (255, 176, 0), "red": (235, 50, 50)}


def band(metric: str, value, thresholds: Thresholds = Thresholds()) -> str | None:
    """``"green"``, ``"amber"`` or ``"red"`` for a metric value; None when unbanded or missing.

    :func:`runform.metrics.registry.band` under these thresholds: the one band every output shows.
    """
    return registry_band(metric, value, thresholds)


def band_text(metric: str, thresholds: Thresholds = Thresholds()) -> str:
    """The bands in words, e.g. ``"green <= 5, amber 5-10, red > 10"``; "" when unbanded."""
    return registry_band_text(metric, thresholds)


def _too_high(metric: str, value, t: Thresholds) -> bool:
    """Outside green on the side the cue is about: above amber for a high-bad metric (a trunk
    leaning back is amber or red too, but "lean from the ankles" would be the wrong cue)."""
    b = REGISTRY[metric].band
    v = _num(value)
    return v is not None and (not b.high_bad or v > getattr(t, b.amber))


def _support(contacts: list[dict], metric: str, t: Thresholds) -> tuple[int, int]:
    """(contacts outside green, contacts measured) for a per-stride metric."""
    bands = [band(metric, s.get(metric), t) for s in contacts]
    bands = [b for b in bands if b is not None]
    return sum(b != "green" for b in bands), len(bands)


#: Flags that say the data is weak: the report's summary is never green over one of them.
WEAK_DATA_FLAGS = ("low_visibility", "not_side_on", "shin_from_landmarks", "camera_tilt_unknown", "slow_motion",
                   "tracking_jumps", "too_few_contacts_left", "too_few_contacts_right", "contact_timing_estimated",
                   "frames_missing", "low_resolution")

#: Cues that rest on sagittal angles and are withheld when the view is poor.
_VIEW_FLAGS = ("low_visibility", "not_side_on", "low_resolution")


def _make(cue_id: str, value, band_name: str, k: int | None, n: int | None, t: Thresholds,
          extra: str = "") -> dict:
    c = CUES[cue_id]
    title, metric, cue, feel, drill, source = c.title, c.metric, c.cue, c.feel, c.drill, c.source
    return {
        "id": cue_id, "title": title, "band": band_name,
        "finding": {"metric": metric, "value": _num(value), "value_text": value_text(metric, value),
                    "threshold": band_text(metric, t),
                    "contacts_supporting": f"{k} of {n}" if n else "whole clip"},
        "cue": cue + extra, "feel": feel, "drill": drill, "source": source,
    }


#: Flags that say the clip's clock is wrong: every cue (cadence included) waits for the right one.
_CLOCK_FLAGS = ("slow_motion",)


#: Cues whose metric has no truth on real video yet, withheld on video with the reason. Knee
#: flexion excursion: MediaPipe's hip, knee and ankle through stance read it 4-14 deg high on the
#: rendered runners, and 10 deg on the annotated real runner (typical running 20-30 deg), whose
#: stance knee was not annotated.
VIDEO_UNVALIDATED: dict[str, str] = {
    "knee_give": "knee flexion excursion from video has no real-video truth yet (on rendered runners it reads "
                 "4-14 deg off); it is shown as a measurement, not used for a cue",
}


def coaching_cues(summary: dict, contacts: list[dict], quality: dict,
                  thresholds: Thresholds = Thresholds(), overstriding: dict | None = None,
                  video: bool = False) -> dict:
    """Bands for the headline metrics and up to ``max_cues`` cues ranked by expected benefit.

    Parameters
    ----------
    summary, contacts, quality : dict, list of dict, dict
        As in :class:`runform.pipeline.Analysis`.
    thresholds : Thresholds
    overstriding : dict or None
        The classifier's verdict (:attr:`runform.pipeline.Analysis.overstriding`). The
        overstriding cues follow :func:`overstriding_decision` (the classifier's verdict, else
        the band rule): a cue when the session or either foot is "overstriding", none
        otherwise; "uncertain", "not enough contacts" and "cannot judge" are withheld with
        the reason. Contacts marked ``excluded`` count for nothing; a ``slow_motion`` flag
        withholds every cue.
    video : bool
        The metrics come from a camera's view (a video, or OpenPose keypoints of one): a cue of
        :data:`VIDEO_UNVALIDATED` is withheld with its reason instead of given.

    Returns
    -------
    dict
        ``cues`` (at most ``max_cues``, each with id, title, band, finding {metric, value,
        value_text, threshold, contacts_supporting "k of n"}, cue, feel, drill, source),
        ``more`` (ids of further supported cues left out), ``withheld`` (list of
        {id, reason} where the data cannot support a cue), ``bands`` (metric -> band or None),
        ``overstriding`` (:func:`overstriding_decision`: the verdict every output shows).
    """
    t = thresholds
    summary = summary or {}
    quality = quality or {}
    all_strides = list(contacts or [])
    contacts = counted(all_strides)
    bands = {m: band(m, summary.get(m), t) for m in _BANDED}
    clock = [f for f in _CLOCK_FLAGS if f in quality]
    if clock:
        return {"cues": [], "more": [], "bands": bands,
                "withheld": [{"id": "all", "reason": f"No cue until the clock is right ({clock[0]}): {quality[clock[0]]}"}],
                "overstriding": overstriding_decision(all_strides, quality, overstriding, t)}
    found: list[tuple[float, dict]] = []
    withheld: list[dict] = []
    poor_view = [f for f in _VIEW_FLAGS if f in quality]
    severity = {"amber": 1.0, "red": 2.0}

    def add(cue: dict) -> None:
        found.append((CUES[cue["id"]].weight * severity.get(cue["band"], 1.0), cue))

    def enough(cue_id: str, n: int, angle_based: bool = True) -> bool:
        if angle_based and poor_view:
            withheld.append({"id": cue_id, "reason": f"{CUES[cue_id].title}: not judged, the view is poor "
                             f"({', '.join(poor_view)}): {quality[poor_view[0]]}"})
            return False
        if n < t.cue_min_contacts:
            withheld.append({"id": cue_id, "reason": f"{CUES[cue_id].title}: only {n} measured contacts "
                             f"(need {t.cue_min_contacts}) to support a cue"})
            return False
        return True

    # Overstriding: the one decision (classifier, else bands), never on its own weak data.
    decision = overstriding_decision(all_strides, quality, overstriding, t)
    groups = [decision[w] for w in ("session", "left", "right") if isinstance(decision.get(w), dict)]
    flagged = [g for g in groups if g["verdict"] == "overstriding"]
    session = decision["session"]
    if flagged and enough("falling_forward", max(g["n_contacts"] for g in flagged)):
        g = max(flagged, key=lambda g: g["n_overstriding"])
        for cue_id in ("falling_forward", "pulling_the_road"):
            # Each cue shows its own metric's band (the table's); the verdict raised it, so a value
            # still in green is shown amber only when its band is unknown.
            metric = CUES[cue_id].metric
            cue = _make(cue_id, summary.get(metric), bands[metric] or "amber", g["n_overstriding"],
                        g["n_contacts"], t)
            cue["finding"]["model_verdict"] = g["text"]
            add(cue)
    elif not flagged and session["verdict"] == "cannot judge":
        withheld.append({"id": "falling_forward", "reason": f"Overstriding: {session['text']}"})
    elif not flagged and session["verdict"] == "not enough contacts":
        withheld.append({"id": "falling_forward", "reason": f"{CUES['falling_forward'].title}: only "
                         f"{session['n_contacts']} measured contacts (need {decision_min(decision, t)}) to support a cue"})
    elif not flagged and any(g["verdict"] == "uncertain" for g in groups):
        what = "the classifier is" if decision["source"] == "classifier" else "the shin-angle and overstride bands are"
        withheld.append({"id": "falling_forward", "reason": f"Overstriding: {what} uncertain ("
                         + "; ".join(g["text"] for g in groups) + ")"})
    # Cadence (timing, not angles: a poor view does not withhold it).
    cad = _num(summary.get("cadence_spm"))
    if cad is not None and bands["cadence_spm"] in ("amber", "red"):
        steps = [_num(s.get("step_time_s")) for s in contacts]
        steps = [60.0 / x for x in steps if x]
        ks = sum(band("cadence_spm", c, t) != "green" for c in steps)
        if enough("cadence", len(steps), angle_based=False):
            target = round(cad * (1 + t.cadence_increase))
            cue = _make("cadence", cad, bands["cadence_spm"], ks, len(steps), t,
                        f" Set a metronome to {target} steps/min (your {cad:.0f} + {t.cadence_increase:.1%}).")
            cue["metronome_spm"] = target
            add(cue)
    for cue_id, metric in (("knee_give", "knee_flexion_excursion_deg"), ("lean_from_ankles", "trunk_lean_deg"),
                           ("run_quiet", "vertical_oscillation_pct_leg")):
        if bands[metric] not in ("amber", "red") or not _too_high(metric, summary.get(metric), t):
            continue
        if metric == "vertical_oscillation_pct_leg" and "vertical_oscillation_uncertain" in quality:
            withheld.append({"id": cue_id, "reason": f"{CUES[cue_id].title}: not judged, "
                             f"{quality['vertical_oscillation_uncertain']}"})
            continue
        if video and cue_id in VIDEO_UNVALIDATED:
            withheld.append({"id": cue_id, "reason": f"{CUES[cue_id].title}: not judged, {VIDEO_UNVALIDATED[cue_id]}"})
            continue
        leg = summary.get("near_leg_metrics_from") if REGISTRY[metric].near_leg_in_video else None
        ks, ns = _support([s for s in contacts if leg is None or s["foot"] == leg], metric, t)
        if enough(cue_id, ns) and ks / ns >= t.cue_min_fraction:
            add(_make(cue_id, summary.get(metric), bands[metric], ks, ns, t))
    arms = [m for m in ("shoulder_elevation_ratio", "elbow_angle_deg") if bands[m] in ("amber", "red")]
    if arms:
        if poor_view:
            enough("relax_shoulders", 0)
        else:
            b = "red" if "red" in (bands[m] for m in arms) else "amber"
            cue = _make("relax_shoulders", summary.get(arms[0]), b, None, None, t)
            if arms[0] == "elbow_angle_deg":
                cue["finding"].update(metric="elbow_angle_deg", value_text=value_text("elbow_angle_deg", summary.get("elbow_angle_deg")),
                                      threshold=band_text("elbow_angle_deg", t))
            add(cue)
    found.sort(key=lambda pair: -pair[0])  # stable: the two overstriding cues stay together
    cues = [c for _, c in found[: t.max_cues]]
    return {"cues": cues, "more": [c["id"] for _, c in found[t.max_cues:]], "withheld": withheld, "bands": bands,
            "overstriding": decision}



__all__ = ["BAND_RGB", "Thresholds", "load_thresholds", "check_thresholds", "band", "band_text", "is_overstride",
           "band_rule_overstriding", "overstriding_decision", "coaching_cues", "WEAK_DATA_FLAGS", "VIDEO_UNVALIDATED"]
