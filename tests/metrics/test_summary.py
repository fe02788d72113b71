"""metrics.summary: the near leg's value for what a side view hides of the far leg."""

import numpy as np
import pytest

from runform.metrics.registry import REGISTRY
from runform.metrics.summary import legs_disagree, summarize


def _contacts(near_excursion=24.0, far_excursion=3.0, n=10):
    out = []
    for i in range(n):
        foot = "left" if i % 2 == 0 else "right"
        out.append({"foot": foot, "ic_time_s": 0.35 * i, "step_time_s": 0.35,
                    "knee_flexion_excursion_deg": (near_excursion if foot == "left" else far_excursion) + 0.1 * i,
                    "knee_flexion_peak_stance_deg": 40.0 if foot == "left" else 20.0,
                    "shin_angle_ic_deg": 2.0 if foot == "left" else 6.0})
    return out


def test_mid_stance_metrics_come_from_the_near_leg_in_a_side_view():
    out = summarize(_contacts(), near_leg="left")
    assert out["near_leg_metrics_from"] == "left"
    assert out["knee_flexion_excursion_deg"] == pytest.approx(out["metrics"]["knee_flexion_excursion_deg"]["left"]["median"])
    assert out["knee_flexion_excursion_deg"] > 20 and out["knee_flexion_peak_stance_deg"] == 40.0
    # Both legs stay in the per-foot values, and the far leg's are not lost.
    assert out["metrics"]["knee_flexion_excursion_deg"]["right"]["median"] < 5
    # What the far leg shows at contact still counts from both legs.
    assert out["shin_angle_ic_deg"] == pytest.approx(4.0)


def test_both_legs_without_a_near_side_or_without_near_leg_values():
    both = summarize(_contacts())
    assert "near_leg_metrics_from" not in both
    assert both["knee_flexion_excursion_deg"] == pytest.approx(both["metrics"]["knee_flexion_excursion_deg"]["all"]["median"])
    c = _contacts()
    for x in c:
        if x["foot"] == "left":
            x["knee_flexion_excursion_deg"] = x["knee_flexion_peak_stance_deg"] = None
    out = summarize(c, near_leg="left")
    assert out["knee_flexion_excursion_deg"] == pytest.approx(out["metrics"]["knee_flexion_excursion_deg"]["right"]["median"])
    assert "near_leg_metrics_from" not in out


def test_only_mid_stance_knee_metrics_are_near_leg_metrics():
    assert {m for m, spec in REGISTRY.items() if spec.near_leg_in_video} == {
        "knee_flexion_peak_stance_deg", "knee_flexion_excursion_deg"}


def test_cadence_cancels_a_per_foot_timing_bias_and_ignores_excluded_contacts():
    # The far foot's landing read 40 ms late (as behind a treadmill's deck): steps alternate
    # 0.31 and 0.39 s around the true 0.35 s (171.4 steps/min).
    c = [{"foot": "left" if i % 2 else "right", "ic_time_s": 0.35 * i + (0.04 if i % 2 else 0.0)} for i in range(20)]
    for a, b in zip(c, c[1:]):
        a["step_time_s"] = b["ic_time_s"] - a["ic_time_s"]
    for i in (5, 7, 11):  # excluded contacts of one foot shift a median of alternating steps
        c[i]["excluded"] = True
    assert summarize(c)["cadence_spm"] == pytest.approx(60 / 0.35, abs=0.01)


def test_cadence_is_steps_over_time_whatever_each_contacts_timing_error():
    # Every contact but the two ends of each foot read up to 20 ms off (30 fps scatter), one excluded:
    # the clip's rate stays exact.
    rng = np.random.default_rng(7)
    step = 0.3552  # 168.9 steps/min, male_side's hand count
    c = [{"foot": "left" if i % 2 else "right", "ic_time_s": step * i + (rng.uniform(-0.02, 0.02) if 1 < i < 32 else 0.0)}
         for i in range(34)]
    c[9]["excluded"] = True
    from runform.metrics.plausibility import mean_step_time

    assert mean_step_time(c) == pytest.approx(step, rel=1e-9)
    assert summarize(c)["cadence_spm"] == pytest.approx(60 / step, abs=0.01)


@pytest.mark.parametrize("far_shin, apart", [(6.0, False), (10.0, False), (10.5, True), (-14.0, True)])
def test_legs_whose_shins_disagree_are_flagged_and_the_near_leg_speaks(far_shin, apart):
    """Shins 8 deg or less apart are a runner's own asymmetry; more, and the far leg is measured wrong."""
    c = _contacts()
    for x in c:
        x["overstride_pct_leg"] = 5.0 if x["foot"] == "left" else 25.0
        if x["foot"] == "right":
            x["shin_angle_ic_deg"] = far_shin
    out = summarize(c, near_leg="left")
    assert ("legs_disagree" in out) == apart
    if apart:
        assert out["legs_disagree"]["gap_deg"] == pytest.approx(abs(far_shin - 2.0))
        assert out["shin_angle_ic_deg"] == 2.0 and out["overstride_pct_leg"] == 5.0
    else:
        assert out["shin_angle_ic_deg"] == pytest.approx((2.0 + far_shin) / 2)
        assert out["overstride_pct_leg"] == pytest.approx(15.0)
    # Without a near side (motion capture) nothing is flagged: both legs are measured alike.
    assert "legs_disagree" not in summarize(c)


def test_legs_disagree_needs_contacts_on_both_legs():
    shin = {"left": {"median": 2.0, "n": 2}, "right": {"median": -14.0, "n": 9}}
    assert legs_disagree(shin) is None
    shin["left"]["n"] = 3
    assert legs_disagree(shin)["gap_deg"] == 16.0
