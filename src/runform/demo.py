"""The bundled demo input: a keypoint file the project generates itself (no network, no ../shared)."""

from __future__ import annotations

from pathlib import Path

#: Seed and settings of the demo runner: a mild overstrider, so the demo has something to say.
DEMO_SEED = 7


def demo_input(out: Path) -> Path:
    """Write the demo runner's keypoints as a TRC file in ``out`` and return its path."""
    from .io.trc_writer import write_trc
    from .synthetic import GaitParams, generate_run

    params = GaitParams(cadence_spm=164, shin_angle_ic_deg=9.0, foot_strike_angle_ic_deg=14.0,
                        duration_s=10.0, fps=60.0, seed=DEMO_SEED)
    kp, _truth = generate_run(params)
    path = Path(out) / "demo_runner.trc"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_trc(kp, path)
    return path
