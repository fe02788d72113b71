"""Every HTML page runform writes, opened in headless Chromium at 1280 px: it renders, logs no
console error, and does not overflow horizontally.

Chromium is the Debian package (``make test`` installs it when missing; CI runs ``make test``).
Without it the test is skipped on a developer's machine and fails under CI (``CI`` set).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def _browser_module():
    spec = importlib.util.spec_from_file_location("runform_browser", ROOT / "scripts" / "support" / "browser.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["runform_browser"] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


browser_support = _browser_module()
if browser_support.chromium_path() is None or importlib.util.find_spec("playwright") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium and playwright for the browser test (make install-dev / make test)")
    pytest.skip("no chromium or playwright (apt-get install chromium; pip install -e .[dev])", allow_module_level=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, shared_data) -> dict[str, Path]:
    """report.html (motion capture), compare.html (two synthetic sessions), index.html (a batch
    with a long failure message)."""
    from runform.batch.discovery import Job
    from runform.batch.outputs import FAILED, OK, Row, write_all
    from runform.cli import main
    from runform.synth.trc_writer import write_trc
    from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints
    from runform.synth.render.samples import AFTER, BEFORE
    from runform.report.cues import coaching_cues
    from runform.report.html import write_report
    from runform.synth.runner import generate_run

    d = tmp_path_factory.mktemp("pages")
    trc = shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc"
    kp, info = load_keypoints(trc, AnalysisConfig())
    a = analyze_keypoints(kp, info)
    report = write_report(a, coaching_cues(a.summary, a.contacts, a.quality), d / "report.html", None)
    pair = [write_trc(generate_run(replace(p, fps=60.0, duration_s=6.0))[0], d / f"{n}.trc")
            for n, p in (("before", BEFORE), ("after", AFTER))]
    res = CliRunner().invoke(main, ["compare", str(pair[0]), str(pair[1]), "--out", str(d / "cmp"), "--no-video"])
    assert res.exit_code == 0, res.output
    jobs = [Job(f"j{k}", d / f"{k}.mp4", f"runner_{k % 2}/{'very_long_clip_name_' * 3}{k}.mp4", "video",
                f"runner_{k % 2}") for k in range(4)]
    metrics = {"summary": {"cadence_spm": 171.2, "shin_angle_ic_deg": 7.1, "overstride_pct_leg": 21.3,
                           "foot_strike_left": "rearfoot", "foot_strike_right": "rearfoot", "n_strides": 20,
                           "contact_time_s": 0.251, "trunk_lean_deg": 6.2, "knee_flexion_ic_deg": 9.0},
               "quality": {"far_leg_hidden": "x", "camera_tilt_from_ground": "y"},
               "overstriding": {"session": {"verdict": "uncertain", "probability": 0.61}}}
    rows = [Row(jobs[0], OK, 12.3, metrics=metrics, has_report=True),
            Row(jobs[1], OK, 11.0, metrics=metrics, has_report=True),
            Row(jobs[2], FAILED, 2.0, "NotEnoughData", "only one foot contact was found in 3.2 s of video; film at "
                                                       "least 8-10 s of steady running, side-on " * 3, "j2/log.txt"),
            Row(jobs[3], OK, 9.0, metrics=metrics, has_report=True)]
    index = write_all(d / "batch", rows)["index"]
    return {"report": report, "compare": d / "cmp" / "compare.html", "index": index}


@pytest.mark.parametrize("name", ["report", "compare", "index"])
def test_page_renders_without_errors_or_overflow(pages, name):
    with browser_support.browser() as ctx:
        page, check = browser_support.open_page(ctx, pages[name], width=1280)
        heading = page.locator("h1").first.inner_text()
    assert check.errors == (), check.errors
    assert not check.overflows, f"{name}: {check.scroll_width} px wide at {check.client_width} px"
    assert heading.strip() and check.title and check.text_chars > 500
