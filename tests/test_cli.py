"""The command line through click's CliRunner: outputs, contract and bad input."""

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from runform.cli import main
from runform.report.thresholds import Thresholds


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_analyze_trc_writes_the_output_contract(shared_data, tmp_path):
    trc = shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc"
    res = _run(["analyze", str(trc), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "RBDS001runT25_60hz"
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["schema_version"]
    assert doc["input"]["source_type"] == "trc"
    assert doc["input"]["fps"] == pytest.approx(60, abs=0.1)
    truth = json.loads((shared_data / "mocap-gt" / "RBDS001runT25.groundtruth.json").read_text())
    assert doc["summary"]["cadence_spm"] == pytest.approx(truth["summary"]["cadence_spm"], rel=0.01)
    strides = doc["contacts"]
    assert len(strides) >= 60
    times = [s["ic_time_s"] for s in strides]
    assert times == sorted(times)
    for key in ("foot", "ic_time_s", "to_time_s", "contact_time_s", "shin_angle_ic_deg",
                "foot_strike_angle_ic_deg", "foot_strike", "knee_flexion_ic_deg", "overstride_pct_leg",
                "trunk_lean_deg"):
        assert key in strides[0]
    assert {s["foot"] for s in strides} == {"left", "right"}
    assert all(s["trunk_lean_deg"] is None for s in strides)  # RBDS has no shoulders
    rows = list(csv.DictReader((out / "contacts.csv").open()))
    assert len(rows) == len(strides)
    assert float(rows[0]["ic_time_s"]) == pytest.approx(strides[0]["ic_time_s"])
    assert "Cadence" in res.output and "metrics.json" in res.output
    assert isinstance(doc["cues"], list) and len(doc["cues"]) <= 3
    html = (out / "report.html").read_text()
    assert "RBDS001runT25_60hz" in html and "https://" not in html
    assert not (out / "annotated.mp4").exists()  # no video for keypoint input


def test_threshold_config_changes_cues_and_bad_keys_are_refused(shared_data, tmp_path):
    trc = shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc"
    strict = tmp_path / "strict.toml"
    strict.write_text("cadence_amber_spm = 190\ncadence_red_spm = 185\n")
    res = _run(["analyze", str(trc), "--out", str(tmp_path / "a"), "--no-report", "--config", str(strict)])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "a" / "RBDS001runT25_60hz" / "metrics.json").read_text())
    assert doc["bands"]["cadence_spm"] == "red"
    assert not (tmp_path / "a" / "RBDS001runT25_60hz" / "report.html").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text("shin_red = 3\n")
    res = CliRunner().invoke(main, ["analyze", str(trc), "--out", str(tmp_path / "b"), "--config", str(bad)])
    assert res.exit_code == 6, res.output
    assert "shin_red" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("name, content, code, message", [
    ("nope.mp4", None, 2, "not found"),  # missing file
    ("notes.mp4", "this is not a video", 3, "notes.mp4"),
    ("broken.trc", "PathFileType\t4\nnothing else\n", 3, "broken.trc"),
])
def test_bad_input_is_a_one_line_error_and_leaves_nothing(tmp_path, name, content, code, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    res = CliRunner().invoke(main, ["analyze", str(path), "--out", str(tmp_path / "o")])
    assert res.exit_code == code, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "o" / path.stem).exists()


