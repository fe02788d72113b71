"""Coaching cues: which cues fire, when they are withheld, and threshold overrides."""

from __future__ import annotations

import pytest

from runform.errors import ConfigError, RunformError
from runform.report.cues import Thresholds, band, coaching_cues, is_overstride, load_thresholds


def _strides(n=20, shin=2.0, over=8.0, step=0.33, excursion=26.0, trunk=6.0, osc=9.0, **extra):
    out = []
    for i in range(n):
        wobble = (i % 3 - 1) * 0.5
        out.append({"foot": "left" if i % 2 == 0 else "right", "ic_time_s": i * step,
                    "shin_angle_ic_deg": shin + wobble, "overstride_pct_leg": over + wobble,
                    "step_time_s": step, "knee_flexion_excursion_deg": excursion + wobble,
                    "trunk_lean_deg": trunk + wobble, "vertical_oscillation_pct_leg": osc + 0.1 * wobble, **extra})
    return out


def _summary(strides, **extra):
    keys = ("shin_angle_ic_deg", "overstride_pct_leg", "knee_flexion_excursion_deg", "trunk_lean_deg",
            "vertical_oscillation_pct_leg")
    s = {k: sorted(x[k] for x in strides)[len(strides) // 2] for k in keys}
    s["cadence_spm"] = round(60 / strides[0]["step_time_s"], 2)
    s["n_contacts_counted"] = len(strides)
    s.update(extra)
    return s


def ids(result):
    return [c["id"] for c in result["cues"]]


def test_overstrider_gets_falling_forward_and_pulling_the_road():
    st = _strides(shin=12.0, over=28.0)
    res = coaching_cues(_summary(st), st, {})
    assert "falling_forward" in ids(res) and "pulling_the_road" in ids(res)
    titles = [c["title"] for c in res["cues"]]
    assert "Falling Forward" in titles and "Pulling the Road" in titles
    ff = next(c for c in res["cues"] if c["id"] == "falling_forward")
    assert "ankles" in ff["cue"] and "waist" in ff["cue"]
    assert ff["finding"]["contacts_supporting"] == "20 of 20"
    assert ff["band"] == "red" and ff["feel"] and ff["drill"] and ff["source"]
    assert res["bands"]["shin_angle_ic_deg"] == "red"


def test_relaxed_runner_gets_no_overstriding_cue():
    st = _strides()
    res = coaching_cues(_summary(st), st, {})
    assert not {"falling_forward", "pulling_the_road"} & set(ids(res))
    assert res["cues"] == []  # 182 spm, everything green
    assert res["bands"]["shin_angle_ic_deg"] == "green"


def test_classifier_probability_overrides_the_angle_rule():
    st = _strides(shin=12.0, over=28.0, overstride_probability=0.1)
    assert not is_overstride(st[0])
    assert "falling_forward" not in ids(coaching_cues(_summary(st), st, {}))
    st = _strides(overstride_probability=0.9)
    assert "falling_forward" in ids(coaching_cues(_summary(st), st, {}))


def test_metronome_target_from_own_cadence():
    st = _strides(step=0.4)  # 150 spm
    res = coaching_cues(_summary(st), st, {})
    cue = next(c for c in res["cues"] if c["id"] == "cadence")
    assert cue["metronome_spm"] == round(150 * 1.075) == 161
    assert "161 steps/min" in cue["cue"]
    assert "Heiderscheit" in cue["source"]


def test_too_few_contacts_withholds_with_reason():
    st = _strides(n=4, shin=12.0, over=28.0)
    res = coaching_cues(_summary(st), st, {})
    assert "falling_forward" not in ids(res)
    reasons = [w["reason"] for w in res["withheld"] if w["id"] == "falling_forward"]
    assert reasons and "only 4" in reasons[0]


def test_poor_view_withholds_angle_cues_but_not_cadence():
    st = _strides(shin=12.0, over=28.0, step=0.4)
    res = coaching_cues(_summary(st), st, {"not_side_on": "feet look short"})
    assert ids(res) == ["cadence"]
    assert any("not_side_on" in w["reason"] for w in res["withheld"])


def test_at_most_three_cues_ranked():
    st = _strides(shin=12.0, over=28.0, step=0.42, excursion=10.0, trunk=18.0, osc=16.0)
    res = coaching_cues(_summary(st, shoulder_elevation_ratio=0.05), st, {})
    assert len(res["cues"]) == 3
    assert ids(res)[:2] == ["falling_forward", "pulling_the_road"]
    assert {"knee_give", "lean_from_ankles", "run_quiet", "relax_shoulders"} <= set(res["more"]) | set(ids(res))


@pytest.mark.parametrize("cue_id, kw", [
    ("knee_give", {"excursion": 10.0}), ("lean_from_ankles", {"trunk": 18.0}), ("run_quiet", {"osc": 16.0}),
])
def test_each_cue_fires(cue_id, kw):
    st = _strides(**kw)
    assert cue_id in ids(coaching_cues(_summary(st), st, {}))


def test_shoulder_cue():
    st = _strides()
    res = coaching_cues(_summary(st, elbow_angle_deg=40.0), st, {})
    cue = next(c for c in res["cues"] if c["id"] == "relax_shoulders")
    assert "shoulders" in cue["cue"] and cue["finding"]["metric"] == "elbow_angle_deg"


def test_toml_override_changes_a_threshold(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text("shin_amber_deg = 1.0\ncue_min_contacts = 3\n")
    t = load_thresholds(p)
    assert t.shin_amber_deg == 1.0 and t.cue_min_contacts == 3 and t.shin_red_deg == Thresholds().shin_red_deg
    assert band("shin_angle_ic_deg", 2.0) == "green" and band("shin_angle_ic_deg", 2.0, t) == "amber"


def test_unknown_toml_key_is_a_config_error(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text("shin_amber = 4\n")
    with pytest.raises(ConfigError, match="unknown threshold key.*shin_amber") as err:
        load_thresholds(p)
    assert isinstance(err.value, RunformError) and err.value.exit_code == 6
    p.write_text("shin_amber_deg = 'x'\n")
    with pytest.raises(ConfigError, match="number"):
        load_thresholds(p)
    p.write_text("shin_amber_deg = = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_thresholds(p)


def test_bounce_cue_withheld_when_pelvis_and_head_disagree():
    st = _strides(osc=16.0)
    flag = {"vertical_oscillation_uncertain": "the pelvis rises and falls 14 % leg per step and the head 8.7 %"}
    out = coaching_cues(_summary(st), st, flag)
    assert "run_quiet" not in ids(out)
    assert any(w["id"] == "run_quiet" and "8.7 %" in w["reason"] for w in out["withheld"])


def test_knee_cue_counts_the_near_leg_when_the_summary_is_the_near_legs():
    st = _strides(excursion=26.0)
    for s in st:
        if s["foot"] == "right":
            s["knee_flexion_excursion_deg"] = 3.0  # the far knee, hidden in mid-stance, barely bends
    near = _summary(st, knee_flexion_excursion_deg=26.0, near_leg_metrics_from="left")
    assert "knee_give" not in ids(coaching_cues(near, st, {}))
    for s in st:
        if s["foot"] == "left":
            s["knee_flexion_excursion_deg"] = 10.0
    out = coaching_cues(_summary(st, knee_flexion_excursion_deg=10.0, near_leg_metrics_from="left"), st, {})
    knee = next(c for c in out["cues"] if c["id"] == "knee_give")
    assert knee["finding"]["contacts_supporting"] == "10 of 10"  # the left leg's 10, not all 20


def test_knee_cue_is_withheld_on_video_with_the_reason():
    """Knee flexion excursion has no real-video truth: on video the stiff-knee cue is withheld, not given."""
    st = _strides(excursion=10.0)
    summary = _summary(st, knee_flexion_excursion_deg=10.0)
    assert "knee_give" in ids(coaching_cues(summary, st, {}))  # motion capture: given
    out = coaching_cues(summary, st, {}, video=True)
    assert "knee_give" not in ids(out) and "knee_give" not in out["more"]
    reason = next(w["reason"] for w in out["withheld"] if w["id"] == "knee_give")
    assert "no real-video truth" in reason and out["bands"]["knee_flexion_excursion_deg"] in ("amber", "red")
