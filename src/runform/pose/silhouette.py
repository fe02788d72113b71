"""What the runner's silhouette shows that landmarks do not: the shank's joint centres and
where the foot meets the ground.

MediaPipe's pose model also outputs a person mask (the segmentation head of the bundled
model; nothing is downloaded). The pose pass (:mod:`runform.pose.mediapipe_pose`) measures
three points per leg on it, in every frame, seeded by that frame's landmarks:

* **knee and ankle joint centres** (``{side}_knee_silhouette``, ``{side}_ankle_silhouette``):
  the midpoint of the silhouette cut across the shank just below the knee landmark
  (``knee_level`` of the knee->ankle length) and just above the ankle landmark
  (``ankle_level``). A clinician draws the tibia from the knee joint centre to the lateral
  malleolus, each at mid-depth of the limb; a line bisecting the whole lower leg is
  pulled backward at the top by the calf, which bulges behind the tibia. On the
  hand-annotated real clip the bisector of 0.2-0.8 of the shank read 4.2 deg MAE at the
  annotated contact frames, the two joint-level midpoints 3.6 deg and the landmarks 5.5 deg.
* **the sole** (``{side}_sole``): the lowest silhouette point under the foot (heel, toe and
  ankle landmarks plus a margin), sub-pixel in y. It stops descending when the shoe meets
  the belt or ground, which is the direct evidence of initial contact that
  :mod:`runform.gait.contact` reads.
* **the heel** (``{side}_heel_silhouette``): the rear end of the shoe's bottom, i.e. the
  rearmost silhouette column (toward the heel landmark from the toe landmark) within
  ``heel_band`` of the sole. MediaPipe's heel landmark sits inside the shoe: on the annotated
  real clip 8.6 px ahead of the rearmost-lowest point (MAE 13.6 px); this point is -1.0 px
  (MAE 8.6 px). Heel ahead of the hip is measured from it.

Coordinates are image pixels, x right, y down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import label, map_coordinates

from ..keypoints import INDEX

__all__ = ["SilhouetteConfig", "SILHOUETTE_POINTS", "cut_midpoint", "shank_centres", "foot_sole",
           "silhouette_points", "add_silhouette_points", "legs_window"]

#: Keypoints measured on the mask, per leg (``left_``/``right_`` prefixed).
SILHOUETTE_POINTS = ("knee_silhouette", "ankle_silhouette", "heel_silhouette", "sole")


@dataclass(frozen=True)
class SilhouetteConfig:
    """Settings of the measurements on the person mask.

    Attributes
    ----------
    enabled : bool
        False skips the mask (landmarks only; the segmentation head still runs).
    knee_level, ankle_level : float
        Where the shank is cut, as fractions of the knee->ankle landmark distance from the
        knee: just below the knee (the thigh and the other leg merge above it) and just
        above the ankle (the shoe collar starts below it).
    level_spread : float
        Three cuts at ``level`` and ``level +/- level_spread`` are averaged.
    half_width : float
        Half length of each cut, as a fraction of the shank length.
    width_range : tuple of float
        Plausible cut widths (fractions of the shank length): a cut that runs into the
        other leg or misses the limb is refused.
    max_turn_deg : float
        Largest angle (deg) between the joint-centre line and the landmarks' line.
    foot_margin : float
        Margin (fraction of the shank length) around the foot landmarks searched for the sole;
        downward the search extends twice as far (the heel landmark sits above the sole).
    heel_band : float
        Height above the sole (fraction of the shank length, ~3-4 cm) in which the shoe's
        rear end is looked for.
    min_part : float
        Side (fraction of the shank length, ~4 cm) of the smallest square a detached piece of
        silhouette under the foot must cover to count: smaller specks are mask noise. On the
        annotated real clip such a speck under the shoe took the sole 22 px low and the heel
        45 px forward, in a run whose tracking had started 15 frames later than another's.
    mask_threshold : float
        Mask level (0-1) taken as the silhouette's edge.
    """

    enabled: bool = True
    knee_level: float = 0.1
    ankle_level: float = 0.9
    level_spread: float = 0.03
    half_width: float = 0.35
    width_range: tuple[float, float] = (0.08, 0.55)
    max_turn_deg: float = 15.0
    foot_margin: float = 0.2
    heel_band: float = 0.1
    min_part: float = 0.1
    mask_threshold: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.knee_level < self.ankle_level <= 1.0:
            raise ValueError("need 0 <= knee_level < ankle_level <= 1")
        if not 0.0 < self.mask_threshold < 1.0:
            raise ValueError(f"mask_threshold must be in (0, 1), got {self.mask_threshold}")


def _edges(profile: np.ndarray, offsets: np.ndarray, level: float) -> tuple[float, float] | None:
    """Sub-pixel offsets where a cut through the limb's centre leaves the silhouette."""
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


