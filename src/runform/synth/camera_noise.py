"""A simulated phone camera and pose model, for training rows from exact kinematics.

:func:`phone_camera` turns exact keypoints into what MediaPipe makes of a phone video
(camera misalignment, correlated landmark noise, dropouts); :func:`silhouette_shin` sets
the shin angle as :mod:`runform.pose.silhouette` measures it on video. The amplitudes come
from ``scripts/bench_accuracy.py`` on the rendered samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from ..keypoints import INDEX, Keypoints
from ..metrics.contact import Contact

#: Landmarks whose pose error is "distal" (~5 % leg median) vs "proximal" (~3.5 %).
DISTAL = tuple(INDEX[n] for n in ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_toe", "right_toe"))
#: median |2D error| = 1.177 sigma for an isotropic Gaussian.
_MEDIAN_TO_SIGMA = 1.0 / np.sqrt(2.0 * np.log(2.0))


@dataclass(frozen=True)
class CameraNoise:
    """A phone camera and pose model, as measured on the sample videos.

    Attributes
    ----------
    proximal_median_leg, distal_median_leg : float
        Median landmark error as a fraction of leg length (hips/knees/shoulders; ankles/feet).
    distal_forward_bias_leg : (float, float)
        Range of the forward bias of ankle/heel/toe landmarks (fraction of leg).
    common_fraction : float
        Share of the error variance common to all landmarks of a frame (a whole-figure
        shift): pose errors of neighbouring joints are correlated.
    slow_fraction : float
        Share of the error variance that drifts slowly (AR(1), ``slow_tau_s``) rather
        than jittering frame to frame: pose errors are correlated in time.
    yaw_deg, pitch_deg, roll_deg : float
        Largest camera misalignment from side-on (uniform in +-).
    dropout_rate : float
        Expected gaps per landmark per second; each gap lasts 1-6 frames.
    fps_choices : tuple of float
        Capture rates drawn per run.
    shin_video_bias_deg : (float, float)
        Mean and sd (deg) of a per-video offset of the shin angle at contact. Video shins
        are the knee->ankle joint centres on the silhouette (:mod:`runform.pose.silhouette`)
        at the sole's touchdown, from the true vertical, not these noisy landmarks: on the
        hand-annotated real clip the mean error is +0.3 deg (16 contacts); the sd (2 deg) is
        a guess for runners, clothes and cameras not measured.
    shin_stride_sd_deg : float
        Per-contact scatter (deg) of that shin around the offset: 3.2 deg against the real
        annotation, which itself scatters by up to +/-4 deg; 2.5 taken.
    overstride_video_bias_pct_leg : (float, float)
        Mean and sd (% leg) of a per-video offset added to heel ahead of hip, on top of what
        the landmark noise above makes of it (median +1.0 % leg on the simulated views). On
        the hand-annotated real clip video reads the heel +6.8 to +7.5 % leg further ahead of
        the hip than the truth (16 contacts; the silhouette's heel a few px ahead of the shoe's
        blurred rear end, MediaPipe's near hip ~10 px behind the greater trochanter): +5.5 more
        is added; the sd (3) is a guess for runners, clothes and cameras not measured.
    """

    proximal_median_leg: float = 0.035
    distal_median_leg: float = 0.05
    distal_forward_bias_leg: tuple[float, float] = (0.0, 0.02)
    slow_fraction: float = 0.5
    slow_tau_s: float = 0.3
    common_fraction: float = 0.5
    yaw_deg: float = 8.0
    pitch_deg: float = 5.0
    roll_deg: float = 2.0
    dropout_rate: float = 0.15
    fps_choices: tuple[float, ...] = (30.0, 60.0, 120.0, 240.0)
    shin_video_bias_deg: tuple[float, float] = (0.3, 2.0)
    shin_stride_sd_deg: float = 2.5
    overstride_video_bias_pct_leg: tuple[float, float] = (5.5, 3.0)


def phone_camera(kp: Keypoints, direction: int, rng: np.random.Generator, noise: CameraNoise = CameraNoise(),
                 scale: float = 1.0) -> Keypoints:
    """What a phone and a pose model make of an exact sagittal keypoint series.

    Parameters
    ----------
    kp : Keypoints
        Exact keypoints (x right, y down), any units.
    direction : int
        +1 when the runner faces +x; sets the sign of the forward ankle bias.
    rng : numpy Generator
        All randomness (seeded by the caller).
    scale : float
        Multiplies every noise amplitude (a run's "pose difficulty").

    Returns
    -------
    Keypoints
        Same frames and units, with camera yaw (x shortened by cos yaw), pitch (y by cos
        pitch), roll, temporally correlated landmark noise, a forward bias of distal
        landmarks and dropouts (NaN, confidence 0).
    """
    xy = kp.xy.copy()
    n, k, _ = xy.shape
    finite = np.isfinite(xy[..., 0])
    hip = kp.point("pelvis")
    leg = float(np.nanmedian(np.linalg.norm(kp.point("right_hip") - kp.point("right_knee"), axis=1)
                             + np.linalg.norm(kp.point("right_knee") - kp.point("right_ankle"), axis=1)))
    centre = np.nanmean(hip, axis=0)
    yaw, pitch, roll = np.radians(rng.uniform(-1, 1, 3) * (noise.yaw_deg, noise.pitch_deg, noise.roll_deg))
    xy = xy - centre
    xy[..., 0] *= np.cos(yaw)  # the sagittal plane seen obliquely is foreshortened horizontally
    xy[..., 1] *= np.cos(pitch)
    c, s = np.cos(roll), np.sin(roll)
    xy = np.stack([c * xy[..., 0] - s * xy[..., 1], s * xy[..., 0] + c * xy[..., 1]], axis=-1) + centre
    sigma = np.full(k, noise.proximal_median_leg * _MEDIAN_TO_SIGMA * leg * scale)
    sigma[list(DISTAL)] = noise.distal_median_leg * _MEDIAN_TO_SIGMA * leg * scale
    fps = kp.fps if np.isfinite(kp.fps) else 30.0
    rho = np.exp(-1.0 / (noise.slow_tau_s * fps))
    white = rng.normal(size=(n, k, 2))
    innov = rng.normal(size=(n, k, 2)) * np.sqrt(1.0 - rho ** 2)
    innov[0] = rng.normal(size=(k, 2))  # start in the stationary state
    # AR(1) with unit variance and correlation time slow_tau_s: s[i] = rho s[i-1] + e[i].
    slow = lfilter([1.0], [1.0, -rho], innov, axis=0)
    err = np.sqrt(1.0 - noise.slow_fraction) * white + np.sqrt(noise.slow_fraction) * slow
    # Part of a pose model's error moves the whole figure together (it shifts, not bends, the
    # skeleton), so it does not change segment angles; only the rest is per landmark.
    common = err[:, :1, :] if k else err
    err = np.sqrt(noise.common_fraction) * common + np.sqrt(1.0 - noise.common_fraction) * err
    xy = xy + err * sigma[None, :, None]
    xy[:, list(DISTAL), 0] += direction * rng.uniform(*noise.distal_forward_bias_leg) * leg * scale
    conf = np.where(finite, rng.uniform(0.6, 1.0, size=(n, k)), 0.0)
    n_gaps = rng.poisson(noise.dropout_rate * kp.time_s[-1] * k * scale) if n > 1 else 0
    for _ in range(n_gaps):
        j, i0 = rng.integers(k), rng.integers(n)
        i1 = min(n, i0 + int(rng.integers(1, 7)))
        xy[i0:i1, j] = np.nan
        conf[i0:i1, j] = 0.0
    xy[~finite] = np.nan
    return kp.with_xy(xy, conf)


def silhouette_shin(pairs: list[tuple[Contact, dict]], rng: np.random.Generator, noise: CameraNoise = CameraNoise(),
                    truth_key: str = "shin_angle_ic_deg") -> list[tuple[Contact, dict]]:
    """The pairs with each measured contact's shin angle as the silhouette would read it.

    Truth plus one offset per video plus per-contact scatter (``noise.shin_*``); a contact whose
    true shin is unknown gets None. Returns new contact records; the given ones are unchanged.
    """
    bias = float(rng.normal(*noise.shin_video_bias_deg))
    out = []
    for s, t in pairs:
        true = t.get(truth_key)
        shin = None if true is None else float(true + bias + rng.normal(0.0, noise.shin_stride_sd_deg))
        out.append((s.with_values(shin_angle_ic_deg=shin), t))
    return out


def video_heel_ahead(pairs: list[tuple[Contact, dict]], rng: np.random.Generator,
                     noise: CameraNoise = CameraNoise()) -> list[tuple[Contact, dict]]:
    """The pairs with heel ahead of hip (``overstride_pct_leg``) offset as real video reads it.

    One offset per video (``noise.overstride_video_bias_pct_leg``), added to the measured
    value; a contact without one stays None. Returns new contact records.
    """
    bias = float(rng.normal(*noise.overstride_video_bias_pct_leg))
    return [(s if s.overstride_pct_leg is None else s.with_values(overstride_pct_leg=s.overstride_pct_leg + bias), t)
            for s, t in pairs]


__all__ = ["CameraNoise", "phone_camera", "silhouette_shin", "video_heel_ahead", "DISTAL"]
