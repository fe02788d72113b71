"""Shin angle at initial contact from the runner's silhouette.

MediaPipe's knee and ankle landmarks carry pose-dependent errors: on the rendered
samples they read heel-strikers' shins low and flat landers' high, so the measured
shin angle moved at about half the true rate between runners (README, Accuracy).
A clinician measuring the tibia angle on video draws the line that bisects the
lower leg. This module does the same on MediaPipe's person segmentation mask
(part of the bundled pose model; nothing is downloaded):

1. seed the shank with the cleaned knee and ankle landmarks;
2. cut the mask across the segment at evenly spaced levels (``span`` of its
   length) and find where each cut leaves the silhouette on both sides
   (sub-pixel, at ``mask_threshold``);
3. keep cuts whose width is close to the median width (a cut that runs into the
   other leg or the shoe is wider), fit the line through their midpoints.

On the rendered samples this line sits a constant 1.1-1.2 deg (sd 0.1-0.4) more
forward than the true knee-ankle line for every runner, where the landmarks' error
ran from -2.4 to +1.2 deg with the runner's shin angle. The offset depends on the
part of the shank that is cut (the calf bulges behind the tibia): 0.2-0.8 of its
length is used. Knee flexion stays on the landmarks: cutting the thigh failed at
almost every contact (the shorts and the other thigh merge with it).

A segment is *not* measured (the landmark value stays) when fewer than
``min_cuts`` cuts survive or the fitted line turns more than ``max_turn_deg``
from the landmarks' line. Only frames next to each initial contact are
segmented, in a second pass over the video.

Coordinates are image pixels, x right, y down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.ndimage import map_coordinates

from ..keypoints import Keypoints
from ..metrics.angles import angle_between, angle_from_vertical

__all__ = ["SilhouetteConfig", "segment_midline", "contact_frames", "refine_contact_angles"]


@dataclass(frozen=True)
class SilhouetteConfig:
    """Settings of the silhouette measurement at contact.

    Attributes
    ----------
    enabled : bool
        False keeps the landmark angles (no second pass over the video).
    cuts : int
        Cuts across each segment.
    span : tuple of float
        Part of the segment that is cut, as fractions from its top joint; the ends
        are left out because the knee and the shoe merge with other shapes.
    half_width : float
        Half length of each cut, as a fraction of the segment length.
    width_tolerance : float
        A cut is kept when its width is within this fraction of the median width.
    min_cuts : int
        Fewest kept cuts for a measurement.
    max_turn_deg : float
        Largest angle (deg) between the fitted line and the landmarks' line.
    mask_threshold : float
        Mask level (0-1) taken as the silhouette's edge.
    """

    enabled: bool = True
    cuts: int = 13
    span: tuple[float, float] = (0.2, 0.8)
    half_width: float = 0.35
    width_tolerance: float = 0.3
    min_cuts: int = 6
    max_turn_deg: float = 10.0
    mask_threshold: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.span[0] < self.span[1] <= 1.0:
            raise ValueError(f"span must satisfy 0 <= start < end <= 1, got {self.span}")
        if self.cuts < 3 or not 3 <= self.min_cuts <= self.cuts:
            raise ValueError("need cuts >= 3 and 3 <= min_cuts <= cuts")
        if not 0.0 < self.mask_threshold < 1.0:
            raise ValueError(f"mask_threshold must be in (0, 1), got {self.mask_threshold}")


def _edges(profile: np.ndarray, offsets: np.ndarray, level: float) -> tuple[float, float] | None:
    """Sub-pixel offsets where a cut through the segment's centre leaves the silhouette."""
    c = profile.size // 2
    if profile[c] < level:
        return None
    out_left = np.nonzero(profile[:c] < level)[0]
    out_right = np.nonzero(profile[c:] < level)[0]
    if out_left.size == 0 or out_right.size == 0:
        return None  # the cut never leaves the silhouette: merged with another shape
    i, j = out_left[-1], c + out_right[0]  # last outside on the left, first outside on the right

    def cross(a: int, b: int) -> float:
        va, vb = profile[a], profile[b]
        return float(offsets[a] + (level - va) / (vb - va) * (offsets[b] - offsets[a]))

    return cross(i, i + 1), cross(j - 1, j)