def cut_midpoint(mask: np.ndarray, top: np.ndarray, bottom: np.ndarray, level: float,
                 config: SilhouetteConfig = SilhouetteConfig()) -> np.ndarray:
    """Midpoint of the silhouette across a limb segment at a fraction of its length.

    Parameters
    ----------
    mask : ndarray, shape (H, W)
        Person probability (0-1) per pixel.
    top, bottom : ndarray, shape (2,)
        Landmark estimates (pixels) of the segment's ends, e.g. knee and ankle.
    level : float
        Where to cut, as a fraction of the top->bottom distance from ``top``.

    Returns
    -------
    ndarray, shape (2,)
        The mean midpoint of the cuts at ``level`` and ``level +/- level_spread`` (pixels);
        NaN when no cut finds both edges at a plausible width.
    """
    top, bottom = np.asarray(top, float), np.asarray(bottom, float)
    if not (np.all(np.isfinite(top)) and np.all(np.isfinite(bottom))):
        return np.full(2, np.nan)
    length = float(np.linalg.norm(bottom - top))
    if length < 10.0:  # pixels: too small to cut
        return np.full(2, np.nan)
    along = (bottom - top) / length
    normal = np.array([-along[1], along[0]])
    half = config.half_width * length
    offsets = np.linspace(-half, half, 2 * int(np.ceil(half)) + 1)
    fractions = np.array([level - config.level_spread, level, level + config.level_spread])
    centres = top[None, :] + fractions[:, None] * length * along[None, :]
    pts = centres[:, None, :] + offsets[None, :, None] * normal[None, None, :]
    # The mask as it comes (float32, no full-frame float64 copy per cut: 17 MB at 1080p);
    # interpolated in double precision all the same.
    mask = np.asarray(mask)
    mask = mask if mask.dtype in (np.float32, np.float64) else mask.astype(np.float64)
    values = map_coordinates(mask, [pts[..., 1].ravel(), pts[..., 0].ravel()],
                             order=1, mode="constant", cval=0.0, output=np.float64).reshape(pts.shape[:2])
    lo, hi = config.width_range[0] * length, config.width_range[1] * length
    mids = []
    for centre, profile in zip(centres, values):
        e = _edges(profile, offsets, config.mask_threshold)
        if e is not None and lo <= e[1] - e[0] <= hi:
            mids.append(centre + 0.5 * (e[0] + e[1]) * normal)
    return np.mean(mids, axis=0) if mids else np.full(2, np.nan)


def shank_centres(mask: np.ndarray, knee: np.ndarray, ankle: np.ndarray,
                  config: SilhouetteConfig = SilhouetteConfig()) -> tuple[np.ndarray, np.ndarray]:
    """Knee and ankle joint centres on the silhouette (pixels; NaN when not measurable).

    Refused (NaN) when the line between them turns more than ``max_turn_deg`` from the
    landmarks' knee->ankle line: the cuts then found another shape.
    """
    k = cut_midpoint(mask, knee, ankle, config.knee_level, config)
    a = cut_midpoint(mask, knee, ankle, config.ankle_level, config)
    if not (np.all(np.isfinite(k)) and np.all(np.isfinite(a))):
        return np.full(2, np.nan), np.full(2, np.nan)
    u, v = a - k, np.asarray(ankle, float) - np.asarray(knee, float)
    cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-12))
    if np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))) > config.max_turn_deg:
        return np.full(2, np.nan), np.full(2, np.nan)
    return k, a


