"""H.264 MP4 writing with PyAV, for annotated videos that play everywhere.

Output is ``libx264`` / ``yuv420p`` (what phones, browsers and messaging apps
play), with even frame dimensions (yuv420p needs them) and the ``moov`` atom at
the front of the file (``movflags=faststart``) so a browser can start playing
before the whole file has arrived. Frames carry the timestamps they are given,
so variable-frame-rate input keeps its real timing.

The file is written to a temporary path beside the target and renamed over it
only when the writer closes without an exception.
"""

from __future__ import annotations

import contextlib
import math
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from runform.atomic import atomic_path

__all__ = ["VideoWriter", "even_size"]

#: Millisecond time base for frame timestamps.
TIME_BASE = Fraction(1, 1000)


def even_size(width: int, height: int, out_height: int | None = None) -> tuple[int, int]:
    """Output frame size with both sides even.

    Parameters
    ----------
    width, height : int
        Input frame size in pixels.
    out_height : int, optional
        Wanted output height (clipped to the input height: no upscaling); the
        width follows the aspect ratio. Without it the input size is kept, less
        one pixel on an odd side.

    Returns
    -------
    (width, height) : tuple of int
        Even, at least 2 each.
    """
    if out_height is None:
        return max(2, width - width % 2), max(2, height - height % 2)
    out_height = min(int(out_height), height)  # never upscale: it only adds bytes
    h = max(2, out_height - out_height % 2)
    w = int(round(width * h / height))
    w = max(2, w - w % 2)
    return w, h


class VideoWriter:
    """Write RGB frames with timestamps to an H.264 MP4.

    Use as a context manager; the output size is fixed by the first frame.

    Parameters
    ----------
    path : str or os.PathLike
        Output file (``.mp4``; ``.mov`` also works). Written atomically.
    fps : float
        Nominal frame rate in Hz, used by the encoder's rate control and as the
        stream's average rate. Actual frame times come from :meth:`write`.
    height : int, optional
        Downscale frames to this height (aspect kept, both sides even).
    crf : int
        x264 constant rate factor (lower is better quality, bigger file).
    preset : str
        x264 speed preset.

    Examples
    --------
    >>> with VideoWriter("out.mp4", fps=30) as w:          # doctest: +SKIP
    ...     for t, image in iter_frames("in.mp4"):
    ...         w.write(image, t)
    """

    def __init__(self, path, fps: float = 30.0, height: int | None = None,
                 crf: int = 23, preset: str = "veryfast") -> None:
        if not (fps > 0 and math.isfinite(fps)):
            fps = 30.0
        self.path = Path(path)
        self.fps = float(fps)
        self.height = height
        self.crf = int(crf)
        self.preset = preset
        self.size: tuple[int, int] | None = None
        self.frames_written = 0
        self._stack: contextlib.ExitStack | None = None
        self._container = None
        self._stream = None
        self._last_pts = -1

    def __enter__(self) -> "VideoWriter":
        self._stack = contextlib.ExitStack()
        tmp = self._stack.enter_context(atomic_path(self.path))
        self._container = av.open(str(tmp), mode="w", options={"movflags": "+faststart"})
        self._stack.callback(self._container.close)
        return self

    def _open_stream(self, width: int, height: int) -> None:
        self.size = even_size(width, height, self.height)
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height = self.size
        stream.pix_fmt = "yuv420p"
        stream.time_base = TIME_BASE
        stream.codec_context.time_base = TIME_BASE
        stream.options = {"crf": str(self.crf), "preset": self.preset}
        self._stream = stream

    def _fit(self, image: np.ndarray) -> np.ndarray:
        w, h = self.size
        ih, iw = image.shape[:2]
        if (iw, ih) == (w, h):
            return image
        if self.height is None and iw - w <= 1 and ih - h <= 1:
            return image[:h, :w]  # drop the odd row / column
        interp = cv2.INTER_AREA if h < ih else cv2.INTER_LINEAR
        return cv2.resize(image, (w, h), interpolation=interp)

    def write(self, image: np.ndarray, time_s: float) -> None:
        """Encode one frame.

        Parameters
        ----------
        image : ndarray, shape (H, W, 3), uint8
            RGB frame. All frames should have the first frame's size; others
            are resized to it.
        time_s : float
            Presentation time in seconds. Times are rounded to milliseconds;
            a time not after the previous frame's is nudged 1 ms later so
            timestamps always increase.
        """
        if self._container is None:
            raise RuntimeError("VideoWriter is not open; use it in a with-block")
        image = np.asarray(image)
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"expected an (H, W, 3) RGB image, got shape {image.shape}")
        if self._stream is None:
            self._open_stream(image.shape[1], image.shape[0])
        image = np.ascontiguousarray(self._fit(image), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        pts = int(round(float(time_s) / TIME_BASE)) if math.isfinite(time_s) else self._last_pts + 1
        pts = max(pts, self._last_pts + 1)
        frame.pts = pts
        frame.time_base = TIME_BASE
        self._last_pts = pts
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames_written += 1

    def __exit__(self, exc_type, exc, tb) -> bool:
        stack, self._stack = self._stack, None
        try:
            if exc_type is None:
                if self._stream is None:
                    raise ValueError(f"no frames were written to {self.path.name}")
                for packet in self._stream.encode(None):  # flush the encoder
                    self._container.mux(packet)
        except BaseException as err:
            self._container = None
            if not stack.__exit__(type(err), err, err.__traceback__):
                raise
            return False
        self._container = None
        # Closes the container (writes the trailer, moves moov to the front),
        # then renames the temporary file over the target on success.
        return bool(stack.__exit__(exc_type, exc, tb))
