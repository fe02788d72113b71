"""Scene verticals: where "straight up" points in each part of the image.

A phone is rarely held level. Rolled, it turns every angle by the roll; pitched up or
down, the world's verticals converge toward a vanishing point above or below the frame,
so the true vertical differs from place to place. Door frames, rack posts, cabinet edges
and treadmill uprights are straight vertical lines of the background: their common
vanishing point gives the true vertical everywhere in the image.

1. :class:`BackgroundSampler` keeps a few grey, downscaled frames during the pose pass with
   the person mask, and returns the background as the per-pixel median of frames where the
   runner is not there (a treadmill runner never leaves their spot; that region is left out).
2. :func:`vertical_segments`: OpenCV's line-segment detector on it, near-vertical, long
   segments away from the runner.
3. :func:`vanishing_point`: RANSAC over pairs of segments, then a weighted least-squares fit
   on the inliers, in homogeneous coordinates (a vanishing point at infinity, i.e. pure roll,
   is a valid answer).

Coordinates are full-resolution image pixels, x right, y down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["VerticalsConfig", "SceneVerticals", "BackgroundSampler", "vertical_segments", "vanishing_point",
           "estimate_scene_verticals"]


@dataclass(frozen=True)
class VerticalsConfig:
    """Settings of the scene-vertical estimate.

    Attributes
    ----------
    samples : int
        Frames kept for the background median.
    max_side : int
        Longest side (pixels) of the kept frames.
    min_length_frac : float
        Shortest segment used, as a fraction of the image's longest side.
    max_tilt_deg : float
        Segments more than this from the image vertical are not candidates.
    inlier_deg : float
        A segment whose direction misses the vanishing point by less than this is an inlier.
    min_lines : int
        Fewest inlier segments for an estimate.
    iterations : int
        RANSAC pairs tried (seeded: the answer is reproducible).
    """

    samples: int = 24
    max_side: int = 960
    min_length_frac: float = 0.05
    max_tilt_deg: float = 20.0
    inlier_deg: float = 1.0
    min_lines: int = 6
    iterations: int = 400


@dataclass(frozen=True)
class SceneVerticals:
    """The vertical vanishing point of the scene.

    Attributes
    ----------
    vanishing_point : tuple of float
        Homogeneous (x, y, w), full-resolution pixels; w = 0 when the verticals are parallel.
    lines : int
        Inlier segments.
    rms_deg : float
        Root-mean-square angle (deg) by which the inliers miss the vanishing point.
    image_size : tuple of int
        (width, height) in pixels.
    """

    vanishing_point: tuple[float, float, float]
    lines: int
    rms_deg: float
    image_size: tuple[int, int]

    def down_at(self, x: float, y: float) -> np.ndarray:
        """Unit vector (x right, y down) of the true downward vertical at pixel (x, y)."""
        vx, vy, w = self.vanishing_point
        if abs(w) < 1e-9 * max(abs(vx), abs(vy), 1e-12):
            d = np.array([vx, vy], float)
        else:
            d = np.array([x - vx / w, y - vy / w], float)  # from the vanishing point through (x, y)
        d /= np.linalg.norm(d)
        return d if d[1] >= 0 else -d

    def as_dict(self) -> dict:
        return {"vanishing_point": list(self.vanishing_point), "lines": self.lines, "rms_deg": self.rms_deg,
                "image_size": list(self.image_size)}

    @classmethod
    def from_dict(cls, d: dict) -> "SceneVerticals":
        return cls(tuple(float(v) for v in d["vanishing_point"]), int(d["lines"]), float(d["rms_deg"]),
                   tuple(int(v) for v in d["image_size"]))


class BackgroundSampler:
    """Keeps every n-th frame (grey, downscaled) and its person mask during a video pass."""

    def __init__(self, expected_frames: int, config: VerticalsConfig = VerticalsConfig()):
        self.config = config
        self.stride = max(1, int(expected_frames) // config.samples)
        self.frames: list[np.ndarray] = []
        self.person: list[np.ndarray] = []
        self.scale = 1.0
        self.image_size: tuple[int, int] | None = None

    def wants(self, index: int) -> bool:
        """True when frame ``index`` is one the sampler keeps (:meth:`add` ignores the others)."""
        return not (index % self.stride or len(self.frames) >= 2 * self.config.samples)

    def add(self, index: int, image_rgb: np.ndarray, mask: np.ndarray | None,
            full_size: tuple[int, int] | None = None) -> None:
        """Offer frame ``index`` (RGB uint8) and its person mask (0-1, or None, at the image's size).

        ``full_size`` is (width, height) of the frame as filmed when ``image_rgb`` was scaled
        down in the decoder: the verticals are still reported in full-resolution pixels.
        """
        if not self.wants(index):
            return
        import cv2

        h, w = image_rgb.shape[:2]
        self.image_size = full_size or (w, h)
        own = min(1.0, self.config.max_side / max(h, w))
        size = (max(1, round(w * own)), max(1, round(h * own)))
        self.scale = own * w / self.image_size[0]
        grey = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2GRAY)
        self.frames.append(cv2.resize(grey, size, interpolation=cv2.INTER_AREA))
        person = np.zeros(size[::-1], bool) if mask is None else cv2.resize(
            np.asarray(mask, np.float32), size, interpolation=cv2.INTER_AREA) > 0.2
        self.person.append(person)

    def merged(self, others: list["BackgroundSampler"]) -> "BackgroundSampler":
        """This sampler with the frames of others (parallel segments of one clip) appended."""
        for other in others:
            if other.frames:
                self.frames.extend(other.frames)
                self.person.extend(other.person)
                self.scale, self.image_size = other.scale, other.image_size
        return self

    def background(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(median background uint8, runner-region mask) at the downscaled size; None when empty."""
        if not self.frames:
            return None
        import warnings

        import cv2

        # Dilate the runner: the mask's edge and motion blur lie just outside it.
        k = np.ones((9, 9), np.uint8)
        person = [cv2.dilate(p.astype(np.uint8), k) > 0 for p in self.person]
        h, w = self.frames[0].shape
        bg = np.empty((h, w), np.float32)
        rows = 64  # strips keep the float copy small (a few MB) whatever the frame size
        for y in range(0, h, rows):
            strip = np.stack([f[y:y + rows] for f in self.frames]).astype(np.float32)
            strip[np.stack([p[y:y + rows] for p in person])] = np.nan
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN: the runner is always there
                bg[y:y + rows] = np.nanmedian(strip, axis=0)
        runner = ~np.isfinite(bg)
        bg = np.where(runner, 0.0, bg)
        return bg.astype(np.uint8), runner


def vertical_segments(background: np.ndarray, runner: np.ndarray,
                      config: VerticalsConfig = VerticalsConfig()) -> np.ndarray:
    """Near-vertical line segments of the background away from the runner.

    Returns
    -------
    ndarray, shape (n, 4)
        x1, y1, x2, y2 in the background's pixels.
    """
    import cv2

    lsd = cv2.createLineSegmentDetector()
    found = lsd.detect(background)[0]
    if found is None:
        return np.zeros((0, 4))
    seg = found.reshape(-1, 4).astype(float)
    d = seg[:, 2:] - seg[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    tilt = np.degrees(np.arctan2(np.abs(d[:, 0]), np.abs(d[:, 1])))
    keep = (length >= config.min_length_frac * max(background.shape)) & (tilt <= config.max_tilt_deg)
    seg = seg[keep]
    if not seg.size:
        return np.zeros((0, 4))
    # Segments touching the runner's region (or the blank inside it) are the runner's own edges.
    h, w = runner.shape
    t = np.linspace(0.0, 1.0, 9)
    px = seg[:, None, 0] + t[None, :] * (seg[:, None, 2] - seg[:, None, 0])
    py = seg[:, None, 1] + t[None, :] * (seg[:, None, 3] - seg[:, None, 1])
    xi = np.clip(np.round(px).astype(int), 0, w - 1)
    yi = np.clip(np.round(py).astype(int), 0, h - 1)
    return seg[~runner[yi, xi].any(axis=1)]


def _lines(seg: np.ndarray, centre: np.ndarray, scale: float) -> np.ndarray:
    """Homogeneous lines through the segments in normalised coordinates, (a, b) of unit length."""
    p = np.c_[(seg[:, :2] - centre) / scale, np.ones(len(seg))]
    q = np.c_[(seg[:, 2:] - centre) / scale, np.ones(len(seg))]
    ln = np.cross(p, q)
    return ln / np.hypot(ln[:, 0], ln[:, 1])[:, None]


def _miss_deg(seg: np.ndarray, vp: np.ndarray, centre: np.ndarray, scale: float) -> np.ndarray:
    """Angle (deg) between each segment and the direction from its midpoint to ``vp``."""
    mid = ((seg[:, :2] + seg[:, 2:]) / 2 - centre) / scale
    d = seg[:, 2:] - seg[:, :2]
    to_vp = vp[:2][None, :] - mid * vp[2]  # direction mid -> vp, up to sign (homogeneous)
    cross = d[:, 0] * to_vp[:, 1] - d[:, 1] * to_vp[:, 0]
    dot = d[:, 0] * to_vp[:, 0] + d[:, 1] * to_vp[:, 1]
    return np.degrees(np.arctan(np.abs(cross) / (np.abs(dot) + 1e-12)))


def vanishing_point(seg: np.ndarray, image_size: tuple[int, int],
                    config: VerticalsConfig = VerticalsConfig()) -> SceneVerticals | None:
    """Common vanishing point of line segments by RANSAC and weighted least squares.

    Parameters
    ----------
    seg : ndarray, shape (n, 4)
        Segments (x1, y1, x2, y2) in pixels of an image of ``image_size`` (width, height).

    Returns
    -------
    SceneVerticals or None
        None with fewer than ``min_lines`` consistent segments.
    """
    if len(seg) < config.min_lines:
        return None
    w, h = image_size
    centre, scale = np.array([w / 2.0, h / 2.0]), float(max(w, h))
    lines = _lines(seg, centre, scale)
    weight = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    rng = np.random.default_rng(0)
    best, best_score = None, 0.0
    for _ in range(config.iterations):
        i, j = rng.choice(len(seg), 2, replace=False)
        vp = np.cross(lines[i], lines[j])
        if not np.all(np.isfinite(vp)) or np.linalg.norm(vp) == 0:
            continue
        inl = _miss_deg(seg, vp, centre, scale) < config.inlier_deg
        score = weight[inl].sum()
        if score > best_score:
            best, best_score = inl, score
    if best is None or best.sum() < config.min_lines:
        return None
    # Refine: the unit vector v minimising sum w_i (l_i . v)^2.
    a = lines[best] * np.sqrt(weight[best])[:, None]
    vp = np.linalg.svd(a)[2][-1]
    miss = _miss_deg(seg[best], vp, centre, scale)
    # Back to pixel coordinates: x_pix = scale * x_norm + centre.
    full = np.array([scale * vp[0] + centre[0] * vp[2], scale * vp[1] + centre[1] * vp[2], vp[2]])
    full /= np.linalg.norm(full)
    return SceneVerticals(tuple(float(v) for v in full), int(best.sum()),
                          float(np.sqrt(np.mean(miss ** 2))), (int(w), int(h)))


def estimate_scene_verticals(sampler: BackgroundSampler) -> SceneVerticals | None:
    """Scene verticals from a sampled video; None when the background has too few of them."""
    bg = sampler.background()
    if bg is None or sampler.image_size is None:
        return None
    background, runner = bg
    seg = vertical_segments(background, runner, sampler.config)
    if not len(seg):
        return None
    found = vanishing_point(seg / sampler.scale, sampler.image_size, sampler.config)
    return found
