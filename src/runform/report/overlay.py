"""What is drawn on one frame of the annotated video (no decoding or encoding here).

Layers, bottom to top, so the measurements stay readable on a phone held upright:

* a thin skeleton (the near leg light cyan, the far leg grey): context only;
* the trunk line against the true vertical, with its lean;
* at each initial contact, held for ``hold_s`` while the runner is in the frame: the shin
  line (bold, band colour, dark-edged) against the true vertical (dashed), the angle, and
  the heel-to-hip overstride marker at ground level. Far-leg contacts are quiet (thin, small,
  no marker) or off: that leg is the less reliable one;
* the head-up panel (:mod:`runform.report.hud`) in the corner the runner does not use, and
  the contact timeline along the bottom.

Every label is kept inside the frame. Keypoints are matched to frames by nearest timestamp;
where the runner is not seen (left the frame, or past the keypoints) nothing of the runner
is drawn and the panel's last contact is cleared. Colours are RGB.
"""

from __future__ import annotations

import numpy as np

from ..camera.tilt import image_direction
from ..metrics.angles import angle_from_vertical, unit_from_vertical
from .annotate_config import AnnotateConfig, band_colour, overstride_flagged
from .cues import overstriding_decision
from .draw import DARK, draw_dashed, draw_dot, draw_label, draw_line
from .hud import draw_hud, draw_timeline, panel_corner, timeline_top

__all__ = ["Scene", "draw_frame"]

_LEG = ("hip", "knee", "ankle", "heel", "toe")
_BODY = ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_shoulder",
         "right_shoulder", "nose")


class Scene:
    """Per-clip state: keypoints scaled to the output frame, strides, geometry, panel corner."""

    def __init__(self, analysis, scale: float, config: AnnotateConfig, size: tuple[int, int], u: float):
        kp = analysis.drawn_keypoints
        self.t = kp.time_s
        self.dt = float(np.median(np.diff(self.t))) if len(kp) > 1 else 1 / 30
        self.kp = kp.with_xy(kp.xy * scale)
        self.geom = analysis.geometry
        self.direction = self.geom.direction or 1
        self.ground_y = self.geom.ground_y * scale if np.isfinite(self.geom.ground_y) else None
        self.leg_px = float(self.geom.leg_length) * scale if kp.units == "px" else float("nan")
        self.strides = sorted(analysis.contacts, key=lambda s: s["ic_time_s"])
        self.summary = analysis.summary
        self.config = config
        # The one decision (runform.report.verdict), so the counter agrees with report and CLI.
        self.decision = overstriding_decision(analysis.contacts, analysis.quality, analysis.overstriding,
                                              config.thresholds)
        self.size = size
        self.u = u
        # The true vertical at the runner (runform.camera): angles are drawn against it.
        self.tilt = analysis.camera.vertical_at_runner_deg if analysis.camera is not None else 0.0
        self.down = image_direction((0.0, 1.0), self.tilt)
        self.mid_hip = self.kp.midpoint("left_hip", "right_hip")
        self.mid_sh = self.kp.midpoint("left_shoulder", "right_shoulder")
        self.present = self._presence()
        self.duration = max(float(self.t[-1]) if len(self.t) else 0.0,
                            max((s.get("to_time_s") or s["ic_time_s"] for s in self.strides), default=0.0))
        body = np.stack([self.kp.point(n) for n in _BODY], axis=1) if len(kp) else np.zeros((0, 1, 2))
        self.corner = panel_corner(body, size, u, behind=-self.direction)

    def _presence(self) -> np.ndarray:
        """Per keypoint frame: is the runner in the picture (hips and a knee seen, hips inside)?"""
        w, h = self.size
        hip = self.mid_hip
        with np.errstate(invalid="ignore"):
            inside = (hip[:, 0] >= 0) & (hip[:, 0] < w) & (hip[:, 1] >= 0) & (hip[:, 1] < h)
            knee = np.isfinite(self.kp.point("left_knee")[:, 0]) | np.isfinite(self.kp.point("right_knee")[:, 0])
        return inside & knee

    def index(self, t: float) -> int | None:
        """Nearest keypoint frame to ``t``; None when ``t`` is outside the keypoints."""
        if not len(self.t) or t > self.t[-1] + self.dt or t < self.t[0] - self.dt:
            return None
        i = int(np.searchsorted(self.t, t))
        if i > 0 and (i == len(self.t) or t - self.t[i - 1] <= self.t[i] - t):
            i -= 1
        return i

    def seen(self, t: float) -> int | None:
        """:meth:`index`, or None when the runner is not in the picture then."""
        i = self.index(t)
        return i if i is not None and self.present[i] else None

    def at(self, name: str, i: int) -> np.ndarray:
        return self.kp.point(name)[i]

    def is_far(self, stride: dict) -> bool:
        near = self.geom.near_side
        return near is not None and stride["foot"] != near


def _deg(v: float) -> str:
    """Whole degrees, never "-0°"."""
    return f"{round(float(v)) + 0:d}°"


def _bold(img, a, b, colour, th: int) -> None:
    """A measurement line: dark edge under the colour, so it reads on any background."""
    draw_line(img, a, b, DARK, th + 2)
    draw_line(img, a, b, colour, th)


