#!/usr/bin/env python
"""Rebuild the bundled overstriding model from its three sources (seeded, reproducible).

    .venv/bin/python scripts/train_overstride.py [--shared ../shared/data] [--out models] [--seed 0]

Writes ``<out>/overstride.onnx``, ``<out>/overstride.card.json`` and ``<out>/README.md``
and prints the subject-held-out metrics. The label definition is in docs/overstriding.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from runform.synth import datasets as ds  # noqa: E402
from runform.classify import training as tr  # noqa: E402
from runform.classify.features import FEATURE_NAMES  # noqa: E402
from runform.classify.model import OverstrideModel  # noqa: E402


def build(shared: Path, seed: int, sweep: ds.SyntheticSweep) -> dict:
    t = time.time()
    syn = ds.synthetic_rows(sweep, seed=seed)
    print(f"synthetic: {len(syn['y'])} strides ({time.time() - t:.0f} s)")
    mocap = ds.mocap_rows(shared / "mocap-gt", seed=seed + 1)
    print(f"mocap: {len(mocap['y'])} strides")
    pop = ds.population_rows(shared / "population" / "ic_kinematics.csv", ds.residual_pool(syn), seed=seed + 2)
    print(f"population: {len(pop['y'])} strides")
    return ds.concat([syn, mocap, pop])


def _fmt(m: dict) -> str:
    f = lambda v: "  n/a" if v is None else f"{v:.3f}"  # noqa: E731
    return (f"{m['n']:6d} {m['n_positive']:6d}  {f(m['roc_auc'])}  {f(m['balanced_accuracy'])}  "
            f"{f(m['brier'])}")


def metrics_table(metrics: dict) -> str:
    lines = ["| rows | n | positive | ROC AUC | balanced acc. | Brier |", "|---|---|---|---|---|---|"]
    for k, m in metrics.items():
        cells = _fmt(m).split()
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reliability_table(m: dict) -> str:
    lines = ["| predicted bin | n | mean predicted | observed |", "|---|---|---|---|"]
    for b in m["reliability"]:
        lines.append(f"| {b['bin'][0]:.1f}-{b['bin'][1]:.1f} | {b['n']} | {b['mean_predicted']:.2f} | "
                     f"{b['observed']:.2f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "src" / "runform" / "models")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runners", type=int, default=ds.SyntheticSweep.n_runners, help="synthetic runners")
    ap.add_argument("--kinds", default="logistic,boosting,forest",
                    help="candidate classifiers (comma-separated); the best real-only held-out AUC is exported")
    args = ap.parse_args()
    np.random.seed(args.seed)  # nothing should use the global RNG; this guards against it
    sweep = ds.SyntheticSweep(n_runners=args.runners)
    data = build(args.shared, args.seed, sweep)
    weights = tr.source_weights(data["source"])
    candidates = {}
    for kind in args.kinds.split(","):
        spec = tr.ModelSpec(kind=kind, seed=args.seed, n_estimators=100)
        oof = tr.grouped_cv(data["X"], data["y"], data["subject"], spec, weights=weights, seed=args.seed)
        candidates[kind] = (spec, tr.evaluate(data, oof))
        print(f"{kind}:\n{metrics_table(candidates[kind][1])}")
    # Two candidates chosen on the same folds: the winner's numbers are slightly optimistic.
    best = max(candidates, key=lambda k: candidates[k][1]["real_only"]["roc_auc"] or 0.0)
    spec, metrics = candidates[best]
    print(f"exported: {best}")
    model = tr.fit(data["X"], data["y"], spec, weights)
    args.out.mkdir(parents=True, exist_ok=True)
    onnx_path = tr.export_onnx(model, args.out / "overstride.onnx")
    label = {"rule": "overstriding if true shin angle at IC >= {shin_min_deg} deg (ankle ahead of knee) and true "
                     "knee flexion at IC <= {knee_max_deg} deg".format(**asdict(ds.LabelRule())),
             **asdict(ds.LabelRule()), "defined_on": "ground-truth geometry (synthetic exact, mocap, population "
             "mocap means); the model sees noisy 2D video measurements", "doc": "docs/overstriding.md"}
    trained = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    card = tr.write_card(onnx_path, model, label=label, counts=tr.counts_by_source(data),
                         metrics={"evaluation": "StratifiedGroupKFold(5) by runner, out-of-fold; sources weighted "
                                                "equally in fitting", **metrics},
                         spec=spec, trained=trained,
                         extra={"candidates": {k: {"real_only_roc_auc": m["real_only"]["roc_auc"],
                                                   "all_roc_auc": m["all"]["roc_auc"]}
                                               for k, (_, m) in candidates.items()},
                                "training_script": "scripts/train_overstride.py", "seed": args.seed,
                                "synthetic_sweep": asdict(sweep), "camera_noise": asdict(ds.CameraNoise())})
    # Parity of the exported file on the training rows (the tests check held-out rows).
    onnx_p = OverstrideModel.load(onnx_path).predict_proba(tr.as_float32(data["X"]))
    diff = float(np.max(np.abs(onnx_p - model.predict_proba(tr.as_float32(data["X"]))[:, 1])))
    print(f"ONNX vs scikit-learn max |dp| = {diff:.2e}; {onnx_path} ({onnx_path.stat().st_size} bytes), {card}")
    write_readme(args.out / "README.md", data, metrics, model, {k: m for k, (_, m) in candidates.items()})
    return 0


def write_readme(path: Path, data: dict, metrics: dict, model, candidates: dict) -> None:
    counts = tr.counts_by_source(data)
    rows = "\n".join(f"| {s} | {c['runners']} | {c['strides']} | {c['overstriding_strides']} |"
                     for s, c in counts.items())
    desc = tr.describe_model(model)
    weights = desc.get("standardised_coefficients") or desc.get("feature_importances", {})
    kind = "standardised coefficient" if "standardised_coefficients" in desc else "importance"
    coefs = "\n".join(f"| {k} | {v:+.3f} |" for k, v in weights.items())
    cand = "\n".join(f"| {k} | {m['all']['roc_auc']:.3f} | {m['real_only']['roc_auc']:.3f} | "
                     f"{m['real_only']['brier']:.3f} |" for k, m in candidates.items())
    real = metrics.get("real_only", metrics["all"])
    pop = metrics.get("source:population", real)
    text = f"""# Overstriding model card (`overstride.onnx`)

