"""Time `runform batch` on one small batch: workers=1 vs workers=N (and Ray, if installed).

Usage::

    python scripts/bench_batch.py [--trcs 8] [--workers N] [--videos] [--no-ray]

The inputs are generated TRC runners (plus, with ``--videos``, the shared clips from
``../shared/data/videos``, analyzed without annotated video). Each configuration runs into a
fresh output folder; speed-ups are against the workers=1 run of this same invocation.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from runform.batch.config import AnalysisSettings, BatchConfig, available_cores
from runform.batch.runner import run_batch
from runform.synth.trc_writer import write_trc
from runform.synth.runner import GaitParams, generate_run

SHARED_VIDEOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "videos"


def make_inputs(root: Path, n_trcs: int, videos: bool) -> int:
    for i in range(n_trcs):
        kp, _ = generate_run(GaitParams(duration_s=8.0, fps=60.0, seed=i, shin_angle_ic_deg=2.0 + i % 10))
        (root / f"runner{i % 3}").mkdir(parents=True, exist_ok=True)
        write_trc(kp, root / f"runner{i % 3}" / f"trial{i}.trc")
    n = n_trcs
    if videos:
        for v in sorted(SHARED_VIDEOS.glob("*.mp4")):
            (root / "videos").mkdir(exist_ok=True)
            (root / "videos" / v.name).symlink_to(v)
            n += 1
    return n


def timed(root: Path, out: Path, workers: int, engine: str = "local") -> tuple[float, int, int]:
    cfg = BatchConfig(root=root, out=out, workers=workers, engine=engine, settings=AnalysisSettings(video=False))
    t0 = time.perf_counter()
    res = run_batch(cfg, show_progress=False)
    return time.perf_counter() - t0, res.analyzed, res.failed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trcs", type=int, default=8)
    ap.add_argument("--workers", type=int, default=available_cores())
    ap.add_argument("--videos", action="store_true", help="add the shared videos (MediaPipe: minutes)")
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="runform-bench-") as tmp:
        tmp = Path(tmp)
        n = make_inputs(tmp / "in", args.trcs, args.videos)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import runform.cli"], check=True)
        startup = time.perf_counter() - t0
        print(f"{n} inputs, {available_cores()} cores; one analysis process starts in {startup:.2f} s")
        runs = [("local", 1), ("local", args.workers)]
        try:
            import ray
        except ImportError:
            ray = None
            print("ray not installed: skipping --engine ray")
        if ray is not None and not args.no_ray:
            runs.append(("ray", args.workers))
        base = None
        print(f"{'engine':8} {'workers':>7} {'wall s':>8} {'speed-up':>8} {'ok':>4} {'failed':>6}")
        for i, (engine, workers) in enumerate(runs):
            wall, ok, failed = timed(tmp / "in", tmp / f"out{i}", workers, engine)
            base = base or wall
            print(f"{engine:8} {workers:7d} {wall:8.1f} {base / wall:8.2f} {ok:4d} {failed:6d}")
        if len(runs) > 2:
            t0 = time.perf_counter()
            ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
            ray.shutdown()
            print(f"ray local cluster start + shutdown alone: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
