from pathlib import Path

import numpy as np
import pytest

from runform.errors import InputNotFound, UnreadableInput
from runform.io.trc import read_trc

from ..shared import SHARED, needs_shared

DATA = SHARED / "mocap-gt"
needs_data = needs_shared

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


def transform_trc(src, dst, fn=None, units=None, n_frames=None):
    """Copy a TRC with each marker's (X, Y, Z) replaced by ``fn(X, Y, Z)`` and optionally another Units."""
    lines = Path(src).read_text().splitlines()
    if units is not None:
        keys, vals = lines[1].split("\t"), lines[2].split("\t")
        vals[keys.index("Units")] = units
        lines[2] = "\t".join(vals)
    out = lines[:5]
    for line in lines[5:5 + n_frames if n_frames else None]:
        cells = line.split("\t")
        for m in range((len(cells) - 2) // 3):
            xyz = [float(v) if v.strip() else float("nan") for v in cells[2 + 3 * m: 5 + 3 * m]]
            if fn is not None and np.all(np.isfinite(xyz)):
                cells[2 + 3 * m: 5 + 3 * m] = [repr(float(v)) for v in fn(*xyz)]
        out.append("\t".join(cells))
    Path(dst).write_text("\n".join(out) + "\n")
    return Path(dst)


def _rotate(deg):
    a = np.radians(deg)
    return lambda X, Y, Z: (X * np.cos(a) - Z * np.sin(a), Y, X * np.sin(a) + Z * np.cos(a))


@needs_data
def test_pose2sim_file_running_along_z_reads_like_x(tmp_path):
    src = DATA / "RBDS001runT25_30hz.trc"
    swapped = transform_trc(src, tmp_path / "swapped.trc", lambda X, Y, Z: (Z, Y, X))
    a, b = read_trc(src), read_trc(swapped)
    assert (a.meta["forward_axis"], b.meta["forward_axis"]) == ("X", "Z")
    np.testing.assert_allclose(b.xy, a.xy, atol=1e-9)


@needs_data
@pytest.mark.parametrize("trial, turn, tol_deg", [
    ("RBDS001runT25_30hz.trc", 90, 1e-6),   # Pose2Sim: the runner faces +Z
    ("RBDS001runT25_30hz.trc", -90, 1e-6),  # ... or -Z
    ("RBDS001runT25_30hz.trc", 45, 0.1),    # between the axes: projected on the running direction
    ("P01_S01_Running_01_60hz.trc", 90, 1e-6),  # overground
])
def test_turned_trc_gives_the_same_analysis(tmp_path, trial, turn, tol_deg):
    from runform.pipeline import AnalysisConfig, analyze_keypoints, load_keypoints

    config = AnalysisConfig(use_model=False)
    src = DATA / trial
    turned = transform_trc(src, tmp_path / "turned.trc", _rotate(turn))
    results = []
    for path in (src, turned):
        kp, info = load_keypoints(path, config)
        results.append(analyze_keypoints(kp, info, config))
    a, b = results
    assert b.summary["cadence_spm"] == pytest.approx(a.summary["cadence_spm"], abs=0.2)
    assert len(b.contacts) == len(a.contacts)
    shin_a = np.array([s["shin_angle_ic_deg"] for s in a.contacts], float)
    shin_b = np.array([s["shin_angle_ic_deg"] for s in b.contacts], float)
    np.testing.assert_allclose(shin_b, shin_a, atol=max(tol_deg, 1e-3))
    assert b.summary["shin_angle_ic_deg"] == pytest.approx(a.summary["shin_angle_ic_deg"], abs=max(tol_deg, 1e-3))


@needs_data
@pytest.mark.parametrize("header, scale, units, factor", [
    ("mm", 1.0, "m", 1.0),        # metres labelled mm: a 0.9 mm leg otherwise
    ("m", 1000.0, "mm", 1.0),     # millimetres labelled m: a 900 m leg otherwise
    ("m", 100.0, "mm", 10.0),     # centimetres labelled m: read as mm
    ("cm", 100.0, "mm", 10.0),    # real centimetres: converted to mm, no note
])
def test_units_header_checked_against_the_body(tmp_path, header, scale, units, factor):
    src = DATA / "RBDS001runT25_30hz.trc"
    bad = transform_trc(src, tmp_path / "units.trc", lambda X, Y, Z: (X * scale, Y * scale, Z * scale),
                        units=header, n_frames=60)
    kp, ref = read_trc(bad), read_trc(src)
    assert kp.units == units
    np.testing.assert_allclose(kp.xy, ref.xy[:60] * scale * factor, rtol=1e-9)
    if header == "cm":
        assert kp.meta["quality"] == {}
    else:
        note = kp.meta["quality"]["trc_units"]
        assert f"says {header}" in note and f"read as {'cm' if factor == 10 else units}" in note


@needs_data
@pytest.mark.parametrize("scale", [20.0, 1e-5])  # an 18 m leg (18 mm, 18 cm); a 9 um leg
def test_body_size_no_unit_fits_is_refused(tmp_path, scale):
    bad = transform_trc(DATA / "RBDS001runT25_30hz.trc", tmp_path / "size.trc",
                        lambda X, Y, Z: (X * scale, Y * scale, Z * scale), n_frames=60)
    with pytest.raises(UnreadableInput, match="leg") as err:
        read_trc(bad)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("value", ["1e12", "-3e9", "inf", "-Infinity", "1e400"])
def test_absurd_values_are_refused(tmp_path, value):
    body = ("1\t0.00\t10\t900\t5\t12\t500\t5\t1\t2\t3\n"
            f"2\t0.01\t11\t{value}\t5\t13\t501\t5\t1\t2\t3\n")
    with pytest.raises(UnreadableInput) as err:
        read_trc(_write(tmp_path, body))
    assert "\n" not in str(err.value)