def draw_skeleton(img, sc: Scene, i: int) -> None:
    """Thin limbs (under the measurements): near leg light cyan, far leg grey."""
    u, near = sc.u, sc.geom.near_side
    for side in sorted(("left", "right"), key=lambda x: x == near):  # near leg drawn last, on top
        far = near is not None and side != near
        col = sc.config.far_colour if far else sc.config.near_colour
        th = max(1, int(round(u * (0.07 if far else 0.11))))
        arm = [f"{side}_{j}" for j in ("shoulder", "elbow", "wrist")]
        leg = [f"{side}_{j}" for j in _LEG]
        for names in (arm, leg, [leg[2], leg[4]], [arm[0], leg[0]]):
            for a, b in zip(names, names[1:]):
                draw_line(img, sc.at(a, i), sc.at(b, i), col, th)
        for n in leg[:3]:
            draw_dot(img, sc.at(n, i), col, th + 1)
    draw_dot(img, sc.at("nose", i), (255, 255, 255), max(2, int(u * 0.2)))


def draw_trunk(img, sc: Scene, i: int, stride: dict | None) -> None:
    """Pelvis to mid-shoulders against the true vertical, with the lean behind the back."""
    u = sc.u
    hip, sh = sc.mid_hip[i], sc.mid_sh[i]
    if not (np.all(np.isfinite(hip)) and np.all(np.isfinite(sh))):
        return
    th = max(2, int(round(u * 0.15)))
    length = float(np.hypot(*(sh - hip)))
    draw_dashed(img, hip, hip - sc.down * length, (255, 255, 255), max(1, th // 2), u)
    draw_line(img, hip, sh, (255, 255, 255), th)
    lean = stride.get("trunk_lean_deg") if stride else float(angle_from_vertical(sh - hip, sc.direction, up=True))
    if lean is not None and np.isfinite(lean):
        draw_label(img, f"Trunk {_deg(lean)}", sh, u * 0.7, -sc.direction)


def draw_contact(img, sc: Scene, s: dict) -> None:
    """Shin vs the true vertical and the heel-to-hip marker, frozen at the contact pose."""
    i = sc.index(s["ic_time_s"])
    if i is None:
        return
    u, f = sc.u, s["foot"]
    quiet = sc.is_far(s) and sc.config.far_contacts == "quiet"
    knee, ankle, heel = sc.at(f"{f}_knee", i), sc.at(f"{f}_ankle", i), sc.at(f"{f}_heel", i)
    shin = s.get("shin_angle_ic_deg")
    col = band_colour(shin, sc.config) if not s.get("excluded") else (160, 160, 160)
    th = max(1, int(round(u * 0.1))) if quiet else max(3, int(round(u * 0.3)))
    if np.all(np.isfinite(knee)) and np.all(np.isfinite(ankle)):
        length = float(np.hypot(*(ankle - knee)))
        direction = (ankle - knee) / max(length, 1e-6)
        if shin is not None:  # draw the reported angle, from the true vertical, from the knee
            direction = image_direction(unit_from_vertical(shin, sc.direction), sc.tilt)
        (draw_line if quiet else _bold)(img, knee - direction * length * 0.1, knee + direction * length * 1.15, col, th)
        if not quiet:
            vertical = knee + sc.down * length * 1.3  # the true vertical, on top
            draw_dashed(img, knee, vertical, DARK, max(3, th // 2 + 2), u)
            draw_dashed(img, knee, vertical, (255, 255, 255), max(2, th // 2), u)
        if shin is not None:
            text = ("excluded" if s.get("excluded") else f"far {_deg(shin)}" if quiet else f"Shin {_deg(shin)}")
            draw_label(img, text, knee, u * (0.6 if quiet else 1.0), sc.direction, colour=col)
    if quiet:
        return
    _draw_overstride(img, sc, s, i, heel, th)


def _draw_overstride(img, sc: Scene, s: dict, i: int, heel, th: int) -> None:
    """Heel ahead of the pelvis: a bold horizontal bar at ground level from hip to heel."""
    u = sc.u
    pel_x = sc.kp.point("pelvis")[i, 0]
    if not np.isfinite(pel_x):
        pel_x = sc.mid_hip[i, 0]
    gy = sc.ground_y if sc.ground_y is not None else heel[1]
    if np.isfinite(heel[1]) and not abs(gy - heel[1]) < 0.3 * sc.leg_px:
        gy = heel[1]  # a panning camera moves the ground: the clip's ground line is not here
    if not (np.isfinite(pel_x) and np.isfinite(heel[0]) and np.isfinite(gy)):
        return
    y = min(float(gy) + u * 0.5, timeline_top(img.shape[0], u) - u * 0.8)
    draw_dashed(img, (pel_x, sc.mid_hip[i, 1]), (pel_x, y), (255, 255, 255), 2, u)
    ov = s.get("overstride_pct_leg")
    ocol = sc.config.colour_bad if overstride_flagged(s, sc.config) else (255, 255, 255)
    _bold(img, (pel_x, y), (heel[0], y), ocol, th)
    for x in (pel_x, heel[0]):
        draw_line(img, (x, y - u * 0.5), (x, y + u * 0.5), ocol, max(2, th // 2))
    if ov is not None:
        draw_label(img, f"Heel {ov:+.0f}% leg", (pel_x, y - u * 0.9), u * 0.7, -sc.direction, colour=ocol)


def draw_frame(img, sc: Scene, t: float) -> None:
    """Draw every layer for video time ``t`` (real seconds) onto ``img`` (RGB, in place)."""
    i = sc.seen(t)
    done = [s for s in sc.strides if s["ic_time_s"] <= t + 0.5 * sc.dt]
    held = [s for s in done if t - s["ic_time_s"] < sc.config.hold_s
            and not (sc.is_far(s) and sc.config.far_contacts == "off")]
    if i is not None:
        draw_trunk(img, sc, i, held[-1] if held else None)
        draw_skeleton(img, sc, i)
        if held:  # only the latest contact: steps are shorter than hold_s
            draw_contact(img, sc, held[-1])
    draw_hud(img, sc, done if i is not None else [], t)
    draw_timeline(img, sc, t)
