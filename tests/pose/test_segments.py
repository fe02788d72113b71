"""Pose on segments in parallel processes (runform.pose.segments)."""

from pathlib import Path

import numpy as np
import pytest

from runform.io.video import VideoInfo
from runform.pose.segments import SEAM_FRAMES, plan_segments

from ..shared import SHARED

MALE_SIDE = SHARED / "videos" / "male_side.mp4"


def _info(n: int, fps: float = 60.0) -> VideoInfo:
    return VideoInfo(Path("x.mp4"), 1080, 1920, 0, fps, n, n / fps, "h264")


@pytest.mark.parametrize("n, workers, capture", [(388, 2, None), (36000, 2, None), (1001, 3, None), (600, 4, 240.0)])
def test_segments_tile_the_clip_with_equal_work(n, workers, capture):
    plan = plan_segments(_info(n), capture, workers, seam_frames=8, min_frames=90)
    assert len(plan) == workers
    dt = (60.0 / capture if capture else 1.0) / 60.0
    assert plan[0].warm_s is None and plan[0].keep_s is None and plan[-1].stop_s is None
    assert sum(s.frames for s in plan) == n
    for a, b in zip(plan, plan[1:]):
        assert a.stop_s == b.keep_s  # kept frames tile the clip, no gap, no overlap
        assert b.first_index == a.first_index + a.frames
        assert b.keep_s == pytest.approx((b.first_index - 0.5) * dt)  # half a frame before a frame
        assert b.keep_s - b.warm_s == pytest.approx(8 * dt)
    work = [s.frames + (8 if s.warm_s is not None else 0) for s in plan]  # frames each tracker sees
    assert max(work) - min(work) <= 1


def test_no_split_when_it_would_not_pay():
    assert plan_segments(_info(388), None, 1) == []
    assert plan_segments(_info(150), None, 2) == []  # each half under 90 frames
    assert len(plan_segments(_info(1000), None, 64)) == (1000 - SEAM_FRAMES) // 90
    assert plan_segments(_info(388, fps=float("nan")), None, 2) == []


@pytest.mark.slow
@pytest.mark.skipif(not MALE_SIDE.is_file(), reason="shared test video absent")
def test_parallel_run_gives_the_sequential_contacts_and_metrics():
    from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints

    runs = {}
    for workers in (1, 2):
        kp, info = load_keypoints(MALE_SIDE, AnalysisConfig(pose_workers=workers))
        assert kp.meta["pose_workers"] == workers
        runs[workers] = (kp, analyze_keypoints(kp, info, AnalysisConfig()))
    (kp1, a1), (kp2, a2) = runs[1], runs[2]
    np.testing.assert_array_equal(kp1.time_s, kp2.time_s)  # every frame once, in order
    half = len(kp1) // 2
    # Before the seam the first worker is the sequential run itself; after it, pose noise only.
    np.testing.assert_allclose(kp2.xy[: half - 20], kp1.xy[: half - 20], equal_nan=True)
    d = np.linalg.norm(kp2.xy - kp1.xy, axis=2)
    assert np.nanmedian(d[half:]) < 5.0  # px, on a 1280 px tall clip
    ic1 = np.array([s["ic_time_s"] for s in a1.contacts])
    ic2 = np.array([s["ic_time_s"] for s in a2.contacts])
    assert len(ic1) == len(ic2)
    assert np.max(np.abs(ic1 - ic2)) <= 2 / 30 + 1e-9  # within two frames
    assert [s["foot"] for s in a1.contacts] == [s["foot"] for s in a2.contacts]
    # Pose noise: after the seam the second worker's track is another, equally valid MediaPipe run.
    # Measured on this clip: per contact after the seam, median differences of 1.7 deg (shin), 2.5 %
    # leg (heel vs hip), 1.2 deg (knee), 0.2 deg (trunk); the near foot's medians moved 0.8 deg and
    # 1.5 % leg; the far foot's more (2.0 deg, 2.9 % leg: its shin is on the silhouette or, where the
    # cuts merge with the near leg, on the landmarks, and which one flips between runs).
    near = a1.geometry.near_side
    for key, tol in (("shin_angle_ic_deg", 1.5), ("overstride_pct_leg", 3.0)):
        m1, m2 = (a.summary["metrics"][key][near]["median"] for a in (a1, a2))
        assert m2 == pytest.approx(m1, abs=tol), key
    for key, tol in (("cadence_spm", 1.0), ("contact_time_s", 0.02), ("trunk_lean_deg", 1.0)):
        assert a2.summary[key] == pytest.approx(a1.summary[key], abs=tol), key
    seam = kp1.time_s[half]
    for key, tol in (("shin_angle_ic_deg", 3.0), ("overstride_pct_leg", 4.0)):
        d = [abs(x[key] - y[key]) for x, y in zip(a1.contacts, a2.contacts)
             if x["ic_time_s"] > seam and x[key] is not None and y[key] is not None]
        assert len(d) >= 10 and np.median(d) <= tol, key


def _imported_in_worker() -> bool:
    import sys

    return "scipy.signal" in sys.modules


def test_pose_workers_do_not_import_the_main_module(monkeypatch):
    """A spawned pose worker skips the parent's ``__main__`` (the CLI: the whole analysis stack)."""
    import multiprocessing
    import sys
    import types

    from runform.pose import segments

    # A main module that would import scipy.signal in every spawned process, as the CLI does.
    main = types.ModuleType("__main__")
    main.__file__ = str(Path(__file__).with_name("_heavy_main.py"))
    monkeypatch.setitem(sys.modules, "__main__", main)
    ctx = multiprocessing.get_context("spawn")
    with segments._no_main_module():
        pool = ctx.Pool(1)
    try:
        assert pool.apply(_imported_in_worker) is False
    finally:
        pool.close()
        pool.join()
    assert sys.modules["__main__"] is main
