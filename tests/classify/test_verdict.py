import numpy as np
import pytest

from runform.classify.model import VerdictConfig, probability_interval, verdict


def _strides(feet):
    return [{"foot": f} for f in feet]


def test_counts_per_foot_and_text():
    probs = np.array([0.9] * 14 + [0.3] * 4 + [0.1] * 10)
    feet = ["right"] * 18 + ["left"] * 10
    v = verdict(_strides(feet), probs)
    r = v["right"]
    assert (r["n_contacts"], r["n_overstriding"]) == (18, 14)
    assert r["probability"] == pytest.approx((14 * 0.9 + 4 * 0.3) / 18, abs=1e-4)
    assert r["text"] == "overstriding on 14 of 18 right-foot contacts, p = 0.77"
    assert r["verdict"] == "overstriding"
    assert v["left"]["verdict"] == "not overstriding" and v["left"]["n_overstriding"] == 0
    assert v["session"]["n_contacts"] == 28 and v["session"]["n_overstriding"] == 14
    assert v["threshold"] == 0.5


def test_interval_narrows_with_contacts_and_contains_mean():
    lo4, hi4 = probability_interval(np.full(4, 0.8))
    lo40, hi40 = probability_interval(np.full(40, 0.8))
    assert lo4 < lo40 < 0.8 < hi40 < hi4
    assert 0.0 <= lo4 and hi4 <= 1.0


def test_uncertain_and_not_enough():
    mixed = verdict(_strides(["right"] * 6), np.array([0.9, 0.2, 0.7, 0.3, 0.6, 0.4]))
    assert mixed["right"]["verdict"] == "uncertain"
    assert mixed["right"]["text"].startswith("uncertain: overstriding on 3 of 6 right-foot")
    few = verdict(_strides(["left"] * 3), np.array([0.99, 0.99, 0.99]))
    assert few["left"]["verdict"] == "not enough contacts"
    assert few["right"]["n_contacts"] == 0 and few["right"]["probability"] is None
    # Three sure contacts still leave a wide interval: a lower contact minimum alone does not decide.
    three = verdict(_strides(["left"] * 3), np.array([0.99] * 3), VerdictConfig(min_contacts=2))
    assert three["left"]["verdict"] == "uncertain"
    eight = verdict(_strides(["left"] * 8), np.array([0.99] * 8))
    assert eight["left"]["verdict"] == "overstriding" and eight["left"]["ci95"][0] > 0.5


def test_nan_probabilities_are_not_counted():
    v = verdict(_strides(["right"] * 5), np.array([0.9, np.nan, 0.9, 0.9, 0.9]))
    assert v["right"]["n_contacts"] == 4


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        verdict(_strides(["right"] * 2), np.array([0.5]))


@pytest.mark.parametrize("flag", ["low_visibility", "not_side_on", "shin_from_landmarks", "camera_tilt_unknown",
                                  "slow_motion"])
def test_weak_data_flags_make_every_group_cannot_judge(flag):
    # Sure, consistent probabilities (the sprint clip's "p 1.00") are no verdict on weak data.
    v = verdict(_strides(["left", "right"] * 10), np.full(20, 0.99), quality={flag: "..."})
    assert v["cannot_judge"] and flag in v["cannot_judge"]
    for who in ("left", "right", "session"):
        g = v[who]
        assert g["verdict"] == "cannot judge" and g["reason"] == v["cannot_judge"]
        assert g["text"].startswith("cannot judge: ") and "p = " not in g["text"]
    assert v["session"]["n_contacts"] == 20  # the numbers stay in the record


def test_a_large_share_of_excluded_contacts_is_cannot_judge_and_excluded_never_count():
    strides = _strides(["left", "right"] * 6)
    for s in strides[:5]:
        s["excluded"] = True
    v = verdict(strides, np.full(12, 0.9))
    assert v["session"]["verdict"] == "cannot judge" and "5 of 12 contacts are not plausible" in v["cannot_judge"]
    strides = _strides(["left", "right"] * 6)
    strides[0]["excluded"] = strides[1]["excluded"] = True
    probs = np.array([0.99, 0.99] + [0.01] * 10)  # the excluded pair would have tipped nothing, but must not count
    v = verdict(strides, probs)
    assert v["cannot_judge"] is None and v["session"]["n_contacts"] == 10 and v["session"]["n_overstriding"] == 0
    assert v["session"]["verdict"] == "not overstriding"


def test_contact_rule_is_greater_or_equal_the_threshold():
    from runform.classify.model import contact_overstriding

    assert contact_overstriding(0.5, 0.5) is True and contact_overstriding(0.4999, 0.5) is False
    assert contact_overstriding(float("nan"), 0.5) is None and contact_overstriding(None, 0.5) is None


def test_the_session_is_the_near_legs_when_the_far_leg_is_measured_wrong():
    """A near leg overstriding on every contact and a far leg read as not (legs_disagree)."""
    probs = np.array([0.9] * 10 + [0.05] * 10)
    feet = ["right"] * 10 + ["left"] * 10
    pooled = verdict(_strides(feet), probs)
    assert pooled["session"]["verdict"] == "uncertain" and "from_foot" not in pooled["session"]
    near = verdict(_strides(feet), probs, session_foot="right")
    assert near["session"]["verdict"] == "overstriding" and near["session"]["from_foot"] == "right"
    assert near["session"]["n_contacts"] == 10 and "right leg only" in near["session"]["text"]
    assert near["left"] == pooled["left"] and near["right"] == pooled["right"]
    # A reason to judge nothing still wins.
    judged = verdict(_strides(feet), probs, quality={"low_visibility": "x"}, session_foot="right")
    assert judged["session"]["verdict"] == "cannot judge"
