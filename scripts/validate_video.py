"""Validate the full video pipeline on the real clips in ../shared/data/videos.

Checks:
- ``male_side.mp4`` against its hand annotation at first touch (``male_side.contacts.json``,
  scored by ``scripts/annotation_score.py``): initial contact median |error| <= 0.5 frame and
  bias within +/-0.5 frame, no contact missed or invented, near-foot shin angle MAE <= 3 deg,
  heel vs hip within 8 % leg of the truth, and a verdict other than "overstriding". One runner
  on one camera: these are the real-video figures, not a general accuracy;
- cadence on ``male_side.mp4`` within 0.5% of the pixel-measured 168.9 steps/min;
- contact time and duty factor inside the plausible ranges of its ground-truth file;
- every other clip (gym treadmill, multi-person sprint) finishes with metrics or a
  clear, typed error; never a crash. Each prints its camera estimate.

Usage: ``python scripts/validate_video.py [--only male_side] [--workers N] [--pose-max-side PX]``. Exit code 1
when a check fails.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import click
import numpy as np

from runform.errors import RunformError
from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotation_score import score_contacts  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "videos"
CADENCE_TOLERANCE = 0.005


def analyze_video(path: Path, cache_dir: Path | None = None, config: AnalysisConfig = AnalysisConfig()):
    """Run pose + analysis on one video; return the Analysis (raises RunformError)."""
    kp, info = load_keypoints(path, config, cache_dir=cache_dir)
    return analyze_keypoints(kp, info, config)


def check_annotation(analysis, truth: dict) -> list[tuple[str, float, str, bool]]:
    """(check, measured, expected, passed) rows against a first-touch hand annotation."""
    sc = score_contacts(analysis, truth)
    for line in sc.lines():
        click.echo(f"  {line}")
    return [
        ("ic_median_abs_frames", sc.ic_median_abs_frames, "<= 0.5", sc.ic_median_abs_frames <= 0.5),
        ("ic_bias_frames", sc.ic_bias_frames, "within +/-0.5", abs(sc.ic_bias_frames) <= 0.5),
        ("contacts_missed", sc.missed, "0", sc.missed == 0),
        ("contacts_invented", sc.invented, "0", sc.invented == 0),
        ("near_shin_mae_deg", sc.near_shin_mae_deg, "<= 3", sc.near_shin_mae_deg <= 3.0),
        ("heel_vs_hip_error_pct_leg", sc.heel_vs_hip_measured_pct - sc.heel_vs_hip_truth_pct, "within +/-8",
         abs(sc.heel_vs_hip_measured_pct - sc.heel_vs_hip_truth_pct) <= 8.0),
        ("verdict_not_overstriding", float(sc.verdict != "overstriding"), "1", sc.verdict != "overstriding"),
    ]


def check_male_side(analysis, truth: dict) -> list[tuple[str, float, str, bool]]:
    """(check, measured, expected, passed) rows for the cadence reference clip."""
    s = analysis.summary
    ref = truth["cadence_spm"]["value"]
    cad = s["cadence_spm"]
    rows = [("cadence_spm", cad, f"{ref} +/- {CADENCE_TOLERANCE:.1%}",
             cad is not None and abs(cad - ref) / ref <= CADENCE_TOLERANCE)]
    lo, hi = truth["plausible_ranges"]["contact_time_ms"]
    ct = s["contact_time_s"]
    rows.append(("contact_time_ms", None if ct is None else ct * 1000, f"{lo}-{hi}",
                 ct is not None and lo <= ct * 1000 <= hi))
    lo, hi = truth["plausible_ranges"]["duty_factor_pct"]
    df = s["duty_factor"]
    rows.append(("duty_factor_pct", None if df is None else df * 100, f"{lo}-{hi}",
                 df is not None and lo <= df * 100 <= hi))
    return rows


@click.command()
@click.option("--only", default=None, help="Run only the clip whose name contains this.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Pose processes (runform analyze --workers) [default: one per core].")
@click.option("--pose-max-side", type=click.IntRange(min=0), default=None,
              help="Longest side (px) of the frames pose sees; 0: full size [default: runform's].")
def main(only: str | None, workers: int | None, pose_max_side: int | None) -> None:
    config = AnalysisConfig(pose_workers=workers)
    if pose_max_side is not None:
        config = replace(config, pose_max_side=pose_max_side or None)
    if not DATA.exists():
        click.echo(f"no shared data at {DATA}", err=True)
        sys.exit(2)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(DATA.glob("*.mp4")):
            if only and only not in path.name:
                continue
            t0 = time.perf_counter()
            try:
                a = analyze_video(path, Path(tmp) / path.stem, config)
            except RunformError as err:
                click.echo(f"{path.name}: clear error ({type(err).__name__}): {err}")
                if path.name == "male_side.mp4":
                    failed = True
                continue
            dt = time.perf_counter() - t0
            s = a.summary
            lm = [x["shin_angle_ic_landmark_deg"] for x in a.contacts if x.get("shin_angle_ic_landmark_deg") is not None]
            lm_med = f"{np.median(lm):.1f}" if lm else "-"
            sil = sum(x.get("shin_angle_source") == "silhouette" for x in a.contacts)
            click.echo(f"\n{path.name}: {a.input.frame_count} frames in {dt:.1f} s; contacts {s['n_contacts_counted']}; "
                       f"cadence {s['cadence_spm']}; contact {s['contact_time_s']}; shin IC {s['shin_angle_ic_deg']} "
                       f"(silhouette joint centres at {sil} of {len(a.contacts)} contacts; landmark "
                       f"line {lm_med}); quality flags {sorted(a.quality)}")
            verdict = (a.overstriding or {}).get("session") or {}
            click.echo(f"  overstriding (classifier): {verdict.get('verdict')}, p {verdict.get('probability')}")
            if a.camera is not None:
                c = a.camera
                click.echo(f"  camera: true vertical at the runner {c.vertical_at_runner_deg:+.1f} deg, roll "
                           f"{c.roll_deg if c.roll_deg is None else round(c.roll_deg, 1)}, pitch "
                           f"{c.pitch_deg if c.pitch_deg is None else round(c.pitch_deg, 1)} ({c.source}, {c.confidence})")
            evidence = sum(x.get("ic_evidence") == "sole_touch" for x in a.contacts)
            click.echo(f"  initial contact seen on the sole at {evidence} of {len(a.contacts)} contacts")
            rows = []
            annotation = path.with_name(path.stem + ".contacts.json")
            if annotation.exists():
                rows += check_annotation(a, json.loads(annotation.read_text()))
            truth_path = path.with_name(path.stem + ".groundtruth.json")
            if truth_path.exists():
                rows += check_male_side(a, json.loads(truth_path.read_text()))
            if rows:
                for name, got, want, ok in rows:
                    got_s = "-" if got is None else f"{got:.2f}"
                    click.echo(f"  {'PASS' if ok else 'FAIL'} {name}: {got_s} (expected {want})")
                    failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
