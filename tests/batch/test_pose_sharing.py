"""Batch analyses share the cores with their pose workers; shipped inputs reuse their pose cache."""

import json
from pathlib import Path

from runform.batch import engines
from runform.batch.task import analyze_isolated, pack_pose_cache, run_shipped

from .conftest import make_trc


def test_analyses_at_once_share_the_cores(monkeypatch):
    monkeypatch.setattr(engines, "available_cores", lambda: 8)
    assert engines.pose_workers_each(workers=1, n_jobs=10) == 8  # one at a time: all cores for its pose
    assert engines.pose_workers_each(workers=2, n_jobs=10) == 4
    assert engines.pose_workers_each(workers=4, n_jobs=1) == 8  # one input: the idle workers do not count
    assert engines.pose_workers_each(workers=16, n_jobs=20) == 1  # never below one


def test_the_analysis_process_is_told_its_pose_workers(tmp_path):
    trc = make_trc(tmp_path / "in" / "run.trc")
    attempt = analyze_isolated(trc, tmp_path / "work", {"video": False}, pose_workers=1)
    assert attempt.ok, attempt.log
    assert json.loads((tmp_path / "work" / "spec.json").read_text())["pose_workers"] == 1


def test_a_shipped_input_gets_its_cache_and_its_mtime(tmp_path, monkeypatch):
    """What a Ray task unpacks: the input with its original mtime, the cache in its output folder."""
    previous = tmp_path / "prev"
    previous.mkdir()
    (previous / "pose.npz").write_bytes(b"npz")
    (previous / "pose.npz.json").write_bytes(b"{}")
    cache = pack_pose_cache(previous)
    assert cache == {"pose.npz": b"npz", "pose.npz.json": b"{}"}
    assert pack_pose_cache(tmp_path / "none") is None
    seen = {}

    def fake(input_path, workdir, settings, thresholds_text, timeout_s, pose_workers):
        seen["mtime"] = Path(input_path).stat().st_mtime_ns
        seen["cache"] = sorted(p.name for p in (Path(workdir) / "out" / "run").iterdir())
        seen["pose_workers"] = pose_workers
        from runform.batch.task import Attempt

        return Attempt(False, 0.0, "here", error_type="Fake")

    monkeypatch.setattr("runform.batch.task.analyze_isolated", fake)
    run_shipped({"run.mp4": b"bytes"}, {}, mtime_ns=1_600_000_000_123_456_789, pose_cache=cache)
    assert seen == {"mtime": 1_600_000_000_123_456_789, "cache": ["pose.npz", "pose.npz.json"], "pose_workers": 1}
