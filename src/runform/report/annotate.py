"""Annotated video: the runner's skeleton and per-contact measurements drawn on the clip.

A second pass over the video (one frame in memory at a time) draws, with OpenCV:

* the skeleton, the near leg thicker and brighter;
* at each initial contact, held for ``hold_s``: the shin line against a vertical
  reference with the shin angle, coloured by band (green / amber / red); the
  heel-vs-pelvis overstride marker at ground level; the trunk lean;
* a head-up display: cadence, the last contact's shin angle and foot strike,
  and the running overstride verdict;
* a contact timeline along the bottom (left / right stance bars and a cursor).

Keypoints are matched to frames by nearest timestamp; frames past the last
keypoint get no skeleton. Colours are RGB (frames are RGB throughout).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from ..camera.tilt import image_direction
from ..io.prefetch import prefetch
from ..io.video import iter_frames, probe_video
from ..io.video_writer import VideoWriter, even_size
from ..metrics.angles import angle_from_vertical, unit_from_vertical
from .cues import Thresholds, band, is_overstride, overstriding_decision
from .draw import (
    _DARK, _dashed, _dot, _label, _line, _panel, _shade, _text, _unit,
)

__all__ = ["AnnotateConfig", "AnnotatedVideo", "render_annotated_video", "shin_band", "overstride_flagged",
           "counter_colour"]


@dataclass(frozen=True)
class AnnotateConfig:
    """How the annotated video looks.

    Attributes
    ----------
    video_height : int or None
        Output height in pixels (aspect kept, both sides even); None keeps the source size.
    hold_s : float
        Seconds the contact overlay stays on screen after each initial contact.
    slowmo_replay : bool
        Replay the first near-leg contact at ``1 / slowmo_factor`` speed right after it.
    slowmo_window_s : float
        Seconds before and after the contact that the replay covers.
    slowmo_factor : int
        Each replayed frame is shown this many times.
    thresholds : Thresholds
        Shin-angle bands and the overstriding rule, shared with the cues and the report
        (:mod:`runform.report.cues`), so video and report never disagree.
    colour_ok, colour_warn, colour_bad : tuple of int
        RGB band colours.
    near_colour, far_colour : tuple of int
        RGB skeleton colours of the near and far limbs.
    crf : int
        x264 quality.
    preset : str
        x264 speed preset. ``superfast``: at 720p it encodes in about 60 % of ``veryfast``'s
        CPU time (11 vs 20 ms a frame on the 2-core test machine) for a file about 1.7 x larger
        (~3 Mbit/s at 60 fps); still H.264 High profile, yuv420p, faststart, which phones and
        browsers play. x264 threads itself over the cores.
    """

    video_height: int | None = 720
    hold_s: float = 0.6
    slowmo_replay: bool = False
    slowmo_window_s: float = 0.2
    slowmo_factor: int = 4
    thresholds: Thresholds = Thresholds()
    colour_ok: tuple[int, int, int] = (40, 200, 80)
    colour_warn: tuple[int, int, int] = (255, 176, 0)
    colour_bad: tuple[int, int, int] = (235, 50, 50)
    near_colour: tuple[int, int, int] = (0, 225, 255)
    far_colour: tuple[int, int, int] = (170, 170, 170)
    crf: int = 23
    preset: str = "superfast"


@dataclass(frozen=True)
class AnnotatedVideo:
    """What :func:`render_annotated_video` wrote."""

    path: Path
    frames_in: int
    frames_out: int
    width: int
    height: int
    seconds: float


def shin_band(angle_deg: float | None, config: AnnotateConfig = AnnotateConfig()) -> str | None:
    """``"ok"``, ``"warn"`` or ``"bad"`` for a shin angle (None when unmeasured)."""
    return {"green": "ok", "amber": "warn", "red": "bad"}.get(band("shin_angle_ic_deg", angle_deg, config.thresholds))


def _band_colour(angle_deg, config: AnnotateConfig):
    return {"ok": config.colour_ok, "warn": config.colour_warn, "bad": config.colour_bad}.get(
        shin_band(angle_deg, config), (200, 200, 200))


def overstride_flagged(stride: dict, config: AnnotateConfig = AnnotateConfig()) -> bool:
    """True when a contact counts as overstriding, by the same rule as the cues
    (:func:`runform.report.cues.is_overstride`); unjudgeable and excluded contacts count as not."""
    return bool(is_overstride(stride, config.thresholds))


def counter_colour(decision: dict, config: AnnotateConfig = AnnotateConfig()) -> tuple[int, int, int]:
    """The HUD's overstride counter colour: the session decision's, the same as the report's.

    Bad when the session verdict is "overstriding", ok when "not overstriding", white for
    every verdict that does not decide ("uncertain", "not enough contacts", "cannot judge").
    """
    word = (decision.get("session") or {}).get("verdict")
    return {"overstriding": config.colour_bad, "not overstriding": config.colour_ok}.get(word, (255, 255, 255))


# --- drawing primitives (RGB images, float coordinates, NaN-safe) -------------------

class _Scene:
    """Per-clip state: keypoints scaled to the output frame, strides, geometry."""

    def __init__(self, analysis, scale: float, config: AnnotateConfig, size: tuple[int, int]):
        kp = analysis.drawn_keypoints
        self.t = kp.time_s
        self.dt = float(np.median(np.diff(self.t))) if len(kp) > 1 else 1 / 30
        self.kp = kp.with_xy(kp.xy * scale)
        self.geom = analysis.geometry
        self.direction = self.geom.direction or 1
        self.ground_y = self.geom.ground_y * scale if np.isfinite(self.geom.ground_y) else None
        self.strides = sorted(analysis.contacts, key=lambda s: s["ic_time_s"])
        self.summary = analysis.summary
        self.config = config
        # The one decision (runform.report.verdict), so the counter agrees with report and CLI.
        self.decision = overstriding_decision(analysis.contacts, analysis.quality, analysis.overstriding,
                                              config.thresholds)
        self.size = size
        # The true vertical at the runner (runform.camera): angles are drawn against it.
        self.tilt = analysis.camera.vertical_at_runner_deg if analysis.camera is not None else 0.0
        self.down = image_direction((0.0, 1.0), self.tilt)
        self.mid_hip = self.kp.midpoint("left_hip", "right_hip")
        self.mid_sh = self.kp.midpoint("left_shoulder", "right_shoulder")
        self.duration = max(float(self.t[-1]) if len(self.t) else 0.0,
                            max((s.get("to_time_s") or s["ic_time_s"] for s in self.strides), default=0.0))

    def index(self, t: float) -> int | None:
        """Nearest keypoint frame to ``t``; None when ``t`` is outside the keypoints."""
        if not len(self.t) or t > self.t[-1] + self.dt or t < self.t[0] - self.dt:
            return None
        i = int(np.searchsorted(self.t, t))
        if i > 0 and (i == len(self.t) or t - self.t[i - 1] <= self.t[i] - t):
            i -= 1
        return i

    def at(self, name: str, i: int) -> np.ndarray:
        return self.kp.point(name)[i]


def _draw_skeleton(img, sc: _Scene, i: int, u: float) -> None:
    near = sc.geom.near_side
    for side in sorted(("left", "right"), key=lambda x: x == near):  # near leg drawn last, on top
        col = sc.config.far_colour if near and side != near else sc.config.near_colour
        th = max(2, int(round(u * (0.4 if near is None else 0.6 if side == near else 0.3))))
        arm, leg = ([f"{side}_{j}" for j in js] for js in (("shoulder", "elbow", "wrist"),
                                                           ("hip", "knee", "ankle", "heel", "toe")))
        for names in (arm, leg, [leg[2], leg[4]], [arm[0], leg[0]]):
            for a, b in zip(names, names[1:]):
                _line(img, sc.at(a, i), sc.at(b, i), col, th)
        for n in leg[:3]:
            _dot(img, sc.at(n, i), col, th)
    _dot(img, sc.at("nose", i), (255, 255, 255), max(2, int(u * 0.5)))


def _draw_trunk(img, sc: _Scene, i: int, u: float, stride: dict | None) -> None:
    hip, sh = sc.mid_hip[i], sc.mid_sh[i]
    if not (np.all(np.isfinite(hip)) and np.all(np.isfinite(sh))):
        return
    th = max(2, int(round(u * 0.35)))
    length = float(np.hypot(*(sh - hip)))
    _dashed(img, hip, hip - sc.down * length, (255, 255, 255), max(1, th // 2), u)
    _line(img, hip, sh, (255, 255, 255), th)
    lean = stride.get("trunk_lean_deg") if stride else float(angle_from_vertical(sh - hip, sc.direction, up=True))
    if lean is not None and np.isfinite(lean):
        _label(img, f"Trunk {lean:.0f}°", sh, u * 0.8, -sc.direction)  # behind the back


def _draw_contact(img, sc: _Scene, s: dict, u: float) -> None:
    """Shin vs vertical and the heel-vs-pelvis marker, frozen at the contact pose."""
    i = sc.index(s["ic_time_s"])
    if i is None:
        return
    f = s["foot"]
    knee, ankle, heel = sc.at(f"{f}_knee", i), sc.at(f"{f}_ankle", i), sc.at(f"{f}_heel", i)
    shin = s.get("shin_angle_ic_deg")
    col = _band_colour(shin, sc.config) if not s.get("excluded") else (160, 160, 160)
    th = max(3, int(round(u * 0.45)))
    if np.all(np.isfinite(knee)) and np.all(np.isfinite(ankle)):
        length = float(np.hypot(*(ankle - knee)))
        direction = (ankle - knee) / max(length, 1e-6)
        if shin is not None:  # draw the reported angle, from the true vertical, from the knee
            direction = image_direction(unit_from_vertical(shin, sc.direction), sc.tilt)
        _line(img, knee - direction * length * 0.1, knee + direction * length * 1.15, col, th)
        vertical = knee + sc.down * length * 1.3  # the true vertical, on top
        _dashed(img, knee, vertical, _DARK, max(3, th // 2 + 2), u)
        _dashed(img, knee, vertical, (255, 255, 255), max(2, th // 2), u)
        if shin is not None:
            text = f"Shin {shin:.0f}°" if not s.get("excluded") else "excluded"
            _label(img, text, knee, u * 1.1, sc.direction, colour=col)
    pel_x = sc.kp.point("pelvis")[i, 0]
    if not np.isfinite(pel_x):
        pel_x = sc.mid_hip[i, 0]
    gy = sc.ground_y if sc.ground_y is not None else heel[1]
    if np.isfinite(pel_x) and np.isfinite(heel[0]) and np.isfinite(gy):
        y = min(float(gy) + u * 0.5, _timeline_top(img.shape[0], u) - u * 0.8)
        _dashed(img, (pel_x, sc.mid_hip[i, 1]), (pel_x, y), (255, 255, 255), 2, u)
        ov = s.get("overstride_pct_leg")
        ocol = sc.config.colour_bad if overstride_flagged(s, sc.config) else (255, 255, 255)
        _line(img, (pel_x, y), (heel[0], y), ocol, th)
        for x in (pel_x, heel[0]):
            _line(img, (x, y - u * 0.6), (x, y + u * 0.6), ocol, max(2, th // 2))
        if ov is not None:
            _label(img, f"Heel {ov:+.0f}% leg", (pel_x, y - u * 0.9), u * 0.8, -sc.direction, colour=ocol)


def _hud(img, sc: _Scene, done: list[dict], u: float) -> None:
    cad = sc.summary.get("cadence_spm")
    lines = [f"Cadence {cad:.0f} spm" if cad else "Cadence -"]
    colours = [(255, 255, 255)]
    last = next((s for s in reversed(done) if not s.get("excluded")), None)  # the last counted contact
    if last:
        shin = last.get("shin_angle_ic_deg")
        lines.append(f"Shin {shin:.0f}° {last['foot'][0].upper()}" if shin is not None else "Shin -")
        colours.append(_band_colour(shin, sc.config))
        lines.append(f"Strike {last.get('foot_strike') or '-'}")
        colours.append((255, 255, 255))
        judged = [s for s in done if is_overstride(s, sc.config.thresholds) is not None]
        n_bad = sum(overstride_flagged(s, sc.config) for s in judged)
        session = sc.decision["session"]
        lines.append(f"Overstride {n_bad}/{len(judged)}" if session["verdict"] != "cannot judge"
                     else "Overstride: cannot judge")
        colours.append(counter_colour(sc.decision, sc.config))
    else:
        lines += ["Shin -", "Strike -", "Overstride -"]
        colours += [(255, 255, 255)] * 3
    _panel(img, lines, colours, u)


def _timeline_rows(u: float) -> tuple[int, int]:
    row = max(4, int(round(u * 0.7)))
    return row, max(2, row // 3)


def _timeline_top(h: int, u: float) -> int:
    row, gap = _timeline_rows(u)
    return h - 2 * row - 3 * gap


def _timeline(img, sc: _Scene, t: float, u: float) -> None:
    h, w = img.shape[:2]
    row, gap = _timeline_rows(u)
    top = _timeline_top(h, u)
    _shade(img, 0, top, w, h, 0.55)
    label_w = int(u * 1.4)
    x0, x1 = label_w + gap, w - gap
    span = max(sc.duration, 1e-6)
    for k, foot in enumerate(("left", "right")):
        y0 = top + gap + k * (row + gap)
        _text(img, foot[0].upper(), (gap, y0 + row), row * 1.0, outline=False)
        for s in sc.strides:
            if s["foot"] != foot:
                continue
            end = s.get("to_time_s") or s["ic_time_s"] + 0.05
            a = x0 + (x1 - x0) * s["ic_time_s"] / span
            b = x0 + (x1 - x0) * min(end, span) / span
            cv2.rectangle(img, (int(a), y0), (max(int(a) + 1, int(b)), y0 + row),
                          _band_colour(s.get("shin_angle_ic_deg"), sc.config) if not s.get("excluded")
                          else (110, 110, 110), -1)
    cx = int(x0 + (x1 - x0) * min(max(t, 0.0), span) / span)
    cv2.line(img, (cx, top), (cx, h), (255, 255, 255), max(2, row // 4))


def _annotate(img, sc: _Scene, t: float, u: float) -> None:
    i = sc.index(t)
    done = [s for s in sc.strides if s["ic_time_s"] <= t + 0.5 * sc.dt]
    held = [s for s in done if t - s["ic_time_s"] < sc.config.hold_s]
    if i is not None:
        _draw_trunk(img, sc, i, u, held[-1] if held else None)
        _draw_skeleton(img, sc, i, u)
        if held:  # only the latest contact: steps are shorter than hold_s
            _draw_contact(img, sc, held[-1], u)
    _hud(img, sc, done, u)
    _timeline(img, sc, t, u)


def render_annotated_video(analysis, out_path, config: AnnotateConfig = AnnotateConfig(),
                           capture_fps: float | None = None,
                           progress: Callable[[int, int], None] | None = None) -> AnnotatedVideo:
    """Draw the analysis over its video and write an H.264 MP4.

    Parameters
    ----------
    analysis : runform.pipeline.Analysis
        A video analysis (``analysis.input.path`` must be the video).
    out_path : str or os.PathLike
        Output ``.mp4``; written atomically.
    config : AnnotateConfig
        Look and size.
    capture_fps : float, optional
        The same value the analysis used for a slow-motion clip, so frame
        times match keypoint times. The output keeps the file's own timing.
    progress : callable, optional
        ``progress(done, total)`` after each input frame; ``total`` is an estimate.

    Returns
    -------
    AnnotatedVideo
        Output path, input / output frame counts, size and wall time.
    """
    started = time.perf_counter()
    path = Path(analysis.input.path)
    info = probe_video(path)
    size = even_size(info.width, info.height, config.video_height)
    scale = size[1] / info.height
    sc = _Scene(analysis, scale, config, size)
    u = _unit(size)
    fps = info.fps if np.isfinite(info.fps) and info.fps > 0 else 30.0
    to_file = (capture_fps / fps) if capture_fps else 1.0  # real seconds -> file seconds
    replay_ic = _replay_contact(sc) if config.slowmo_replay else None
    buf: deque = deque()
    offset, n_in, n_out = 0.0, 0, 0
    total = info.frame_count
    with VideoWriter(out_path, fps=fps, crf=config.crf, preset=config.preset) as writer:
        # Scaled to the output size in the decoder's colour conversion, decoded ahead in a thread
        # while this one draws and x264 encodes.
        for t, frame in prefetch(iter_frames(path, capture_fps, size=size)):
            img = frame if (frame.shape[1], frame.shape[0]) == size and frame.flags.writeable \
                else cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            _annotate(img, sc, t, u)
            writer.write(img, t * to_file + offset)
            n_in += 1
            n_out += 1
            if replay_ic is not None:
                if t >= replay_ic - config.slowmo_window_s:
                    buf.append((t, img))
                if t >= replay_ic + config.slowmo_window_s and buf:
                    offset, added = _replay(writer, buf, t * to_file + offset, sc.dt * to_file, config, u)
                    offset -= t * to_file
                    n_out += added
                    buf.clear()
                    replay_ic = None
            if progress:
                progress(n_in, total)
    return AnnotatedVideo(Path(out_path), n_in, n_out, size[0], size[1], time.perf_counter() - started)


def _replay_contact(sc: _Scene) -> float | None:
    """IC time of the first near-leg contact with a full replay window inside the clip."""
    w = sc.config.slowmo_window_s
    near = sc.geom.near_side
    for s in sc.strides:
        if (near is None or s["foot"] == near) and s["ic_time_s"] - w >= sc.t[0] and s["ic_time_s"] + w <= sc.t[-1]:
            return s["ic_time_s"]
    return None


def _replay(writer: VideoWriter, buf, t_last: float, dt: float, config: AnnotateConfig, u: float):
    """Write the buffered frames again, each ``slowmo_factor`` times; return (new end time, frames)."""
    t_out, added = t_last, 0
    for _, img in buf:
        img = img.copy()
        _text(img, f"Replay 1/{config.slowmo_factor}x", (u * 0.6, img.shape[0] * 0.5), u, colour=(255, 230, 0))
        for _ in range(config.slowmo_factor):
            t_out += dt
            writer.write(img, t_out)
            added += 1
    return t_out, added