def test_video_without_a_person_exits_nonzero(tmp_path):
    av = pytest.importorskip("av")
    path = tmp_path / "empty.mp4"
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        for i in range(30):
            img = np.full((120, 160, 3), 90 + i, np.uint8)
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    res = CliRunner().invoke(main, ["analyze", str(path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 4, res.output
    assert "no person" in res.output
    assert not (tmp_path / "o" / "empty").exists()


@pytest.mark.slow
def test_demo_analyzes_the_bundled_video(tmp_path):
    res = _run(["demo", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    metrics = list(tmp_path.rglob("metrics.json"))
    assert len(metrics) == 1
    doc = json.loads(metrics[0].read_text())
    assert doc["input"]["source_type"] == "video"
    assert doc["summary"]["n_contacts_counted"] >= 20
    # The bundled runner overstrides (true shin 14 deg at contact, sample_videos/*.truth.json): the
    # demo must show it outside the green band.
    assert doc["summary"]["shin_angle_ic_deg"] > Thresholds().shin_amber_deg
    assert {"pulling_the_road", "cadence"} & {c["id"] for c in doc["cues"]}
    assert (metrics[0].parent / "annotated.mp4").is_file() and (metrics[0].parent / "report.html").is_file()
    assert str(metrics[0]) in res.output.replace("\n", "")


def test_demo_renders_the_sample_when_not_bundled(tmp_path, monkeypatch):
    """An installed wheel has no sample_videos/: the same video is rendered into the output folder."""
    from runform import demo

    calls = []
    monkeypatch.setenv("RUNFORM_SAMPLE_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(demo, "render_sample", lambda name, out: calls.append((name, out)) or out / f"{name}.mp4")
    path = demo.demo_input(tmp_path / "out")
    assert calls == [("before_retraining_60fps", tmp_path / "out" / "generated_sample")]
    assert path.name == "before_retraining_60fps.mp4"
    monkeypatch.delenv("RUNFORM_SAMPLE_DIR")
    assert demo.demo_input(tmp_path / "out").is_file()  # the repository's bundled copy


def _write_openpose_folder(kp, folder, px_per_unit=400.0):
    """BODY_25 JSON files from a keypoint series (as OpenPose would write them)."""
    body25 = {0: "nose", 1: "neck", 2: "right_shoulder", 5: "left_shoulder", 8: "pelvis", 9: "right_hip",
              10: "right_knee", 11: "right_ankle", 12: "left_hip", 13: "left_knee", 14: "left_ankle",
              19: "left_toe", 21: "left_heel", 22: "right_toe", 24: "right_heel"}
    folder.mkdir()
    for f in range(len(kp)):
        flat = [0.0] * 75
        for i, name in body25.items():
            x, y = kp.point(name)[f]
            if np.isfinite(x):
                flat[3 * i: 3 * i + 3] = [float(x * px_per_unit + 200), float(y * px_per_unit + 800), 0.9]
        doc = {"people": [{"pose_keypoints_2d": flat}]}
        (folder / f"run_{f:012d}_keypoints.json").write_text(json.dumps(doc))


def test_analyze_openpose_folder_matches_the_same_motion_as_trc(shared_data, tmp_path):
    from runform.io.trc import read_trc

    trc = shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc"
    kp = read_trc(trc)
    n = int(12 * 60)  # 12 s is plenty and keeps the test quick
    kp = type(kp)(kp.xy[:n], kp.confidence[:n], kp.time_s[:n], units=kp.units)
    _write_openpose_folder(kp, tmp_path / "openpose")
    res = _run(["analyze", str(tmp_path / "openpose"), "--keypoint-fps", "60", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "o" / "openpose" / "metrics.json").read_text())
    assert doc["input"]["source_type"] == "openpose"
    truth = json.loads((shared_data / "mocap-gt" / "RBDS001runT25.groundtruth.json").read_text())
    assert doc["summary"]["cadence_spm"] == pytest.approx(truth["summary"]["cadence_spm"], rel=0.015)
    assert doc["summary"]["shin_angle_ic_deg"] == pytest.approx(truth["summary"]["shin_angle_ic_deg"], abs=2.0)


def _cut_clip(src, dst, n_frames):
    """Re-encode the first frames of a real video (keeps the test short)."""
    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        vin = inp.streams.video[0]
        vout = out.add_stream("libx264", rate=30)
        vout.width, vout.height, vout.pix_fmt = vin.width, vin.height, "yuv420p"
        for i, frame in enumerate(inp.decode(vin)):
            if i >= n_frames:
                break
            for p in vout.encode(av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), format="rgb24")):
                out.mux(p)
        for p in vout.encode():
            out.mux(p)


@pytest.mark.slow
def test_analyze_video_writes_annotated_video_and_reuses_pose_cache(shared_data, tmp_path):
    import av

    clip = tmp_path / "clip.mp4"
    _cut_clip(shared_data / "videos" / "male_side.mp4", clip, 150)
    res = _run(["analyze", str(clip), "--out", str(tmp_path / "o"), "--video-height", "360"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "o" / "clip"
    with av.open(str(out / "annotated.mp4")) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.height == 360 and s.width % 2 == 0
        assert sum(1 for _ in c.decode(s)) == 150
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["input"]["source_type"] == "video" and doc["input"]["frame_count"] == 150
    assert 150 < doc["summary"]["cadence_spm"] < 190
    mtime = (out / "pose.npz").stat().st_mtime_ns
    (out / "annotated.mp4").unlink()
    res = _run(["analyze", str(clip), "--out", str(tmp_path / "o"), "--no-video"])
    assert res.exit_code == 0, res.output
    assert (out / "pose.npz").stat().st_mtime_ns == mtime  # the pose model did not run again
    assert not (out / "annotated.mp4").exists()
