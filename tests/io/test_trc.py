from pathlib import Path

import numpy as np
import pytest

from runform.errors import InputNotFound, UnreadableInput
from runform.io.trc import read_trc

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mocap-gt"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data absent")

HEADER = (
    "PathFileType\t4\t(X/Y/Z)\ttiny.trc\n"
    "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n"
    "100\t100\t3\t3\t{units}\t100\t1\t3\n"
    "Frame#\tTime\tHip\t\t\tRKnee\t\t\tRSmallToe\t\t\n"
    "\t\tX1\tY1\tZ1\tX2\tY2\tZ2\tX3\tY3\tZ3\n"
)


def _write(tmp_path, body, units="mm"):
    p = tmp_path / "tiny.trc"
    p.write_text(HEADER.format(units=units) + body)
    return p


@needs_data
def test_shared_trc():
    kp = read_trc(DATA / "RBDS001runT25_30hz.trc")
    assert kp.units == "m" and len(kp) == 900
    assert kp.fps == pytest.approx(30, rel=1e-3)
    assert kp.time_s[0] == 0
    # pelvis Y = 1.06268 m up -> y = -1.06268 (y down)
    assert kp.point("pelvis")[0, 1] == pytest.approx(-1.06268)
    assert kp.point("pelvis")[0, 0] == pytest.approx(2.25390)
    # feet are below (larger y than) the pelvis
    assert np.nanmedian(kp.point("right_heel")[:, 1]) > np.nanmedian(kp.point("pelvis")[:, 1])
    assert not kp.has("neck")
    assert np.all(kp.conf("neck") == 0) and np.all(kp.conf("right_toe") == 1)


def test_tiny_mm_with_missing(tmp_path):
    body = ("1\t0.00\t10\t900\t5\t12\t500\t5\t1\t2\t3\n"
            "2\t0.01\t11\t901\t5\t\t\t\t1\t2\t3\n"
            "3\t0.02\t12\t902\t5\t14\t502\t5\t1\t2\t3\n")
    kp = read_trc(_write(tmp_path, body))
    assert kp.units == "mm"
    np.testing.assert_allclose(kp.time_s, [0, 0.01, 0.02])
    np.testing.assert_allclose(kp.point("pelvis")[:, 1], [-900, -901, -902])
    knee = kp.point("right_knee")
    assert np.isnan(knee[1]).all() and kp.conf("right_knee")[1] == 0
    assert knee[2, 0] == 14 and kp.conf("right_knee")[2] == 1
    # unmapped marker ignored, absent ones NaN
    assert np.isnan(kp.point("right_heel")).all()


def test_missing_file(tmp_path):
    with pytest.raises(InputNotFound):
        read_trc(tmp_path / "nope.trc")


@pytest.mark.parametrize("text", [
    "hello\nworld\n",
    HEADER.format(units="furlong") + "1\t0\t1\t2\t3\t1\t2\t3\t1\t2\t3\n",
    HEADER.format(units="m") + "1\t0\tabc\t2\t3\t1\t2\t3\t1\t2\t3\n",
    HEADER.format(units="m"),
])
def test_malformed(tmp_path, text):
    p = tmp_path / "bad.trc"
    p.write_text(text)
    with pytest.raises(UnreadableInput) as err:
        read_trc(p)
    assert "\n" not in str(err.value)
