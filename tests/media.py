"""Test videos made on the fly from the bundled generated samples (never committed).

:func:`make_clip` cuts a sample, optionally scales, re-times (slow motion), re-encodes into
another container or codec, rotates or mirrors through the display matrix, or writes metadata.
Everything is PyAV; a 2 s 360p clip takes well under a second to write.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
RELAXED_60 = SAMPLES / "relaxed_60fps.mp4"


def read_frames(src: Path = RELAXED_60, start_s: float = 0.0, duration_s: float = 2.0,
                height: int | None = 360) -> tuple[list[np.ndarray], float]:
    """RGB frames of ``src`` from ``start_s`` for ``duration_s`` (scaled to ``height``) and its rate."""
    frames = []
    with av.open(str(src)) as c:
        stream = c.streams.video[0]
        fps = float(stream.average_rate)
        for frame in c.decode(stream):
            t = float(frame.time)
            if t < start_s - 1e-6:
                continue
            if t >= start_s + duration_s - 1e-6:
                break
            img = frame.to_ndarray(format="rgb24")
            if height and img.shape[0] != height:
                w = int(round(img.shape[1] * height / img.shape[0] / 2)) * 2
                img = cv2.resize(img, (w, height), interpolation=cv2.INTER_AREA)
            frames.append(img)
    return frames, fps


def write_clip(frames: list[np.ndarray], dst: Path, fps: float, codec: str = "libx264", pix_fmt: str = "yuv420p",
               rotation: int = 0, hflip: bool = False, metadata: dict | None = None,
               times_s: list[float] | None = None, options: dict | None = None) -> Path:
    """Encode RGB ``frames`` into ``dst`` at ``fps`` (or at ``times_s``, for variable rate)."""
    dst = Path(dst)
    opts = dict(options or {})
    if metadata:
        opts.setdefault("movflags", "use_metadata_tags")  # the mp4 muxer drops unknown keys otherwise
    with av.open(str(dst), "w", options=opts) as c:
        if metadata:
            c.metadata.update(metadata)
        rate = Fraction(fps).limit_denominator(1000)
        s = c.add_stream(codec, rate=rate)
        h, w = frames[0].shape[:2]
        s.width, s.height, s.pix_fmt = w, h, pix_fmt
        if times_s is not None:
            s.time_base = Fraction(1, 1000)
            s.codec_context.time_base = Fraction(1, 1000)
        if rotation or hflip:
            s.set_display_rotation(rotation, hflip=hflip)
        for i, img in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
            if times_s is not None:
                frame.pts = int(round(times_s[i] * 1000))
                frame.time_base = Fraction(1, 1000)
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return dst


def make_clip(dst: Path, src: Path = RELAXED_60, start_s: float = 1.0, duration_s: float = 2.0,
              height: int | None = 360, slow: float = 1.0, **kw) -> Path:
    """Cut ``src`` and write it to ``dst``; ``slow`` = 4 plays it 4x slower (a 60 fps clip at 15 fps)."""
    frames, fps = read_frames(src, start_s, duration_s, height)
    return write_clip(frames, dst, fps / slow, **kw)
