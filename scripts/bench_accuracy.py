"""End-to-end accuracy of the whole pipeline on the generated sample videos.

Every ``sample_videos/*.mp4`` has a ``*.truth.json`` written by
``scripts/make_sample_videos.py`` with the exact pixel position of every joint in
every frame, every initial contact (IC) and toe-off (TO), and the true per-stance
metrics. This script runs the full pipeline (MediaPipe pose -> cleaning -> events ->
metrics -> verdict) on each video and prints, per video and overall:

- pose detection rate (frames with a detected runner);
- landmark pixel error against truth (median and p90, px and % of leg length)
  for hips, knees, ankles, heels, toes and shoulders;
- IC and TO timing error (ms and frames), with missed and extra contacts;
- error of each per-stance metric (mean absolute and mean signed);
- whether the overstriding verdict matches the truth label.

Usage: ``python scripts/bench_accuracy.py [--videos sample_videos | --renders DIR] [--only NAME]
[--cache DIR] [--json results.json]``. Exit code 1 when a sample misses the
acceptance targets (detection >= 99%, IC median |error| <= 1 frame, shin MAE <= 3 deg).

``--renders DIR`` runs on a folder written by ``scripts/make_test_renders.py`` (issue 11:
truth IC at the sole's first touch, heel leads 25-85 ms, a calf, vertical structures, a
tilted camera) and adds a table of each clip's contact timing, calf and camera next to
the signed IC and shin errors.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from runform.keypoints import INDEX, Keypoints
from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints

ROOT = Path(__file__).resolve().parents[1]
console = Console()

#: Landmark groups reported (truth names in ``points_px``).
GROUPS = ("hip", "knee", "ankle", "heel", "toe", "shoulder")
#: Per-stance metrics compared with truth (same names in strides and truth stances).
METRICS = ("shin_angle_ic_deg", "foot_strike_angle_ic_deg", "knee_flexion_ic_deg",
           "overstride_pct_leg", "trunk_lean_deg")


@dataclass(frozen=True)
class Targets:
    """Acceptance targets of the sample-video issue."""

    detection_rate: float = 0.99
    ic_median_frames: float = 1.0
    shin_mae_deg: float = 3.0


def detection_rate(kp: Keypoints) -> float:
    """Fraction of frames in which the pose model returned a runner (any hip found)."""
    hips = kp.xy[:, [INDEX["left_hip"], INDEX["right_hip"]], 0]
    return float(np.mean(np.isfinite(hips).any(axis=1))) if len(kp) else 0.0


def landmark_errors(kp: Keypoints, truth: dict) -> dict[str, dict[str, float]]:
    """Median and p90 Euclidean error (px, and % leg) per landmark group, both sides pooled."""
    leg = float(truth["leg_length_px"])
    n = min(len(kp), truth["frames"])
    out = {}
    for group in GROUPS:
        errs = []
        for side in ("left", "right"):
            name = f"{side}_{group}"
            true = np.asarray(truth["points_px"][name], float)[:n]
            err = np.linalg.norm(kp.xy[:n, INDEX[name]] - true, axis=1)
            errs.append(err[np.isfinite(err)])
        e = np.concatenate(errs)
        if e.size == 0:
            out[group] = {"median_px": None, "p90_px": None, "median_pct_leg": None}
            continue
        out[group] = {"median_px": float(np.median(e)), "p90_px": float(np.percentile(e, 90)),
                      "median_pct_leg": float(100 * np.median(e) / leg)}
    return out


def match_stances(strides: list[dict], true_stances: list[dict], max_gap_s: float) -> list[tuple[dict, dict]]:
    """Pair each true stance with the detected stride of the same foot nearest in IC time."""
    pairs = []
    for ts in true_stances:
        cands = [s for s in strides if s["foot"] == ts["foot"] and s.get("ic_time_s") is not None]
        if not cands:
            continue
        best = min(cands, key=lambda s: abs(s["ic_time_s"] - ts["ic_time_s"]))
        if abs(best["ic_time_s"] - ts["ic_time_s"]) <= max_gap_s:
            pairs.append((ts, best))
    return pairs


def _err_stats(values: list[float]) -> dict[str, float | None]:
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if v.size == 0:
        return {"n": 0, "mae": None, "bias": None, "median_abs": None}
    return {"n": int(v.size), "mae": float(np.mean(np.abs(v))), "bias": float(np.mean(v)),
            "median_abs": float(np.median(np.abs(v)))}


def pipeline_verdict(analysis) -> tuple[bool | None, str, float | None]:
    """The pipeline's session verdict: (overstriding?, verdict text, probability).

    Uses the classifier's session verdict when the analysis has one ("uncertain" and
    "not enough contacts" give None); otherwise the cue rule's majority over contacts.
    """
    session = (getattr(analysis, "overstriding", None) or {}).get("session")
    if session:
        v = session.get("verdict")
        flag = {"overstriding": True, "not overstriding": False}.get(v)
        return flag, str(v), session.get("probability")
    from runform.report.cues import is_overstride

    flags = [f for f in (is_overstride(s) for s in analysis.contacts) if f is not None]
    flag = (sum(flags) > len(flags) / 2) if flags else None
    return flag, "rule", None


def load_sample(truth_path: Path, cache: Path | None) -> tuple[dict, Path, Path | None]:
    """A ``*.truth.json``'s truth, its video and the pose-cache folder for it (None: no cache)."""
    truth = json.loads(truth_path.read_text())
    video = truth_path.with_name(truth["video"])
    cache_dir = None
    if cache is not None:
        cache_dir = cache / video.stem
        cache_dir.mkdir(parents=True, exist_ok=True)
    return truth, video, cache_dir


