import csv

from runform.batch.discovery import Job
from runform.batch.outputs import FAILED, OK, Row, row_values, write_all


def _metrics(verdict=None):
    m = {"summary": {"cadence_spm": 171.96, "shin_angle_ic_deg": 7.04, "overstride_pct_leg": 20.0,
                     "foot_strike_left": "rearfoot", "n_contacts_counted": 12},
         "quality": {"few_strides": "x", "camera_tilt": "y"}}
    if verdict:
        m["overstriding"] = {"session": {"verdict": verdict, "probability": 0.8312, "n_contacts": 12}}
    return m


def test_row_values_reads_verdict_when_present_and_tolerates_absence(tmp_path):
    job = Job("a", tmp_path / "a.mp4", "r1/a.mp4", "video", "r1")
    v = row_values(Row(job, OK, seconds=3.21, metrics=_metrics("overstriding"), has_report=True))
    assert (v["cadence_spm"], v["shin_angle_ic_deg"], v["verdict"], v["probability"]) == \
        ("172.0", "7.0", "overstriding", "0.83")
    assert v["quality_flags"] == "camera_tilt;few_strides" and v["report"] == "a/report.html"
    assert v["knee_flexion_ic_deg"] == "" and v["n_contacts_counted"] == "12"
    blank = row_values(Row(job, OK, metrics=_metrics()))
    assert blank["verdict"] == blank["probability"] == "" and blank["report"] == ""


def test_write_all_escapes_and_groups(tmp_path):
    jobs = [Job("a", tmp_path / "a", "x/a.mp4", "video", "x"), Job("b", tmp_path / "b", "b<i>.mp4", "video", ""),
            Job("c", tmp_path / "c", "y/c.trc", "trc", "y")]
    rows = [Row(jobs[0], OK, metrics=_metrics("uncertain"), has_report=True),
            Row(jobs[1], FAILED, error_type="UnreadableInput", error="<script>bad</script>"),
            Row(jobs[2], OK, metrics=_metrics("not overstriding"), has_report=True)]
    paths = write_all(tmp_path, rows)
    html = paths["index"].read_text()
    assert "<script>bad" not in html and "&lt;script&gt;bad" in html
    assert 'href="a/report.html"' in html and 'href="c/report.html"' in html
    assert 'data-v="1"' in html and 'data-v="2"' in html  # verdict sort rank
    with open(paths["summary"], newline="") as fh:
        assert [r["status"] for r in csv.DictReader(fh)] == ["ok", "failed", "ok"]
    with open(paths["failures"], newline="") as fh:
        assert [r["path"] for r in csv.DictReader(fh)] == ["b<i>.mp4"]
