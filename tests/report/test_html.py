"""The one-file HTML report on real motion-capture data (and optionally a video)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from runform.pipeline import AnalysisConfig, InputInfo, analyze_keypoints, load_keypoints
from runform.report.cues import coaching_cues
from runform.report.html import gait_cycle_curves, render_report, write_report


@pytest.fixture(scope="module")
def rbds(shared_data):
    path = shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc"
    if not path.exists():
        pytest.skip(f"{path} missing")
    kp, info = load_keypoints(path, AnalysisConfig())
    return analyze_keypoints(kp, info)


def _cues(a):
    return coaching_cues(a.summary, a.contacts, a.quality)


def test_report_is_self_contained(rbds, tmp_path):
    out = write_report(rbds, _cues(rbds), tmp_path / "report.html", None)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert f"{rbds.summary['cadence_spm']:.1f}" in html
    assert html.count("data:image/png;base64,") >= 3
    for section in ('id="summary"', 'id="metrics"', 'id="quality"', 'id="definitions"'):
        assert section in html
    assert 'id="frames"' not in html  # no video: no key frames
    assert "Heiderscheit" in html  # this runner (157 spm) gets the cadence cue


def test_user_strings_are_escaped(rbds):
    evil = replace(rbds, input=replace(rbds.input, path='/tmp/run"<script>alert(1)&.trc'),
                   quality={"low_visibility": "<b>x</b>"})
    html = render_report(evil, _cues(rbds), None)
    assert "<script>" not in html
    assert "run&#34;&lt;script&gt;alert(1)&amp;.trc" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_gait_cycle_curves(rbds):
    c = gait_cycle_curves(rbds)
    mean, sd, n = c["knee"]["left"]
    assert n > 20 and mean.shape == (101,)
    assert 60 < mean.max() < 120  # swing knee flexion
    assert 30 < c["toe_off_pct"]["left"] < 45
    assert "trunk" in c and not c["trunk"]  # no shoulders in this TRC


@pytest.mark.skipif(not shutil.which("chromium"), reason="no chromium")
def test_renders_in_headless_chromium(rbds, tmp_path):
    html = write_report(rbds, _cues(rbds), tmp_path / "report.html", None)
    png = tmp_path / "report.png"
    script = Path(__file__).resolve().parents[2] / "scripts" / "render_report_png.sh"
    subprocess.run(["bash", str(script), str(html), str(png), "1200", "3000"], check=True, timeout=120)
    assert png.stat().st_size > 50_000


@pytest.mark.slow
def test_key_frames_from_video(shared_data):
    video = shared_data / "videos" / "male_side.mp4"
    if not video.exists():
        pytest.skip(f"{video} missing")
    from runform.io.video import probe_video
    from runform.pose.mediapipe_pose import estimate_pose

    kp = estimate_pose(video, max_frames=120)
    v = probe_video(video)
    info = InputInfo(str(video), "video", kp.fps, len(kp), float(kp.time_s[-1]), v.rotation, v.width, v.height)
    a = analyze_keypoints(kp, info)
    html = render_report(a, _cues(a), video)
    assert 'id="frames"' in html
    assert html.count("data:image/jpeg;base64,") >= 1
