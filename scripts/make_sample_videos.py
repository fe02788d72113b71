"""Render the bundled sample videos and their exact ground truth into sample_videos/.

Deterministic (seeded): rerunning rewrites the same files. Each video gets a
``<name>.truth.json`` with per-frame pixel joint positions, every initial contact
and toe-off, per-stance true metrics and the overstriding label.

Usage: ``python scripts/make_sample_videos.py [--only NAME] [--out sample_videos]``
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from runform.atomic import write_text_atomic
from runform.render.figure import SceneConfig, render_run
from runform.synthetic import GaitParams

ROOT = Path(__file__).resolve().parents[1]

#: Shin angle at contact above this (deg) labels a runner as overstriding (docs: app rule
#: "> 10 atypical"; the classifier issue refines the label definition).
OVERSTRIDE_SHIN_DEG = 10.0

RELAXED = GaitParams(cadence_spm=176, shin_angle_ic_deg=3.0, foot_strike_angle_ic_deg=4.0,
                     knee_flexion_ic_deg=18.0, trunk_lean_deg=6.0, lean_from_waist=False)
OVERSTRIDER = GaitParams(cadence_spm=158, shin_angle_ic_deg=13.0, foot_strike_angle_ic_deg=18.0,
                         knee_flexion_ic_deg=10.0, trunk_lean_deg=3.0, lean_from_waist=True)
BEFORE = GaitParams(cadence_spm=160, shin_angle_ic_deg=11.0, foot_strike_angle_ic_deg=16.0,
                    knee_flexion_ic_deg=12.0, trunk_lean_deg=4.0, lean_from_waist=True, seed=3)
#: After a retraining block: +7.5% step rate, a near-vertical shin, a slight whole-body lean.
AFTER = replace(BEFORE, cadence_spm=172, shin_angle_ic_deg=4.0, foot_strike_angle_ic_deg=6.0,
                knee_flexion_ic_deg=17.0, trunk_lean_deg=7.0, lean_from_waist=False)

SAMPLES: dict[str, tuple[GaitParams, SceneConfig]] = {
    "relaxed_60fps": (replace(RELAXED, fps=60.0, duration_s=10.0, direction=1), SceneConfig()),
    "overstrider_30fps": (replace(OVERSTRIDER, fps=30.0, duration_s=10.0, direction=-1),
                          SceneConfig(shirt=(40, 120, 60), shorts=(20, 20, 20), wall_top=(226, 214, 196),
                                      skin=(150, 105, 80), hair=(20, 16, 12))),
    "before_retraining_60fps": (replace(BEFORE, fps=60.0, duration_s=10.0, direction=1), SceneConfig()),
    "after_retraining_60fps": (replace(AFTER, fps=60.0, duration_s=10.0, direction=1), SceneConfig()),
}


def truth_document(name: str, result: dict) -> dict:
    """The ``*.truth.json`` content for one rendered sample."""
    truth = result["truth"]
    stances = truth["stances"]
    shin = sorted(s["shin_angle_ic_deg"] for s in stances)
    median_shin = shin[len(shin) // 2] if shin else None
    return {
        "video": f"{name}.mp4",
        "generator": "runform scripts/make_sample_videos.py (runform.synthetic + runform.render)",
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


@click.command()
@click.option("--only", default=None, help="Render only this sample.")
@click.option("--out", type=click.Path(path_type=Path), default=ROOT / "sample_videos")
def main(only: str | None, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (params, scene) in SAMPLES.items():
        if only and name != only:
            continue
        result = render_run(params, scene, out / f"{name}.mp4")
        write_text_atomic(out / f"{name}.truth.json", json.dumps(truth_document(name, result)))
        size = (out / f"{name}.mp4").stat().st_size / 1e6
        click.echo(f"{name}: {result['frames']} frames, {size:.2f} MB, cadence {result['truth']['cadence_spm']:.1f}")


if __name__ == "__main__":
    main()
