import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runform.compare.mdc import MinimalDetectableChange, parse_overrides
from runform.compare.stats import (SPECS, StatsConfig, cliffs_delta, compare_metric, compare_overstriding,
                                   compare_pair, comparison_pairs, cue_changes, effect_label, rule_overstriding,
                                   session_overstriding)
from runform.errors import ConfigError

SHIN = SPECS["shin_angle_ic_deg"]
CAD = SPECS["cadence_spm"]


def test_known_shift_is_a_real_change():
    rng = np.random.default_rng(1)
    before = rng.normal(11.0, 1.0, 26)
    after = rng.normal(4.0, 1.0, 26)
    row = compare_metric(SHIN, before, after)
    assert row["classification"] == "real change"
    assert row["direction"] == "better"
    assert row["ci95"][0] < row["difference"] < row["ci95"][1] < 0
    assert row["cliffs_delta"] == pytest.approx(-1.0)
    assert row["effect"] == "large"


def test_small_but_consistent_shift_is_within_noise():
    # The strides clearly differ (interval excludes 0) but the shift is below the MDC.
    rng = np.random.default_rng(2)
    before, after = rng.normal(8.0, 0.3, 40), rng.normal(6.5, 0.3, 40)
    row = compare_metric(SHIN, before, after)
    assert row["excludes_zero"] and not row["exceeds_mdc"]
    assert row["classification"] == "within noise"


def test_big_but_uncertain_shift_is_within_noise():
    before = np.array([0.0, 20.0, 0.0, 20.0, 0.0, 20.0])
    after = np.array([20.0, 0.0, 20.0, 0.0, 20.0, 10.0])
    row = compare_metric(SHIN, before, after)
    assert not row["excludes_zero"]
    assert row["classification"] == "within noise"


def test_identical_and_constant_samples():
    row = compare_metric(CAD, np.full(10, 170.0), np.full(10, 170.0))
    assert row["difference"] == 0 and row["ci95"] == [0.0, 0.0]
    assert row["classification"] == "within noise" and row["direction"] == "no change"


def test_too_few_contacts():
    row = compare_metric(SHIN, np.array([1.0, 2.0]), np.arange(10.0))
    assert row["classification"] == "not enough contacts" and row["ci95"] is None


def test_seeded_and_reproducible():
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 2, 20), rng.normal(1, 2, 20)
    assert compare_metric(SHIN, a, b, StatsConfig(seed=5)) == compare_metric(SHIN, a, b, StatsConfig(seed=5))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-30, 30, allow_nan=False), min_size=4, max_size=30))
def test_same_data_never_a_real_change(values):
    a = np.array(values)
    row = compare_metric(SHIN, a, a.copy(), StatsConfig(n_resamples=300))
    assert row["difference"] == 0
    assert row["classification"] == "within noise"
    assert row["cliffs_delta"] == pytest.approx(0.0)


def test_cliffs_delta_and_labels():
    assert cliffs_delta(np.array([1.0, 2, 3]), np.array([4.0, 5, 6])) == 1.0
    assert cliffs_delta(np.array([4.0, 5, 6]), np.array([1.0, 2, 3])) == -1.0
    assert [effect_label(d) for d in (0.1, -0.2, 0.4, -0.9)] == ["negligible", "small", "medium", "large"]


def test_mdc_overrides():
    m = parse_overrides(["shin_angle_ic_deg=2.5"])
    assert m.shin_angle_ic_deg == 2.5 and m.cadence_spm == MinimalDetectableChange().cadence_spm
    for bad in (["nope=1"], ["shin_angle_ic_deg"], ["shin_angle_ic_deg=x"], ["cadence_spm=-1"]):
        with pytest.raises(ConfigError):
            parse_overrides(bad)
    row = compare_metric(SHIN, np.full(8, 9.0) + np.arange(8) * 0.01, np.full(8, 6.0) + np.arange(8) * 0.01,
                         StatsConfig(mdc=m))
    assert row["classification"] == "real change"


def _doc(shins, prob=None, cues=(), withheld=()):
    strides = [{"foot": "left" if i % 2 else "right", "shin_angle_ic_deg": s, "overstride_pct_leg": 10.0,
                "step_time_s": 0.36} for i, s in enumerate(shins)]
    doc = {"contacts": strides, "cues": [{"id": c, "title": c.title()} for c in cues],
           "cues_withheld": [{"id": w, "reason": "x"} for w in withheld]}
    if prob is not None:
        doc["overstriding"] = {"session": {"verdict": "overstriding" if prob > 0.5 else "not overstriding",
                                           "probability": prob, "ci95": [prob - 0.1, prob + 0.1], "n_contacts": 10,
                                           "n_overstriding": 0, "text": "t"}}
    return doc


def test_overstriding_verdicts_rule_and_classifier():
    before, after = _doc([12.0] * 10), _doc([3.0] * 10)
    assert session_overstriding(before)["source"] == "band rule"
    change = compare_overstriding(session_overstriding(before), session_overstriding(after))
    assert change["changed"] and change["real_change"] and change["improved"]
    same = compare_overstriding(session_overstriding(before), session_overstriding(before))
    assert not same["changed"] and not same["real_change"]
    assert session_overstriding(_doc([3.0] * 3))["verdict"] == "not enough contacts"
    clf = _doc([12.0] * 10, prob=0.9)
    assert session_overstriding(clf)["source"] == "classifier"
    assert rule_overstriding(clf)["source"] == "band rule"
    overlap = compare_overstriding(session_overstriding(_doc([1.0] * 10, prob=0.55)),
                                   session_overstriding(_doc([1.0] * 10, prob=0.45)))
    assert overlap["changed"] and not overlap["real_change"]


def test_cue_changes():
    res = cue_changes(_doc([1.0], cues=("falling_forward", "cadence", "run_quiet")),
                      _doc([1.0], cues=("cadence", "knee_give"), withheld=("run_quiet",)))
    assert [c["id"] for c in res["addressed"]] == ["falling_forward"]
    assert [c["id"] for c in res["remaining"]] == ["cadence"]
    assert [c["id"] for c in res["new"]] == ["knee_give"]
    assert [c["id"] for c in res["not_judged_after"]] == ["run_quiet"]


def test_comparison_pairs():
    assert comparison_pairs(2) == [(0, 1, "vs first")]
    assert comparison_pairs(4) == [(0, 1, "vs first"), (0, 2, "vs first"), (0, 3, "vs first"),
                                   (1, 2, "consecutive"), (2, 3, "consecutive")]


def test_two_halves_of_one_steady_run_are_within_noise(steady_halves, tmp_path):
    from .conftest import analyze_into

    docs = [json.loads((analyze_into(p, tmp_path) / "metrics.json").read_text()) for p in steady_halves]
    res = compare_pair(docs[0], docs[1])
    real = [r["metric"] for r in res["metrics"] if r["classification"] == "real change"]
    assert real == []
    assert not res["overstriding"]["real_change"] and not res["overstriding_rule"]["real_change"]
