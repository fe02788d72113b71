"""A corpus of bad and odd inputs (issue 12, item 7), made here in temporary folders.

Every kind ends in a one-line typed error with its exit code and nothing half-written, or in a
result that carries the right quality flag: never a traceback, a hang or a silently wrong number.
The README's "Bad input" table lists each kind and what it gets. Videos are cut from the bundled
generated samples (2 s at 360p, never committed); the MediaPipe ones are marked slow.
"""

from __future__ import annotations

import errno
import json
import math
import os
import threading
from functools import lru_cache
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from runform.cli import main
from runform.synth.trc_writer import write_trc
from runform.synth.runner import GaitParams, generate_run
from tests.media import SAMPLES, read_frames, write_clip

FPS = 60.0  # relaxed_60fps.mp4


def _invoke(*args, timeout_s: float = 120.0):
    """Run the CLI in a thread: a hang fails the test instead of stalling the suite."""
    box = {}

    def run():
        box["res"] = CliRunner().invoke(main, [str(a) for a in args])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout_s)
    assert not worker.is_alive(), f"runform {' '.join(map(str, args))} hung for {timeout_s} s"
    return box["res"]


def _one_error_line(res, code: int) -> str:
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    return lines[0]


# --- inputs ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _frames() -> tuple:
    frames, _ = read_frames(start_s=1.0, duration_s=2.0, height=360)
    return tuple(frames)


def _clip(path: Path, frames=None, fps=FPS, **kw) -> Path:
    return write_clip(list(frames if frames is not None else _frames()), path, fps, **kw)


def _trc(path: Path, duration_s: float = 5.0) -> Path:
    kp, _ = generate_run(GaitParams(duration_s=duration_s, fps=60.0, seed=3))
    return write_trc(kp, path)


def _strip_box(data: bytes, box: bytes) -> bytes:
    i = data.find(box) - 4
    return data[:i] + data[i + int.from_bytes(data[i:i + 4], "big"):]


def _put(path: Path, content) -> Path:
    """Write text or bytes to ``path`` and return it."""
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    return path


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("aac", rate=44100)
        for i in range(10):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 44100, i * 1024
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(path)
    return path


def _openpose(folder: Path, text: str, n: int = 5) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"run_{i:012d}_keypoints.json").write_text(text)
    return folder


def _edit_trc(path: Path, row: int, col: int, value: str) -> Path:
    lines = _trc(path).read_text().splitlines()
    cells = lines[row].split("\t")
    cells[col] = value
    path.write_text("\n".join(lines[:row] + ["\t".join(cells)] + lines[row + 1:]) + "\n")
    return path


def _small_clip(path: Path) -> Path:
    return _clip(path, _frames()[:20])


# kind -> (make(tmp) -> [args after "analyze"], exit code, words in the error line)
ERRORS = {
    "missing file": (lambda d: [d / "nope.mp4"], 2, "input not found"),
    "empty file, no extension": (lambda d: [_put(d / "clip", b"")], 3, "is empty (0 bytes)"),
    "zero-byte .mp4": (lambda d: [_put(d / "a.mp4", b"")], 3, "is empty (0 bytes)"),
    "text renamed .mp4": (lambda d: [_put(d / "a.mp4", "not a video\n")], 3,
                          "cannot read a.mp4 as video"),
    "truncated mp4 (index at the end)": (
        lambda d: [_put(d / "t.mp4", _small_clip(d / "s.mp4").read_bytes()[:2000])], 3,
        "cannot read t.mp4 as video"),
    "moov box missing": (
        lambda d: [_put(d / "m.mp4", _strip_box(_small_clip(d / "s.mp4").read_bytes(), b"moov"))],
        3, "cannot read m.mp4 as video"),
    "audio only": (lambda d: [_audio_only(d / "audio.mp4")], 3, "audio.mp4 has no video stream"),
    "a FIFO named .mp4": (lambda d: [_fifo(d / "pipe.mp4")], 3, "not a regular file"),
    "a FIFO named .trc": (lambda d: [_fifo(d / "pipe.trc")], 3, "not a regular file"),
    "empty folder": (lambda d: [(d / "poses").mkdir() or d / "poses"], 3, "no *_keypoints.json"),
    "malformed TRC": (lambda d: [_put(d / "bad.trc", "hello\n")], 3, "not a TRC file"),
    "TRC header only": (lambda d: [_put(d / "h.trc", "\n".join(_trc(d / "h.trc").read_text().splitlines()[:5]) + "\n")],
                        3, "no data rows"),
    "TRC with inf": (lambda d: [_edit_trc(d / "inf.trc", 8, 3, "inf")], 3, "inf.trc: infinite marker coordinates"),
    "TRC with 1e15": (lambda d: [_edit_trc(d / "huge.trc", 8, 3, "1e15")], 3, "huge.trc"),
    "malformed OpenPose JSON": (lambda d: [_openpose(d / "op", "{not json")], 3, "not OpenPose JSON"),
    "OpenPose with nobody": (lambda d: [_openpose(d / "op", '{"people": []}')], 4, "no person in any"),
    "0.5 s of motion capture": (lambda d: [_trc(d / "short.trc", 0.5)], 5, "no foot contacts found in short.trc"),
    "TOML not TOML": (lambda d: [_trc(d / "r.trc"), "--config",
                                 _put(d / "c.toml", "shin = [\n")], 6, "not valid TOML"),
    "TOML with nan": (lambda d: [_trc(d / "r.trc"), "--config",
                                 _put(d / "c.toml", "shin_red_deg = nan\n")], 6, "finite"),
    "--capture-fps below the file's rate": (lambda d: [_small_clip(d / "v.mp4"), "--capture-fps", "30"], 2,
                                            "--capture-fps 30 is below v.mp4's own frame rate (60 fps)"),
    "--out an existing file": (lambda d: [_trc(d / "r.trc"), "--out", _put(d / "f", "x")], 9,
                               "is a file, not a folder"),
}


