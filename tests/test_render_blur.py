"""Motion blur of the rendered runner (SceneConfig.shutter): the picture smears, the truth does not move."""

from dataclasses import replace

import av
import numpy as np

from runform.synth.render.figure import SceneConfig, render_run
from runform.synth.runner import GaitParams

RUNNER = GaitParams(fps=30.0, duration_s=0.4, heel_lead_s=0.04, joint_smoothing_s=0.006)
SCENE = SceneConfig(width=180, height=320)


def _frames(path):
    with av.open(str(path)) as c:
        return np.stack([f.to_ndarray(format="rgb24").astype(float) for f in c.decode(video=0)])


def test_shutter_blurs_moving_limbs_but_keeps_truth(tmp_path):
    sharp = render_run(RUNNER, SCENE, tmp_path / "sharp.mp4")
    blur = render_run(RUNNER, replace(SCENE, shutter=0.5), tmp_path / "blur.mp4")
    assert blur["frames"] == sharp["frames"] == 12
    for name, pts in sharp["points"].items():
        np.testing.assert_allclose(blur["points"][name], pts, atol=1e-6)
    assert blur["truth"]["events"] == sharp["truth"]["events"]
    assert blur["truth"]["params"]["fps"] == RUNNER.fps
    a, b = _frames(tmp_path / "sharp.mp4"), _frames(tmp_path / "blur.mp4")
    diff = np.abs(a - b).mean(axis=-1)
    # The static background is the same; the moving figure is not. Blur softens edges:
    # the sum of horizontal gradients falls.
    assert np.median(diff) < 2.0
    assert diff.max() > 40.0
    grad = lambda f: np.abs(np.diff(f.mean(axis=-1), axis=2)).sum()
    assert grad(b) < 0.97 * grad(a)
