"""Plausible contacts only (issue 12, item 1): each bound excludes with its reason; the rest count."""

import csv
import io
import json
import re

import numpy as np
import pytest

import runform.pipeline as pipeline
from runform.keypoints import INDEX
from runform.metrics.plausibility import ContactBounds, contact_problems, counted, judge_plausibility
from runform.metrics.summary import quality_flags, summarize
from runform.output import CONTACT_COLUMNS, metrics_document, contacts_csv
from runform.pipeline import AnalysisConfig, InputInfo, analyze_keypoints
from runform.synth.runner import GaitParams, generate_run


def _good(i: int, **over) -> dict:
    """A plausible contact of a 170 steps/min runner."""
    s = {"foot": "left" if i % 2 else "right", "ic_time_s": 0.35 * i, "contact_time_s": 0.25, "step_time_s": 0.353,
         "flight_time_s": 0.103, "duty_factor": 0.354, "shin_angle_ic_deg": 6.0, "knee_flexion_ic_deg": 15.0,
         "trunk_lean_deg": 6.0, "overstride_pct_leg": 12.0}
    s.update(over)
    return s


def _reasons(bad: dict, n: int = 12) -> str:
    strides = [_good(i) for i in range(n)]
    strides[5] = _good(5, **bad)
    problems = contact_problems(strides)
    assert all(not p for i, p in enumerate(problems) if i != 5), problems
    return "; ".join(problems[5])


@pytest.mark.parametrize("bad, words", [
    ({"duty_factor": 1.12}, "duty factor 1.12 outside 0.1-0.8"),
    ({"duty_factor": 0.02}, "duty factor 0.02 outside 0.1-0.8"),
    ({"flight_time_s": -0.309}, "flight time -309.0 ms below -20 ms"),
    ({"contact_time_s": 0.03}, "contact time 30.0 ms below 40 ms"),
    ({"contact_time_s": 0.07}, "contact time 70 ms is 0.28x this runner's median 250 ms"),
    ({"contact_time_s": 0.70}, "contact time 700 ms is 2.80x"),
    ({"step_time_s": 1.06}, "step time 1060 ms is 3.03x this runner's median 350 ms"),  # a missed contact
    ({"step_time_s": 0.09}, "step time 90 ms is 0.26x"),  # an invented one
    ({"shin_angle_ic_deg": 85.0}, "shin angle 85 deg outside -30 to 40"),
    ({"shin_angle_ic_deg": -33.0}, "shin angle -33 deg outside -30 to 40"),
    ({"knee_flexion_ic_deg": 120.0}, "knee flexion 120 deg outside -5 to 90"),
    ({"trunk_lean_deg": -99.8}, "trunk lean -100 deg outside -30 to 45"),
    ({"overstride_pct_leg": 75.0}, "heel ahead of hip 75 % leg outside -40 to 60"),
])
def test_each_bound_excludes_with_its_reason(bad, words):
    assert words in _reasons(bad)


def test_plausible_running_passes_whole_and_missing_values_are_not_faults():
    strides = [_good(i) for i in range(10)] + [_good(10, step_time_s=None, flight_time_s=None, duty_factor=None,
                                                     shin_angle_ic_deg=None)]
    assert not any(contact_problems(strides))
    # Bounds at their edge still pass: 0.1 and 0.8 duty factor, exactly -20 ms flight.
    edge = [_good(i) for i in range(8)] + [_good(8, duty_factor=0.8), _good(9, flight_time_s=-0.020)]
    assert not any(contact_problems(edge))


def test_timing_is_judged_against_the_runners_own_cadence():
    # A sprinter (110 ms contacts, 0.22 s steps) and a jogger are both fine; a jogger's 110 ms is not.
    sprint = [_good(i, contact_time_s=0.11, step_time_s=0.22, flight_time_s=0.11, duty_factor=0.25) for i in range(10)]
    assert not any(contact_problems(sprint))
    jog = [_good(i) for i in range(10)] + [_good(10, contact_time_s=0.08)]
    assert "contact time 80 ms is 0.32x" in contact_problems(jog)[-1][0]
    # Too few contacts to know the runner's cadence: no relative check at all.
    assert not any(contact_problems([_good(0, step_time_s=2.0), _good(1)]))


def test_missed_far_foot_contacts_do_not_set_the_cadence():
    # Only the near (left) foot seen: every step runs to a far-foot contact two strides later. The
    # runner's step comes from the same-foot intervals (half of 0.70 s), so those steps are excluded
    # instead of becoming "the median" (a 2 s mpeg4 clip read 41 steps/min this way).
    strides = [_good(i, foot="left", ic_time_s=0.70 * i, step_time_s=1.05) for i in range(4)]
    strides[2]["step_time_s"] = 0.36
    problems = contact_problems(strides)
    assert [bool(p) for p in problems] == [True, True, False, True]
    assert "step time 1050 ms is 3.00x this runner's median 350 ms" in problems[0][0]


def _run(duration=6.0, **kw):
    kp, _ = generate_run(GaitParams(fps=60.0, duration_s=duration, seed=2, **kw))
    return kp, InputInfo("gen.trc", "trc", kp.fps, len(kp), duration)


