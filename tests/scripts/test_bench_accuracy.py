"""The end-to-end accuracy benchmark on a short rendered sample (MediaPipe runs for real)."""

import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from runform.render.samples import RELAXED, SAMPLES, render_sample, truth_document

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "scripts" / "bench_accuracy.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_accuracy"] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_short_relaxed_sample_meets_the_targets(tmp_path, monkeypatch):
    bench = _bench()
    # A 4 s cut of the bundled relaxed runner (same scene and gait, shorter).
    params, scene = SAMPLES["relaxed_60fps"]
    monkeypatch.setitem(SAMPLES, "short_relaxed", (replace(params, duration_s=4.0), scene))
    video = render_sample("short_relaxed", tmp_path)
    truth = json.loads((tmp_path / "short_relaxed.truth.json").read_text())
    r = bench.evaluate_sample(video, truth)
    # Tolerances from what the full 10 s samples achieve (README, Accuracy on rendered video).
    assert r["detection_rate"] >= 0.99
    assert r["contacts_matched"] >= r["contacts_true"] - 1
    assert r["ic"]["median_abs_frames"] <= 1.0
    assert r["metrics"]["shin_angle_ic_deg"]["mae"] <= 3.0
    assert r["metrics"]["overstride_pct_leg"]["mae"] <= 5.0
    assert abs(r["cadence_spm"] - truth["cadence_spm"]) <= 2.0
    assert r["overstriding_true"] is False and r["verdict_matches"]
    assert not bench.failures(r)
    # Landmark error stays in the range measured on the full samples (hips ~3.5 % leg).
    assert r["landmarks"]["hip"]["median_pct_leg"] < 6.0


def test_truth_document_labels_the_overstrider():
    """The truth label follows the true shin angle: the bundled overstrider is labelled, the relaxed one not."""
    from runform.synthetic import generate_run

    for name, expect in (("overstrider_30fps", True), ("relaxed_60fps", False)):
        params, _ = SAMPLES[name]
        kp, truth = generate_run(replace(params, duration_s=3.0))
        doc = truth_document(name, {"truth": truth, "fps": params.fps, "frames": len(kp), "image_size": (10, 10),
                                    "leg_length_px": 1.0, "points": {}})
        assert doc["overstriding"] is expect
    assert RELAXED.shin_angle_ic_deg < 5.0
