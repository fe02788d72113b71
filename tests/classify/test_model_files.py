"""Model loading (onnxruntime only), typed errors, and the bundled model's behaviour."""

import json
import shutil

import numpy as np
import pytest

from runform.classify.features import FEATURE_NAMES, stride_features
from runform.classify.model import OverstrideModel, card_path, default_model_path
from runform.errors import ModelError
from runform.pipeline import AnalysisConfig, InputInfo, analyze_keypoints
from runform.synth.runner import GaitParams, generate_run

BUNDLED = default_model_path()
needs_bundled = pytest.mark.skipif(not BUNDLED.is_file(), reason="models/overstride.onnx not built")


def _runner(shin, over, knee, foot=15.0):
    return [{"foot": f, "shin_angle_ic_deg": shin, "overstride_pct_leg": over, "knee_flexion_ic_deg": knee,
             "foot_strike_angle_ic_deg": foot, "step_time_s": 0.36, "duty_factor": 0.36, "trunk_lean_deg": 5.0}
            for f in ("left", "right") for _ in range(6)]


@needs_bundled
def test_bundled_model_separates_clear_cases():
    m = OverstrideModel.load(BUNDLED)
    assert [f["name"] for f in m.card["features"]] == list(FEATURE_NAMES)
    over = m.predict_proba(stride_features(_runner(shin=17.0, over=32.0, knee=8.0, foot=20.0), 0.9))
    vertical = m.predict_proba(stride_features(_runner(shin=0.0, over=8.0, knee=15.0, foot=5.0), 0.9))
    assert over.min() > 0.8, over
    assert vertical.max() < 0.2, vertical
    # Missing inputs are imputed inside the model, never a crash or NaN.
    nan = m.predict_proba(np.full((2, len(FEATURE_NAMES)), np.nan, np.float32))
    assert np.all(np.isfinite(nan)) and np.all((nan >= 0) & (nan <= 1))


@needs_bundled
@pytest.mark.parametrize("shin, expected", [(17.0, "overstriding"), (1.0, "not overstriding")])
def test_analysis_verdict_on_generated_runs(shin, expected):
    kp, _ = generate_run(GaitParams(shin_angle_ic_deg=shin, knee_flexion_ic_deg=12.0, fps=60.0, duration_s=5.0))
    info = InputInfo("gen.trc", "trc", kp.fps, len(kp), 5.0)
    a = analyze_keypoints(kp, info, AnalysisConfig())
    assert a.overstriding["session"]["verdict"] == expected
    assert a.overstriding["model"]["sha256"] and a.overstriding["model"]["file"] == "overstride.onnx"
    for s in a.contacts:
        assert 0.0 <= s["overstride_probability"] <= 1.0
        assert s["overstriding"] == (s["overstride_probability"] >= 0.5)


def test_missing_bundled_model_is_a_quality_note_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNFORM_MODEL_DIR", str(tmp_path))  # an empty folder
    kp, _ = generate_run(GaitParams(fps=60.0, duration_s=3.0))
    a = analyze_keypoints(kp, InputInfo("gen.trc", "trc", kp.fps, len(kp), 3.0))
    assert a.overstriding is None
    assert "overstride_model_missing" in a.quality
    assert a.contacts[0].overstride_probability is None and a.contacts[0].overstriding is None


def test_user_model_missing_is_a_typed_error(tmp_path):
    kp, _ = generate_run(GaitParams(fps=60.0, duration_s=3.0))
    with pytest.raises(ModelError):
        analyze_keypoints(kp, InputInfo("gen.trc", "trc", kp.fps, len(kp), 3.0),
                          AnalysisConfig(model_path=tmp_path / "nope.onnx"))


@needs_bundled
def test_corrupt_or_mismatched_models_are_refused(tmp_path):
    target = tmp_path / "m.onnx"
    shutil.copy(BUNDLED, target)
    with pytest.raises(ModelError, match="card not found"):
        OverstrideModel.load(target)
    card = json.loads(card_path(BUNDLED).read_text())
    card_path(target).write_text(json.dumps(card))
    assert OverstrideModel.load(target).info.sha256  # a faithful copy loads
    card_path(target).write_text("{not json")
    with pytest.raises(ModelError, match="unreadable"):
        OverstrideModel.load(target)
    swapped = dict(card, features=list(reversed(card["features"])))
    card_path(target).write_text(json.dumps(swapped))
    with pytest.raises(ModelError, match="expects"):
        OverstrideModel.load(target)
    card_path(target).write_text(json.dumps(card))
    target.write_bytes(b"this is not an onnx file")
    with pytest.raises(ModelError, match="not a readable ONNX"):
        OverstrideModel.load(target)


@needs_bundled
def test_real_mocap_runner_is_not_overstriding(shared_data):
    # RBDS001 lands with a 5-6 deg shin (ground truth): the label says no on every stance.
    from runform.pipeline import load_keypoints

    path = shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc"
    kp, info = load_keypoints(path, AnalysisConfig())
    a = analyze_keypoints(kp, info)
    assert a.overstriding["session"]["verdict"] == "not overstriding", a.overstriding["session"]
    assert a.overstriding["session"]["n_contacts"] >= 60
