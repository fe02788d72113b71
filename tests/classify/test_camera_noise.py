"""The simulated phone's video offsets (runform.synth.camera_noise), matched to real video."""

import numpy as np
import pytest

from runform.metrics.contact import Contact
from runform.synth.camera_noise import CameraNoise, silhouette_shin, video_heel_ahead


def _pairs(n=40):
    return [(Contact(foot="left", ic_time_s=0.35 * i, overstride_pct_leg=10.0 + i % 3,
                     shin_angle_ic_deg=5.0), {"shin_angle_ic_deg": 4.0}) for i in range(n)] + \
        [(Contact(foot="right", ic_time_s=99.0), {"shin_angle_ic_deg": None})]


def test_heel_ahead_gets_one_offset_per_video():
    pairs = _pairs()
    out = video_heel_ahead(pairs, np.random.default_rng(1))
    shift = np.array([s.overstride_pct_leg - p.overstride_pct_leg for (s, _), (p, _) in zip(out[:-1], pairs[:-1])])
    assert np.ptp(shift) < 1e-9  # one video, one offset
    assert out[-1][0].overstride_pct_leg is None  # nothing measured, nothing invented
    assert pairs[0][0].overstride_pct_leg == 10.0  # the given records are unchanged


def test_offsets_over_videos_follow_the_real_clips_measurement():
    """Across many videos the offsets centre on the configured mean (+5.5 % leg) with its sd."""
    rng = np.random.default_rng(7)
    pairs = _pairs(1)
    shifts = [video_heel_ahead(pairs, rng)[0][0].overstride_pct_leg - 10.0 for _ in range(2000)]
    mean, sd = CameraNoise().overstride_video_bias_pct_leg
    assert np.mean(shifts) == pytest.approx(mean, abs=0.3) and np.std(shifts) == pytest.approx(sd, abs=0.3)


def test_silhouette_shin_is_truth_plus_offset_and_scatter():
    out = silhouette_shin(_pairs(400), np.random.default_rng(3), CameraNoise(shin_video_bias_deg=(2.0, 0.0)))
    err = np.array([s.shin_angle_ic_deg - 4.0 for s, _ in out[:-1]])
    assert np.mean(err) == pytest.approx(2.0, abs=0.4) and np.std(err) == pytest.approx(2.5, abs=0.3)
    assert out[-1][0].shin_angle_ic_deg is None