def segment_midline(mask: np.ndarray, top: np.ndarray, bottom: np.ndarray,
                    config: SilhouetteConfig = SilhouetteConfig()) -> tuple[np.ndarray, int]:
    """Direction of the line bisecting a limb segment in a person mask.

    Parameters
    ----------
    mask : ndarray, shape (H, W)
        Person probability (0-1) per pixel.
    top, bottom : ndarray, shape (2,)
        Landmark estimates (pixels, x right, y down) of the segment's ends, e.g.
        knee and ankle.
    config : SilhouetteConfig

    Returns
    -------
    direction : ndarray, shape (2,)
        Unit vector from the top end toward the bottom end along the fitted
        midline; NaN when the segment cannot be measured.
    cuts : int
        Cuts used.
    """
    nan = np.full(2, np.nan)
    top, bottom = np.asarray(top, float), np.asarray(bottom, float)
    if not (np.all(np.isfinite(top)) and np.all(np.isfinite(bottom))):
        return nan, 0
    length = float(np.linalg.norm(bottom - top))
    if length < 10.0:  # pixels: too small to cut
        return nan, 0
    along = (bottom - top) / length
    normal = np.array([-along[1], along[0]])
    half = config.half_width * length
    offsets = np.linspace(-half, half, 2 * int(np.ceil(half)) + 1)
    levels = np.linspace(config.span[0], config.span[1], config.cuts)
    centres = top[None, :] + levels[:, None] * length * along[None, :]
    pts = centres[:, None, :] + offsets[None, :, None] * normal[None, None, :]
    values = map_coordinates(np.asarray(mask, float), [pts[..., 1].ravel(), pts[..., 0].ravel()],
                             order=1, mode="constant", cval=0.0).reshape(pts.shape[:2])
    mids, widths = [], []
    for centre, profile in zip(centres, values):
        e = _edges(profile, offsets, config.mask_threshold)
        if e is not None:
            mids.append(centre + 0.5 * (e[0] + e[1]) * normal)
            widths.append(e[1] - e[0])
    if len(mids) < config.min_cuts:
        return nan, len(mids)
    mids, widths = np.asarray(mids), np.asarray(widths)
    med = np.median(widths)
    keep = np.abs(widths - med) <= config.width_tolerance * med
    if keep.sum() < config.min_cuts:
        return nan, int(keep.sum())
    m = mids[keep]
    _, _, vt = np.linalg.svd(m - m.mean(axis=0))
    direction = vt[0] if vt[0] @ along >= 0 else -vt[0]
    if float(angle_between(direction, along)) > config.max_turn_deg:
        return nan, int(keep.sum())
    return direction, int(keep.sum())


def contact_frames(time_s: np.ndarray, ic_times: list[float]) -> list[int]:
    """Frame indices needed to read each IC by a cubic: the two frames either side of it."""
    from ..metrics.stance import frames_read_at

    return sorted({k for ic in ic_times for k in frames_read_at(time_s, ic)})


def _masks(video: Path, frames: list[int], capture_fps: float | None,
           progress: Callable[[int, int], None] | None):
    """Yield (frame index, person mask or None) for the wanted frames, in order."""
    import mediapipe as mp  # slow import

    from ..io.video import iter_frames

    wanted = set(frames)
    last = max(frames)
    done = 0
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1, enable_segmentation=True) as pose:
        for index, (_, image) in enumerate(iter_frames(video, capture_fps=capture_fps)):
            if index > last:
                break
            if index not in wanted:
                continue
            result = pose.process(image)
            done += 1
            if progress is not None:
                progress(done, len(wanted))
            yield index, result.segmentation_mask


def refine_contact_angles(video: Path, kp: Keypoints, direction: int, strides: list[dict],
                          config: SilhouetteConfig = SilhouetteConfig(), capture_fps: float | None = None,
                          progress: Callable[[int, int], None] | None = None) -> dict:
    """Replace each stride's shin angle at IC by the silhouette's, where measurable.

    Mutates ``strides`` (from :func:`runform.metrics.stance.stance_metrics`, which also keeps
    the landmark value in ``shin_angle_ic_landmark_deg``): ``shin_angle_ic_deg`` becomes the
    silhouette value (deg, + = ankle ahead of knee) and ``shin_angle_source`` becomes
    ``"silhouette"`` when the four frames around IC were measured.
    ``kp`` must be the cleaned keypoints the strides were measured on, in the video's
    frame order. Returns a diagnostics dict (contacts measured, frames segmented).
    """
    from ..metrics.stance import _at

    if not config.enabled or not strides:
        return {"enabled": config.enabled, "contacts_measured": 0, "contacts": len(strides)}
    t = kp.time_s
    frames = contact_frames(t, [s["ic_time_s"] for s in strides])
    shank = {f: np.full((len(kp), 2), np.nan) for f in ("left", "right")}
    for index, mask in _masks(Path(video), frames, capture_fps, progress):
        if mask is None:
            continue
        for f, dirs in shank.items():
            knee, ankle = kp.point(f"{f}_knee")[index], kp.point(f"{f}_ankle")[index]
            dirs[index] = segment_midline(mask, knee, ankle, config)[0]
    measured = 0
    for s in strides:
        d = _at(shank[s["foot"]], t, s["ic_time_s"])
        if np.all(np.isfinite(d)):
            measured += 1
            s["shin_angle_ic_deg"] = float(angle_from_vertical(d, direction))
            s["shin_angle_source"] = "silhouette"
    return {"enabled": True, "contacts_measured": measured, "contacts": len(strides), "frames_segmented": len(frames)}
