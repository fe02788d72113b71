"""Vertical oscillation: how far the body rises and falls in each step, read twice.

The body's centre of mass rises and falls once per step (one contact to the next, either
foot). Video cannot see the centre of mass; it sees landmarks on the body, and the two
that ride on it are the pelvis and the head (the trunk between them is nearly rigid in the
vertical: head nodding adds a centimetre or so). Each has its own error on video: a
hip landmark is pulled along the thigh as it swings (on the real treadmill clip
``male_side.mp4`` the pelvis landmarks ranged 1.6 times as far per step as the head and
the shoulders), and a head landmark follows nodding. So the bounce is read from both, and
the reading is trusted only when the two agree.

Heights are in the keypoints' units, y down, on keypoints already turned to the true
vertical (:func:`runform.camera.tilt.level_keypoints`); results are percent of the leg
length (hip-to-ankle, :class:`runform.geometry.RunnerGeometry`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["OscillationConfig", "Oscillation", "step_ranges", "vertical_oscillation"]


@dataclass(frozen=True)
class OscillationConfig:
    """When the two readings of the bounce count as one.

    Attributes
    ----------
    max_disagreement : float
        Largest relative difference between the pelvis and head readings (median per-step
        ranges, ``|p - h| / mean(p, h)``) still taken as the same bounce: about twice the
        9 % by which the two differ on motion capture (P01, markers, no landmark error),
        i.e. ~1 cm on a ~9 cm bounce. On the real treadmill clips the video readings
        differed by 47 % (``male_side.mp4``) and 28 % (the gym clip).
    min_steps : int
        Fewest steps with both readings for any verdict on agreement.
    """

    max_disagreement: float = 0.2
    min_steps: int = 3

    def __post_init__(self) -> None:
        if not 0.0 < self.max_disagreement < 2.0:
            raise ValueError(f"max_disagreement must be in (0, 2), got {self.max_disagreement}")
        if self.min_steps < 1:
            raise ValueError(f"min_steps must be >= 1, got {self.min_steps}")


@dataclass(frozen=True)
class Oscillation:
    """The bounce per step, read from the pelvis and from the head.

    Attributes
    ----------
    pelvis_pct_leg, head_pct_leg : float or None
        Median per-step height range (% leg) of each reading; None without enough steps.
    steps : int
        Steps with both readings.
    disagreement : float or None
        ``|pelvis - head| / mean(pelvis, head)``.
    agree : bool
        True when both readings exist on at least ``min_steps`` steps and differ by no
        more than ``max_disagreement``.
    """

    pelvis_pct_leg: float | None
    head_pct_leg: float | None
    steps: int
    disagreement: float | None
    agree: bool

    @property
    def value_pct_leg(self) -> float | None:
        """The bounce (% leg): the mean of the two readings when they agree, else the pelvis's."""
        if self.agree:
            return 0.5 * (self.pelvis_pct_leg + self.head_pct_leg)
        return self.pelvis_pct_leg


def step_ranges(time_s: np.ndarray, height: np.ndarray, contacts_s: np.ndarray, min_samples: int = 3) -> np.ndarray:
    """Range (max - min) of ``height`` over each step, from one contact to the next.

    Parameters
    ----------
    time_s : ndarray, shape (frames,)
        Frame times (s).
    height : ndarray, shape (frames,)
        A vertical coordinate (any units; NaN where missing).
    contacts_s : ndarray
        Initial-contact times (s) of both feet.
    min_samples : int
        A step with fewer finite samples is NaN.

    Returns
    -------
    ndarray, shape (len(contacts_s) - 1,)
        Per-step range, in ``height``'s units; NaN where not measurable.
    """
    contacts = np.sort(np.asarray(contacts_s, float))
    out = np.full(max(contacts.size - 1, 0), np.nan)
    for i in range(out.size):
        h = height[(time_s >= contacts[i]) & (time_s <= contacts[i + 1])]
        h = h[np.isfinite(h)]
        if h.size >= min_samples:
            out[i] = float(h.max() - h.min())
    return out


def vertical_oscillation(time_s: np.ndarray, pelvis_y: np.ndarray, head_y: np.ndarray, contacts_s: np.ndarray,
                         leg_length: float, config: OscillationConfig = OscillationConfig()) -> Oscillation:
    """The bounce per step from the pelvis and the head, and whether the two agree.

    Parameters
    ----------
    time_s : ndarray, shape (frames,)
        Frame times (s).
    pelvis_y, head_y : ndarray, shape (frames,)
        Heights (y down, the keypoints' units) of the pelvis and the head.
    contacts_s : ndarray
        Initial-contact times (s) of both feet.
    leg_length : float
        Hip-to-ankle length in the same units.
    """
    none = Oscillation(None, None, 0, None, False)
    if not (np.isfinite(leg_length) and leg_length > 0):
        return none
    p = step_ranges(time_s, pelvis_y, contacts_s)
    h = step_ranges(time_s, head_y, contacts_s)
    both = np.isfinite(p) & np.isfinite(h)
    if not np.any(both):  # the pelvis alone, over the steps it was seen in
        seen = p[np.isfinite(p)]
        return Oscillation(float(np.median(seen)) * 100.0 / leg_length if seen.size else None, None, 0, None, False)
    pel = float(np.median(p[both])) * 100.0 / leg_length
    head = float(np.median(h[both])) * 100.0 / leg_length
    mean = 0.5 * (pel + head)
    dis = abs(pel - head) / mean if mean > 0 else None
    steps = int(np.sum(both))
    agree = dis is not None and steps >= config.min_steps and dis <= config.max_disagreement
    return Oscillation(pel, head, steps, dis, agree)
