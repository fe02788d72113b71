"""Render a short synthetic run and score MediaPipe Pose on it.

Usage: PYTHONPATH=src python scripts/try_render.py [out_dir]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np

from runform.keypoints import KEYPOINT_NAMES
from runform.pose.mediapipe_pose import estimate_pose
from runform.render.figure import SceneConfig, render_frame, render_run
from runform.synthetic import GaitParams

JOINTS = ("hip", "knee", "ankle", "heel", "toe", "shoulder")


def score(est, points, leg_px):
    """Median pixel error per joint (both sides pooled), same and swapped naming."""
    rows = {}
    for j in JOINTS:
        same, swap = [], []
        for s, o in (("left", "right"), ("right", "left")):
            truth = points[f"{s}_{j}"]
            same.append(np.linalg.norm(est.point(f"{s}_{j}") - truth, axis=1))
            swap.append(np.linalg.norm(est.point(f"{o}_{j}") - truth, axis=1))
        rows[j] = (np.nanmedian(np.concatenate(same)), np.nanmedian(np.concatenate(swap)))
    print(f"leg length {leg_px:.0f} px")
    print(f"{'joint':9s} {'same px':>8s} {'%leg':>6s} {'swapped px':>10s} {'%leg':>6s}")
    for j, (a, b) in rows.items():
        print(f"{j:9s} {a:8.1f} {100 * a / leg_px:6.2f} {b:10.1f} {100 * b / leg_px:6.2f}")
    return rows


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/try_render")
    out.mkdir(parents=True, exist_ok=True)
    for direction in (1, -1):
        params = GaitParams(fps=30.0, duration_s=4.0, direction=direction)
        scene = SceneConfig()
        path = out / f"run_dir{direction:+d}.mp4"
        t0 = time.perf_counter()
        res = render_run(params, scene, path)
        dt = time.perf_counter() - t0
        print(f"\ndirection {direction:+d}: {res['frames']} frames {res['image_size']} "
              f"in {dt:.2f} s ({res['frames'] / dt:.0f} fps incl. encoding)")
        kp = res["keypoints"]
        for i in (0, 7):
            pts = {n: kp.xy[i, k] for k, n in enumerate(KEYPOINT_NAMES)}
            img = render_frame(pts, res["scene"], direction)
            cv2.imwrite(str(out / f"frame_dir{direction:+d}_{i}.png"), img[..., ::-1])
        t0 = time.perf_counter()
        est = estimate_pose(path)
        print(f"MediaPipe: detection rate {est.meta['detection_rate']:.3f} "
              f"({time.perf_counter() - t0:.1f} s)")
        score(est, res["points"], res["leg_length_px"])


if __name__ == "__main__":
    main()
