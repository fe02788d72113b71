"""Annotated video: the runner's skeleton and per-contact measurements drawn on the clip.

A second pass over the video (one frame in memory at a time) draws each frame with
:func:`runform.report.overlay.draw_frame` (thin skeleton under bold measurement lines, the
shin against the true vertical and the heel-to-hip marker at each contact, the head-up panel
where the runner is not, a contact timeline) and encodes it. Optionally each contact's frame is
held still (``freeze_s``) or the first near-leg contact is replayed slowly, so the shin angle
can be read on a phone. Colours are RGB (frames are RGB throughout).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from ..io.prefetch import prefetch
from ..io.video import iter_frames, probe_video
from ..io.video_writer import VideoWriter, even_size
from .annotate_config import AnnotateConfig, counter_colour, overstride_flagged, shin_band
from .draw import draw_text, line_unit
from .hud import timeline_top
from .overlay import Scene, draw_frame

__all__ = ["AnnotateConfig", "AnnotatedVideo", "render_annotated_video", "shin_band", "overstride_flagged",
           "counter_colour", "freeze_times"]


@dataclass(frozen=True)
class AnnotatedVideo:
    """What :func:`render_annotated_video` wrote."""

    path: Path
    frames_in: int
    frames_out: int
    width: int
    height: int
    seconds: float


def freeze_times(sc: Scene) -> list[float]:
    """IC times (s) held still with ``freeze_s``: counted contacts drawn boldly (near leg, or
    every leg when the near side is unknown or far contacts are drawn bold)."""
    bold_far = sc.config.far_contacts == "bold"
    return [s["ic_time_s"] for s in sc.strides if not s.get("excluded") and (bold_far or not sc.is_far(s))]


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
    u = line_unit(size)
    sc = Scene(analysis, scale, config, size, u)
    fps = info.fps if np.isfinite(info.fps) and info.fps > 0 else 30.0
    to_file = (capture_fps / fps) if capture_fps else 1.0  # real seconds -> file seconds
    replay_ic = _replay_contact(sc) if config.slowmo_replay else None
    freezes = deque(freeze_times(sc)) if config.freeze_s > 0 else deque()
    n_hold = int(round(config.freeze_s * fps))
    buf: deque = deque()
    offset, n_in, n_out = 0.0, 0, 0
    total = info.frame_count
    with VideoWriter(out_path, fps=fps, crf=config.crf, preset=config.preset) as writer:
        # Scaled to the output size in the decoder's colour conversion, decoded ahead in a thread
        # while this one draws and x264 encodes.
        for t, frame in prefetch(iter_frames(path, capture_fps, size=size)):
            img = frame if (frame.shape[1], frame.shape[0]) == size and frame.flags.writeable \
                else cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            draw_frame(img, sc, t)
            writer.write(img, t * to_file + offset)
            n_in += 1
            n_out += 1
            due = False
            while freezes and t >= freezes[0] - 0.5 * sc.dt:
                freezes.popleft()
                due = True
            if due and n_hold and sc.seen(t) is not None:  # the first frame at/after a contact, held
                offset += _hold(writer, img, t * to_file + offset, 1.0 / fps, n_hold, u)
                n_out += n_hold
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


def _replay_contact(sc: Scene) -> float | None:
    """IC time of the first near-leg contact with a full replay window inside the clip."""
    w = sc.config.slowmo_window_s
    near = sc.geom.near_side
    for s in sc.strides:
        if (near is None or s["foot"] == near) and s["ic_time_s"] - w >= sc.t[0] and s["ic_time_s"] + w <= sc.t[-1]:
            return s["ic_time_s"]
    return None


def _hold(writer: VideoWriter, img, t_last: float, dt: float, n: int, u: float) -> float:
    """Write ``img`` ``n`` more times after ``t_last``, tagged as paused; return the added time (s)."""
    img = img.copy()
    draw_text(img, "paused at contact", (u * 0.5, timeline_top(img.shape[0], u) - u * 0.4), u * 0.6,
          colour=(255, 230, 0))
    for k in range(1, n + 1):
        writer.write(img, t_last + k * dt)
    return n * dt


def _replay(writer: VideoWriter, buf, t_last: float, dt: float, config: AnnotateConfig, u: float):
    """Write the buffered frames again, each ``slowmo_factor`` times; return (new end time, frames)."""
    t_out, added = t_last, 0
    for _, img in buf:
        img = img.copy()
        draw_text(img, f"Replay 1/{config.slowmo_factor}x", (u * 0.6, img.shape[0] * 0.5), u, colour=(255, 230, 0))
        for _ in range(config.slowmo_factor):
            t_out += dt
            writer.write(img, t_out)
            added += 1
    return t_out, added