def test_a_contact_in_mid_air_is_excluded():
    kp, info = _run()
    a = analyze_keypoints(kp, info)
    assert not any(s["excluded"] for s in a.contacts)
    s = a.contacts[4]
    i = int(np.argmin(np.abs(kp.time_s - s["ic_time_s"])))
    lifted = kp.xy.copy()
    for j in ("heel", "toe", "ankle"):  # the landing foot drawn half a leg above the ground at IC
        lifted[i, INDEX[f"{s['foot']}_{j}"], 1] -= 0.5 * a.geometry.leg_length
    judged = judge_plausibility(a.contacts, kp.with_xy(lifted), a.geometry)
    assert sum(c.excluded for c in judged) == 1 and judged[4].excluded
    assert re.fullmatch(r"landing foot (4[6-9]|5[0-4]) % leg above the ground line \(> 15\)", judged[4].exclusion_reason)
    assert not a.contacts[4].excluded  # new records; the analysis' own are unchanged


@pytest.fixture()
def doctored(monkeypatch):
    """A generated run whose 5th contact gets impossible timing and a shin of 85 deg."""
    real = pipeline.stance_metrics

    def spoil(*args, **kw):
        contacts = real(*args, **kw)
        contacts[4] = contacts[4].with_values(duty_factor=1.12, flight_time_s=-0.31, shin_angle_ic_deg=85.0)
        return contacts

    monkeypatch.setattr(pipeline, "stance_metrics", spoil)
    kp, info = _run(shin_angle_ic_deg=16.0, knee_flexion_ic_deg=10.0)
    return analyze_keypoints(kp, info, AnalysisConfig())


def test_excluded_contact_leaves_medians_counts_and_verdict(doctored):
    a = doctored
    bad = a.contacts[4]
    assert bad["excluded"] is True
    assert bad["exclusion_reason"].startswith("duty factor 1.12 outside 0.1-0.8; flight time -310.0 ms")
    assert "shin angle 85 deg" in bad["exclusion_reason"]
    assert all(s["excluded"] is False and s["exclusion_reason"] is None for s in a.contacts if s is not bad)
    n = len(a.contacts)
    assert a.summary["n_contacts_found"] == n and a.summary["n_excluded"] == 1 and a.summary["n_contacts_counted"] == n - 1
    assert a.summary["metrics"]["shin_angle_ic_deg"]["all"]["n"] == n - 1
    assert a.summary["shin_angle_ic_deg"] < 25  # the 85 deg is not in the median
    assert a.summary["duty_factor"] < 0.5
    assert "contacts_excluded" in a.quality and "1 of" in a.quality["contacts_excluded"]
    # The classifier still scores it, but it is not judged and does not count.
    assert bad["overstride_probability"] is not None and bad["overstriding"] is None
    assert a.overstriding["session"]["n_contacts"] == n - 1


def test_excluded_columns_reach_csv_json(doctored):
    assert CONTACT_COLUMNS[-2:] == ("excluded", "exclusion_reason")
    rows = list(csv.DictReader(io.StringIO(contacts_csv(doctored))))
    assert rows[4]["excluded"] == "True" and rows[4]["exclusion_reason"].startswith("duty factor 1.12")
    assert rows[3]["excluded"] == "False" and rows[3]["exclusion_reason"] == ""
    doc = json.loads(json.dumps(metrics_document(doctored)))
    assert doc["contacts"][4]["excluded"] is True and doc["contacts"][3]["exclusion_reason"] is None
    assert tuple(map(int, doc["schema_version"].split("."))) >= (1, 3)  # excluded since 1.3


def test_summary_and_flags_count_only_counted_contacts():
    strides = [_good(i) for i in range(8)]
    for s in strides[:6]:
        s.update(excluded=True, exclusion_reason="duty factor 0.02 outside 0.1-0.8")
    out = summarize(strides)
    assert (out["n_contacts_found"], out["n_excluded"], out["n_contacts_counted"]) == (8, 6, 2)
    assert counted(strides) == strides[6:]
    kp, _ = generate_run(GaitParams(fps=30.0, duration_s=2.0))
    from runform.geometry import estimate_geometry

    flags = quality_flags(kp, estimate_geometry(kp), strides)
    assert "only 1 plausible left-foot contacts" in flags["too_few_contacts_left"]
    assert flags["contacts_excluded"].startswith("6 of 8 contacts are not plausible running")
    assert "duty factor (6)" in flags["contacts_excluded"]


def test_bounds_are_one_documented_frozen_place():
    b = ContactBounds()
    assert (b.duty_factor_min, b.duty_factor_max, b.flight_time_min_s) == (0.10, 0.80, -0.020)
    with pytest.raises(Exception):
        b.duty_factor_max = 2.0  # frozen
    for name in ContactBounds.__dataclass_fields__:
        assert name in ContactBounds.__doc__, f"{name} has no documented reason"


def test_a_landing_far_from_the_feet_own_is_excluded():
    # The gym clip's far-behind "contact" timed without the sole: shin -24 deg, heel 37 % leg behind the hip.
    why = _reasons({"shin_angle_ic_deg": -24.0, "overstride_pct_leg": -37.0})
    assert "shin angle -24 deg is 30 deg from this runner's left-foot median 6 deg (more than 15)" in why
    assert "heel ahead of hip -37 % leg is 49 % leg from this runner's left-foot median 12 % leg" in why


def test_a_steady_runners_step_to_step_scatter_is_kept():
    rng = np.random.default_rng(3)
    strides = [_good(i, shin_angle_ic_deg=6.0 + rng.normal(0, 3.0), overstride_pct_leg=12.0 + rng.normal(0, 5.0))
               for i in range(30)]
    assert not any(contact_problems(strides))
    # The other foot's own median is its own: a runner who lands differently on each side keeps both.
    strides = [_good(i, shin_angle_ic_deg=-8.0 if i % 2 else 10.0) for i in range(12)]
    assert not any(contact_problems(strides))
