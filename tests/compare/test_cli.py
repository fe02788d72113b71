import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from runform.cli import main


class _Res:
    def __init__(self, res):
        self.exit_code = res.exit_code
        self.output = " ".join(res.output.split())  # rich wraps long lines


def _run(args):
    return _Res(CliRunner().invoke(main, ["compare", *map(str, args)], catch_exceptions=False))


def _head(out):
    doc = json.loads((out / "compare.json").read_text())
    return doc, doc["comparisons"][doc["headline"]]


def _rows(head):
    return {r["metric"]: r for r in head["metrics"]}


def test_before_after_trc_reports_the_retraining(trc_pair, tmp_path):
    out = tmp_path / "cmp"
    res = _run([*trc_pair, "--out", out])
    assert res.exit_code == 0, res.output
    doc, head = _head(out)
    assert doc["schema_version"] == "1.0" and len(doc["sessions"]) == 2
    rows = _rows(head)
    shin, cad = rows["shin_angle_ic_deg"], rows["cadence_spm"]
    assert shin["classification"] == "real change" and shin["direction"] == "better"
    assert -11.5 < shin["difference"] < -8.5 and shin["ci95"][1] < 0  # true -10 deg (14 -> 4)
    assert cad["classification"] == "real change" and cad["direction"] == "better"
    assert 10 < cad["difference"] < 14
    rule = head["overstriding_rule"]
    assert rule["before"]["verdict"] == "overstriding" and rule["after"]["verdict"] == "not overstriding"
    assert rule["real_change"] and rule["improved"]
    ov = head["overstriding"]
    if ov["before"]["source"] == "classifier":
        assert ov["after"]["probability"] < ov["before"]["probability"]
    # outputs
    for name in ("compare.html", "compare.csv", "compare.json"):
        assert (out / name).is_file()
    assert not (out / "side_by_side.mp4").exists()
    assert "not a video" in doc["outputs"]["video_note"]
    html = (out / "compare.html").read_text()
    assert "real change" in html and "data:image/png;base64," in html and "Dingenen" in html
    rows_csv = list(csv.DictReader((out / "compare.csv").open()))
    assert {r["metric"] for r in rows_csv} >= {"shin_angle_ic_deg", "cadence_spm"}
    assert "real change" in res.output
    # sessions were analysed into out/sessions/<n>_<stem>
    assert (out / "sessions" / "1_before" / "metrics.json").is_file()
    assert (out / "sessions" / "2_after" / "metrics.json").is_file()
    assert [s["analyzed_now"] for s in doc["sessions"]] == [True, True]
    # a second run reuses those analyses
    res2 = _run([*trc_pair, "--out", out, "--no-video"])
    assert res2.exit_code == 0, res2.output
    doc2, head2 = _head(out)
    assert [s["analyzed_now"] for s in doc2["sessions"]] == [False, False]
    assert _rows(head2)["shin_angle_ic_deg"] == shin  # same seed, same numbers
    # a changed (newer) input is analysed again
    st = trc_pair[0].stat()
    os.utime(trc_pair[0], ns=(st.st_atime_ns, st.st_mtime_ns + 10**12))
    assert _run([*trc_pair, "--out", out, "--no-video"]).exit_code == 0
    assert [s["analyzed_now"] for s in _head(out)[0]["sessions"]] == [True, False]


def test_same_folder_twice_no_real_change_and_no_reanalysis(analysed_pair, tmp_path):
    folder = analysed_pair[0]
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    out = tmp_path / "same"
    res = _run([folder, folder, "--out", out])
    assert res.exit_code == 0, res.output
    doc, head = _head(out)
    assert all(r["classification"] == "within noise" for r in head["metrics"])
    assert all(r["difference"] == 0 for r in head["metrics"])
    assert not head["overstriding"]["changed"]
    assert head["cues"]["addressed"] == [] and head["cues"]["new"] == []
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert not (out / "sessions").exists()
    assert [s["analyzed_now"] for s in doc["sessions"]] == [False, False]


def test_parent_output_folder_is_accepted(analysed_pair, tmp_path):
    res = _run([analysed_pair[0].parent / analysed_pair[0].name, analysed_pair[1], "--out", tmp_path / "o",
                "--no-video"])
    assert res.exit_code == 0
    res = _run([analysed_pair[0].parent, analysed_pair[1], "--out", tmp_path / "o2"])
    assert res.exit_code != 0 and "several analyses" in res.output


