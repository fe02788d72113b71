"""The metric registry: one entry per metric, read by every output."""

import pytest

from runform.errors import ConfigError
from runform.metrics.registry import CONTACT_METRICS, METRICS, band, band_text, fmt, rounded
from runform.output import CONTACT_COLUMNS
from runform.report.cues import Thresholds, check_thresholds, coaching_cues

#: A column name ends in its unit, so a CSV header always says it.
SUFFIX = {"deg": "_deg", "% leg": "_pct_leg", "cm": "_cm", "s": "_s", "steps/min": "_spm", "kN/m": "_kn_m",
          "kN/m/kg": "_kn_m_kg", "m/s": "_m_s"}


@pytest.mark.parametrize("m", METRICS, ids=lambda m: m.name)
def test_name_ends_in_its_unit(m):
    if m.unit:
        assert m.name.endswith(SUFFIX[m.unit])
    else:
        assert not any(m.name.endswith(s) for s in SUFFIX.values())


def test_every_contact_metric_is_written_and_labels_are_unique():
    assert {m.name for m in CONTACT_METRICS} <= set(CONTACT_COLUMNS)
    labels = [m.label for m in METRICS]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("lean, expected", [(-45.7, "red"), (-12, "red"), (-7, "amber"), (-5, "green"), (0, "green"),
                                             (10, "green"), (12, "amber"), (20, "red")])
def test_trunk_lean_band_is_two_sided(lean, expected):
    assert band("trunk_lean_deg", lean, Thresholds()) == expected


def test_one_sided_bands_and_limits():
    t = Thresholds()
    assert [band("shin_angle_ic_deg", v, t) for v in (-30, 5, 5.01, 10, 10.01)] == \
        ["green", "green", "amber", "amber", "red"]
    assert [band("cadence_spm", v, t) for v in (180, 170, 165, 159)] == ["green", "green", "amber", "red"]
    assert band("speed_m_s", 3.0, t) is None and band("shin_angle_ic_deg", None, t) is None
    assert band_text("trunk_lean_deg", t) == "green -5 to 10, amber -10 to -5 or 10-15, red < -10 or > 15"


def test_back_lean_limits_must_be_ordered():
    with pytest.raises(ConfigError, match="trunk_back_red_deg"):
        check_thresholds(Thresholds(trunk_back_amber_deg=-12.0, trunk_back_red_deg=-10.0))
    with pytest.raises(ConfigError, match="trunk_back_amber_deg"):
        check_thresholds(Thresholds(trunk_back_amber_deg=11.0))


def test_same_decimals_everywhere():
    assert fmt("overstride_probability", 0.8849) == "0.88" and fmt("cadence_spm", 168.94) == "168.9"
    assert fmt("contact_time_s", 0.28649) == "0.286" and fmt("shin_angle_ic_deg", None) == "-"
    assert rounded("contact_time_s", 0.286491) == 0.2865 and rounded("foot", "left") == "left"
    assert rounded("excluded", True) is True and rounded("ic_time_s", 0.364982941) == 0.365


def _contacts(n, shin, over):
    return [{"foot": "left" if i % 2 else "right", "shin_angle_ic_deg": shin, "overstride_pct_leg": over,
             "step_time_s": 0.35} for i in range(n)]


def test_cue_shows_its_own_metrics_band():
    """Shin red and overstride amber: the overstride cue is amber, as the table says (issue 15)."""
    contacts = _contacts(10, 14.0, 21.3)
    summary = {"shin_angle_ic_deg": 14.0, "overstride_pct_leg": 21.3, "cadence_spm": 171.4}
    cues = coaching_cues(summary, contacts, {})
    by_id = {c["id"]: c for c in cues["cues"]}
    assert by_id["falling_forward"]["band"] == "red" == cues["bands"]["shin_angle_ic_deg"]
    assert by_id["pulling_the_road"]["band"] == "amber" == cues["bands"]["overstride_pct_leg"]


def test_backward_lean_is_flagged_but_gets_no_lean_forward_cue():
    contacts = [{**c, "trunk_lean_deg": -20.0} for c in _contacts(10, 0.0, 0.0)]
    summary = {"trunk_lean_deg": -20.0, "cadence_spm": 180.0}
    cues = coaching_cues(summary, contacts, {})
    assert cues["bands"]["trunk_lean_deg"] == "red"
    assert "lean_from_ankles" not in {c["id"] for c in cues["cues"]}