@pytest.mark.parametrize("kind", list(ERRORS))
def test_refused_in_one_typed_line_with_nothing_left(kind, tmp_path):
    make, code, words = ERRORS[kind]
    args = make(tmp_path)
    out = tmp_path / "out"
    if "--out" not in args:
        args += ["--out", out]
    res = _invoke("analyze", *args, "--no-video")
    assert words in _one_error_line(res, code)
    assert not out.exists()  # a failed run leaves no folder behind


@pytest.mark.parametrize("option, value", [("--capture-fps", "nan"), ("--keypoint-fps", "inf"),
                                           ("--height-cm", "1780"), ("--mass-kg", "-3"), ("--video-height", "5")])
def test_absurd_option_values_are_usage_errors(tmp_path, option, value):
    res = _invoke("analyze", _trc(tmp_path / "r.trc"), "--out", tmp_path / "out", option, value)
    assert res.exit_code == 2 and f"Invalid value for '{option}'" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind, err", [("read-only output folder", errno.EACCES), ("full disk", errno.ENOSPC)])
def test_output_folder_that_cannot_be_written(tmp_path, monkeypatch, kind, err):
    # Simulated (root ignores permissions, and no test fills a real disk): every atomic write fails.
    import runform.atomic as atomic
    import runform.outdir as outdir

    def fail(*a, **k):
        raise OSError(err, os.strerror(err))

    src = _trc(tmp_path / "r.trc")
    monkeypatch.setattr(outdir.tempfile, "mkstemp", fail)
    monkeypatch.setattr(atomic.tempfile, "mkstemp", fail)
    res = _invoke("analyze", src, "--out", tmp_path / "out")
    assert os.strerror(err) in _one_error_line(res, 9)
    assert not (tmp_path / "out").exists()


def test_unicode_paths(tmp_path):
    src = _trc(tmp_path / "läufer 日本 ✓.trc")
    out = tmp_path / "résultats ü"
    res = _invoke("analyze", src, "--out", out)
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "läufer 日本 ✓" / "metrics.json").read_text(encoding="utf-8"))
    assert doc["input"]["path"] == str(src) and (out / "läufer 日本 ✓" / "report.html").is_file()


def test_trc_units_label_that_lies(tmp_path):
    lines = _trc(tmp_path / "run.trc").read_text().splitlines()
    header = lines[2].split("\t")
    header[4] = "mm"  # the values are metres
    (tmp_path / "run.trc").write_text("\n".join(lines[:2] + ["\t".join(header)] + lines[3:]) + "\n")
    res = _invoke("analyze", tmp_path / "run.trc", "--out", tmp_path / "out", "--no-report")
    assert res.exit_code == 0, res.output
    assert "trc_units" in json.loads((tmp_path / "out" / "run" / "metrics.json").read_text())["quality"]


def test_fifo_in_a_batch_folder_is_skipped_not_read(tmp_path):
    src = tmp_path / "clinic"
    src.mkdir()
    _trc(src / "a.trc")
    _fifo(src / "stuck.mp4")
    _fifo(src / "stuck.trc")
    res = _invoke("batch", src, "--out", tmp_path / "out", "--workers", "1", "--no-video", timeout_s=180)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "a" / "metrics.json").is_file()
    assert "stuck" not in (tmp_path / "out" / "summary.csv").read_text()


