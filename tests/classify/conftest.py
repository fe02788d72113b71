"""Shared fixtures: small generated runs (TRC files) and their analyses."""

from pathlib import Path

import pytest

from runform.synth.trc_writer import write_trc
from runform.synth.runner import GaitParams, generate_run


def make_trc(folder: Path, name: str, shin_deg: float, seed: int, **kw) -> Path:
    """A 4 s, 60 Hz generated run written as TRC (metres)."""
    p = GaitParams(shin_angle_ic_deg=shin_deg, fps=60.0, duration_s=4.0, seed=seed, noise_m=0.002, **kw)
    kp, _ = generate_run(p)
    return write_trc(kp, folder / f"{name}.trc")


@pytest.fixture(scope="session")
def runs_dir(tmp_path_factory) -> Path:
    """Six generated runners: three overstriding (shin 15-16 deg), three not (shin 0-2 deg)."""
    folder = tmp_path_factory.mktemp("runs")
    specs = [("over_a", 15.0, 172.0), ("over_b", 16.0, 165.0), ("over_c", 15.5, 178.0),
             ("norm_a", 0.0, 175.0), ("norm_b", 2.0, 168.0), ("norm_c", 1.0, 182.0)]
    for i, (name, shin, cad) in enumerate(specs):
        make_trc(folder, name, shin, seed=i, cadence_spm=cad, knee_flexion_ic_deg=12.0)
    return folder
