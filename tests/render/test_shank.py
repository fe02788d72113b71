"""The rendered calf: the lower-leg silhouette's bisector is not the knee-ankle joint line."""

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from runform.synth.render.shank import shank_outline

H = 832.0  # body height in px (0.65 x 1280, as the samples draw it)
S = 0.246 * H


def _mask(shin_deg, calf, direction=1):
    knee = np.array([360.0, 400.0])
    a = np.radians(shin_deg)
    ankle = knee + S * np.array([direction * np.sin(a), np.cos(a)])
    img = np.zeros((1000, 720), np.uint8)
    poly = np.round(shank_outline(knee, ankle, H, direction, calf) * 16).astype(np.int32)
    cv2.fillPoly(img, [poly.reshape(-1, 1, 2)], 1, cv2.LINE_8, 4)
    return img, knee, ankle


def _bisector_angle(img, knee, ankle, direction, span=(0.2, 0.8)):
    """Shin angle (deg from vertical, + ankle ahead) of the line through the silhouette's mid-cuts."""
    u = (ankle - knee) / np.linalg.norm(ankle - knee)
    n = np.array([-u[1], u[0]])
    mids = []
    for f in np.linspace(*span, 13):
        c = knee + f * S * u
        offs = np.arange(-120, 120.25, 0.25)
        pts = c[None, :] + offs[:, None] * n[None, :]
        inside = img[np.round(pts[:, 1]).astype(int), np.round(pts[:, 0]).astype(int)] > 0
        idx = np.nonzero(inside)[0]
        mids.append(c + 0.5 * (offs[idx[0]] + offs[idx[-1]]) * n)
    m = np.asarray(mids)
    _, _, vt = np.linalg.svd(m - m.mean(axis=0))
    d = vt[0] if vt[0] @ u > 0 else -vt[0]
    return float(np.degrees(np.arctan2(direction * d[0], d[1])))


@settings(max_examples=10, deadline=None)
@given(shin=st.floats(-8.0, 16.0), direction=st.sampled_from([1, -1]))
def test_calf_turns_the_silhouette_bisector_forward(shin, direction):
    offsets = []
    for calf in (0.0, 1.0, 1.5):
        img, knee, ankle = _mask(shin, calf, direction)
        offsets.append(_bisector_angle(img, knee, ankle, direction) - shin)
    assert abs(offsets[0]) < 0.6  # no calf: the bisector is nearly the bone line
    assert 1.8 < offsets[1] < 3.4  # a typical calf reads the shin 2-3 deg forward
    assert offsets[2] > offsets[1] + 0.5


def test_calf_is_behind_the_tibia_in_the_upper_half():
    knee, ankle = np.array([0.0, 0.0]), np.array([0.0, S])
    poly = shank_outline(knee, ankle, H, 1, 1.0)
    plain = shank_outline(knee, ankle, H, 1, 0.0)
    # Running toward +x: the back of the leg is -x. The calf only moves the back edge, upper half.
    upper = (poly[:, 1] > 0.15 * S) & (poly[:, 1] < 0.45 * S)
    assert poly[upper, 0].min() < plain[upper, 0].min() - 0.009 * H
    assert poly[upper, 0].max() == pytest.approx(plain[upper, 0].max(), abs=1e-9)
    lower = poly[:, 1] > 0.9 * S
    assert poly[lower, 0].min() == pytest.approx(plain[lower, 0].min(), abs=1e-6)
