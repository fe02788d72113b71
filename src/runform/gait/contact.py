"""Initial contact and toe-off from the sole meeting and leaving the ground.

The heel's forward peak relative to the pelvis (Zeni et al. 2008) comes *before* initial
contact by however long the runner pulls the foot back before landing: 23-28 ms on the two
motion-capture runners, about 60 ms on the hand-annotated real treadmill runner. A fixed
delay after it is therefore right only for runners who retract like the ones it was fitted
on. The image shows touchdown directly: the lowest point of the foot's silhouette (the
sole, :mod:`runform.pose.silhouette`) falls through late swing and stops when the shoe
meets the belt or ground. This module finds that break.

**Initial contact** (:func:`touchdown_time`): over the frames from the start of the sole's final
fall (its highest point in the ``final_fall_s`` before the last frame still clear of the ground:
a sole can dip and rise again in late swing) to ``stance_s`` after the peak, the sole's height is fitted by
two straight lines joined at the instant T (a hinge, least squares, T on a sub-frame grid):
falling at a steady rate before T, following the ground after it (a slow drift as the foot
travels with a belt that is not level in the image and the shoe settles). T is IC. No
height threshold is involved, so neither the runner's size in the image nor the mask's
edge blur sets the answer; the stance line is fitted in time, not along x, because the
lowest silhouette point jumps between heel and toe as the foot flattens.

**Toe-off** (:func:`liftoff_time`): the mirror image, from ``min_contact_s`` after IC to the
sole's highest point before the next contact: following the ground, then rising.

Heights are image pixels (y down) on keypoints already turned to the true vertical. The
ground slope along x (:func:`ground_line`) is only evidence of the camera's roll.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import theilslopes

__all__ = ["TouchConfig", "GroundLine", "ground_line", "hinge_time", "lift_dips", "touchdown_time", "liftoff_time"]


@dataclass(frozen=True)
class TouchConfig:
    """Settings of the sole-based contact events.

    Attributes
    ----------
    search_s : tuple of float
        Window (s) around the heel's forward peak in which the sole's descent starts (its
        highest point): the foot falls through late swing, before and after it stops moving
        forward.
    stance_s : float
        End (s after the peak) of the frames fitted for touchdown: 200 ms takes in the first
        stance frames of any running contact (touchdown comes up to ~100 ms after the peak).
    level_window_s : tuple of float
        Window (s) after the peak in which every running foot is on the ground: the sole's
        early-stance level (touchdown) and the ground line are read there.
    min_contact_s : float
        Shortest contact (s): toe-off is not looked for before it.
    grid_frames : float
        Step (frames) of the sub-frame grid of hinge instants.
    min_line_frames : int
        Fewest frames on each side of the hinge.
    min_fall_frac : float
        Least fall of the sole before touchdown (fraction of the leg length): a smaller
        "descent" is the shoe settling or the mask's edge, not a landing.
    max_delay_s : float
        Latest touchdown (s) after the heel's forward peak: the foot does not hang in the air
        longer once it stops moving forward (23-90 ms measured; see the module docstring). A
        later break is an occluded or merged sole.
    clear_frac : float
        A sole higher than this (fraction of the leg length) above its early-stance level is
        clear of the ground.
    final_fall_s : float
        How far back (s) from the last frame clear of the ground the final fall may start.
    dip_frames, dip_frac : int, float
        In the touchdown fit, a run of up to ``dip_frames`` sole readings, each lower than both
        the reading before the run and the one after it by more than ``dip_frac`` leg lengths,
        is raised to the lower of those two (:func:`lift_dips`). 0: off. The person mask spills
        below a flat shoe on a dark belt for 2-3 frames at 60 fps and up to 3 at 30 fps after the
        forefoot lands, at times every other frame; lifting only single readings below the next
        two left the break there (2.3 frames late on every contact of one foot of a rendered
        runner). Runs up to 2 frames: the annotated clip's IC 0.22 frame against 0.26 with 3, but
        rolled copies of a rendered sample 1.7 deg apart against 1.0.
    """

    search_s: tuple[float, float] = (-0.1, 0.1)
    stance_s: float = 0.2
    level_window_s: tuple[float, float] = (0.1, 0.2)
    min_contact_s: float = 0.06
    grid_frames: float = 0.05
    min_line_frames: int = 2
    min_fall_frac: float = 0.02
    max_delay_s: float = 0.12
    clear_frac: float = 0.03
    final_fall_s: float = 0.1
    dip_frames: int = 3
    dip_frac: float = 0.01


@dataclass(frozen=True)
class GroundLine:
    """The ground (belt) line traced by the soles in stance.

    Attributes
    ----------
    slope : float
        dy/dx in the image (pixels per pixel, y down): + when the ground falls to the right.
    samples : int
        Sole positions in stance it rests on.
    """

    slope: float
    samples: int

    @property
    def angle_deg(self) -> float:
        """Slope as an angle (deg): + when the ground falls toward image right."""
        return float(np.degrees(np.arctan(self.slope)))


def _window(t: np.ndarray, start: float, stop: float) -> np.ndarray:
    return np.flatnonzero((t >= start) & (t <= stop))


def ground_line(t: np.ndarray, soles: list[tuple[np.ndarray, float]], leg: float,
                config: TouchConfig = TouchConfig()) -> GroundLine | None:
    """Ground slope from the soles in stance, within contacts (each contact's own level removed).

    Parameters
    ----------
    soles : list of (sole, peak_s)
        One foot's (frames, 2) sole series and the time of one contact's heel peak, per contact.
    """
    dx, dy = [], []
    for sole, peak in soles:
        k = _window(t, peak + config.level_window_s[0], peak + config.level_window_s[1])
        p = sole[k]
        p = p[np.all(np.isfinite(p), axis=1)]
        if len(p) < 2:
            continue
        # On the ground: not clear of that contact's median level.
        on = np.abs(p[:, 1] - np.median(p[:, 1])) <= config.clear_frac * leg
        if np.sum(on) >= 2:
            dx.extend(p[on, 0] - p[on, 0].mean())
            dy.extend(p[on, 1] - p[on, 1].mean())
    dx, dy = np.asarray(dx), np.asarray(dy)
    if dx.size < 6 or np.ptp(dx) < 0.05 * leg:
        return None
    with np.errstate(invalid="ignore"):  # its confidence interval (unused) on collinear points
        slope = float(theilslopes(dy, dx)[0])
    return GroundLine(slope, int(dx.size))


def hinge_time(t: np.ndarray, height: np.ndarray, grid_s: float, min_side: int,
               moving_before: bool, earliest: float = -np.inf) -> tuple[float, float] | None:
    """Instant T (s) where a steady change of ``height`` meets a slow drift, by least squares.

    Fits ``c + s (t - T) + v max(T - t, 0)`` (``moving_before``: the height changes before T,
    as a descending foot) or ``c + s (t - T) + v max(t - T, 0)`` (after T, as a rising one)
    for every T on a grid of ``grid_s``, keeping ``v`` >= 0; returns the T of least
    squared error and the height change of the moving part (``v`` times its duration), or
    None with fewer than ``min_side`` samples on either side. T is not sought before
    ``earliest`` (s).
    """
    ok = np.isfinite(height)
    t, h = t[ok], height[ok]
    if t.size < 2 * min_side + 1:
        return None
    grid = np.arange(t[min_side - 1], t[-min_side] + 1e-9, grid_s)
    grid = grid[grid >= earliest]
    best, best_sse = None, np.inf
    span = t[-1] - t[0]
    for T in grid:
        bend = np.maximum(T - t, 0.0) if moving_before else np.maximum(t - T, 0.0)
        design = np.column_stack([np.ones_like(t), t - T, bend])
        coef, *_ = np.linalg.lstsq(design, h, rcond=None)
        if coef[2] < 0:
            continue
        sse = float(np.sum((design @ coef - h) ** 2))
        if sse < best_sse:
            moved = coef[2] * ((T - t[0]) if moving_before else (t[-1] - T))
            best, best_sse = (float(T), float(min(moved, coef[2] * span))), sse
    return best


def lift_dips(height: np.ndarray, longest: int, tol: float) -> np.ndarray:
    """Sole heights with each short dip below the ground raised to the readings around it.

    From the final fall into early stance the sole only falls, then follows the ground; it does
    not go down and come back up before toe-off. A run of up to ``longest`` readings, each more
    than ``tol`` below both the reading before the run and the one after it, is therefore the
    person mask bleeding below the shoe (motion blur of the landing foot, its shadow, the belt:
    10-20 px on real and rendered video), which a least-squares fit would read as the fall going
    on. It is raised to the lower of those two readings. A steady fall, a drift along the ground
    and the rise at toe-off have no reading below both neighbours, and a longer low run is the
    ground itself.

    Parameters
    ----------
    height : ndarray, shape (frames,)
        Sole height (pixels, up positive), consecutive frames.
    longest : int
        Longest run of readings (frames) taken as one dip.
    tol : float
        Margin (pixels) for pixel noise.
    """
    height = np.asarray(height, dtype=float)
    out = height.copy()
    for run in range(1, longest + 1):
        for i in range(1, len(height) - run):
            level = min(height[i - 1], height[i + run])
            if np.all(height[i : i + run] < level - tol):
                out[i : i + run] = np.maximum(out[i : i + run], level)
    return out


def _along_ground(sole: np.ndarray, level: np.ndarray, slope: float) -> np.ndarray:
    """The sole's height (px, up +) measured along a ground line of ``slope`` (dy/dx): constant
    for a sole resting on that ground anywhere along it. Unknown x (no heel) takes the median x
    of frames ``level``."""
    x = sole[:, 0]
    seen = np.isfinite(x[level])
    x = np.where(np.isfinite(x), x, float(np.median(x[level][seen])) if seen.any() else 0.0)
    return -sole[:, 1] + slope * x


def touchdown_time(t: np.ndarray, sole: np.ndarray, peak_s: float, leg: float,
                   config: TouchConfig = TouchConfig(), ground_slope: float = 0.0) -> float | None:
    """Initial contact (s): where the sole's descent meets the ground.

    None when the sole is not seen landing: no fall of at least ``min_fall_frac`` leg
    lengths, or a break later than ``max_delay_s`` after the heel's forward peak.
    ``ground_slope`` (dy/dx of :class:`GroundLine`): the belt seen from above or below its own
    level is not flat in the image, so the sole's early-stance level, read a little later and
    further back, is carried along it to judge whether the sole is still clear of the ground.
    """
    height = -sole[:, 1]
    window = _window(t, peak_s + config.search_s[0], peak_s + config.stance_s)
    window = window[np.isfinite(height[window])]
    level = _window(t, peak_s + config.level_window_s[0], peak_s + config.level_window_s[1])
    level = level[np.isfinite(height[level])]
    if window.size < 3 or not level.size:
        return None
    along = _along_ground(sole, level, ground_slope)
    ground = float(np.median(along[level]))
    # The final descent: from the sole's highest point in the search window that comes after
    # the last frame still clear of the ground (the sole can dip and rise again in late swing;
    # only its last fall ends in contact).
    clear = window[along[window] > ground + config.clear_frac * leg]
    clear = clear[t[clear] <= peak_s + config.search_s[1]]
    if not clear.size:
        return None
    last_clear = int(clear[-1])
    before = window[(window <= last_clear) & (t[window] >= t[last_clear] - config.final_fall_s)]
    first = int(before[np.argmax(height[before])])
    k = _window(t, t[first], peak_s + config.stance_s)
    dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    fit = lift_dips(height[k], config.dip_frames, config.dip_frac * leg) if config.dip_frames else height[k]
    # Touchdown does not come before the last frame in which the sole is still clear of the
    # ground: a fall that slows in the air (a heel swinging down past the toe, then settling)
    # would otherwise put the break at the slowing.
    found = hinge_time(t[k], fit, config.grid_frames * dt, config.min_line_frames, moving_before=True,
                       earliest=float(t[last_clear]))
    if found is None or found[1] < config.min_fall_frac * leg or found[0] > peak_s + config.max_delay_s:
        return None
    return found[0]


def liftoff_time(t: np.ndarray, sole: np.ndarray, ic_s: float, until_s: float,
                 config: TouchConfig = TouchConfig()) -> float | None:
    """Toe-off (s): where the sole leaves the ground's line and rises; None when not seen."""
    height = -sole[:, 1]
    k = _window(t, ic_s + config.min_contact_s, until_s)
    k = k[np.isfinite(height[k])]
    if k.size < 2 * config.min_line_frames + 1:
        return None
    k = k[: int(np.argmax(height[k])) + 1]  # up to the highest point: the rise ends there
    dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    found = hinge_time(t[k], height[k], config.grid_frames * dt, config.min_line_frames, moving_before=False)
    return found[0] if found is not None else None