Built by `scripts/train_overstride.py` (seeded); the numbers below are the script's output. Full
details (feature order, units, library versions, all metrics) are in `overstride.card.json`.

## Intended use
Per-contact probability that a runner filmed side-on with a phone is overstriding, summed into a
per-foot and session verdict by `runform analyze`. A screening aid for coaches and clinicians, not a
diagnosis. Run-time: onnxruntime only (no pickle, no scikit-learn).

## Label
Overstriding = **true shin angle at initial contact >= 10 deg (ankle ahead of knee) and true knee
flexion at IC <= 25 deg**, defined on ground-truth geometry, not on the video. See
`docs/overstriding.md` for the literature and the reasons.

## Inputs
{", ".join(FEATURE_NAMES)} (float32, NaN allowed: the model imputes the training median).

## Training data
| source | runners | strides | overstriding strides |
|---|---|---|---|
{rows}

* synthetic: the project's gait model swept over cadence, duty factor, shin angle, knee angle, foot
  strike, trunk lean, height and running direction, seen through a simulated phone (30-240 fps, yaw
  +-8 deg, pitch +-5 deg, roll +-2 deg, landmark noise with 3.5 % / 5 % leg median error (half of it
  shared by the whole figure, half drifting slowly), a forward
  ankle bias up to 2 % leg, dropouts) and analyzed by the real pipeline; then the shin set as the
  silhouette reads it (truth + a per-video offset + scatter) and heel ahead of hip offset per video
  by +5.5 +/- 3 % leg, so the views read it as far ahead as the annotated real clip measured
  (+6.8 to +7.5 % leg against +1.0 from the landmark noise alone).
* mocap: `mocap-gt` TRCs (RBDS001 treadmill, P01 overground) at native/60/30 Hz, as-is and through the
  simulated phone; labels from the per-stance ground truth. All of these strides are negative.
* population: 53 real runners (RBDS + RIC, 2.5 m/s, mean strides; rows with `qc_ic_ok`). The *label*
  uses their measured shin and knee angles; the *features* are those angles plus stride-to-stride
  spread (1.5 deg) plus the pipeline's own joint measurement error (residuals drawn from synthetic
  strides). Overstride is derived from thigh/shin/foot angles by planar geometry; cadence, duty factor
  and trunk lean are missing (imputed).

## Model
One scikit-learn Pipeline: SimpleImputer(median) -> StandardScaler -> {desc['classifier']}, exported
with skl2onnx (float32 input `features`, no ZipMap). Candidates (same grouped folds; the best real-only
AUC was exported, so its numbers are slightly optimistic):

| candidate | AUC all | AUC real only | Brier real only |
|---|---|---|---|
{cand}

| feature | {kind} |
|---|---|
{coefs}

## Subject-held-out evaluation (StratifiedGroupKFold, 5 folds by runner)
{metrics_table(metrics)}

Real strides only: ROC AUC {real['roc_auc']:.3f}, balanced accuracy {real['balanced_accuracy']:.3f},
Brier {real['brier']:.3f} (target AUC >= 0.95). The real rows include the mocap strides, which are all
negative and easy; on the population runners alone (all the real positives) the AUC is
{pop['roc_auc']:.3f}. Reliability of the real-only out-of-fold probabilities:

{reliability_table(real)}

## Limits
* The real positives are all population rows, whose video measurement is simulated from the
  pipeline's error on synthetic runners; no real phone video of a labelled overstrider was available.
  Real-stride AUC is therefore an estimate of how well the label is recovered *given* our error model.
* The model is calibrated to phone video, where the shin is the silhouette's knee-ankle joint-centre
  line at the sole's touchdown, from the true vertical: the training views add a per-video offset of
  N(+0.3, 2.0) deg and 2.5 deg per-contact scatter, from the hand-annotated real clip (mean error
  +0.3 deg over 16 contacts; the sd is a guess for runners not measured). Probabilities at given true
  shins on clean keypoints have not been re-measured since the 2026-11-29 retrain. On the re-rendered
  samples (whose shin the pipeline reads 1-7 deg low, see the top-level README): overstrider 13 deg
  p 0.37, "before" 14 deg p 0.45-0.53 ("uncertain"), relaxed and "after" runners p <= 0.14; on the
  annotated real runner (shin -1 deg) p 0.00. A linear model cannot represent the label's AND of shin
  and knee conditions, which flattens its slope; the tree candidates fit the synthetic runners
  better but transferred worse to the real population runners.
* Only 2.5 m/s treadmill running among real runners; the mocap runners do not overstride.
* The label's 10 deg cut-off is a convention (app rules), not a clinical threshold (Souza 2016:
  "no cutoffs"); probabilities near 0.5 mean "near the cut-off", not "unknown".
* The shin angle dominates; camera yaw/pitch beyond the simulated ranges, or IC detection more than a
  frame off, bias it.
"""
    from runform.atomic import write_text_atomic

    write_text_atomic(path, text)


if __name__ == "__main__":
    raise SystemExit(main())
