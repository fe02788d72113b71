"""scripts/contact_errors.py on a render whose swing into contact follows real runners' curves."""

import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from runform.synth.render.figure import render_run
from runform.synth.render.samples import SAMPLES, truth_document

ROOT = Path(__file__).resolve().parents[2]


def _script():
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("contact_errors", ROOT / "scripts" / "contact_errors.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_real_runner_render_reads_like_real_video(tmp_path):
    """A 4 s cut of the bundled 30 fps 'before' runner, who moves through contact as one real runner
    (RBDS001 L; README, "Rendered samples"): touchdown to ~0.2 frame and the shin to ~2.5 deg, as on the
    annotated real clip (0.30 frame, 2.7 deg)."""
    params, scene = SAMPLES["before_retraining_30fps"]
    assert params.late_swing and params.population_runner is not None
    params = replace(params, duration_s=4.0)
    result = render_run(params, scene, tmp_path / "ls.mp4")
    (tmp_path / "ls.truth.json").write_text(json.dumps(truth_document("ls", result)))
    r = _script().contact_errors(tmp_path / "ls.truth.json")
    ic = np.array([row[2] for row in r["rows"]])
    shin = np.array([row[3] for row in r["rows"]])
    assert len(r["rows"]) >= r["true"] - 1 >= 5
    assert np.median(np.abs(ic)) <= 0.5
    assert np.nanmedian(np.abs(shin)) <= 3.5
