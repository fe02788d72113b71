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
from ..metrics.plausibility import counted

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
    cadence_amber_spm: float = 170.0
    cadence_red_spm: float = 160.0
    cadence_increase: float = 0.075
    trunk_amber_deg: float = 10.0
    trunk_red_deg: float = 15.0
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
    for metric, (a_name, r_name, high_bad) in _BANDED.items():
        amber, red = getattr(t, a_name), getattr(t, r_name)
        if (amber > red) if high_bad else (amber < red):
            raise ConfigError(f"{source}: {a_name} = {amber:g} must be {'at most' if high_bad else 'at least'} "
                              f"{r_name} = {red:g} ({metric}: amber comes before red)")
    for name in ("min_strides", "max_cues", "cadence_increase"):
        if getattr(t, name) < 0:
            raise ConfigError(f"{source}: {name} must not be negative, got {getattr(t, name):g}")
    for name in ("overstride_probability_cut", "overstride_min_fraction"):
        if not 0.0 <= getattr(t, name) <= 1.0:
            raise ConfigError(f"{source}: {name} must be between 0 and 1, got {getattr(t, name):g}")
    return t


#: metric -> (amber field, red field, True when high values are bad)
_BANDED = {
    "shin_angle_ic_deg": ("shin_amber_deg", "shin_red_deg", True),
    "overstride_pct_leg": ("overstride_amber_pct_leg", "overstride_red_pct_leg", True),
    "cadence_spm": ("cadence_amber_spm", "cadence_red_spm", False),
    "trunk_lean_deg": ("trunk_amber_deg", "trunk_red_deg", True),
    "knee_flexion_excursion_deg": ("knee_excursion_amber_deg", "knee_excursion_red_deg", False),
    "vertical_oscillation_pct_leg": ("oscillation_amber_pct_leg", "oscillation_red_pct_leg", True),
    "shoulder_elevation_ratio": ("shoulder_ratio_amber", "shoulder_ratio_red", False),
    "elbow_angle_deg": ("elbow_amber_deg", "elbow_red_deg", False),
}


def _num(v) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


#: Traffic-light colours (RGB) drawn on frames: shin lines, labels.
BAND_RGB = {"green": (40, 200, 80), "amber": (255, 176, 0), "red": (235, 50, 50)}


def band(metric: str, value, thresholds: Thresholds = Thresholds()) -> str | None:
    """``"green"``, ``"amber"`` or ``"red"`` for a metric value; None when unbanded or missing."""
    v = _num(value)
    if metric not in _BANDED or v is None:
        return None
    a_name, r_name, high_bad = _BANDED[metric]
    amber, red = getattr(thresholds, a_name), getattr(thresholds, r_name)
    if high_bad:
        return "red" if v > red else "amber" if v > amber else "green"
    return "red" if v < red else "amber" if v < amber else "green"


def band_text(metric: str, thresholds: Thresholds = Thresholds()) -> str:
    """The green band in words, e.g. ``"< 5 (amber 5-10, red > 10)"``; "" when unbanded."""
    if metric not in _BANDED:
        return ""
    a_name, r_name, high_bad = _BANDED[metric]
    a, r = (f"{getattr(thresholds, n):g}" for n in (a_name, r_name))
    if high_bad:
        return f"green <= {a}, amber {a}-{r}, red > {r}"
    return f"green >= {a}, amber {r}-{a}, red < {r}"


def _support(strides: list[dict], metric: str, t: Thresholds) -> tuple[int, int]:
    """(strides outside green, strides measured) for a per-stride metric."""
    bands = [band(metric, s.get(metric), t) for s in strides]
    bands = [b for b in bands if b is not None]
    return sum(b != "green" for b in bands), len(bands)


def _fmt(v, unit: str) -> str:
    return "n/a" if v is None else f"{v:.1f}{unit}" if abs(v) >= 1 else f"{v:.2f}{unit}"


