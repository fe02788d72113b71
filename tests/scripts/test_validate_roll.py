"""scripts/validate_roll.py: rolled copies judged against a level copy at their own zoom."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_videos" / "before_retraining_30fps.mp4"


@pytest.fixture()
def validate_roll():
    spec = importlib.util.spec_from_file_location("validate_roll", ROOT / "scripts" / "validate_roll.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["validate_roll"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("shins, passed", [
    ({0.0: 12.0, 5.0: 13.4, -5.0: 10.6}, True),
    ({0.0: 12.0, 5.0: 13.6, -5.0: 12.0}, False),  # +5 deg copy 1.6 deg off
])
def test_copies_share_the_zoom_and_the_tolerance_is_applied(validate_roll, tmp_path, monkeypatch, shins, passed):
    """The pipeline's readings are stubbed; the copies (1 s of a bundled sample) are real."""
    seen = []

    def fake_read(path, cache):
        seen.append(path.name)
        deg = float(path.stem.rsplit("_", 1)[1])
        return deg, shins[deg], shins[deg]

    monkeypatch.setattr(validate_roll, "read_copy", fake_read)
    assert validate_roll.check_sample(SAMPLE, 1.0, tmp_path, None) is passed
    assert sorted(seen) == sorted(f"before_retraining_30fps_1s_{d}.mp4" for d in ("+0", "+5", "-5"))
    zooms = {json.loads((tmp_path / f"before_retraining_30fps_1s_{d}.truth.json").read_text())["camera"]
             ["rotated_copy"]["zoom"] for d in ("+0", "+5", "-5")}
    assert len(zooms) == 1 and zooms.pop() > 1.1  # the level copy at the rolled copies' zoom


def test_a_roll_found_off_fails(validate_roll, tmp_path, monkeypatch):
    monkeypatch.setattr(validate_roll, "read_copy", lambda path, cache: (
        {"+0": 0.0, "+5": 5.3, "-5": -5.0}[path.stem.rsplit("_", 1)[1]], 12.0, 12.0))
    assert not validate_roll.check_sample(SAMPLE, 1.0, tmp_path, None)
