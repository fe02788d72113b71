"""The command line refuses what it cannot honour, before any work and in one line (issue 12)."""

import errno
import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from runform import app, terminal
from runform.cli import main
from runform.synth.trc_writer import write_trc
from runform.synth.runner import GaitParams, generate_run


@pytest.fixture(scope="module")
def trc(tmp_path_factory) -> Path:
    """A 5 s generated run (metres), analyzed in well under a second."""
    kp, _ = generate_run(GaitParams(duration_s=5.0, fps=60.0, seed=3))
    return write_trc(kp, tmp_path_factory.mktemp("in") / "run.trc")


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_error_line(res) -> str:
    """The output must be exactly one non-empty line starting with 'error:'."""
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), res.output
    assert "Traceback" not in res.output
    return lines[0]


@pytest.mark.parametrize("option, value", [
    ("--capture-fps", "nan"), ("--capture-fps", "inf"), ("--capture-fps", "0"), ("--capture-fps", "-30"),
    ("--keypoint-fps", "inf"), ("--keypoint-fps", "nan"), ("--height-cm", "nan"), ("--height-cm", "1780"),
    ("--mass-kg", "nan"), ("--mass-kg", "inf"),
])
def test_analyze_refuses_non_finite_or_absurd_options(trc, tmp_path, option, value):
    res = _invoke("analyze", trc, "--out", tmp_path / "o", option, value)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}'" in res.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("option, value", [("--capture-fps", "nan"), ("--keypoint-fps", "inf"),
                                           ("--timeout", "nan")])
def test_batch_refuses_non_finite_options(trc, tmp_path, option, value):
    res = _invoke("batch", trc.parent, "--out", tmp_path / "o", option, value)
    assert res.exit_code == 2 and f"Invalid value for '{option}'" in res.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("toml, words", [
    ("shin_red_deg = nan\n", "finite"),
    ("trunk_amber_deg = inf\n", "finite"),
    ("shin_amber_deg = 12\n", "shin_amber_deg = 12 must be at most shin_red_deg = 10"),  # amber above red
    ("overstride_red_pct_leg = 10\n", "overstride_amber_pct_leg"),
    ("cadence_amber_spm = 150\n", "cadence_amber_spm = 150 must be at least cadence_red_spm = 160"),  # low is bad
    ("elbow_red_deg = 70\n", "elbow_amber_deg"),
    ("max_cues = -1\n", "max_cues must not be negative"),
    ("max_cues = 2.5\n", "whole number"),
    ("max_cues = inf\n", "finite"),
    ("overstride_probability_cut = 1.5\n", "between 0 and 1"),
])
def test_bad_config_is_refused_before_the_analysis(trc, tmp_path, monkeypatch, toml, words):
    calls = []
    monkeypatch.setattr(app, "load_keypoints", lambda *a, **k: calls.append(a) or pytest.fail("analysis ran"))
    config = tmp_path / "cues.toml"
    config.write_text(toml)
    res = _invoke("analyze", trc, "--out", tmp_path / "o", "--config", config)
    assert res.exit_code == 6, res.output
    assert words in _one_error_line(res)
    assert not calls and not (tmp_path / "o").exists()


def test_batch_refuses_amber_above_red_before_any_work(trc, tmp_path):
    config = tmp_path / "cues.toml"
    config.write_text("shin_amber_deg = 12\n")
    res = _invoke("batch", trc.parent, "--out", tmp_path / "o", "--config", config)
    assert res.exit_code == 6 and "shin_amber_deg" in _one_error_line(res)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["analyze", "batch"])
def test_out_naming_a_file_is_a_one_line_error(trc, tmp_path, command):
    out = tmp_path / "results.txt"
    out.write_text("keep me")
    res = _invoke(command, trc if command == "analyze" else trc.parent, "--out", out)
    assert res.exit_code == 9, res.output
    assert "is a file, not a folder" in _one_error_line(res)
    assert out.read_text() == "keep me"


def test_failed_run_leaves_no_out_folder_it_created(tmp_path):
    bad = tmp_path / "broken.trc"
    bad.write_text("PathFileType\t4\nnothing else\n")
    res = _invoke("analyze", bad, "--out", tmp_path / "new" / "deeper")
    assert res.exit_code == 3, res.output
    assert not (tmp_path / "new").exists()
    (tmp_path / "kept").mkdir()
    res = _invoke("analyze", bad, "--out", tmp_path / "kept")
    assert res.exit_code == 3 and (tmp_path / "kept").is_dir() and not any((tmp_path / "kept").iterdir())


def test_full_disk_while_writing_is_a_typed_error(trc, tmp_path, monkeypatch):
    import runform.output

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(runform.output, "write_text_atomic", full)
    res = _invoke("analyze", trc, "--out", tmp_path / "o", "--no-report")
    assert res.exit_code == 9, res.output
    assert "No space left on device" in _one_error_line(res)
    assert not (tmp_path / "o").exists()


def test_unwritable_out_is_a_typed_error(trc, tmp_path, monkeypatch):
    import runform.outdir  # noqa: F401 - patched below

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(runform.outdir.tempfile, "mkstemp", denied)
    res = _invoke("analyze", trc, "--out", tmp_path / "o")
    assert res.exit_code == 9, res.output
    assert "cannot write to" in _one_error_line(res) and "Permission denied" in res.output
    assert not (tmp_path / "o").exists()


