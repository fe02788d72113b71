"""Validate event detection and stance metrics against motion-capture ground truth.

Runs the ``runform analyze`` pipeline (``load_keypoints`` -> ``analyze_keypoints``)
on every TRC in ``../shared/data/mocap-gt`` (beside the repository) and compares
with the force-plate events and per-stance values in ``<trial>.groundtruth.json``.

Targets (exit status 1 when missed): IC median |error| <= 1 frame at 30/60 Hz and
<= 8 ms at 150 Hz; TO median |error| <= 1 frame at 30/60/150 Hz; shin-angle MAE
<= 1.5 deg. Other native rates (movetru 100 Hz) are reported without a target.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
MATCH_S = 0.15
SHIN_MAE_TARGET = 1.5
_M_PER_UNIT = {"m": 1.0, "mm": 1e-3}


def _mae(pairs):
    e = [abs(a - b) for a, b in pairs if a is not None and b is not None]
    return float(np.mean(e)) if e else None


def validate_file(trc: Path) -> dict:
    """Validate one TRC file; returns a dict of errors and a ``passed`` flag."""
    trial = trc.stem.replace("_60hz", "").replace("_30hz", "")
    gt = json.loads((trc.parent / f"{trial}.groundtruth.json").read_text())
    # The same path as `runform analyze`, so the validated numbers are the ones users see.
    kp, info = load_keypoints(trc, AnalysisConfig())
    mets = analyze_keypoints(kp, info).contacts
    fs = kp.fps
    gt_leg = gt["meta"]["leg_length_m"]
    to_m = _M_PER_UNIT.get(kp.units)
    e_ic, e_to, used, pairs = [], [], set(), []
    for k, ref in enumerate(gt["stances"]):
        foot = "left" if ref["foot"] == "L" else "right"
        cand = [(abs(m["ic_time_s"] - ref["ic_time_s"]), j) for j, m in enumerate(mets)
                if m["foot"] == foot and j not in used]
        cand = [c for c in cand if c[0] <= MATCH_S]
        if not cand:
            continue
        j = min(cand)[1]
        used.add(j)
        m = mets[j]
        pairs.append((m, ref))
        e_ic.append(m["ic_time_s"] - ref["ic_time_s"])
        if m["to_time_s"] is not None and ref.get("to_time_s") is not None:
            e_to.append(m["to_time_s"] - ref["to_time_s"])
    e_ic, e_to = np.abs(e_ic) * 1e3, np.abs(e_to) * 1e3
    # stances whose IC lies inside the ground-truth span but were not matched are "extra"
    t0, t1 = gt["stances"][0]["ic_time_s"] - MATCH_S, gt["stances"][-1]["ic_time_s"] + MATCH_S
    extra = sum(1 for j, m in enumerate(mets) if j not in used and t0 <= m["ic_time_s"] <= t1)
    steps = [m["step_time_s"] for m in mets if m["step_time_s"] is not None]
    cad = 60.0 / float(np.median(steps)) if steps else None
    res = {
        "file": trc.name, "fs": fs, "n_gt": len(gt["stances"]), "n_det": len(mets),
        "missed": len(gt["stances"]) - len(pairs), "extra": extra,
        "ic_med_ms": float(np.median(e_ic)) if e_ic.size else None,
        "ic_mean_ms": float(np.mean(e_ic)) if e_ic.size else None,
        "to_med_ms": float(np.median(e_to)) if e_to.size else None,
        "to_mean_ms": float(np.mean(e_to)) if e_to.size else None,
        "shin_mae": _mae((m["shin_angle_ic_deg"], r["shin_angle_ic_deg"]) for m, r in pairs),
        "foot_mae": _mae((m["foot_strike_angle_ic_deg"], r["foot_angle_ic_deg"]) for m, r in pairs),
        "foot_raw_mae": _mae((m["foot_angle_ic_raw_deg"], r["foot_angle_ic_deg"]) for m, r in pairs),
        "knee_mae": _mae((m["knee_flexion_ic_deg"], r["knee_flexion_ic_deg"]) for m, r in pairs),
        "heel_frac_mae": _mae((m["overstride_cm"] / 100.0 / gt_leg if to_m and m["overstride_cm"] is not None
                               else None, r["heel_ahead_of_pelvis_frac_leg"]) for m, r in pairs),
        "contact_mae_ms": _mae((m["contact_time_s"], r["contact_time_s"]) for m, r in pairs),
        "cadence_err": abs(cad - gt["summary"]["cadence_spm"]) if cad else None,
        "strike_agree": (float(np.mean([(m["foot_strike"] or "").lower() == r["foot_strike_kinematic"].lower()
                                        for m, r in pairs])) if pairs else None),
    }
    if res["contact_mae_ms"] is not None:
        res["contact_mae_ms"] *= 1e3
    res["passed"] = _passes(res)
    return res


def _passes(r: dict) -> bool:
    fs = r["fs"]
    frame_ms = 1e3 / fs
    ok = r["ic_med_ms"] is not None and r["to_med_ms"] is not None
    if not ok:
        return False
    if abs(fs - 150) < 1:
        ok &= r["ic_med_ms"] <= 8.0 and r["to_med_ms"] <= frame_ms
    elif abs(fs - 60) < 1 or abs(fs - 30) < 1:
        ok &= r["ic_med_ms"] <= frame_ms and r["to_med_ms"] <= frame_ms
    ok &= r["shin_mae"] is not None and r["shin_mae"] <= SHIN_MAE_TARGET
    return bool(ok)


def validate_all(data_dir: Path = DATA) -> list[dict]:
    """Validate every TRC under ``data_dir/mocap-gt``."""
    return [validate_file(p) for p in sorted((Path(data_dir) / "mocap-gt").glob("*.trc"))]


def _f(x, fmt="{:.1f}"):
    return "-" if x is None else fmt.format(x)


def format_table(results: list[dict]) -> str:
    head = ("file                         Hz  GT det miss extra | IC med/mean ms (fr) | TO med/mean ms (fr) |"
            " shin  foot(ref/raw) knee  heel%leg contact_ms cad_spm strike | ok")
    lines = [head]
    for r in results:
        fr = 1e3 / r["fs"]
        lines.append(
            f"{r['file']:28s} {r['fs']:4.0f} {r['n_gt']:3d} {r['n_det']:3d} {r['missed']:4d} {r['extra']:5d} | "
            f"{_f(r['ic_med_ms'])}/{_f(r['ic_mean_ms'])} ({_f(r['ic_med_ms'] and r['ic_med_ms'] / fr, '{:.2f}')}) | "
            f"{_f(r['to_med_ms'])}/{_f(r['to_mean_ms'])} ({_f(r['to_med_ms'] and r['to_med_ms'] / fr, '{:.2f}')}) | "
            f"{_f(r['shin_mae'], '{:.2f}')} {_f(r['foot_mae'])}/{_f(r['foot_raw_mae'])} {_f(r['knee_mae'])} "
            f"{_f(r['heel_frac_mae'] and 100 * r['heel_frac_mae'])} {_f(r['contact_mae_ms'])} "
            f"{_f(r['cadence_err'])} {_f(r['strike_agree'], '{:.2f}')} | {'PASS' if r['passed'] else 'FAIL'}")
    return "\n".join(lines)


def main() -> int:
    if not (DATA / "mocap-gt").is_dir():
        print(f"no ground truth at {DATA / 'mocap-gt'}")
        return 2
    results = validate_all()
    print(format_table(results))
    print("errors are mean |detected - ground truth| per matched stance; heel%leg uses the JSON leg length")
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
