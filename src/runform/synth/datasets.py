"""Training strides from three traceable sources, each row labelled on true geometry.

* ``synthetic``: the project's gait model (:func:`runform.synth.runner.generate_run`), swept
  over cadence, duty factor, foot strike, shin angle, knee angle, trunk lean and body
  size, then passed through a simulated phone camera (:func:`phone_camera`) and the real
  analysis pipeline. Label from the exact per-stance truth.
* ``mocap``: real motion capture (``mocap-gt/*.trc``), analyzed as-is and through the
  simulated camera. Label from the per-stance ground truth JSON.
* ``population``: real IC angles of 53 runners (``population/ic_kinematics.csv``). The
  truth is measured; the *video measurement* is simulated by adding the pipeline's own
  joint errors (residuals of the synthetic rows), see :func:`population_rows`.

Every row carries ``source``, ``subject`` (runner; the unit of grouped CV), ``label``
and ``origin`` (file / parameters it came from).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..pipeline import AnalysisConfig, InputInfo, RunnerInfo, analyze_keypoints
from .camera_noise import CameraNoise, phone_camera, silhouette_shin, video_heel_ahead
from ..classify.features import FEATURE_NAMES, SESSION_OF, stride_features


@dataclass(frozen=True)
class LabelRule:
    """Overstriding on true geometry (see docs/overstriding.md).

    A contact is overstriding when the true shank is inclined forward at initial contact
    by at least ``shin_min_deg`` (ankle ahead of knee; the "atypical" band of app rules)
    while the knee is no more flexed than ``knee_max_deg`` (a fairly straight, braking leg).
    """

    shin_min_deg: float = 10.0
    knee_max_deg: float = 25.0

    def __call__(self, shin_deg, knee_deg) -> np.ndarray:
        shin, knee = np.asarray(shin_deg, float), np.asarray(knee_deg, float)
        return ((shin >= self.shin_min_deg) & (knee <= self.knee_max_deg)).astype(int)


def match_strides(strides: list[dict], truth: list[dict], tolerance_s: float) -> list[tuple[dict, dict]]:
    """Pair each analyzed stride with the true stance of the same foot nearest in IC time.

    Contacts the analysis excluded as implausible are left out: the model learns from counted contacts only."""
    pairs = []
    for s in strides:
        if s.get("excluded"):
            continue
        best = min((t for t in truth if t["foot"][0].lower() == str(s["foot"])[0].lower()),
                   key=lambda t: abs(t["ic_time_s"] - s["ic_time_s"]), default=None)
        if best is not None and abs(best["ic_time_s"] - s["ic_time_s"]) <= tolerance_s:
            pairs.append((s, best))
    return pairs


#: Truth keys (shin, knee, foot, overstride, overstride scale to % leg) per truth format.
SYNTHETIC_TRUTH = ("shin_angle_ic_deg", "knee_flexion_ic_deg", "foot_strike_angle_ic_deg", "overstride_pct_leg", 1.0)
MOCAP_TRUTH = ("shin_angle_ic_deg", "knee_flexion_ic_deg", "foot_angle_ic_deg", "heel_ahead_of_pelvis_frac_leg", 100.0)


def _rows(pairs, leg_m, rule: LabelRule, source: str, subject: str, origin: str, keys) -> dict:
    if not pairs:
        return {}
    x = stride_features([s for s, _ in pairs], leg_m)
    col = lambda key: np.array([np.nan if t.get(key) is None else t[key] for _, t in pairs], float)  # noqa: E731
    shin, knee = col(keys[0]), col(keys[1])
    m = len(pairs)
    return {"X": x, "y": rule(shin, knee), "true_shin": shin, "true_knee": knee, "true_foot": col(keys[2]),
            "true_over": col(keys[3]) * keys[4], "foot": np.array([str(s["foot"]) for s, _ in pairs]),
            "source": np.array([source] * m), "subject": np.array([subject] * m), "origin": np.array([origin] * m)}


def concat(parts: list[dict]) -> dict:
    """Join row blocks (dicts of equal-length arrays)."""
    parts = [p for p in parts if p]
    if not parts:
        return {"X": np.zeros((0, len(FEATURE_NAMES)), np.float32), "y": np.zeros(0, int),
                "true_shin": np.zeros(0), "true_knee": np.zeros(0), "true_foot": np.zeros(0),
                "true_over": np.zeros(0), "foot": np.zeros(0, str), "source": np.zeros(0, str),
                "subject": np.zeros(0, str), "origin": np.zeros(0, str)}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


@dataclass(frozen=True)
class SyntheticSweep:
    """Ranges of the synthetic runners (uniform draws) and how many views of each."""

    n_runners: int = 200
    views_per_runner: int = 3
    duration_s: float = 5.0
    cadence_spm: tuple[float, float] = (150.0, 195.0)
    duty_factor: tuple[float, float] = (0.28, 0.42)
    shin_angle_ic_deg: tuple[float, float] = (-3.0, 17.0)
    foot_strike_angle_ic_deg: tuple[float, float] = (-8.0, 24.0)
    knee_flexion_ic_deg: tuple[float, float] = (4.0, 32.0)
    trunk_lean_deg: tuple[float, float] = (0.0, 15.0)
    height_m: tuple[float, float] = (1.5, 2.0)
    metric_fraction: float = 0.4  #: share of views analyzed with a known height (cm scale)


def synthetic_rows(sweep: SyntheticSweep, seed: int, rule: LabelRule = LabelRule(),
                   noise: CameraNoise = CameraNoise()) -> dict:
    """Generated runners through the simulated phone camera and the analysis pipeline."""
    from .runner import GaitParams, generate_run

    rng = np.random.default_rng(seed)
    parts = []
    for r in range(sweep.n_runners):
        u = lambda lo_hi: float(rng.uniform(*lo_hi))  # noqa: E731 - local shorthand
        base = dict(cadence_spm=u(sweep.cadence_spm), duty_factor=u(sweep.duty_factor),
                    shin_angle_ic_deg=u(sweep.shin_angle_ic_deg),
                    foot_strike_angle_ic_deg=u(sweep.foot_strike_angle_ic_deg),
                    knee_flexion_ic_deg=u(sweep.knee_flexion_ic_deg), trunk_lean_deg=u(sweep.trunk_lean_deg),
                    height_m=u(sweep.height_m), direction=int(rng.choice([-1, 1])))
        subject = f"syn{r:04d}"
        for v in range(sweep.views_per_runner):
            fps = float(rng.choice(noise.fps_choices))
            try:
                p = GaitParams(**base, fps=fps, duration_s=sweep.duration_s, seed=int(rng.integers(1 << 30)))
                kp, truth = generate_run(p)
            except (ValueError, FloatingPointError):
                break  # an infeasible leg geometry: skip this runner
            cam = phone_camera(kp, p.direction, rng, noise, scale=float(rng.uniform(0.5, 1.3)))
            metric = rng.random() < sweep.metric_fraction
            # Pixels like a video; with a known height the pipeline recovers centimetres.
            cam = replace(cam, xy=cam.xy * 500.0, units="px")
            # Simulated views have no frames, hence no silhouette: their shin is set by silhouette_shin.
            config = AnalysisConfig(runner=RunnerInfo(height_cm=100 * p.height_m if metric else None))
            info = InputInfo(f"{subject}-v{v}", "video", cam.fps, len(cam), float(cam.time_s[-1]))
            try:
                a = analyze_keypoints(cam, info, config)
            except Exception:  # noqa: BLE001 - a view too noisy to analyze yields no rows
                continue
            leg_m = truth["leg_length_m"] if metric else None
            pairs = match_strides(a.contacts, truth["stances"], 0.25 * 60 / p.cadence_spm)
            pairs = video_heel_ahead(silhouette_shin(pairs, rng, noise), rng, noise)
            origin = json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in base.items()} |
                                {"fps": fps, "view": v, "metric": bool(metric)})
            parts.append(_rows(pairs, leg_m, rule, "synthetic", subject, origin,
                               SYNTHETIC_TRUTH))
    return concat(parts)


def _subject_of_trial(trial: str) -> str:
    # RBDS001runT25 -> RBDS001 (also in the population table: one runner, one group); P01_S01_... -> P01
    return trial[:7] if trial.startswith("RBDS") else trial.split("_")[0]


def mocap_rows(mocap_dir: Path, seed: int, rule: LabelRule = LabelRule(), noisy_views: int = 4,
               noise: CameraNoise = CameraNoise()) -> dict:
    """Real motion capture strides: each TRC as-is, plus ``noisy_views`` simulated phone views."""
    from ..io.trc import read_trc

    rng = np.random.default_rng(seed)
    parts = []
    for gt_path in sorted(Path(mocap_dir).glob("*.groundtruth.json")):
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        trial = gt["trial"]
        truth = [dict(t, foot=t["foot"]) for t in gt["stances"]
                 if t.get("shin_angle_ic_deg") is not None and t.get("knee_flexion_ic_deg") is not None]
        subject = _subject_of_trial(trial)
        for trc in sorted(mocap_dir.glob(f"{trial}*.trc")):
            kp = read_trc(trc)
            info = InputInfo(trc.name, "trc", kp.fps, len(kp), float(kp.time_s[-1] - kp.time_s[0]))
            tol = 0.06
            try:
                a = analyze_keypoints(kp, info)
                leg_m = a.geometry.leg_length * a.diagnostics["centimetres_per_unit"] / 100
                parts.append(_rows(match_strides(a.contacts, truth, tol), leg_m, rule, "mocap", subject,
                                   trc.name, MOCAP_TRUTH))
                direction = a.geometry.direction
            except Exception:  # noqa: BLE001
                continue
            for v in range(noisy_views):
                cam = phone_camera(kp, direction, rng, noise, scale=float(rng.uniform(0.5, 1.3)))
                vinfo = InputInfo(f"{trc.name}-cam{v}", "video", cam.fps, len(cam), info.duration_s)
                try:
                    av = analyze_keypoints(cam, vinfo)
                except Exception:  # noqa: BLE001
                    continue
                pairs = match_strides(av.contacts, truth, tol)
                pairs = video_heel_ahead(silhouette_shin(pairs, rng, noise), rng, noise)
                parts.append(_rows(pairs, leg_m, rule, "mocap", subject, f"{trc.name}+camera{v}", MOCAP_TRUTH))
    return concat(parts)


#: Winter (2009) segment lengths as fractions of height, as in the synthetic model.
THIGH_FRAC, SHANK_FRAC, FOOT_FRAC = 0.245, 0.246, 0.152
#: Heel point behind and below the ankle centre, fractions of height (synthetic model's foot).
HEEL_BEHIND_FRAC, HEEL_BELOW_FRAC = 0.22 * 0.152, 0.039


def derived_overstride_pct_leg(thigh_deg, shin_deg, foot_deg) -> np.ndarray:
    """Heel ahead of the hip at IC, % of hip-ankle length, by planar geometry.

    ``thigh`` and ``shin`` are inclinations from vertical (+ = distal end ahead), ``foot``
    the foot pitch (+ = toes up). The heel sits ``HEEL_BEHIND_FRAC`` behind and
    ``HEEL_BELOW_FRAC`` below the ankle in a flat foot, rotated by the pitch (toes up swings the heel
    forward and down). Body height
    cancels. This is *derived*, not measured: the population table has no heel position.
    """
    th, sh, ft = (np.radians(np.asarray(a, float)) for a in (thigh_deg, shin_deg, foot_deg))
    ankle = THIGH_FRAC * np.sin(th) + SHANK_FRAC * np.sin(sh)
    heel = ankle - HEEL_BEHIND_FRAC * np.cos(ft) + HEEL_BELOW_FRAC * np.sin(ft)
    return 100.0 * heel / (THIGH_FRAC + SHANK_FRAC)


def population_rows(csv_path: Path, residual_pool: dict, seed: int, rule: LabelRule = LabelRule(),
                    draws_per_row: int = 8, stride_sd_deg: float = 1.5) -> dict:
    """Real runners' IC angles, seen through the pipeline's own measurement error.

    Parameters
    ----------
    csv_path : Path
        ``population/ic_kinematics.csv``; rows failing ``qc_ic_ok`` are left out.
    residual_pool : dict
        ``{"X": (m, k) measured features, "truth": (m, k) true values}`` from synthetic
        rows (see :func:`residual_pool`): a drawn row's error ``X - truth`` is added to the
        population truth, so the joint error of shin, knee, foot and overstride is kept.
    draws_per_row : int
        Simulated contacts per runner-side (the table holds mean strides).
    stride_sd_deg : float
        Stride-to-stride spread of the true angles around the mean stride (README: 1-2 deg).

    Notes
    -----
    Measured (the label uses only these): shin (foot route), knee flexion. Measured
    feature input: foot angle. Derived: overstride (:func:`derived_overstride_pct_leg`
    from thigh, shin, foot). Not available (NaN, imputed by the model): cadence,
    duty factor, trunk lean.
    """
    rng = np.random.default_rng(seed)
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["qc_ic_ok"] == "True"]
    idx = {n: i for i, n in enumerate(FEATURE_NAMES)}
    parts = []
    err_all = residual_pool["X"] - residual_pool["truth"]
    _, inverse = np.unique(residual_pool["view"], return_inverse=True)
    views = [np.flatnonzero(inverse == v) for v in range(inverse.max() + 1)]
    for r in rows:
        shin0, knee0 = float(r["shin_angle_ic_deg"]), float(r["knee_flexion_ic_deg"])
        foot0, thigh0 = float(r["foot_angle_ic_deg"]), float(r["thigh_angle_ic_deg"])
        jitter = rng.normal(0.0, stride_sd_deg, size=(draws_per_row, 4))
        shin, knee, foot, thigh = (v + jitter[:, i] for i, v in enumerate((shin0, knee0, foot0, thigh0)))
        truth = np.full((draws_per_row, len(FEATURE_NAMES)), np.nan)
        truth[:, idx["shin_angle_ic_deg"]] = shin
        truth[:, idx["knee_flexion_ic_deg"]] = knee
        truth[:, idx["foot_strike_angle_ic_deg"]] = foot
        truth[:, idx["overstride_pct_leg"]] = derived_overstride_pct_leg(thigh, shin, foot)
        # All contacts of one runner-side take their errors from one synthetic view, so the
        # errors shared within a video (camera angle, slow drift, bias) stay shared.
        view = views[rng.integers(len(views))]
        err = err_all[view[rng.integers(len(view), size=draws_per_row)]]
        x = truth + np.where(np.isfinite(err), err, 0.0)
        for per_stride, session in SESSION_OF.items():  # this runner-side's contacts form one session
            x[:, idx[session]] = np.nanmedian(x[:, idx[per_stride]])
        x = x.astype(np.float32)
        m = draws_per_row
        # The label comes from the measured mean-stride angles (the only truth the table holds);
        # the simulated stride-to-stride spread goes into the features, not into the label.
        parts.append({"X": x, "y": rule(np.full(m, shin0), np.full(m, knee0)),
                      "true_shin": shin, "true_knee": knee, "true_foot": foot,
                      "true_over": truth[:, idx["overstride_pct_leg"]],
                      "foot": np.array(["right" if r["side"] == "R" else "left"] * m),
                      "source": np.array(["population"] * m), "subject": np.array([r["subject_id"]] * m),
                      "origin": np.array([f"ic_kinematics.csv:{r['subject_id']}:{r['side']}"] * m)})
    return concat(parts)


def residual_pool(synthetic: dict) -> dict:
    """Measured features and matching truth of synthetic rows, for :func:`population_rows`.

    Truth is known for shin, knee and foot (the generator's exact values) and overstride;
    the other columns get truth = measured (zero error), which population rows then leave NaN.
    """
    origin_truth = np.array(synthetic["X"], float).copy()
    idx = {n: i for i, n in enumerate(FEATURE_NAMES)}
    origin_truth[:, idx["shin_angle_ic_deg"]] = synthetic["true_shin"]
    origin_truth[:, idx["knee_flexion_ic_deg"]] = synthetic["true_knee"]
    origin_truth[:, idx["foot_strike_angle_ic_deg"]] = synthetic["true_foot"]
    origin_truth[:, idx["overstride_pct_leg"]] = synthetic["true_over"]
    return {"X": np.array(synthetic["X"], float), "truth": origin_truth,
            "view": np.char.add(synthetic["origin"].astype(str), np.array(synthetic["foot"], str))}


__all__ = ["LabelRule", "CameraNoise", "phone_camera", "match_strides", "silhouette_shin", "SyntheticSweep",
           "synthetic_rows", "mocap_rows", "population_rows", "residual_pool", "derived_overstride_pct_leg", "concat"]
