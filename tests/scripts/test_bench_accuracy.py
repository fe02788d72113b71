"""The end-to-end accuracy benchmark on a short rendered sample (MediaPipe runs for real)."""

import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from runform.synth.render.samples import RELAXED, SAMPLES, render_sample, truth_document

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
    from runform.synth.runner import generate_run

    for name, expect in (("overstrider_30fps", True), ("relaxed_60fps", False)):
        params, _ = SAMPLES[name]
        kp, truth = generate_run(replace(params, duration_s=3.0))
        doc = truth_document(name, {"truth": truth, "fps": params.fps, "frames": len(kp), "image_size": (10, 10),
                                    "leg_length_px": 1.0, "points": {}})
        assert doc["overstriding"] is expect
    assert RELAXED.shin_angle_ic_deg < 5.0


def test_renders_mode_reports_the_test_render_knobs(capsys):
    """--renders: render_info reads a test render's truth; the bundled samples' truth gives None."""
    bench = _bench()
    from runform.synth.runner import GaitParams, generate_run

    _, truth = generate_run(GaitParams(duration_s=1.5, heel_lead_s=0.06, joint_smoothing_s=0.006))
    doc = {**truth, "camera": {"roll_deg": -5.0, "pitch_deg": 8.0}, "scene": {"calf": 1.0}}
    info = bench.render_info(doc)
    assert info["heel_lead_ms"] == pytest.approx(60.0, abs=0.5)
    assert info["roll_deg"] == -5.0 and info["calf"] == 1.0
    _, old = generate_run(GaitParams(duration_s=1.5))
    assert bench.render_info(old) is None
    metric = {"mae": 2.0, "bias": 1.5, "n": 3, "median_abs": 2.0}
    result = {"video": "x.mp4", "render": info, "ic": {"median_abs_ms": 40.0, "bias_ms": -40.0},
              "metrics": {"shin_angle_ic_deg": metric, "overstride_pct_leg": metric},
              "verdict_text": "not overstriding", "overstriding_probability": 0.1, "overstriding_true": False}
    from rich.console import Console

    bench.console = Console(width=300)
    bench.print_renders([result])
    out = capsys.readouterr().out
    assert "x.mp4" in out and "roll -5, pitch +8" in out and "-40.0 ms" in out
