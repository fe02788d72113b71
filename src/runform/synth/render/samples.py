"""The bundled sample runners: gait parameters, scenes and the truth document.

``scripts/make_sample_videos.py`` renders them into ``sample_videos/``; ``runform demo``
analyzes one of them (and renders it on the fly when the repository's copy is absent,
e.g. in an installed wheel).
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from ...atomic import write_text_atomic
from ..runner import GaitParams
from .figure import SceneConfig, render_run

#: Shin angle at contact above this (deg) labels a runner as overstriding (docs: app rule
#: "> 10 atypical"; the classifier issue refines the label definition).
OVERSTRIDE_SHIN_DEG = 10.0

RELAXED = GaitParams(cadence_spm=176, shin_angle_ic_deg=3.0, foot_strike_angle_ic_deg=4.0,
                     knee_flexion_ic_deg=18.0, trunk_lean_deg=6.0, lean_from_waist=False)
#: Heel-strikers at ~158-160 steps/min spend longer on the ground (RBDS001 at 157 spm:
#: contact 282 ms, duty 0.37), hence the longer duty factor.
OVERSTRIDER = GaitParams(cadence_spm=158, shin_angle_ic_deg=13.0, foot_strike_angle_ic_deg=18.0,
                         knee_flexion_ic_deg=10.0, trunk_lean_deg=3.0, lean_from_waist=True, duty_factor=0.38)
#: A clear overstrider before retraining: shin 14 deg, so the block lowers it by 10 deg. (At 11 deg,
#: 1 deg over the label line, the classifier rightly called the runner "uncertain", p 0.32-0.38.)
BEFORE = GaitParams(cadence_spm=160, shin_angle_ic_deg=14.0, foot_strike_angle_ic_deg=18.0,
                    knee_flexion_ic_deg=11.0, trunk_lean_deg=4.0, lean_from_waist=True, seed=3, duty_factor=0.38)
#: After a retraining block: +7.5% step rate, a near-vertical shin, a slight whole-body lean.
AFTER = replace(BEFORE, cadence_spm=172, shin_angle_ic_deg=4.0, foot_strike_angle_ic_deg=6.0,
                knee_flexion_ic_deg=17.0, trunk_lean_deg=7.0, lean_from_waist=False, duty_factor=0.35)

#: How the sample runners move through late swing and contact (README, "Renders that move like
#: real runners"): each follows ONE real runner's late-swing curves at that runner's own timing
#: (``population_runner``: subject x side of RBDS/RIC, so the heel's lead before touch is theirs:
#: 10-38 ms), on a belt at 2.8 m/s that lets the sole come down steadily (5-9 cm up 100 ms before
#: touch, as real soles), the impact stopping the hip's fall. Truth IC is the sole's first touch;
#: a real foot stops abruptly at touch (6 ms joint smoothing).
REAL_MOTION = dict(late_swing=True, heel_lead_s=None, belt_speed_m_s=2.8, hip_stance_speed_m_s=0.0,
                   joint_smoothing_s=0.006)
#: Calf-shaped lower legs and true verticals behind the treadmill, as in real footage.
SCENE = SceneConfig(calf=1.0, structures=True)

SAMPLES: dict[str, tuple[GaitParams, SceneConfig]] = {
    # RIC100769 L: the shank turns -1.68 deg per % of stride through touch on this runner.
    "relaxed_60fps": (replace(RELAXED, fps=60.0, duration_s=10.0, direction=1, population_runner=101,
                              **REAL_MOTION), SCENE),
    "overstrider_30fps": (replace(OVERSTRIDER, fps=30.0, duration_s=10.0, direction=-1, population_runner=101,
                                  **REAL_MOTION),
                          replace(SCENE, shirt=(40, 120, 60), shorts=(20, 20, 20), wall_top=(226, 214, 196),
                                  skin=(150, 105, 80), hair=(20, 16, 12))),
    # RBDS001 L before the block; "Pulling the Road": after it, RIC101688 L, who stops the foot
    # earlier before landing (heel lead 38 ms against 21).
    "before_retraining_60fps": (replace(BEFORE, fps=60.0, duration_s=10.0, direction=1, population_runner=27,
                                        **REAL_MOTION), SCENE),
    "after_retraining_60fps": (replace(AFTER, fps=60.0, duration_s=10.0, direction=1, population_runner=84,
                                       **REAL_MOTION), SCENE),
    # The same pair as a phone at 30 fps would film it.
    "before_retraining_30fps": (replace(BEFORE, fps=30.0, duration_s=10.0, direction=1, population_runner=27,
                                        **REAL_MOTION), SCENE),
    "after_retraining_30fps": (replace(AFTER, fps=30.0, duration_s=10.0, direction=1, population_runner=84,
                                       **REAL_MOTION), SCENE),
}


def truth_document(name: str, result: dict) -> dict:
    """The ``*.truth.json`` content for one rendered sample."""
    truth = result["truth"]
    stances = truth["stances"]
    shin = sorted(s["shin_angle_ic_deg"] for s in stances)
    median_shin = shin[len(shin) // 2] if shin else None
    return {
        "video": f"{name}.mp4",
        "generator": "runform scripts/make_sample_videos.py (runform.synth.runner + runform.synth.render)",
        "fps": result["fps"],
        "frames": result["frames"],
        "image_size": list(result["image_size"]),
        "leg_length_px": result["leg_length_px"],
        "cadence_spm": truth["cadence_spm"],
        "overstriding": bool(median_shin is not None and median_shin > OVERSTRIDE_SHIN_DEG),
        "overstriding_rule": f"median true shin angle at contact > {OVERSTRIDE_SHIN_DEG} deg",
        "events": truth["events"],
        "stances": stances,
        "params": truth["params"],
        "points_px": {k: [[round(float(x), 2), round(float(y), 2)] for x, y in v]
                      for k, v in result["points"].items()},
    }



#: The sample ``runform demo`` analyzes: an overstrider filmed at 60 fps, so the demo has cues to give.
DEMO_SAMPLE = "before_retraining_60fps"


def sample_dir() -> Path:
    """Where the bundled videos live: ``$RUNFORM_SAMPLE_DIR`` or the repository's ``sample_videos/``."""
    env = os.environ.get("RUNFORM_SAMPLE_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[4] / "sample_videos"


def render_sample(name: str, out_dir: Path) -> Path:
    """Render sample ``name`` and its ``.truth.json`` into ``out_dir``; return the video path."""
    params, scene = SAMPLES[name]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = render_run(params, scene, out_dir / f"{name}.mp4")
    write_text_atomic(out_dir / f"{name}.truth.json", json.dumps(truth_document(name, result)))
    return out_dir / f"{name}.mp4"
