import numpy as np
import pytest

from runform.geometry import estimate_geometry, leg_length, running_direction
from runform.io.trc import read_trc
from runform.keypoints import INDEX, Keypoints


def _mirror(kp: Keypoints) -> Keypoints:
    xy = kp.xy.copy()
    xy[..., 0] *= -1
    return kp.with_xy(xy)


def test_geometry_on_treadmill_mocap(shared_data):
    kp = read_trc(shared_data / "mocap-gt" / "RBDS001runT25_60hz.trc")
    g = estimate_geometry(kp)
    assert g.direction == 1  # X forward in the TRC
    assert g.treadmill
    assert g.near_side is None  # mocap: both legs equally sure
    assert 0.75 < g.leg_length < 0.95  # metres, hip to ankle
    assert abs(g.ground_y) < 0.1  # y down, the belt at Y = 0
    assert running_direction(_mirror(kp)) == -1


def test_geometry_overground(shared_data):
    kp = read_trc(shared_data / "mocap-gt" / "P01_S01_Running_01.trc")
    assert not estimate_geometry(kp).treadmill


def test_near_side_from_confidence(shared_data):
    kp = read_trc(shared_data / "mocap-gt" / "RBDS001runT25_30hz.trc")
    conf = kp.confidence.copy()
    for j in ("hip", "knee", "ankle", "heel", "toe"):
        conf[:, INDEX[f"left_{j}"]] = 0.5
    assert estimate_geometry(Keypoints(kp.xy, conf, kp.time_s, units=kp.units)).near_side == "right"


def test_leg_length_is_thigh_plus_shank():
    n = 5
    kp = Keypoints.empty(n, np.arange(n) / 30.0)
    xy = kp.xy.copy()
    for side in ("left", "right"):
        xy[:, INDEX[f"{side}_hip"]] = (0, 0)
        xy[:, INDEX[f"{side}_knee"]] = (30, 40)
        xy[:, INDEX[f"{side}_ankle"]] = (30, 90)
    assert leg_length(kp.with_xy(xy)) == pytest.approx(100.0)
