"""The three training sources: traceable rows, labels on truth, simulated camera."""

import csv

import numpy as np
import pytest

from runform.synth import datasets as ds
from runform.classify.features import FEATURE_NAMES
from runform.synth.runner import GaitParams, generate_run

IDX = {n: i for i, n in enumerate(FEATURE_NAMES)}


def test_label_rule():
    rule = ds.LabelRule()
    assert rule([12.0, 12.0, 9.9, 10.0], [10.0, 30.0, 5.0, 25.0]).tolist() == [1, 0, 0, 1]


def test_phone_camera_is_seeded_and_keeps_missing_points():
    kp, _ = generate_run(GaitParams(fps=30.0, duration_s=2.0))
    a = ds.phone_camera(kp, 1, np.random.default_rng(1))
    b = ds.phone_camera(kp, 1, np.random.default_rng(1))
    np.testing.assert_array_equal(a.xy, b.xy)
    assert a.xy.shape == kp.xy.shape and np.isnan(a.xy).any()  # dropouts
    err = np.nanmedian(np.linalg.norm(a.xy - kp.xy, axis=-1))
    leg = 0.491 * 1.75
    assert 0.01 * leg < err < 0.10 * leg  # a few percent of leg length, as measured on videos


@pytest.mark.parametrize("shin, foot", [(8.0, 12.0), (2.0, -5.0), (14.0, 20.0)])
def test_derived_overstride_matches_the_synthetic_truth(shin, foot):
    # The planar formula uses the synthetic model's segment fractions, so it must reproduce its
    # truth; 2000 fps puts a frame within 0.25 ms of the exact IC.
    from runform.keypoints import INDEX

    kp, truth = generate_run(GaitParams(shin_angle_ic_deg=shin, foot_strike_angle_ic_deg=foot, fps=2000.0,
                                        duration_s=1.0))
    st = truth["stances"][0]
    t = np.argmin(np.abs(kp.time_s - st["ic_time_s"]))
    hip, knee = kp.xy[t, INDEX[f"{st['foot']}_hip"]], kp.xy[t, INDEX[f"{st['foot']}_knee"]]
    thigh = np.degrees(np.arctan2(knee[0] - hip[0], knee[1] - hip[1]))
    derived = ds.derived_overstride_pct_leg(thigh, st["shin_angle_ic_deg"], st["foot_strike_angle_ic_deg"])
    # Heel ahead of the *hip*; the synthetic truth is ahead of the pelvis, 1 cm behind the right hip.
    assert derived == pytest.approx(st["overstride_pct_leg"] - 1.16, abs=0.3)


def test_mocap_rows_are_traceable(shared_data):
    rows = ds.mocap_rows(shared_data / "mocap-gt", seed=0, noisy_views=0)
    assert set(rows["source"]) == {"mocap"}
    assert set(rows["subject"]) == {"RBDS001", "P01"}  # RBDS001 is the same runner as in population
    assert all(o.endswith(".trc") for o in rows["origin"])
    assert rows["y"].sum() == 0  # nobody in mocap-gt overstrides by the label
    rbds = rows["subject"] == "RBDS001"
    assert rbds.sum() > 150  # 77 stances at 150 and 60 Hz (and fewer matched at 30 Hz)
    assert np.nanmedian(rows["true_shin"][rbds]) == pytest.approx(6.0, abs=1.0)


def test_population_rows_label_the_mean_stride(shared_data):
    path = shared_data / "population" / "ic_kinematics.csv"
    pool = {"X": np.zeros((4, len(FEATURE_NAMES))), "truth": np.zeros((4, len(FEATURE_NAMES))),
            "view": np.array(["a", "a", "b", "b"])}  # zero measurement error: features = truth + spread
    rows = ds.population_rows(path, pool, seed=0, draws_per_row=4)
    with open(path, newline="") as fh:
        ok = [r for r in csv.DictReader(fh) if r["qc_ic_ok"] == "True"]
    assert len(rows["y"]) == 4 * len(ok)
    expected = ds.LabelRule()([float(r["shin_angle_ic_deg"]) for r in ok],
                              [float(r["knee_flexion_ic_deg"]) for r in ok])
    np.testing.assert_array_equal(rows["y"][::4], expected)
    assert len(set(rows["subject"])) == 53
    assert np.isnan(rows["X"][:, IDX["cadence_norm"]]).all()  # not in the table: left to the imputer
    shin_med = rows["X"][::4, IDX["shin_angle_foot_median_deg"]]
    np.testing.assert_allclose(shin_med, [float(r["shin_angle_ic_deg"]) for r in ok], atol=3.0)