def test_unwritable_batch_out_is_a_typed_error(trc, tmp_path, monkeypatch):
    from runform.batch.store import OutputStore

    def denied(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self.out / ".batch.lock"))

    monkeypatch.setattr(OutputStore, "locked", denied)
    res = _invoke("batch", trc.parent, "--out", tmp_path / "o")
    assert res.exit_code == 9, res.output
    assert "Permission denied" in _one_error_line(res)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
@pytest.mark.parametrize("command", ["analyze", "batch"])
def test_read_only_out_is_a_typed_error(trc, tmp_path, command):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        res = _invoke(command, trc if command == "analyze" else trc.parent, "--out", out)
    finally:
        out.chmod(0o755)
    assert res.exit_code == 9, res.output
    _one_error_line(res)


def test_error_line_does_not_wrap_when_not_a_terminal(tmp_path):
    missing = tmp_path / ("a_long_folder_name_" * 6) / "my_run_recorded_at_the_clinic_on_a_tuesday.mp4"
    res = _invoke("analyze", missing, "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert str(missing) in _one_error_line(res)


def test_error_message_with_brackets_and_newlines_stays_one_line(capsys):
    from runform.errors import UnreadableInput

    with pytest.raises(SystemExit) as code:
        terminal.fail(UnreadableInput("clip [1].mp4: bad header\nsecond line " + "x" * 120))
    assert code.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "clip [1].mp4: bad header second line" in err


def test_trc_with_mislabelled_units_is_read_with_a_quality_note(trc, tmp_path):
    text = trc.read_text().splitlines()
    header = text[2].split("\t")
    header[4] = "mm"  # the values are metres
    mislabelled = tmp_path / "mislabelled.trc"
    mislabelled.write_text("\n".join(text[:2] + ["\t".join(header)] + text[3:]) + "\n")
    for path in (trc, mislabelled):
        res = _invoke("analyze", path, "--out", tmp_path / "o", "--no-report")
        assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "o" / "mislabelled" / "metrics.json").read_text())
    ref = json.loads((tmp_path / "o" / "run" / "metrics.json").read_text())
    assert "says mm" in doc["quality"]["trc_units"] and "trc_units" not in ref["quality"]
    assert doc["runner"]["leg_length_units"] == "m"
    assert doc["runner"]["leg_length"] == pytest.approx(ref["runner"]["leg_length"])
    assert doc["summary"]["overstride_cm"] == pytest.approx(ref["summary"]["overstride_cm"])


def test_absurd_trc_values_exit_3(trc, tmp_path):
    lines = trc.read_text().splitlines()
    cells = lines[8].split("\t")
    cells[3] = "1e15"
    bad = tmp_path / "absurd.trc"
    bad.write_text("\n".join(lines[:8] + ["\t".join(cells)] + lines[9:]) + "\n")
    res = _invoke("analyze", bad, "--out", tmp_path / "o")
    assert res.exit_code == 3
    assert "absurd.trc" in _one_error_line(res)
    assert not (tmp_path / "o").exists()


def _openpose_folder(trc_path: Path, folder: Path) -> Path:
    """BODY_25 JSON frames (pixels, y down) of the same run as a TRC file."""
    from runform.io.trc import read_trc

    kp = read_trc(trc_path)
    body25 = {0: "nose", 1: "neck", 2: "right_shoulder", 5: "left_shoulder", 8: "pelvis", 9: "right_hip",
              10: "right_knee", 11: "right_ankle", 12: "left_hip", 13: "left_knee", 14: "left_ankle",
              19: "left_toe", 21: "left_heel", 22: "right_toe", 24: "right_heel"}
    folder.mkdir(parents=True)
    for f in range(len(kp)):
        flat = [0.0] * 75
        for i, name in body25.items():
            x, y = kp.point(name)[f]
            if np.isfinite(x):
                flat[3 * i: 3 * i + 3] = [float(x * 400 + 200), float(y * 400 + 800), 0.9]
        (folder / f"run.{f:06d}.json").write_text(json.dumps({"people": [{"pose_keypoints_2d": flat}]}))
    return folder


def test_inputs_with_one_stem_do_not_mix_their_outputs(trc, tmp_path):
    poses = _openpose_folder(trc, tmp_path / "poses" / "run")  # Pose2Sim names, the same stem as run.trc
    out = tmp_path / "o"
    assert _invoke("analyze", trc, "--out", out, "--no-report").exit_code == 0
    res = _invoke("analyze", poses, "--out", out, "--no-report", "--keypoint-fps", "60")
    assert res.exit_code == 0, res.output
    assert json.loads((out / "run" / "metrics.json").read_text())["input"]["path"] == str(trc)
    assert json.loads((out / "run_openpose" / "metrics.json").read_text())["input"]["path"] == str(poses)
    # The same file again replaces its own results, wherever it was run from.
    assert _invoke("analyze", trc, "--out", out, "--no-report").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["run", "run_openpose"]


def test_output_folder_for_a_video_beside_a_trc_result(tmp_path):
    from runform.outdir import output_folder

    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "metrics.json").write_text(json.dumps({"input": {"path": "/data/run.trc"}}))
    assert output_folder(tmp_path, Path("clips/run.mp4")) == tmp_path / "run_mp4"
    assert output_folder(tmp_path, Path("elsewhere/run.trc")) == tmp_path / "run"
    (tmp_path / "walk").mkdir()  # a pose cache of walk.mp4, from a run that failed later
    (tmp_path / "walk" / "pose.npz.json").write_text(json.dumps({"key": {"input": "/v/walk.mp4"}}))
    assert output_folder(tmp_path, Path("walk.trc")) == tmp_path / "walk_trc"
    assert output_folder(tmp_path, Path("new.trc")) == tmp_path / "new"
