"""``runform analyze --runner x,y``: choosing one of several people (issue 12, item 4)."""

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from runform.cli import main
from runform.synth.trc_writer import write_trc
from runform.keypoints import Keypoints
from runform.synth.runner import GaitParams, generate_run

#: BODY_25 index -> canonical name, for writing OpenPose frames.
_BODY25 = {0: "nose", 1: "neck", 2: "right_shoulder", 5: "left_shoulder", 8: "pelvis", 9: "right_hip",
           10: "right_knee", 11: "right_ankle", 12: "left_hip", 13: "left_knee", 14: "left_ankle",
           19: "left_toe", 21: "left_heel", 22: "right_toe", 24: "right_heel"}


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_error_line(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), res.output
    return lines[0]


def _run(cadence: float, seed: int) -> Keypoints:
    return generate_run(GaitParams(duration_s=6.0, fps=60.0, cadence_spm=cadence, seed=seed))[0]


def _body25(kp: Keypoints, f: int, x0: float) -> list[float]:
    """One frame of ``kp`` (metres, y down) as BODY_25 pixels, shifted right by ``x0``."""
    flat = [0.0] * 75
    for i, name in _BODY25.items():
        x, y = kp.point(name)[f]
        if np.isfinite(x):
            flat[3 * i: 3 * i + 3] = [float(x * 400 + x0), float(y * 400 + 900), 0.9]
    return flat


@pytest.fixture(scope="module")
def two_people(tmp_path_factory) -> Path:
    """OpenPose frames with two runners side by side: 160 spm on the left (listed second and less
    confident), 185 spm at x + 1500 on the right (listed first, more confident)."""
    slow, fast = _run(160.0, 1), _run(185.0, 2)
    folder = tmp_path_factory.mktemp("op") / "two"
    folder.mkdir()
    for f in range(min(len(slow), len(fast))):
        right = _body25(fast, f, 1700)
        left = [v * 0.9 if i % 3 == 2 else v for i, v in enumerate(_body25(slow, f, 200))]
        doc = {"people": [{"pose_keypoints_2d": right}, {"pose_keypoints_2d": left}]}
        (folder / f"two_{f:012d}_keypoints.json").write_text(json.dumps(doc))
    return folder


def _cadence(out: Path) -> float:
    return json.loads((out / "two" / "metrics.json").read_text())["summary"]["cadence_spm"]


def test_openpose_runner_at_the_point_is_followed(two_people, tmp_path):
    args = ("analyze", two_people, "--keypoint-fps", "60", "--no-report")
    assert _invoke(*args, "--out", tmp_path / "a").exit_code == 0
    assert _cadence(tmp_path / "a") == pytest.approx(185, abs=3)  # the more confident person by default
    # The left-hand runner's pelvis is near (200, 900 - 0.95 * 400) = (200, 520) in every frame.
    res = _invoke(*args, "--out", tmp_path / "b", "--runner", "210,520")
    assert res.exit_code == 0, res.output
    assert _cadence(tmp_path / "b") == pytest.approx(160, abs=3)


def test_openpose_runner_where_nobody_is(two_people, tmp_path):
    res = _invoke("analyze", two_people, "--keypoint-fps", "60", "--out", tmp_path / "o", "--runner", "1000,100")
    assert res.exit_code == 2
    assert "--runner 1000,100: nobody there" in _one_error_line(res)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("value", ["abc", "12", "1,2,3", "nan,3", "4,inf", "-5,10", "10,-1", ""])
def test_bad_runner_values_are_refused_in_one_line(two_people, tmp_path, value):
    res = _invoke("analyze", two_people, "--out", tmp_path / "o", "--runner", value)
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--runner'" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()


def test_runner_on_a_trc_is_refused(tmp_path):
    trc = write_trc(_run(170.0, 3), tmp_path / "run.trc")
    res = _invoke("analyze", trc, "--out", tmp_path / "o", "--runner", "10,10")
    assert res.exit_code == 2
    assert "run.trc is a TRC file, which holds one person" in _one_error_line(res)
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_video_runner_outside_the_frame_or_on_nobody(tmp_path):
    from tests.media import make_clip

    clip = make_clip(tmp_path / "c.mp4", duration_s=1.0)  # 202 x 360
    res = _invoke("analyze", clip, "--out", tmp_path / "o", "--runner", "500,100")
    assert res.exit_code == 2
    assert "--runner 500,100 is outside c.mp4's first frame (202x360 pixels as shown)" in _one_error_line(res)
    res = _invoke("analyze", clip, "--out", tmp_path / "o", "--runner", "2,2")
    assert res.exit_code == 4
    assert "no person found at 2,2" in _one_error_line(res)
    assert not (tmp_path / "o").exists()
