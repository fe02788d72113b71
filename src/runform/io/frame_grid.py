"""The frame grid of a constant-rate video: frame times put back on the declared rate.

Many muxers round presentation times (often to the millisecond), which makes a 60 fps clip
step 16, 17, 17 ms and read as 58.8 fps. When every timestamp of a file sits on the grid of
the stream's declared rate within that rounding, the file is constant-rate (see
:func:`constant_rate`); :mod:`runform.io.video` then reports the declared rate and snaps each
frame's time to the grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np

__all__ = ["FrameGrid", "constant_rate", "MAX_ROUNDING_FRAMES", "MIN_GRID_FILL"]

#: Largest timestamp rounding accepted as rounding, in frames of the declared rate: more than
#: a quarter frame off the grid is real timing (variable frame rate), not rounding.
MAX_ROUNDING_FRAMES = 0.25
#: Share of the grid's slots between the first and last frame that must hold a frame; fewer
#: means the declared rate is not the frame rate (e.g. a field rate twice the frame rate).
MIN_GRID_FILL = 0.9


@dataclass(frozen=True)
class FrameGrid:
    """The frame times of a constant-rate file.

    Attributes
    ----------
    fps : float
        The stream's declared frame rate in Hz.
    start_s : float
        Presentation time of the first frame in seconds on the stream's clock.
    """

    fps: float
    start_s: float

    def snap(self, time_s: float) -> float:
        """Seconds from ``start_s`` to the grid slot nearest ``time_s`` (a stream time in s)."""
        return round((time_s - self.start_s) * self.fps) / self.fps


def constant_rate(path) -> FrameGrid | None:
    """The frame grid when every timestamp of a video sits on its declared rate's grid.

    Reads the packets' timestamps without decoding. A file counts as constant-rate when,
    for the stream's guessed or average rate R (tried in that order): every timestamp is
    within its own rounding (the greatest common step of the timestamps, at most a quarter
    frame) of a slot ``start + n / R``, no two frames share a slot, and at least 90% of the
    slots between the first and last frame hold a frame. Files whose timestamps are really
    irregular (variable frame rate) fail the first test and keep their real timing.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.

    Returns
    -------
    FrameGrid or None
        None for a variable-rate file, an unreadable one or one with fewer than 3 frames.
    """
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return None
    return _grid(str(path.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=32)  # probe and every decoding pass ask; the demux reads the whole file
def _grid(path: str, size: int, mtime_ns: int) -> FrameGrid | None:
    try:
        container = av.open(path)
    except (av.error.FFmpegError, OSError, ValueError):
        return None
    try:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        time_base = stream.time_base
        rates = [r for r in (stream.guessed_rate, stream.average_rate) if r is not None and r > 0]
        pts: set[int] = set()
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and packet.size:  # size 0: the demuxer's flush packet
                    pts.add(int(packet.pts))
        except (av.error.FFmpegError, ValueError):
            pass  # a truncated tail: judge the packets that were read
    finally:
        container.close()
    if time_base is None or len(pts) < 3:
        return None
    ticks = np.array(sorted(pts), dtype=np.int64)
    offsets = ticks - ticks[0]
    rounding_s = float(np.gcd.reduce(offsets[1:]) * Fraction(time_base))
    seconds = offsets * float(time_base)
    for rate in rates:
        fps = float(rate)
        slot = np.rint(seconds * fps)
        tolerance = min(rounding_s, MAX_ROUNDING_FRAMES / fps) + 1e-9
        if (np.max(np.abs(seconds - slot / fps)) <= tolerance and np.all(np.diff(slot) > 0)
                and len(slot) >= MIN_GRID_FILL * (slot[-1] + 1)):
            return FrameGrid(fps=fps, start_s=float(ticks[0] * Fraction(time_base)))
    return None
