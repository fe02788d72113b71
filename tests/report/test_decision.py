"""One overstriding decision (issue 12, item 2): CLI, report, video counter, compare and batch agree,
and none of them is confident on data that says it is weak."""

import json
import re

import numpy as np
import pytest
from rich.console import Console

import runform.terminal as terminal
import runform.pipeline as pipeline
from runform.batch.discovery import Job
from runform.batch.outputs import OK, Row, row_values
from runform.compare.stats import compare_overstriding, rule_overstriding, session_overstriding, stride_values
from runform.output import metrics_document
from runform.pipeline import InputInfo, analyze_keypoints
from runform.report.annotate import AnnotateConfig, counter_colour
from runform.report.cues import coaching_cues, overstriding_decision
from runform.report.html import render_report, summary_light
from runform.synth.runner import GaitParams, generate_run


def _analysis(monkeypatch, extra_flags=None, shin=16.0, model=True, tmp_path=None):
    if extra_flags:
        real = pipeline.quality_flags
        monkeypatch.setattr(pipeline, "quality_flags", lambda *a, **k: {**real(*a, **k), **extra_flags})
    if not model:
        monkeypatch.setenv("RUNFORM_MODEL_DIR", str(tmp_path))  # an empty folder: no classifier
    kp, _ = generate_run(GaitParams(fps=60.0, duration_s=6.0, shin_angle_ic_deg=shin, knee_flexion_ic_deg=8.0,
                                    seed=5))
    return analyze_keypoints(kp, InputInfo("run.trc", "trc", kp.fps, len(kp), 6.0))


def _printed(analysis, cues, monkeypatch) -> str:
    console = Console(record=True, width=400)
    monkeypatch.setattr(terminal, "console", console)
    terminal.print_summary(analysis, {}, cues["overstriding"])
    return console.export_text()


def _every_output(a, monkeypatch) -> dict:
    cues = coaching_cues(a.summary, a.contacts, a.quality, overstriding=a.overstriding)
    doc = json.loads(json.dumps(metrics_document(a, cues)))
    html = render_report(a, cues, None)
    return {"cues": cues, "doc": doc, "html": html, "printed": _printed(a, cues, monkeypatch),
            "compare": session_overstriding(doc), "batch": row_values(Row(Job("r", None, "r.trc", "trc"), OK,
                                                                              metrics=doc))["verdict"]}


@pytest.mark.parametrize("flag", ["low_visibility", "shin_from_landmarks", "camera_tilt_unknown", "not_side_on"])
def test_weak_data_gives_cannot_judge_everywhere(monkeypatch, flag):
    a = _analysis(monkeypatch, {flag: "the data says it is weak"})
    out = _every_output(a, monkeypatch)
    words = {out["cues"]["overstriding"]["session"]["verdict"], out["doc"]["overstriding"]["session"]["verdict"],
             out["compare"]["verdict"], out["batch"]}
    assert words == {"cannot judge"}
    assert not {"falling_forward", "pulling_the_road"} & {c["id"] for c in out["cues"]["cues"]}
    assert any("cannot judge" in w["reason"] for w in out["cues"]["withheld"])
    # The print-out and the report say why, and show no probability as a finding.
    assert "overstriding, session: cannot judge:" in out["printed"] and "p = " not in out["printed"]
    assert "95% interval" not in out["printed"]
    summary = out["html"].split('id="summary"')[1].split("</section>")[0]
    assert "dot big green" not in summary and "cannot judge" in summary.lower()
    assert "p = " not in summary and "95% interval" not in summary
    assert counter_colour(out["cues"]["overstriding"], AnnotateConfig()) == (255, 255, 255)
    # compare never calls a change between a session it cannot judge and another.
    clear = {"verdict": "not overstriding", "probability": 0.02, "ci95": [0.0, 0.1]}
    assert not compare_overstriding(out["compare"], clear)["real_change"]