def analyze_and_match(video: Path, truth: dict, cache_dir: Path | None = None):
    """Run the pipeline; return (keypoints, analysis, detected contacts on the video clock, matched pairs)."""
    kp, info = load_keypoints(video, AnalysisConfig(), cache_dir=cache_dir)
    analysis = analyze_keypoints(kp, info)
    t0 = float(kp.time_s[0]) if len(kp) else 0.0  # decoded clock starts at the first frame
    strides = [{**s, "ic_time_s": None if s.get("ic_time_s") is None else s["ic_time_s"] + t0,
                "to_time_s": None if s.get("to_time_s") is None else s["to_time_s"] + t0}
               for s in analysis.contacts]
    step_s = 60.0 / float(truth["cadence_spm"])
    return kp, analysis, strides, match_stances(strides, truth["stances"], min(0.1, 0.3 * step_s))


def evaluate_sample(video: Path, truth: dict, cache_dir: Path | None = None) -> dict:
    """Run the full pipeline on one sample video and compare every output with its truth."""
    kp, analysis, strides, pairs = analyze_and_match(video, truth, cache_dir)
    fps = float(truth["fps"])
    ic_err = [1000 * (d["ic_time_s"] - t["ic_time_s"]) for t, d in pairs]
    to_err = [1000 * (d["to_time_s"] - t["to_time_s"]) for t, d in pairs if d.get("to_time_s") is not None]
    metrics = {m: _err_stats([None if d.get(m) is None else d[m] - t[m] for t, d in pairs]) for m in METRICS}
    verdict, verdict_text, probability = pipeline_verdict(analysis)

    def timing(errs: list[float]) -> dict:
        a = np.abs(np.asarray(errs, float))
        if a.size == 0:
            return {"n": 0, "median_abs_ms": None, "median_abs_frames": None, "bias_ms": None, "p90_abs_ms": None}
        return {"n": int(a.size), "median_abs_ms": float(np.median(a)), "median_abs_frames": float(np.median(a) * fps / 1000),
                "bias_ms": float(np.mean(errs)), "p90_abs_ms": float(np.percentile(a, 90))}

    return {
        "video": video.name, "fps": fps, "frames": len(kp),
        "detection_rate": detection_rate(kp),
        "landmarks": landmark_errors(kp, truth),
        "contacts_true": len(truth["stances"]), "contacts_matched": len(pairs),
        "contacts_extra": max(0, len(strides) - len(pairs)),
        "ic": timing(ic_err), "to": timing(to_err),
        "metrics": metrics,
        "cadence_spm": analysis.summary.get("cadence_spm"), "cadence_true_spm": float(truth["cadence_spm"]),
        "overstriding_true": bool(truth["overstriding"]), "overstriding_pipeline": verdict,
        "verdict_text": verdict_text, "overstriding_probability": probability,
        "verdict_matches": verdict is not None and verdict == bool(truth["overstriding"]),
        "quality": sorted(analysis.quality),
        "render": render_info(truth),
    }


