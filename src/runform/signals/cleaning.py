"""Signal cleaning: short-gap filling, zero-lag low-pass, left/right leg-swap repair, foot spikes.

Each function is pure: it takes arrays (or :class:`Keypoints`) and returns new ones.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import butter, sosfiltfilt

from ..geometry import leg_length
from ..keypoints import INDEX, Keypoints
from ..pose.silhouette import SILHOUETTE_POINTS


@dataclass(frozen=True)
class SignalConfig:
    """Settings for :func:`clean_keypoints`.

    Attributes
    ----------
    max_gap_s : float
        Gaps up to this long (seconds) are filled by linear interpolation; longer
        gaps stay NaN so no metric rests on invented data.
    cutoff_hz : float or None
        Low-pass cut-off (Hz) of the 4th-order zero-lag Butterworth. Running
        kinematics carry little power above ~10 Hz; it is lowered to 40% of the
        sampling rate when the frame rate is low. None skips filtering (motion
        capture that was filtered already).
    order : int
        Butterworth order (applied forward and backward, so the effective order is double).
    min_confidence : float
        Landmarks below this confidence are treated as missing before filtering.
    fix_swaps : bool
        Repair frames where the pose model swapped the left and right leg labels.
    unfiltered : tuple of str
        Keypoints that are never low-passed: the soles, whose sudden stop at touchdown is
        the evidence of initial contact (a low-pass would spread it over several frames).
    foot_spike_leg : float or None
        A foot whose landmarks (ankle, heel, toe) lie further than this (fraction of the leg
        length) from their path (:func:`find_foot_spikes`) is a pose-model slip for that frame:
        its foot points, and the silhouette points seeded by them, are treated as missing. None
        skips the check (motion capture).
    foot_spike_frames : int
        Width (frames, odd) of the running median the path is first judged by.
    """

    max_gap_s: float = 0.1
    cutoff_hz: float | None = 10.0
    order: int = 4
    min_confidence: float = 0.3
    fix_swaps: bool = True
    unfiltered: tuple[str, ...] = ("left_sole", "right_sole")
    foot_spike_leg: float | None = 0.2
    foot_spike_frames: int = 5


def fill_short_gaps(x: np.ndarray, t: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate NaN runs no longer than ``max_gap_s`` seconds.

    Parameters
    ----------
    x : ndarray, shape (frames,)
        Signal with NaN where missing.
    t : ndarray, shape (frames,)
        Timestamps in seconds.
    max_gap_s : float
        Longest gap to fill, measured between the valid samples on either side
        minus one frame interval.

    Returns
    -------
    ndarray
        A copy with short interior gaps filled; leading/trailing and long gaps stay NaN.
    """
    x = np.array(x, dtype=float)
    ok = np.isfinite(x)
    if ok.all() or ok.sum() < 2:
        return x
    idx = np.flatnonzero(ok)
    for a, b in zip(idx[:-1], idx[1:]):
        if b - a > 1:
            gap = (t[b] - t[a]) - (t[b] - t[a]) / (b - a)
            if gap <= max_gap_s + 1e-9:
                x[a + 1 : b] = np.interp(t[a + 1 : b], [t[a], t[b]], [x[a], x[b]])
    return x