#: Cue texts: id -> (title, metric, unit, cue, feel, drill, source, benefit weight)
_CUES = {
    "falling_forward": (
        "Falling Forward", "shin_angle_ic_deg", " deg",
        "Lean your whole body forward from the ankles, not the waist, so your feet land under you.",
        "Like a ski jumper leaning out: a straight line from heel to head and a gentle pull forward.",
        "Wall lean: stand a foot from a wall, fall forward from the ankles onto your hands, "
        "body straight; then run 20 m keeping that lean.",
        "Shin angle at contact: Souza 2016 (no published cut-off); Pose Method 'falling' drill.", 1.0),
    "pulling_the_road": (
        "Pulling the Road", "overstride_pct_leg", "% leg",
        "Start pulling your foot back before it lands, as if pawing the road behind you.",
        "The foot meets the ground moving backward, under your hips, with no braking thud.",
        "Paw-back drill: standing on one leg, swing the other forward and sweep it back and "
        "down under the hip, 3 x 10 each leg.",
        "Foot ahead of the hip at contact: Lieberman et al. 2015 (no published cut-off).", 1.0),
    "cadence": (
        "Quicker, lighter steps", "cadence_spm", " spm",
        "Raise your step rate by 5-10%: take slightly shorter, quicker steps at the same speed.",
        "Feet turning over quickly and landing closer under your body.",
        "Run 5 min to a metronome at the target step rate, then 5 min without; repeat 3 times.",
        "Heiderscheit et al. 2011 (+5-10% step rate lowers hip and knee loading).", 0.9),
    "knee_give": (
        "Land soft, let the knee give", "knee_flexion_excursion_deg", " deg",
        "Land soft and let the knee bend as you take your weight.",
        "A springy landing, quiet feet, the thigh muscles absorbing rather than a jolt.",
        "Quiet-feet runs: 4 x 30 s trying to make no sound on landing.",
        "Typical stance knee flexion excursion 20-30 deg (Novacheck 1998).", 0.7),
    "lean_from_ankles": (
        "Tall hips, lean from the ankles", "trunk_lean_deg", " deg",
        "Run tall with your hips high and forward; lean from the ankles, not by bending at the waist.",
        "Hips under or slightly ahead of the shoulders, as if a string pulls the top of your head up.",
        "Hands-on-hips runs: 4 x 20 s with hands on the hip bones pushing them forward.",
        "Typical forward trunk lean about 5-10 deg (Folland et al. 2017).", 0.6),
    "run_quiet": (
        "Run quiet, push back not up", "vertical_oscillation_pct_leg", "% leg",
        "Push the ground back behind you instead of bouncing up.",
        "Your head stays level, gliding forward rather than bobbing.",
        "Run past a fence or wall line and keep your eyes on it without bobbing, 4 x 30 s.",
        "Garmin running-dynamics bands for vertical oscillation (consumer guidance).", 0.5),
    "relax_shoulders": (
        "Drop the shoulders, relax the hands", "shoulder_elevation_ratio", "",
        "Drop your shoulders away from your ears and keep the hands loose.",
        "Long neck, loose shoulders, hands as if holding a crisp without breaking it.",
        "Every few minutes shake out the arms for 5 s, then run on with hands cupped loosely.",
        "Posture proxy only (see definitions); uncalibrated working band.", 0.3),
}

#: Flags that say the data is weak: the report's summary is never green over one of them.
WEAK_DATA_FLAGS = ("low_visibility", "not_side_on", "shin_from_landmarks", "camera_tilt_unknown", "slow_motion",
                   "tracking_jumps", "too_few_strides_left", "too_few_strides_right", "contact_timing_estimated",
                   "frames_missing", "low_resolution")

#: Cues that rest on sagittal angles and are withheld when the view is poor.
_VIEW_FLAGS = ("low_visibility", "not_side_on", "low_resolution")


def _make(cue_id: str, value, band_name: str, k: int | None, n: int | None, t: Thresholds,
          extra: str = "") -> dict:
    title, metric, unit, cue, feel, drill, source, _ = _CUES[cue_id]
    return {
        "id": cue_id, "title": title, "band": band_name,
        "finding": {"metric": metric, "value": _num(value), "value_text": _fmt(_num(value), unit),
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
        found.append((_CUES[cue["id"]][7] * severity.get(cue["band"], 1.0), cue))

    def enough(cue_id: str, n: int, angle_based: bool = True) -> bool:
        if angle_based and poor_view:
            withheld.append({"id": cue_id, "reason": f"{_CUES[cue_id][0]}: not judged, the view is poor "
                             f"({', '.join(poor_view)}): {quality[poor_view[0]]}"})
            return False
        if n < t.min_strides:
            withheld.append({"id": cue_id, "reason": f"{_CUES[cue_id][0]}: only {n} measured contacts "
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
        worst = "red" if "red" in (bands["shin_angle_ic_deg"], bands["overstride_pct_leg"]) else "amber"
        for cue_id in ("falling_forward", "pulling_the_road"):
            cue = _make(cue_id, summary.get(_CUES[cue_id][1]), worst, g["n_overstriding"], g["n_contacts"], t)
            cue["finding"]["model_verdict"] = g["text"]
            add(cue)
    elif not flagged and session["verdict"] == "cannot judge":
        withheld.append({"id": "falling_forward", "reason": f"Overstriding: {session['text']}"})
    elif not flagged and session["verdict"] == "not enough contacts":
        withheld.append({"id": "falling_forward", "reason": f"{_CUES['falling_forward'][0]}: only "
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
        if bands[metric] not in ("amber", "red"):
            continue
        ks, ns = _support(strides, metric, t)
        if enough(cue_id, ns) and ks / ns >= 0.5:
            add(_make(cue_id, summary.get(metric), bands[metric], ks, ns, t))
    arms = [m for m in ("shoulder_elevation_ratio", "elbow_angle_deg") if bands[m] in ("amber", "red")]
    if arms:
        if poor_view:
            enough("relax_shoulders", 0)
        else:
            b = "red" if "red" in (bands[m] for m in arms) else "amber"
            cue = _make("relax_shoulders", summary.get(arms[0]), b, None, None, t)
            if arms[0] == "elbow_angle_deg":
                cue["finding"].update(metric="elbow_angle_deg", value_text=_fmt(_num(summary.get("elbow_angle_deg")), " deg"),
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
