"""Write the per-runner late-swing curves the synthetic runner can follow (``GaitParams.population_runner``).

Reads ``../shared/data/population`` (RBDS 28 + RIC 25 runners x 2 sides, treadmill 2.5 m/s,
101-point mean gait cycles, row 0 = IC; rows passing ``qc_ic_ok``) and writes
``src/runform/synth/late_swing_runners.npz``: for each subject x side, rows 60-100 of the
thigh angle (from the downward vertical, + forward), knee flexion and foot angle (+ toes up),
each relative to its value at IC (row 100), in degrees rounded to 0.1 deg, plus the subject
id, the side and the heel's forward peak before IC (% of the stride, rebuilt as in
``scripts/population_contact_ranges.py``). Source: Fukuchi et al. (2017) PeerJ 5:e3298 and
``regifukuchi/BMC-RIC-running-biomechanics`` (CC BY 4.0).

Usage: ``python scripts/extract_late_swing_runners.py [--shared ../shared/data]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from population_contact_ranges import heel_lead_pct, rows  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "runform" / "synth" / "late_swing_runners.npz"


@click.command()
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=ROOT.parent / "shared" / "data")
def main(shared: Path) -> None:
    data = rows(shared)

    def rel(key):
        return np.round(np.array([r[key][60:101] - r[key][100] for r in data]), 1).astype(np.float32)

    arrays = dict(thigh_rel_deg=rel("thigh_angle"), knee_rel_deg=rel("knee_flexion"), foot_rel_deg=rel("foot_angle"),
                  subject=np.array([r["subject"] for r in data]), side=np.array([r["side"] for r in data]),
                  heel_lead_pct=np.round([heel_lead_pct(r) for r in data], 2).astype(np.float32))
    tmp = OUT.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(OUT)  # atomic
    click.echo(f"{OUT.name}: {len(data)} runner-sides, {OUT.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