def render_info(truth: dict) -> dict | None:
    """Contact timing, calf and camera of a test render (None for the bundled samples)."""
    c = truth.get("contact")
    if not c or not str(truth.get("ic_definition", "")).startswith("first ground touch"):
        return None
    cam = truth.get("camera") or {}
    return {"heel_lead_ms": 1000.0 * c["heel_peak_lead_s"], "shank_rate_deg_per_pct": c["shank_rate_at_first_touch_deg_per_pct"],
            "calf": (truth.get("scene") or {}).get("calf"), "roll_deg": cam.get("roll_deg", 0.0),
            "pitch_deg": cam.get("pitch_deg", 0.0), "true_shin_deg": float(np.median([s["shin_angle_ic_deg"]
                                                                                       for s in truth["stances"]]))}


def failures(result: dict, targets: Targets = Targets()) -> list[str]:
    """The acceptance targets this sample misses (empty when it passes)."""
    out = []
    if result["detection_rate"] < targets.detection_rate:
        out.append(f"detection {result['detection_rate']:.1%} < {targets.detection_rate:.0%}")
    ic = result["ic"]["median_abs_frames"]
    if ic is None or ic > targets.ic_median_frames:
        out.append(f"IC median |error| {ic} frames > {targets.ic_median_frames}")
    shin = result["metrics"]["shin_angle_ic_deg"]["mae"]
    if shin is None or shin > targets.shin_mae_deg:
        out.append(f"shin MAE {shin} deg > {targets.shin_mae_deg}")
    return out


def _f(v, nd=1, suffix=""):
    return "-" if v is None else f"{v:.{nd}f}{suffix}"


def print_results(results: list[dict]) -> None:
    t = Table(title="Pipeline vs exact truth: detection, events, verdict")
    for col in ("video", "detect", "contacts", "IC |err| med", "IC bias", "TO |err| med", "cadence (true)",
                "verdict (true)"):
        t.add_column(col)
    for r in results:
        t.add_row(r["video"], f"{r['detection_rate']:.1%}", f"{r['contacts_matched']}/{r['contacts_true']} (+{r['contacts_extra']})",
                  f"{_f(r['ic']['median_abs_ms'])} ms ({_f(r['ic']['median_abs_frames'], 2)} fr)",
                  f"{_f(r['ic']['bias_ms'])} ms", f"{_f(r['to']['median_abs_ms'])} ms",
                  f"{_f(r['cadence_spm'])} ({r['cadence_true_spm']:.1f})",
                  f"{r['verdict_text']} p={_f(r['overstriding_probability'], 2)} ({r['overstriding_true']})")
    console.print(t)
    t = Table(title="Metric error per stance: mean |error| (mean signed)")
    t.add_column("video")
    for m in METRICS:
        t.add_column(m.replace("_ic", "").replace("_deg", " deg").replace("_pct_leg", " %leg"))
    for r in results:
        t.add_row(r["video"], *[f"{_f(r['metrics'][m]['mae'], 2)} ({_f(r['metrics'][m]['bias'], 2)})" for m in METRICS])
    console.print(t)
    t = Table(title="Landmark error vs truth: median / p90 px (median % leg)")
    t.add_column("video")
    for g in GROUPS:
        t.add_column(g)
    for r in results:
        t.add_row(r["video"], *[f"{_f(r['landmarks'][g]['median_px'])} / {_f(r['landmarks'][g]['p90_px'])} "
                                f"({_f(r['landmarks'][g]['median_pct_leg'])}%)" for g in GROUPS])
    console.print(t)


