"""The coaching cues' texts: what to tell the runner, what to feel, a drill and the source.

Each cue is about one metric of :mod:`runform.metrics.registry`; its finding is written with
that metric's unit and decimals, like every other output.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..metrics.registry import REGISTRY, fmt


@dataclass(frozen=True)
class Cue:
    """One coaching cue.

    Attributes
    ----------
    title : str
        Short name shown to the runner.
    metric : str
        The registry metric whose band raises it.
    cue, feel, drill, source : str
        What to do, what it should feel like, a drill, and where it comes from.
    weight : float
        Expected benefit, for ranking (x 2 when the band is red).
    """

    title: str
    metric: str
    cue: str
    feel: str
    drill: str
    source: str
    weight: float


def value_text(metric: str, value) -> str:
    """The finding's value with the metric's decimals and unit, e.g. ``"12.3 deg"``; "n/a" when missing."""
    text = fmt(metric, value, missing="n/a")
    unit = REGISTRY[metric].unit
    if text == "n/a" or not unit:
        return text
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}"


#: Cue id -> its texts.
CUES: dict[str, Cue] = {
    "falling_forward": Cue(
        "Falling Forward", "shin_angle_ic_deg",
        "Lean your whole body forward from the ankles, not the waist, so your feet land under you.",
        "Like a ski jumper leaning out: a straight line from heel to head and a gentle pull forward.",
        "Wall lean: stand a foot from a wall, fall forward from the ankles onto your hands, "
        "body straight; then run 20 m keeping that lean.",
        "Shin angle at contact: Souza 2016 (no published cut-off); Pose Method 'falling' drill.", 1.0),
    "pulling_the_road": Cue(
        "Pulling the Road", "overstride_pct_leg",
        "Start pulling your foot back before it lands, as if pawing the road behind you.",
        "The foot meets the ground moving backward, under your hips, with no braking thud.",
        "Paw-back drill: standing on one leg, swing the other forward and sweep it back and "
        "down under the hip, 3 x 10 each leg.",
        "Foot ahead of the hip at contact: Lieberman et al. 2015 (no published cut-off).", 1.0),
    "cadence": Cue(
        "Quicker, lighter steps", "cadence_spm",
        "Raise your step rate by 5-10%: take slightly shorter, quicker steps at the same speed.",
        "Feet turning over quickly and landing closer under your body.",
        "Run 5 min to a metronome at the target step rate, then 5 min without; repeat 3 times.",
        "Heiderscheit et al. 2011 (+5-10% step rate lowers hip and knee loading).", 0.9),
    "knee_give": Cue(
        "Land soft, let the knee give", "knee_flexion_excursion_deg",
        "Land soft and let the knee bend as you take your weight.",
        "A springy landing, quiet feet, the thigh muscles absorbing rather than a jolt.",
        "Quiet-feet runs: 4 x 30 s trying to make no sound on landing.",
        "Typical stance knee flexion excursion 20-30 deg (Novacheck 1998).", 0.7),
    "lean_from_ankles": Cue(
        "Tall hips, lean from the ankles", "trunk_lean_deg",
        "Run tall with your hips high and forward; lean from the ankles, not by bending at the waist.",
        "Hips under or slightly ahead of the shoulders, as if a string pulls the top of your head up.",
        "Hands-on-hips runs: 4 x 20 s with hands on the hip bones pushing them forward.",
        "Typical forward trunk lean about 5-10 deg (Folland et al. 2017).", 0.6),
    "run_quiet": Cue(
        "Run quiet, push back not up", "vertical_oscillation_pct_leg",
        "Push the ground back behind you instead of bouncing up.",
        "Your head stays level, gliding forward rather than bobbing.",
        "Run past a fence or wall line and keep your eyes on it without bobbing, 4 x 30 s.",
        "Garmin running-dynamics bands for vertical oscillation (consumer guidance).", 0.5),
    "relax_shoulders": Cue(
        "Drop the shoulders, relax the hands", "shoulder_elevation_ratio",
        "Drop your shoulders away from your ears and keep the hands loose.",
        "Long neck, loose shoulders, hands as if holding a crisp without breaking it.",
        "Every few minutes shake out the arms for 5 s, then run on with hands cupped loosely.",
        "Posture proxy only (see definitions); uncalibrated working band.", 0.3),
}
