"""The coaching cue follows the classifier's session verdict when there is one."""

from runform.report.cues import coaching_cues


def _strides(shin, n=10):
    return [{"foot": "right" if i % 2 else "left", "shin_angle_ic_deg": shin, "overstride_pct_leg": 30.0}
            for i in range(n)]


def _verdict(word, k=9, n=10, p=0.86):
    g = {"n_contacts": n, "n_overstriding": k, "probability": p, "ci95": [0.6, 0.95], "verdict": word,
         "text": f"overstriding on {k} of {n} contacts, p = {p:.2f}"}
    return {"threshold": 0.5, "left": dict(g, n_contacts=n // 2), "right": dict(g, n_contacts=n // 2), "session": g}


def _ids(res):
    return [c["id"] for c in res["cues"]]


def test_model_verdict_overrides_the_angle_bands():
    summary = {"shin_angle_ic_deg": 14.0, "overstride_pct_leg": 30.0}
    # Red bands, but the classifier says no: no overstriding cue.
    res = coaching_cues(summary, _strides(14.0), {}, overstriding=_verdict("not overstriding", k=0, p=0.1))
    assert "falling_forward" not in _ids(res)
    # Green-ish angles, but the classifier says yes: the cue appears, citing the verdict.
    res = coaching_cues({"shin_angle_ic_deg": 4.0}, _strides(4.0), {}, overstriding=_verdict("overstriding"))
    cue = next(c for c in res["cues"] if c["id"] == "falling_forward")
    assert cue["finding"]["contacts_supporting"] == "9 of 10"
    assert cue["finding"]["model_verdict"].startswith("overstriding on 9 of 10")


def test_uncertain_verdict_is_reported_as_withheld():
    res = coaching_cues({"shin_angle_ic_deg": 9.0}, _strides(9.0), {}, overstriding=_verdict("uncertain", k=5, p=0.5))
    assert "falling_forward" not in _ids(res)
    assert any(w["id"] == "falling_forward" and "uncertain" in w["reason"] for w in res["withheld"])


def test_without_a_model_the_bands_decide():
    res = coaching_cues({"shin_angle_ic_deg": 14.0, "overstride_pct_leg": 30.0}, _strides(14.0), {})
    assert "falling_forward" in _ids(res)