def print_renders(results: list[dict]) -> None:
    """The test renders' knobs beside the signed errors they are meant to expose."""
    t = Table(title="Test renders (truth IC = first touch): knobs and signed errors")
    for col in ("video", "heel lead", "shank rate", "calf", "camera", "true shin", "IC err med (bias)",
                "shin err MAE (bias)", "overstride MAE (bias)", "verdict (true)"):
        t.add_column(col)
    for r in results:
        k = r.get("render")
        if not k:
            continue
        m, o = r["metrics"]["shin_angle_ic_deg"], r["metrics"]["overstride_pct_leg"]
        cam = "level" if not (k["roll_deg"] or k["pitch_deg"]) else f"roll {k['roll_deg']:+.0f}, pitch {k['pitch_deg']:+.0f}"
        t.add_row(r["video"], f"{k['heel_lead_ms']:.0f} ms", f"{k['shank_rate_deg_per_pct']:.2f} deg/%",
                  "capsule" if k["calf"] is None else f"{k['calf']:.1f}", cam, f"{k['true_shin_deg']:.1f}",
                  f"{_f(r['ic']['median_abs_ms'])} ({_f(r['ic']['bias_ms'], 1, ' ms')})",
                  f"{_f(m['mae'], 1)} ({_f(m['bias'], 1, ' deg')})", f"{_f(o['mae'], 1)} ({_f(o['bias'], 1, ' %')})",
                  f"{r['verdict_text']} p={_f(r['overstriding_probability'], 2)} ({r['overstriding_true']})")
    console.print(t)


def overall(results: list[dict]) -> dict:
    """Pooled figures over all samples (means of per-sample values, weighted by contacts)."""
    w = np.asarray([max(r["contacts_matched"], 1) for r in results], float)

    def wmean(vals):
        v = np.asarray([np.nan if x is None else x for x in vals], float)
        ok = np.isfinite(v)
        return float(np.sum(v[ok] * w[ok]) / np.sum(w[ok])) if ok.any() else None

    return {"detection_rate_min": min(r["detection_rate"] for r in results),
            "ic_median_abs_frames_mean": wmean([r["ic"]["median_abs_frames"] for r in results]),
            **{f"{m}_mae": wmean([r["metrics"][m]["mae"] for r in results]) for m in METRICS},
            "verdicts_matching": sum(r["verdict_matches"] for r in results), "samples": len(results)}


@click.command()
@click.option("--videos", type=click.Path(path_type=Path, file_okay=False), default=ROOT / "sample_videos",
              show_default=True)
@click.option("--renders", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="A folder from scripts/make_test_renders.py (replaces --videos; adds the test-render table).")
@click.option("--only", default=None, help="Only samples whose name contains this.")
@click.option("--cache", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Keep MediaPipe pose caches here (reruns skip pose estimation).")
@click.option("--json", "json_out", type=click.Path(path_type=Path, dir_okay=False), default=None)
def main(videos: Path, renders: Path | None, only: str | None, cache: Path | None, json_out: Path | None) -> None:
    if renders is not None:
        videos = renders
    truths = sorted(videos.glob("*.truth.json"))
    if only:
        truths = [p for p in truths if only in p.name]
    if not truths:
        console.print(f"no *.truth.json under {videos}")
        sys.exit(2)
    results = []
    for tp in truths:
        truth, video, cache_dir = load_sample(tp, cache)
        console.print(f"analyzing {video.name} ...")
        results.append(evaluate_sample(video, truth, cache_dir))
    print_results(results)
    if renders is not None:
        print_renders(results)
    summary = overall(results)
    console.print(summary)
    bad = {r["video"]: failures(r) for r in results if failures(r)}
    for name, why in bad.items():
        console.print(f"[red]MISS[/red] {name}: {'; '.join(why)}")
    if json_out:
        json_out.write_text(json.dumps({"samples": results, "overall": summary}, indent=1))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