def contiguous_runs(valid: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the runs of True in a boolean array."""
    v = np.concatenate([[False], np.asarray(valid, bool), [False]])
    edges = np.flatnonzero(np.diff(v.astype(int)))
    return list(zip(edges[::2], edges[1::2]))


def lowpass(x: np.ndarray, fs: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Zero-lag Butterworth low-pass applied separately to each contiguous finite chunk.

    Chunks too short for ``sosfiltfilt``'s padding are returned unfiltered.

    Parameters
    ----------
    x : ndarray, shape (frames,)
    fs : float
        Sampling rate in Hz.
    cutoff_hz : float
        Cut-off in Hz; clipped to 40% of ``fs``.
    """
    x = np.array(x, dtype=float)
    wn = min(cutoff_hz, 0.4 * fs) / (fs / 2.0)
    sos = butter(order, wn, btype="low", output="sos")
    padlen = 3 * (2 * len(sos) + 1)
    for a, b in contiguous_runs(np.isfinite(x)):
        if b - a > padlen:
            x[a:b] = sosfiltfilt(sos, x[a:b])
    return x


_LEG_JOINTS = ("knee", "ankle", "heel", "toe")


def find_leg_swaps(xy: np.ndarray, ratio: float = 0.25) -> np.ndarray:
    """Frames whose left/right leg labels are swapped relative to the track.

    Walks forward in time predicting both legs from their last two positions; a
    frame is flagged when assigning its legs crosswise costs less than ``ratio``
    times the straight assignment (sum of joint distances).

    Parameters
    ----------
    xy : ndarray, shape (frames, K, 2)
    ratio : float
        How much better the crossed assignment must fit (0-1; smaller = stricter).
        0.25 because looser values flagged runs of false swaps on MediaPipe jitter
        in the 60 fps gym clip (54 frames at 0.6, 6 at 0.25) and made one side's
        shin-angle IQR jump from 1.4 to 13 deg.

    Returns
    -------
    ndarray of bool, shape (frames,)
    """
    li = [INDEX[f"left_{j}"] for j in _LEG_JOINTS]
    ri = [INDEX[f"right_{j}"] for j in _LEG_JOINTS]
    swapped = np.zeros(xy.shape[0], bool)
    track = np.full((2, 2, len(li), 2), np.nan)  # (previous/last, left/right, joint, xy)
    for f in range(xy.shape[0]):
        lp, rp = xy[f, li], xy[f, ri]
        # Constant-velocity prediction: legs cross each other every step, so
        # comparing with the last position alone would flag every crossing.
        vel = np.nan_to_num(track[1] - track[0])
        pred = track[1] + vel
        pl, pr = pred[0], pred[1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN legs: no decision
            straight = np.nanmean(np.hypot(*(lp - pl).T)) + np.nanmean(np.hypot(*(rp - pr).T))
            cross = np.nanmean(np.hypot(*(lp - pr).T)) + np.nanmean(np.hypot(*(rp - pl).T))
        if np.isfinite(straight) and np.isfinite(cross) and cross < ratio * straight:
            swapped[f] = True
            lp, rp = rp, lp
        # Keep the last seen position of each joint so one missing joint does not reset the track.
        new = np.stack([lp, rp])
        seen = np.isfinite(new)
        track[0] = np.where(seen, np.where(np.isfinite(track[1]), track[1], new), track[0])
        track[1] = np.where(seen, new, track[1])
    return swapped


_FOOT_POINTS = ("ankle", "heel", "toe")


def find_foot_spikes(xy: np.ndarray, leg: float, threshold_leg: float = 0.2, frames: int = 5) -> np.ndarray:
    """Frames in which a foot's landmarks jump off their path and come back (a pose-model slip).

    Around touchdown MediaPipe puts one foot's ankle, heel and toe on the other foot for one or
    two frames, about once a stride, on real and rendered video alike (the knees stay put, so
    :func:`find_leg_swaps` does not always see it). A real foot cannot do that: it moves along
    a smooth path, and the median of a steady movement is the middle frame itself. Measured on
    motion capture resampled to 30 Hz, a running foot's points stay within 0.064 leg length of
    their five-frame median (RBDS treadmill; 0.026 overground, 0.018 at 60 Hz), a third of the
    threshold. Two slipped frames pull a window's median toward them, so every frame is judged
    again against the line between the nearest unflagged frames around it.

    Parameters
    ----------
    xy : ndarray, shape (frames, K, 2)
        Pixel coordinates (NaN where missing).
    leg : float
        Leg length (thigh + shank, same units as ``xy``).
    threshold_leg : float
        Distance (fraction of ``leg``) from the running median, averaged over the foot's
        landmarks, beyond which the frame is a slip.
    frames : int
        Width of the running median (odd).

    Returns
    -------
    ndarray of bool, shape (frames, 2)
        Slips of the left (column 0) and right (column 1) foot.
    """
    n = xy.shape[0]
    out = np.zeros((n, 2), bool)
    if n < frames or not np.isfinite(leg) or leg <= 0:
        return out
    for col, side in enumerate(("left", "right")):
        foot = xy[:, [INDEX[f"{side}_{j}"] for j in _FOOT_POINTS]]
        first = _off_median(foot, frames) > threshold_leg * leg
        # A good neighbour of two slipped frames can read off its window's median on a fast
        # foot; the line between the nearest unflagged frames judges it fairly.
        off, span = _off_between(foot, ~first)
        out[:, col] = np.where(span <= frames, off > threshold_leg * leg, first)
    return out


def _off_median(foot: np.ndarray, frames: int) -> np.ndarray:
    """Mean distance (px) of each frame's foot points from their running median (0 when unknown)."""
    half = frames // 2
    padded = np.pad(foot, ((half, half), (0, 0), (0, 0)), mode="edge")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: no decision
        median = np.nanmedian(sliding_window_view(padded, frames, axis=0), axis=-1)
        off = np.nanmean(np.hypot(*(foot - median).transpose(2, 0, 1)), axis=1)
    return np.nan_to_num(off, nan=0.0)


def _off_between(foot: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each frame's mean distance (px) from the line between the nearest kept frames before and
    after it, and their distance apart (frames; more than the clip where a side has none)."""
    n = foot.shape[0]
    idx = np.arange(n)
    good = np.flatnonzero(keep & np.isfinite(foot).all(axis=(1, 2)))
    off, span = np.zeros(n), np.full(n, n + 1)
    lo = np.searchsorted(good, idx, side="left") - 1
    hi = np.searchsorted(good, idx, side="right")
    ok = (lo >= 0) & (hi < good.size)
    a, b = good[lo[ok]], good[hi[ok]]
    between = foot[a] + ((idx[ok] - a) / (b - a))[:, None, None] * (foot[b] - foot[a])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame without foot points: no decision
        off[ok] = np.nan_to_num(np.nanmean(np.hypot(*(foot[ok] - between).transpose(2, 0, 1)), axis=1), nan=0.0)
    span[ok] = b - a
    return off, span


def drop_foot_spikes(xy: np.ndarray, spikes: np.ndarray) -> np.ndarray:
    """``xy`` with each slipped foot's points (landmarks and their silhouette points) set to NaN."""
    xy = xy.copy()
    for col, side in enumerate(("left", "right")):
        ids = [INDEX[f"{side}_{j}"] for j in _FOOT_POINTS + ("ankle_silhouette", "heel_silhouette", "sole")]
        xy[np.ix_(spikes[:, col], ids)] = np.nan
    return xy


def swap_legs(xy: np.ndarray, conf: np.ndarray, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exchange left and right leg joints (hip to toe, and their silhouette points) on the given frames."""
    xy, conf = xy.copy(), conf.copy()
    # Silhouette points are seeded by the same frame's leg landmarks: they follow a leg swap.
    for j in ("hip",) + _LEG_JOINTS + SILHOUETTE_POINTS:
        li, ri = INDEX[f"left_{j}"], INDEX[f"right_{j}"]
        xy[frames, li], xy[frames, ri] = xy[frames, ri].copy(), xy[frames, li].copy()
        conf[frames, li], conf[frames, ri] = conf[frames, ri].copy(), conf[frames, li].copy()
    return xy, conf


def clean_keypoints(kp: Keypoints, config: SignalConfig = SignalConfig()) -> tuple[Keypoints, dict]:
    """Repair swaps, drop low-confidence points, fill short gaps and low-pass every coordinate.

    Returns
    -------
    Keypoints
        The cleaned series (same frames and timestamps).
    dict
        Diagnostics: ``swapped_frames`` (count), ``foot_spikes`` (foot-frames dropped) and
        ``filled_fraction``.
    """
    xy = kp.xy.copy()
    conf = kp.confidence.copy()
    xy[conf < config.min_confidence] = np.nan
    n_swapped = 0
    if config.fix_swaps and len(kp) > 2:
        swapped = find_leg_swaps(xy)
        n_swapped = int(swapped.sum())
        if n_swapped:
            xy, conf = swap_legs(xy, conf, np.flatnonzero(swapped))
    n_spikes = 0
    if config.foot_spike_leg is not None:
        spikes = find_foot_spikes(xy, leg_length(kp.with_xy(xy, conf)), config.foot_spike_leg, config.foot_spike_frames)
        n_spikes = int(spikes.sum())
        xy = drop_foot_spikes(xy, spikes)
    fs = kp.fps if len(kp) > 1 else 1.0
    missing_before = np.isnan(xy).sum()
    raw = {INDEX[n] for n in config.unfiltered}
    for k in range(xy.shape[1]):
        for c in range(2):
            filled = fill_short_gaps(xy[:, k, c], kp.time_s, config.max_gap_s)
            smooth = config.cutoff_hz is not None and len(kp) > 1 and k not in raw
            xy[:, k, c] = lowpass(filled, fs, config.cutoff_hz, config.order) if smooth else filled
    filled = (missing_before - np.isnan(xy).sum()) / max(xy.size, 1)
    return kp.with_xy(xy, conf), {"swapped_frames": n_swapped, "foot_spikes": n_spikes,
                                  "filled_fraction": float(filled)}
