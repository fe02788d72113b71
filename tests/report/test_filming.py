"""The report's filming panel, provenance and advice, and symmetry on shared scales."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from runform.report.cues import Thresholds, coaching_cues
from runform.report.filming import QUALITY_MEANING, filming_advice, filming_panel, provenance
from runform.report.html import render_report
from runform.report.symmetry import shared_half_spans, symmetry_rows

SRC = Path(__file__).resolve().parents[2] / "src" / "runform"


def _raised_flags() -> set[str]:
    """Every quality flag name the code can raise, read from the source."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\b(?:quality|flags|notes)\[f?\"([a-z_{}]+)\"\]\s*=", text):
            names.update(m.group(1).replace("{foot}", side) for side in ("left", "right"))
        names.update(re.findall(r"\"quality\": \{\"([a-z_]+)\"", text))
    return names


def test_every_flag_the_code_raises_has_plain_words():
    raised = _raised_flags()
    assert {"low_visibility", "too_few_contacts_left", "camera_tilt_from_ground", "overstride_model_missing",
            "frames_missing", "trc_units"} <= raised  # the scan sees every way flags are set
    missing = sorted(raised - set(QUALITY_MEANING))
    assert not missing, f"quality flags without plain words in runform.report.filming: {missing}"


def test_panel_provenance_and_advice(rbds):
    panel = filming_panel(rbds)
    rows = dict(panel.rows)
    assert rows["Camera tilt"].startswith("not applicable") and rows["Frame rate"] == "60 fps"
    assert rows["Running direction in the picture"] in ("to the right", "to the left")
    prov = provenance(rbds, replace(Thresholds(), shin_red_deg=8.0))
    assert prov.model.startswith("the bundled model overstride.onnx (sha256 ")
    assert any(s.startswith("shin_red_deg = 8.0") for s in prov.settings)
    assert provenance(rbds).settings == ("defaults",)
    assert filming_advice({}) == ()
    assert len(filming_advice({"too_few_contacts_left": "x", "too_few_contacts_right": "y", "not_side_on": "z"})) == 2


def test_report_shows_flags_in_plain_words_and_advice_only_when_needed(rbds):
    cues = coaching_cues(rbds.summary, rbds.contacts, rbds.quality)
    plain = render_report(rbds, cues)
    assert "How this was filmed" in plain and "What judged this clip" in plain
    assert ("How to film for a better analysis" in plain) == bool(filming_advice(rbds.quality))
    flagged = replace(rbds, quality={**rbds.quality, "not_side_on": "feet look short (foot/shank 0.31)"})
    html = render_report(flagged, coaching_cues(flagged.summary, flagged.contacts, flagged.quality))
    assert "How to film for a better analysis" in html and "Film square to the running direction" in html
    assert "sagittal angles are underestimated" in html  # the flag's plain words, not just its name


def test_symmetry_shares_one_scale_per_unit_and_marks_noise():
    def entry(left, right, iqr=1.0):
        return {"left": {"median": left, "iqr": iqr}, "right": {"median": right, "iqr": iqr}}

    summary = {"metrics": {"shin_angle_ic_deg": entry(14.1, 13.9), "knee_flexion_ic_deg": entry(10.0, 20.0),
                           "contact_time_s": entry(0.25, 0.26, 0.01), "step_time_s": entry(0.35, 0.36, 0.01)}}
    rows = {r["metric"]: r for r in symmetry_rows(summary)}
    assert not rows["shin_angle_ic_deg"]["beyond_noise"] and rows["knee_flexion_ic_deg"]["beyond_noise"]
    assert rows["step_time_s"]["mdc"] == rows["contact_time_s"]["mdc"]
    spans = shared_half_spans(list(rows.values()))
    assert set(spans) == {"deg", "ms"}
    assert spans["deg"] >= 10.0 / 2 * 1.25  # the 10 deg knee gap sets the span the shin panel shares