# --- videos through MediaPipe (2 s at 360p, a few seconds each) -----------------------------

def _rotated(deg: int):
    # Stored turned the other way, so that the display matrix puts the runner upright again.
    return lambda d: _clip(d / f"rot{deg}.mp4", [np.ascontiguousarray(np.rot90(f, k=-deg // 90)) for f in _frames()],
                           rotation=deg)


def _vfr(d: Path) -> Path:
    jitter = np.random.default_rng(1).uniform(-0.004, 0.004, len(_frames()))
    keep = [i for i in range(len(_frames())) if i % 9 != 4]  # and a few frames dropped
    return _clip(d / "vfr.mp4", [_frames()[i] for i in keep], times_s=[i / FPS + jitter[i] for i in keep])


def _tiny(d: Path) -> Path:
    small = [cv2.copyMakeBorder(cv2.resize(f, (68, 120), interpolation=cv2.INTER_AREA), 0, 0, 46, 46,
                                cv2.BORDER_CONSTANT) for f in _frames()]
    return _clip(d / "tiny.mp4", small)


def _cut(d: Path, how: str) -> Path:
    data = bytearray(_clip(d / "full.mp4", options={"movflags": "faststart"}).read_bytes())
    if how == "truncated":
        data = data[: len(data) * 6 // 10]
    else:  # 20 kB of noise in the middle of the picture data
        m = len(data) // 2
        data[m:m + 20000] = np.random.default_rng(0).integers(0, 256, 20000, dtype=np.uint8).tobytes()
    (d / f"{how}.mp4").write_bytes(bytes(data))
    return d / f"{how}.mp4"


def _two_runners(d: Path) -> Path:
    """The sample runner beside another rendered runner (before_retraining, 160 steps/min)."""
    other, _ = read_frames(SAMPLES / "before_retraining_60fps.mp4", start_s=1.0, duration_s=2.0, height=360)
    return _clip(d / "two.mp4", [np.hstack([a, b]) for a, b in zip(_frames(), other)])


def _gray(frames):
    return [np.repeat(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2) for f in frames]


# kind -> (make(tmp) -> video path, extra args, exit code, error words or the flags the result must carry)
VIDEOS = {
    "one frame": (lambda d: _clip(d / "one.mp4", _frames()[:1]), [], 5, "no foot contacts"),
    "0.5 s clip": (lambda d: _clip(d / "half.mp4", _frames()[:30]), [], 5, "foot contact"),
    "no person": (lambda d: _clip(d / "empty.mp4", [np.full_like(_frames()[0], 90 + i % 7) for i in range(60)],
                                  fps=30), [], 4, "no person detected"),
    "person standing still": (lambda d: _clip(d / "still.mp4", [_frames()[0]] * 60, fps=30), [], 5,
                              "no foot contacts"),
    "rotated 90": (_rotated(90), [], 0, ()),
    "rotated 180": (_rotated(180), [], 0, ()),
    "rotated 270": (_rotated(270), [], 0, ()),
    "mirrored (display matrix)": (lambda d: _clip(d / "mirror.mp4", hflip=True), [], 0, ("mirrored",)),
    "variable frame rate": (_vfr, [], 0, ()),
    "160x120": (_tiny, [], 0, ("low_resolution",)),
    "grayscale": (lambda d: _clip(d / "gray.mp4", _gray(_frames())), [], 0, ()),
    "odd size 203x361 (FFV1 in MKV)": (
        lambda d: _clip(d / "odd.mkv", [cv2.copyMakeBorder(f, 0, 1, 0, 1, cv2.BORDER_REPLICATE) for f in _frames()],
                        codec="ffv1", pix_fmt="yuv444p"), [], 0, ()),
    "H.264 in MKV": (lambda d: _clip(d / "clip.mkv"), [], 0, ()),
    "MPEG-4 part 2 in AVI": (lambda d: _clip(d / "clip.avi", codec="mpeg4"), [], 0, ()),
    "MJPEG in AVI": (lambda d: _clip(d / "clip.avi", codec="mjpeg", pix_fmt="yuvj420p"), [], 0, ()),
    "VP9 in WebM": (lambda d: _clip(d / "clip.webm", codec="libvpx-vp9"), [], 0, ()),
    "truncated mp4 (index first)": (lambda d: _cut(d, "truncated"), [], 0, ("frames_missing",)),
    "corrupt middle": (lambda d: _cut(d, "corrupt"), [], 0, ("frames_missing",)),
    "slow motion 4x, no capture rate": (lambda d: _clip(d / "slow.mp4", fps=FPS / 4), [], 0, ("slow_motion",)),
    "several people (two runners side by side)": (_two_runners, [], 0, ("several_people",)),
}


@pytest.mark.slow
# The odd-size 2 s FFV1 cut once read 208 steps/min (the runner's 176) from the median step of a few
# contacts; cadence is steps over time since 2026-11-29 and it reads in range.
@pytest.mark.parametrize("kind", list(VIDEOS))
def test_video_corpus(kind, tmp_path):
    make, extra, code, expect = VIDEOS[kind]
    video = make(tmp_path)
    out = tmp_path / "out"
    res = _invoke("analyze", video, "--out", out, "--no-video", "--no-report", *extra)
    if code:
        assert expect in _one_error_line(res, code)
        assert not out.exists()
        return
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output
    doc = json.loads((out / video.stem / "metrics.json").read_text())
    for flag in expect:
        assert flag in doc["quality"], (flag, doc["quality"])
    assert (doc["input"]["width"], doc["input"]["height"]) in ((202, 360), (203, 361), (160, 120), (404, 360))
    # Whatever the container, rotation or clock: no impossible number counted.
    for s in doc["contacts"]:
        if not s["excluded"]:
            assert s["shin_angle_ic_deg"] is None or -30 <= s["shin_angle_ic_deg"] <= 40, s
            assert s["duty_factor"] is None or 0.1 <= s["duty_factor"] <= 0.8, s
    cadence = doc["summary"]["cadence_spm"]
    if "slow_motion" in doc["quality"]:
        assert "--capture-fps 60" in doc["quality"]["slow_motion"]
        assert doc["overstriding"]["session"]["verdict"] == "cannot judge" and doc["cues"] == []
    elif doc["summary"]["n_contacts_counted"] >= 3 and not set(doc["quality"]) & {"frames_missing", "low_resolution"}:
        assert cadence is not None and 150 <= cadence <= 200, cadence  # the sample runs at 176


@pytest.mark.slow
def test_slow_motion_with_its_capture_rate_reads_real_cadence(tmp_path):
    """The slow-motion kinds on a longer cut (4 s, ~12 contacts): flagged with the right suggestion;
    with --capture-fps, or with Android's capture-rate tag, the cadence is the runner's 176."""
    frames, _ = read_frames(start_s=1.0, duration_s=4.0, height=360)
    slow = write_clip(frames, tmp_path / "slow.mp4", FPS / 4)
    tagged = write_clip(frames, tmp_path / "tagged.mp4", FPS / 4, metadata={"com.android.capture.fps": "60.000000"})
    out = tmp_path / "out"
    res = _invoke("analyze", slow, "--out", out, "--no-video", "--no-report")
    doc = json.loads((out / "slow" / "metrics.json").read_text())
    assert res.exit_code == 0 and "run again with --capture-fps 60" in doc["quality"]["slow_motion"]
    assert doc["summary"]["cadence_spm"] < 60 and doc["overstriding"]["session"]["verdict"] == "cannot judge"
    for args, folder, source in (([slow, "--capture-fps", "60"], "slow", "option"), ([tagged], "tagged", "file metadata")):
        res = _invoke("analyze", *args, "--out", out, "--no-video", "--no-report")
        assert res.exit_code == 0, res.output
        doc = json.loads((out / folder / "metrics.json").read_text())
        assert "slow_motion" not in doc["quality"]
        assert doc["input"]["capture_fps"] == 60.0 and doc["input"]["capture_fps_source"] == source
        assert math.isclose(doc["summary"]["cadence_spm"], 176, abs_tol=8), doc["summary"]["cadence_spm"]


@pytest.mark.slow
def test_corrupt_pose_cache_is_recomputed(tmp_path):
    video = _clip(tmp_path / "run.mp4")
    out = tmp_path / "out"
    assert _invoke("analyze", video, "--out", out, "--no-video", "--no-report").exit_code == 0
    (out / "run" / "pose.npz").write_bytes(b"PK\x03\x04 not a zip")
    res = _invoke("analyze", video, "--out", out, "--no-video", "--no-report")
    assert res.exit_code == 0, res.output
    assert json.loads((out / "run" / "metrics.json").read_text())["summary"]["n_contacts_found"] >= 3
