"""Coaching cues: traffic-light bands for the headline metrics and at most three cues.

Every threshold lives in :class:`Thresholds`, each with where it comes from. Most running
metrics have **no published clinical cut-off**; where that is so the field says it is a
working band of this tool, and a TOML file (:func:`load_thresholds`) can change it.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import ConfigError
from .cue_texts import CUES, value_text
from ..metrics.plausibility import counted
from ..metrics.registry import REGISTRY, banded, finite
from ..metrics.registry import band as registry_band
from ..metrics.registry import band_text as registry_band_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Thresholds:
    """Every band and cue threshold, in one place.

    "amber" and "red" are the values where a metric leaves the green band and where it is
    clearly atypical. For "low is bad" metrics red < amber.

    Attributes
    ----------
    shin_amber_deg, shin_red_deg : float
        Shin angle at initial contact: < 5 green, 5-10 amber, > 10 red. Working bands of
        running-retraining apps; Souza (2016, Phys Med Rehabil Clin N Am 27:217) recommends
        a near-vertical shin at contact but gives no published cut-off.
    overstride_amber_pct_leg, overstride_red_pct_leg : float
        Heel ahead of the pelvis at contact, % of leg length (thigh + shank): < 15 green,
        15-25 amber, > 25 red (about 13 and 22 cm for a 0.87 m leg). Working bands: Lieberman
        et al. (2015, J Exp Biol 218:3406) measure the foot ahead of the hip but set no cut-off.
    overstride_probability_cut : float
        When strides carry ``overstride_probability`` (a classifier), a stride counts as
        overstriding above this probability instead of the angle rule.
    overstride_min_fraction : float
        Share of measured contacts that must count as overstriding for the cue.
    cue_min_fraction : float
        Share of measured contacts outside green that a knee, trunk or bounce cue needs (a
        median just over a limit with most contacts green is not a pattern to coach).
    cadence_amber_spm, cadence_red_spm : float
        Cadence (steps/min): >= 170 green, 160-170 amber, < 160 red. Recreational runners
        typically run 160-170 spm at easy speed; cadence rises with speed, so this is a
        prompt to check, not a diagnosis. There is no single correct cadence.
    cadence_increase : float
        Metronome target = cadence x (1 + this). Heiderscheit et al. (2011, Med Sci Sports
        Exerc 43:296) found +5-10% of the preferred step rate reduces hip and knee loading;
        0.075 is the middle.
    trunk_amber_deg, trunk_red_deg : float
        Forward trunk lean (pelvis -> shoulders from vertical) at contact: <= 10 green,
        10-15 amber, > 15 red. Distance runners typically lean about 5-10 deg forward
        (e.g. Folland et al. 2017, Med Sci Sports Exerc 49:1412; Teng & Powers 2014); a larger
        lean with the lean made at the hips is "leaning from the waist".
    trunk_back_amber_deg, trunk_back_red_deg : float
        The other end of the trunk-lean band: leaning back behind the vertical (< -5 amber,
        < -10 red) is a braking posture and never green. Working bands of this tool; a
        backward lean gets no cue (the "lean from the ankles" cue is about leaning too far).
    knee_excursion_amber_deg, knee_excursion_red_deg : float
        Stance knee flexion excursion (peak minus contact): >= 20 green, 15-20 amber, < 15 red
        (stiff landing). Typical values are 20-30 deg (Novacheck 1998, Gait Posture 7:77).
    oscillation_amber_pct_leg, oscillation_red_pct_leg : float
        Vertical oscillation of the pelvis, % leg length: <= 11 green, 11-13.5 amber,
        > 13.5 red: Garmin running-dynamics colour bands (9.7 and 11.5 cm) over a 0.87 m
        leg. Consumer guidance, not a clinical cut-off.
    shoulder_ratio_amber, shoulder_ratio_red : float
        Shoulder elevation ratio (head above mid-shoulders over trunk length): >= 0.15 green,
        0.10-0.15 amber, < 0.10 red. Uncalibrated working bands of this tool.
    elbow_amber_deg, elbow_red_deg : float
        Median inner elbow angle: >= 65 green, 50-65 amber, < 50 red (tightly clenched arms;
        runners typically carry the elbow near 80-90 deg). Uncalibrated working bands.
    min_strides : int
        Fewer measured contacts than this withholds a stride-based cue.
    max_cues : int
        Cues shown at most (more overwhelm a runner; one focus at a time is usual coaching).
    """

    shin_amber_deg: float = 5.0
    shin_red_deg: float = 10.0
    overstride_amber_pct_leg: float = 15.0
    overstride_red_pct_leg: float = 25.0
    overstride_probability_cut: float = 0.5
    overstride_min_fraction: float = 0.5
    cue_min_fraction: float = 0.5
    cadence_amber_spm: float = 170.0
    cadence_red_spm: float = 160.0
    cadence_increase: float = 0.075
    trunk_amber_deg: float = 10.0
    trunk_red_deg: float = 15.0
    trunk_back_amber_deg: float = -5.0
    trunk_back_red_deg: float = -10.0
    knee_excursion_amber_deg: float = 20.0
    knee_excursion_red_deg: float = 15.0
    oscillation_amber_pct_leg: float = 11.0
    oscillation_red_pct_leg: float = 13.5
    shoulder_ratio_amber: float = 0.15
    shoulder_ratio_red: float = 0.10
    elbow_amber_deg: float = 65.0
    elbow_red_deg: float = 50.0
    min_strides: int = 6
    max_cues: int = 3


def load_thresholds(toml_path: Path | str) -> Thresholds:
    """Read a TOML file of threshold overrides (top-level ``name = value`` keys).

    Raises
    ------
    ConfigError
        When the file cannot be read or parsed, a key is unknown, a value is not a finite
        number, or the result fails :func:`check_thresholds`.
    """
    path = Path(toml_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds file {path.name}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"thresholds file {path.name} is not valid TOML: {exc}") from None
    known = {f.name: f.type for f in fields(Thresholds)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"unknown threshold key(s) in {path.name}: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known))})")
    values = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"threshold {key} in {path.name} must be a finite number, got {value!r}")
        if key in ("min_strides", "max_cues") and value != int(value):
            raise ConfigError(f"threshold {key} in {path.name} must be a whole number, got {value!r}")
        values[key] = int(value) if key in ("min_strides", "max_cues") else float(value)
    return check_thresholds(replace(Thresholds(), **values), path.name)


def check_thresholds(t: Thresholds, source: str = "thresholds") -> Thresholds:
    """Return ``t`` when its values can be meant; raise ConfigError (naming ``source``) otherwise.

    Every amber threshold must come before its red one (below it where high is bad, above
    it where low is bad; equal leaves no amber band), counts must not be negative and
    probabilities and fractions must lie in [0, 1].
    """
    for m in banded():
        b = m.band
        limits = [b.low_red, b.low_amber, b.amber, b.red] if b.high_bad else [b.amber, b.red]
        limits = [n for n in limits if n]
        for lo, hi in zip(limits, limits[1:]):
            if getattr(t, lo) > getattr(t, hi) if b.high_bad else getattr(t, lo) < getattr(t, hi):
                raise ConfigError(f"{source}: {lo} = {getattr(t, lo):g} must be {'at most' if b.high_bad else 'at least'} "
                                  f"{hi} = {getattr(t, hi):g} ({m.name}: amber comes before red)")
    for name in ("min_strides", "max_cues", "cadence_increase"):
        if getattr(t, name) < 0:
            raise ConfigError(f"{source}: {name} must not be negative, got {getattr(t, name):g}")
    for name in ("overstride_probability_cut", "overstride_min_fraction", "cue_min_fraction"):
        if not 0.0 <= getattr(t, name) <= 1.0:
            raise ConfigError(f"{source}: {name} must be between 0 and 1, got {getattr(t, name):g}")
    return t


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


def _support(strides: list[dict], metric: str, t: Thresholds) -> tuple[int, int]:
    """(strides outside green, strides measured) for a per-stride metric."""
    bands = [band(metric, s.get(metric), t) for s in strides]
    bands = [b for b in bands if b is not None]
    return sum(b != "green" for b in bands), len(bands)


#: Flags that say the data is weak: the report's summary is never green over one of them.
WEAK_DATA_FLAGS = ("low_visibility", "not_side_on", "shin_from_landmarks", "camera_tilt_unknown", "slow_motion",
                   "tracking_jumps", "too_few_strides_left", "too_few_strides_right", "contact_timing_estimated",
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
                    "strides_supporting": f"{k} of {n}" if n else "whole clip"},
        "cue": cue + extra, "feel": feel, "drill": drill, "source": source,
    }


#: Flags that say the clip's clock is wrong: every cue (cadence included) waits for the right one.
_CLOCK_FLAGS = ("slow_motion",)


def coaching_cues(summary: dict, strides: list[dict], quality: dict,
                  thresholds: Thresholds = Thresholds(), overstriding: dict | None = None) -> dict:
    """Bands for the headline metrics and up to ``max_cues`` cues ranked by expected benefit.

    Parameters
    ----------
    summary, strides, quality : dict, list of dict, dict
        As in :class:`runform.pipeline.Analysis`.
    thresholds : Thresholds
    overstriding : dict or None
        The classifier's verdict (:attr:`runform.pipeline.Analysis.overstriding`). The
        overstriding cues follow :func:`overstriding_decision` (the classifier's verdict, else
        the band rule): a cue when the session or either foot is "overstriding", none
        otherwise; "uncertain", "not enough contacts" and "cannot judge" are withheld with
        the reason. Contacts marked ``excluded`` count for nothing; a ``slow_motion`` flag
        withholds every cue.

    Returns
    -------
    dict
        ``cues`` (at most ``max_cues``, each with id, title, band, finding {metric, value,
        value_text, threshold, strides_supporting "k of n"}, cue, feel, drill, source),
        ``more`` (ids of further supported cues left out), ``withheld`` (list of
        {id, reason} where the data cannot support a cue), ``bands`` (metric -> band or None),
        ``overstriding`` (:func:`overstriding_decision`: the verdict every output shows).
    """
    t = thresholds
    summary = summary or {}
    quality = quality or {}
    all_strides = list(strides or [])
    strides = counted(all_strides)
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
        if n < t.min_strides:
            withheld.append({"id": cue_id, "reason": f"{CUES[cue_id].title}: only {n} measured contacts "
                             f"(need {t.min_strides}) to support a cue"})
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
        steps = [_num(s.get("step_time_s")) for s in strides]
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
        ks, ns = _support(strides, metric, t)
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


# The overstriding decision lives in .verdict (it needs Thresholds, defined above).
from .verdict import band_rule_overstriding, decision_min, is_overstride, overstriding_decision  # noqa: E402

__all__ = ["BAND_RGB", "Thresholds", "load_thresholds", "check_thresholds", "band", "band_text", "is_overstride",
           "band_rule_overstriding", "overstriding_decision", "coaching_cues", "WEAK_DATA_FLAGS"]
