"""Real ranges of the contact-timing knobs of the synthetic runner, from the RBDS/RIC curves.

Reads ``../shared/data/population/population_curves.npz`` and ``ic_kinematics.csv`` (53
runners x 2 sides, treadmill ~2.5 m/s, 101-point mean gait cycles, row 0 = IC; see that
folder's README) and prints, over the rows with ``qc_ic_ok``:

* the heel's forward peak relative to the hip before IC (% of the stride, and ms at an
  assumed 0.73 s stride: the curves carry no stride time). The heel is rebuilt from the
  thigh, shank (foot route) and foot angles with Winter's segment fractions of the
  runner's height and the synthetic foot's heel offset, so it is a derived quantity;
* the shank (knee -> ankle) rotation rate through IC, (row 1 - row 99) / 2, deg per 1 %
  of the stride (the definition ``GaitParams.shank_rate_ic_deg_per_pct`` uses), also
  before (rows 98 -> 100) and after (rows 0 -> 2) IC;
* the thigh and knee rates at IC, the knee's late-swing minimum and the thigh's forward
  peak (the lead mode of ``runform.synth.kinematics`` uses them).

Usage: ``python scripts/population_contact_ranges.py [--shared ../shared/data]``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import click
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
STRIDE_S = 0.73  # assumed stride time at 2.5 m/s (cadence ~164 steps/min)


def rows(shared: Path) -> list[dict]:
    """One dict of curves and metadata per subject x side passing ``qc_ic_ok``."""
    pop = shared / "population"
    z = np.load(pop / "population_curves.npz", allow_pickle=False)
    meta = {(r["dataset"], int(r["npy_column"]), r["side"]): r
            for r in csv.DictReader((pop / "ic_kinematics.csv").open())}
    out = []
    for ds in ("RBDS", "RIC"):
        for side in "RL":
            curves = {v: z[f"{ds}_{side}_{v}"] for v in ("thigh_angle", "knee_flexion", "shank_angle_foot", "foot_angle")}
            for j in range(curves["thigh_angle"].shape[1]):
                m = meta.get((ds, j, side))
                if m is None or m["qc_ic_ok"] != "True":
                    continue
                out.append({"height_m": float(m["height_cm"]) / 100.0, "subject": m["subject_id"], "side": side,
                            **{k: v[:, j] for k, v in curves.items()}})
    return out


def heel_lead_pct(r: dict) -> float:
    """% of the stride from the heel's forward peak (rel. hip, rows 70-100) to IC (row 100)."""
    h = r["height_m"]
    thigh, shank, foot = 0.245 * h, 0.246 * h, 0.152 * h
    ax, ah = 0.22 * foot, 0.039 * h  # ankle ahead of / above the heel (runform.synth.runner)
    th, sh, p = (np.radians(r[k]) for k in ("thigh_angle", "shank_angle_foot", "foot_angle"))
    hx = thigh * np.sin(th) + shank * np.sin(sh) - (ax * np.cos(p) - ah * np.sin(p))
    k = int(np.argmax(hx[70:101])) + 70
    off = 0.0
    if 70 < k < 100:
        a, b, c = hx[k - 1], hx[k], hx[k + 1]
        off = 0.5 * (a - c) / (a - 2 * b + c)
    return 100.0 - (k + off)


def summary(values, label: str, scale: float = 1.0, unit: str = "") -> str:
    v = np.asarray(values, float) * scale
    q = np.percentile(v, [5, 50, 95])
    return (f"{label}: n {v.size}, median {q[1]:.2f}{unit}, p5-p95 {q[0]:.2f} to {q[2]:.2f}{unit}, "
            f"min-max {v.min():.2f} to {v.max():.2f}{unit}")


@click.command()
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=ROOT.parent / "shared" / "data")
def main(shared: Path) -> None:
    data = rows(shared)
    lead = [heel_lead_pct(r) for r in data]
    click.echo(summary(lead, "heel forward peak to IC", unit=" % stride"))
    click.echo(summary(lead, f"  same at a {STRIDE_S} s stride", 10.0 * STRIDE_S, " ms"))

    def rate(key, a, b):
        return [(r[key][b] - r[key][a]) / ((b - a) % 100 or 100) for r in data]

    for key, name in (("shank_angle_foot", "shank"), ("thigh_angle", "thigh"), ("knee_flexion", "knee flexion")):
        click.echo(summary([(r[key][1] - r[key][99]) / 2 for r in data], f"{name} rate through IC (rows 99->1)",
                           unit=" deg/%"))
        click.echo(summary([(r[key][100] - r[key][98]) / 2 for r in data], f"  {name} rate before IC (98->100)",
                           unit=" deg/%"))
        click.echo(summary([(r[key][2] - r[key][0]) / 2 for r in data], f"  {name} rate after IC (0->2)",
                           unit=" deg/%"))
    click.echo(summary([r["knee_flexion"][100] - r["knee_flexion"][70:101].min() for r in data],
                       "knee late-swing minimum below its IC flexion", unit=" deg"))
    click.echo(summary([100 - (int(np.argmin(r["knee_flexion"][70:101])) + 70) for r in data],
                       "  at, before IC", unit=" % stride"))
    click.echo(summary([r["thigh_angle"][60:101].max() - r["thigh_angle"][100] for r in data],
                       "thigh forward peak above its IC angle", unit=" deg"))
    click.echo(summary([100 - (int(np.argmax(r["thigh_angle"][60:101])) + 60) for r in data],
                       "  at, before IC", unit=" % stride"))
    click.echo(summary([r["thigh_angle"][90] - r["thigh_angle"][100] for r in data],
                       "thigh 10 % of the stride before IC, above its IC angle", unit=" deg"))


if __name__ == "__main__":
    main()