def foot_sole(mask: np.ndarray, foot: np.ndarray, shank_length: float,
              config: SilhouetteConfig = SilhouetteConfig()) -> tuple[np.ndarray, np.ndarray]:
    """Lowest silhouette point under one foot, and the rear end of the shoe's bottom.

    Parameters
    ----------
    mask : ndarray, shape (H, W)
        Person probability (0-1).
    foot : ndarray, shape (3, 2)
        The foot's landmarks: heel, toe, ankle (pixels).
    shank_length : float
        Knee->ankle distance (pixels), the scale of the search margins.

    Returns
    -------
    sole : ndarray, shape (2,)
        x (mean of the lowest row's silhouette columns) and y (sub-pixel: where the mask
        falls through ``mask_threshold`` below that row); NaN when nothing is found.
        Detached pieces smaller than ``min_part`` (squared) are left out.
    heel : ndarray, shape (2,)
        The rearmost silhouette column within ``heel_band`` of the sole (rear = the heel
        landmark's side of the toe landmark) and the sole's y; NaN without heel and toe.
    """
    nan = np.full(2, np.nan)
    foot = np.asarray(foot, float)
    rear = np.sign(foot[0, 0] - foot[1, 0]) if np.all(np.isfinite(foot[:2])) else 0.0
    foot = foot[np.all(np.isfinite(foot), axis=1)]
    if foot.shape[0] < 2 or not np.isfinite(shank_length) or shank_length < 10.0:
        return nan, nan
    h, w = mask.shape
    m = config.foot_margin * shank_length
    x0, x1 = int(max(foot[:, 0].min() - m, 0)), int(min(foot[:, 0].max() + m, w))
    y0, y1 = int(max(foot[:, 1].min(), 0)), int(min(foot[:, 1].max() + 2 * m, h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return nan, nan
    box = mask[y0:y1, x0:x1]
    inside = box >= config.mask_threshold
    # Detached specks smaller than a shoe are not the shoe: the mask sometimes leaves a small
    # blob in a dark shadow or edge under it, which would be read as the sole.
    parts, n = label(inside)
    if n > 1:
        area = np.bincount(parts.ravel())
        speck = area < (config.min_part * shank_length) ** 2
        speck[0] = False
        inside &= ~speck[parts]
    rows = np.nonzero(inside.any(axis=1))[0]
    if rows.size == 0:
        return nan, nan
    r = int(rows[-1])
    cols = np.nonzero(inside[r])[0]
    y = float(y0 + r)
    if r + 1 < box.shape[0]:
        here, below = float(box[r, cols].max()), float(box[r + 1, cols].max())
        if here > below:
            y += float(np.clip((here - config.mask_threshold) / (here - below), 0.0, 1.0))
    heel = nan
    if rear:
        band = np.nonzero(inside[max(0, r - int(round(config.heel_band * shank_length))):r + 1].any(axis=0))[0]
        heel = np.array([x0 + float(band.max() if rear > 0 else band.min()), y])
    return np.array([x0 + float(cols.mean()), y]), heel


def silhouette_points(mask: np.ndarray, xy: np.ndarray,
                      config: SilhouetteConfig = SilhouetteConfig()) -> dict[str, np.ndarray]:
    """Every :data:`SILHOUETTE_POINTS` point of both legs in one frame.

    ``xy`` is the frame's (K, 2) keypoint row (landmarks, pixels). Returns name -> (2,)
    point, NaN where not measurable.
    """
    out = {}
    for side in ("left", "right"):
        knee, ankle = xy[INDEX[f"{side}_knee"]], xy[INDEX[f"{side}_ankle"]]
        k, a = shank_centres(mask, knee, ankle, config)
        out[f"{side}_knee_silhouette"], out[f"{side}_ankle_silhouette"] = k, a
        foot = np.stack([xy[INDEX[f"{side}_{j}"]] for j in ("heel", "toe", "ankle")])
        out[f"{side}_sole"], out[f"{side}_heel_silhouette"] = foot_sole(
            mask, foot, float(np.linalg.norm(ankle - knee)), config)
    return out


def add_silhouette_points(xy: np.ndarray, conf: np.ndarray, mask, config: SilhouetteConfig,
                          mask_scale: float = 1.0) -> None:
    """Fill one frame's silhouette keypoints in place; confidence is that of the landmarks seeding them.

    ``mask_scale`` is the mask's size over the frame's (< 1 when pose ran on a scaled-down frame):
    the seeds are scaled to the mask and the points found scaled back to full-resolution pixels.
    ``mask`` is a :class:`runform.pose.roi_mask.RoiMask` (its ``size`` and ``window``): it is
    warped onto the legs' window only (:func:`legs_window`).
    """
    seeds_xy = xy if mask_scale == 1.0 else xy * mask_scale
    box = legs_window(seeds_xy, mask.size, config)
    if box is None:
        return
    origin = np.array(box[:2], dtype=float)
    for name, point in silhouette_points(mask.window(*box), seeds_xy - origin, config).items():
        if not np.all(np.isfinite(point)):
            continue
        side, part = name.split("_", 1)
        seeds = ("heel", "toe") if part in ("sole", "heel_silhouette") else ("knee", "ankle")
        xy[INDEX[name]] = (point + origin) / mask_scale
        conf[INDEX[name]] = min(conf[INDEX[f"{side}_{j}"]] for j in seeds)


_LEG_POINTS = np.array([INDEX[f"{s}_{j}"] for s in ("left", "right") for j in ("knee", "ankle", "heel", "toe")])


def legs_window(xy: np.ndarray, size: tuple[int, int], config: SilhouetteConfig) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) in pixels holding every pixel the silhouette searches of both legs read.

    The searches reach ``half_width`` of a shank length across the shank and ``2 * foot_margin``
    below the foot (:mod:`runform.pose.silhouette`); two pixels more for the interpolation.
    None when the legs' landmarks are missing.
    """
    legs = xy[_LEG_POINTS]
    if not np.all(np.isfinite(legs)):
        return None
    shank = max(float(np.linalg.norm(legs[0] - legs[1])), float(np.linalg.norm(legs[4] - legs[5])))
    reach = max(config.half_width, 2.0 * config.foot_margin) * shank + 2.0
    (x0, y0), (x1, y1) = legs.min(axis=0) - reach, legs.max(axis=0) + reach
    x0, y0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    x1, y1 = min(size[0], int(np.ceil(x1))), min(size[1], int(np.ceil(y1)))
    return (x0, y0, x1, y1) if x1 - x0 >= 2 and y1 - y0 >= 2 else None