def test_three_sessions_trend(analysed_pair, tmp_path):
    a, b = analysed_pair
    out = tmp_path / "three"
    res = _run([a, b, b, "--out", out, "--seed", "3"])
    assert res.exit_code == 0, res.output
    doc, head = _head(out)
    assert [(c["from"], c["to"], c["kind"]) for c in doc["comparisons"]] == [
        (0, 1, "vs first"), (0, 2, "vs first"), (1, 2, "consecutive")]
    assert (head["from"], head["to"]) == (0, 2)
    consecutive = doc["comparisons"][2]
    assert all(r["classification"] == "within noise" for r in consecutive["metrics"])
    assert "Trend over sessions" in (out / "compare.html").read_text()


def test_bad_inputs_fail_cleanly(analysed_pair, tmp_path):
    res = _run([analysed_pair[0], tmp_path / "missing.mp4", "--out", tmp_path / "x"])
    assert res.exit_code == 2 and "input not found" in res.output
    res = _run([analysed_pair[0], "--out", tmp_path / "x"])
    assert res.exit_code == 5 and "at least two sessions" in res.output
    res = _run(["--out", tmp_path / "x"])
    assert res.exit_code == 5
    res = _run([*analysed_pair, "--out", tmp_path / "x", "--mdc", "nonsense=1"])
    assert res.exit_code == 6 and "unknown MDC metric" in res.output
    empty = tmp_path / "empty"
    empty.mkdir()
    res = _run([analysed_pair[0], empty, "--out", tmp_path / "x"])
    assert res.exit_code == 3 and "no metrics.json" in res.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "metrics.json").write_text("{not json")
    res = _run([analysed_pair[0], broken, "--out", tmp_path / "x"])
    assert res.exit_code == 3 and "cannot read" in res.output


def test_two_analyses_of_the_same_input_no_real_change(trc_pair, tmp_path):
    out = tmp_path / "twice"
    res = _run([trc_pair[0], trc_pair[0], "--out", out, "--no-video"])
    assert res.exit_code == 0, res.output
    doc, head = _head(out)
    assert (out / "sessions" / "1_before").is_dir() and (out / "sessions" / "2_before").is_dir()
    assert [r["metric"] for r in head["metrics"] if r["classification"] == "real change"] == []
    assert not head["overstriding"]["changed"] and not head["overstriding_rule"]["changed"]


@pytest.fixture(scope="module")
def bundled_pair_comparison(tmp_path_factory):
    """compare on the rendered 30 fps pair (true shin 14 -> 4 deg, 160 -> 172 steps/min) through MediaPipe."""
    from runform.compare.command import run_compare

    videos = Path(__file__).resolve().parents[2] / "sample_videos"
    paths = run_compare([videos / "before_retraining_30fps.mp4", videos / "after_retraining_30fps.mp4"],
                        tmp_path_factory.mktemp("cmp") / "cmp", video=False)
    doc = json.loads(paths["comparison"].read_text())
    head = doc["comparisons"][doc["headline"]]
    return {r["metric"]: r for r in head["metrics"]}, head["overstriding"]


@pytest.mark.slow
def test_bundled_before_after_videos_show_the_shin_drop(bundled_pair_comparison):
    """The 10 deg shin drop is a real change and the "after" runner is not overstriding."""
    rows, verdicts = bundled_pair_comparison
    shin = rows["shin_angle_ic_deg"]
    assert shin["classification"] == "real change" and -13.0 < shin["difference"] < -6.0
    assert verdicts["before"]["source"] == "classifier"
    assert verdicts["after"]["verdict"] == "not overstriding"
    assert verdicts["before"]["probability"] > verdicts["after"]["probability"] + 0.3


@pytest.mark.slow
def test_bundled_pair_cadence_rise_and_verdict_change_are_real(bundled_pair_comparison):
    rows, verdicts = bundled_pair_comparison
    cadence = rows["cadence_spm"]
    assert cadence["classification"] == "real change" and 9.0 < cadence["difference"] < 15.0
    assert verdicts["before"]["verdict"] == "overstriding" and verdicts["after"]["verdict"] == "not overstriding"
    assert verdicts["real_change"] and verdicts["improved"]
