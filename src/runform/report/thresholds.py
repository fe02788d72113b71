"""Every traffic-light band and cue threshold, in one place, and the TOML file that overrides them.

Most running metrics have **no published clinical cut-off**; where that is so the field says
it is a working band of this tool. Which metric each threshold bands is in
:mod:`runform.metrics.registry`.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import ConfigError
from ..metrics.registry import banded

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
        When contacts carry ``overstride_probability`` (a classifier), a stride counts as
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
    cue_min_contacts : int
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
    cue_min_contacts: int = 6
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
        if key in ("cue_min_contacts", "max_cues") and value != int(value):
            raise ConfigError(f"threshold {key} in {path.name} must be a whole number, got {value!r}")
        values[key] = int(value) if key in ("cue_min_contacts", "max_cues") else float(value)
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
    for name in ("cue_min_contacts", "max_cues", "cadence_increase"):
        if getattr(t, name) < 0:
            raise ConfigError(f"{source}: {name} must not be negative, got {getattr(t, name):g}")
    for name in ("overstride_probability_cut", "overstride_min_fraction", "cue_min_fraction"):
        if not 0.0 <= getattr(t, name) <= 1.0:
            raise ConfigError(f"{source}: {name} must be between 0 and 1, got {getattr(t, name):g}")
    return t


__all__ = ["Thresholds", "load_thresholds", "check_thresholds"]
