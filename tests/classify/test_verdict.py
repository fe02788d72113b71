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
