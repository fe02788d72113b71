import numpy as np
import pytest

from runform.classify.features import FEATURE_NAMES, SESSION_OF, cadence_norm, stride_features

IDX = {n: i for i, n in enumerate(FEATURE_NAMES)}


def _stride(foot="right", shin=5.0, **kw):
    s = {"foot": foot, "shin_angle_ic_deg": shin, "overstride_pct_leg": 15.0, "knee_flexion_ic_deg": 12.0,
         "foot_strike_angle_ic_deg": 10.0, "step_time_s": 0.35, "duty_factor": 0.35, "trunk_lean_deg": 6.0}
    s.update(kw)
    return s


def test_shape_dtype_and_order():
    x = stride_features([_stride(), _stride("left", 8.0)], leg_length_m=0.9)
    assert x.shape == (2, len(FEATURE_NAMES)) and x.dtype == np.float32
    assert x[0, IDX["shin_angle_ic_deg"]] == pytest.approx(5.0)
    assert x[1, IDX["shin_angle_ic_deg"]] == pytest.approx(8.0)
    assert x[0, IDX["duty_factor"]] == pytest.approx(0.35)


def test_empty_input():
    assert stride_features([], 0.9).shape == (0, len(FEATURE_NAMES))


def test_missing_and_implausible_become_nan():
    x = stride_features([_stride(shin=None, knee_flexion_ic_deg=float("nan"), duty_factor=5.0)], 0.9)
    assert np.isnan(x[0, IDX["shin_angle_ic_deg"]])
    assert np.isnan(x[0, IDX["knee_flexion_ic_deg"]])
    assert np.isnan(x[0, IDX["duty_factor"]])  # 5 is not a duty factor: a measurement failure


def test_cadence_norm_needs_metric_leg_length():
    # f = 1 / 0.35 s; sqrt(0.9 / 9.81) = 0.3029 -> 0.8654
    assert cadence_norm(0.35, 0.9) == pytest.approx(np.sqrt(0.9 / 9.81) / 0.35)
    x = stride_features([_stride()], leg_length_m=None)
    assert np.isnan(x[0, IDX["cadence_norm"]])
    assert np.isnan(cadence_norm(None, 0.9)) and np.isnan(cadence_norm(0.35, 0.0))


def test_foot_medians_are_per_foot_and_skip_missing():
    strides = [_stride("right", 2.0), _stride("right", 4.0), _stride("right", None), _stride("right", 30.0),
               _stride("left", 10.0)]
    x = stride_features(strides, 0.9)
    col = IDX[SESSION_OF["shin_angle_ic_deg"]]
    assert np.allclose(x[:4, col], 4.0)  # median of 2, 4, 30 (None left out)
    assert x[4, col] == pytest.approx(10.0)