def test_good_data_decides_the_same_everywhere(monkeypatch):
    a = _analysis(monkeypatch)
    out = _every_output(a, monkeypatch)
    word = a.overstriding["session"]["verdict"]
    assert word in ("overstriding", "not overstriding")
    assert {out["cues"]["overstriding"]["session"]["verdict"], out["doc"]["overstriding"]["session"]["verdict"],
            out["compare"]["verdict"], out["batch"]} == {word}
    assert f"overstriding, session: {a.overstriding['session']['text']}" in out["printed"]
    colour = counter_colour(out["cues"]["overstriding"], AnnotateConfig())
    assert colour == (AnnotateConfig().colour_bad if word == "overstriding" else AnnotateConfig().colour_ok)


def test_without_a_classifier_the_band_rule_is_the_one_decision(monkeypatch, tmp_path):
    a = _analysis(monkeypatch, model=False, tmp_path=tmp_path)
    assert a.overstriding is None
    out = _every_output(a, monkeypatch)
    assert out["doc"]["overstriding"]["source"] == "band rule" and out["doc"]["overstriding"]["note"]
    word = out["doc"]["overstriding"]["session"]["verdict"]
    assert word == "overstriding"  # a 16 deg shin, 8 deg knee: the bands say so on every contact
    assert {out["cues"]["overstriding"]["session"]["verdict"], out["compare"]["verdict"], out["batch"],
            rule_overstriding(out["doc"])["verdict"]} == {word}
    assert "shin-angle and overstride bands" in out["printed"]


def test_summary_dot_is_never_green_over_weak_data():
    decisive = {"session": {"verdict": "not overstriding", "text": "not overstriding: ..."}}
    assert summary_light({"cues": [], "overstriding": decisive}, {}) == \
        ("green", "No clear form issue stands out in this clip.")
    for flag in ("low_visibility", "too_few_contacts_left", "tracking_jumps", "contact_timing_estimated"):
        light, text = summary_light({"cues": [], "overstriding": decisive}, {flag: "x"})
        assert light == "grey" and flag in text
    cannot = {"session": {"verdict": "cannot judge", "reason": "the camera is not side-on (not_side_on)"}}
    assert summary_light({"cues": [], "overstriding": cannot}, {}) == \
        ("grey", "Cannot judge this clip: the camera is not side-on (not_side_on).")
    light, text = summary_light({"cues": [], "overstriding": {"session": {"verdict": "uncertain", "text": "u"}}}, {})
    assert light == "grey" and "undecided" in text
    light, text = summary_light({"cues": [], "overstriding": decisive}, {"slow_motion": "run again with --capture-fps 120"})
    assert light == "grey" and "--capture-fps 120" in text


def test_report_shows_excluded_contacts(monkeypatch):
    real = pipeline.stance_metrics

    def spoil(*args, **kw):
        contacts = real(*args, **kw)
        contacts[3] = contacts[3].with_values(duty_factor=1.12, shin_angle_ic_deg=85.0)
        return contacts

    monkeypatch.setattr(pipeline, "stance_metrics", spoil)
    a = _analysis(monkeypatch)
    html = render_report(a, coaching_cues(a.summary, a.contacts, a.quality, overstriding=a.overstriding), None)
    assert 'id="contacts"' in html and html.count('class="excluded"') == 1
    assert re.search(r"excluded: duty factor 1\.12 outside 0\.1-0\.8; shin angle 85 deg outside -30 to 40", html)
    n = len(a.contacts)
    assert f"{n - 1} <small>of {n}</small>" in html


def test_compare_counts_only_counted_contacts():
    strides = [{"shin_angle_ic_deg": 5.0}, {"shin_angle_ic_deg": 85.0, "excluded": True}, {"shin_angle_ic_deg": 7.0}]
    assert stride_values(strides, "shin_angle_ic_deg").tolist() == [5.0, 7.0]


def test_an_old_metrics_json_gets_the_cannot_judge_rule_too():
    old = {"session": {"verdict": "overstriding", "probability": 1.0, "ci95": [0.9, 1.0], "text": "p = 1.00"},
           "left": {"verdict": "overstriding"}, "right": {"verdict": "overstriding"}}
    d = overstriding_decision([{"foot": "left"}] * 10, {"low_visibility": "0.51"}, old)
    assert d["session"]["verdict"] == d["left"]["verdict"] == "cannot judge"
    assert np.isclose(d["session"]["probability"], 1.0)  # kept in the record, not shown as a finding
