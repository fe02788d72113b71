"""index.html: compact columns, failures in their own table, runner medians from judged sessions only."""

import re

from runform.batch.discovery import Job
from runform.batch.index_page import runner_groups
from runform.batch.outputs import FAILED, OK, Row, index_items, write_all


def _m(verdict, shin, cadence=170.0):
    return {"summary": {"cadence_spm": cadence, "shin_angle_ic_deg": shin, "overstride_pct_leg": 10.0, "n_strides": 9},
            "quality": {"far_leg_hidden": "x"}, "overstriding": {"session": {"verdict": verdict}}}


def _rows(tmp_path):
    jobs = [Job(k, tmp_path / f"{k}.mp4", f"ann/{k}.mp4", "video", "ann") for k in ("a", "b", "c", "d")]
    return [Row(jobs[0], OK, metrics=_m("overstriding", 12.0), has_report=True),
            Row(jobs[1], OK, metrics=_m("not overstriding", 4.0), has_report=True),
            Row(jobs[2], OK, metrics=_m("not enough contacts", 40.0, cadence=90.0), has_report=True),
            Row(jobs[3], FAILED, error_type="NoRunnerFound", error="no runner was seen in any frame " * 4)]


def test_runner_medians_only_from_judged_sessions(tmp_path):
    (g,) = runner_groups(index_items(_rows(tmp_path)))
    assert (g["n"], g["n_judged"], g["n_failed"]) == (4, 2, 1)
    assert g["shin"] == "8.0" and g["cadence"] == "170.0"  # the 40 deg / 90 spm clip is left out


def test_index_compact_table_and_failures_table(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"x")
    html = write_all(tmp_path, _rows(tmp_path))["index"].read_text()
    compact = html.split('<table id="inputs"')[1].split("</thead>")[0]
    assert re.findall(r"<th[^>]*>([^<]+)</th>", compact) == [
        "runner", "date", "input", "verdict", "shin angle (deg)", "overstride (% leg)", "cadence (spm)", "flags",
        "status"]
    assert '<details id="all-columns">' in html and "probability" in html.split("<details")[1]
    failures = html.split('<table id="failures"')[1].split("</table>")[0]
    assert "NoRunnerFound" in failures and "no runner was seen in any frame" in failures
    assert failures.count("<tr>") == 2  # header + the one failure
    assert re.search(r"<td class=\"t\">\d{4}-\d\d-\d\d</td>", html)  # a.mp4 exists: its date is shown
