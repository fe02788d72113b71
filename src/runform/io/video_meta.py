"""What a video file says about how to show and time it: display matrix and capture rate.

* :func:`display_orientation`: the rotation of a frame's display matrix, and whether it mirrors.
  A mirroring matrix is un-mirrored before its rotation is read (FFmpeg reads a plain
  horizontal flip as a 180 deg rotation, which turned such clips upside down).
* :func:`file_capture_fps`: the capture rate a slow-motion file declares in its metadata
  (Android's ``com.android.capture.fps``, or any key ending in ``capture.fps``).
* :func:`capture_rate`: the rate to use, from ``--capture-fps`` or the file, and the refusal of
  a ``--capture-fps`` below the file's own rate.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from runform.errors import CaptureRateError

if TYPE_CHECKING:
    from runform.io.video import VideoInfo

__all__ = ["display_orientation", "file_capture_fps", "capture_rate"]


#: Metadata key endings that carry a capture rate (Android writes ``com.android.capture.fps``).
_CAPTURE_KEYS = ("capture.fps", "capture_fps", "capturefps")
#: A declared capture rate within this fraction of the file's rate is the file's own rate
#: (Android writes ``com.android.capture.fps = 30.000`` into ordinary 29.97 fps clips).
_SAME_RATE = 0.05


def file_capture_fps(*metadata) -> float | None:
    """The capture rate (Hz) in container or stream metadata, e.g. ``com.android.capture.fps``.

    None when no key ending in ``capture.fps`` (or ``capture_fps``) holds a finite positive number.
    """
    for md in metadata:
        for key, value in (md or {}).items():
            if not str(key).lower().endswith(_CAPTURE_KEYS):
                continue
            try:
                rate = float(str(value).strip())
            except ValueError:
                continue
            if math.isfinite(rate) and rate > 0:
                return rate
    return None


def capture_rate(info: "VideoInfo", requested: float | None) -> tuple[float | None, str | None]:
    """The capture rate to use for a video and where it comes from.

    Parameters
    ----------
    info : VideoInfo
    requested : float or None
        ``--capture-fps``; it wins over the file's metadata.

    Returns
    -------
    (rate, source) : (float or None, str or None)
        ``(requested, "option")``; else ``(info.capture_fps, "file metadata")`` when the file
        declares a capture rate above its own frame rate; else ``(None, None)`` (real time).

    Raises
    ------
    CaptureRateError
        When ``requested`` is below the file's own frame rate.
    """
    fps = info.fps
    if requested is not None:
        if math.isfinite(fps) and requested < fps * (1 - _SAME_RATE):
            raise CaptureRateError(
                f"--capture-fps {requested:g} is below {info.path.name}'s own frame rate ({fps:.4g} fps): a slow-motion "
                f"clip was filmed faster than it plays, so pass the rate it was filmed at (e.g. 120 or 240), or leave "
                f"the option out")
        return float(requested), "option"
    if info.capture_fps is not None and math.isfinite(fps) and info.capture_fps > fps * (1 + _SAME_RATE):
        return float(info.capture_fps), "file metadata"
    return None, None


def display_orientation(frame) -> tuple[int, bool]:
    """(counter-clockwise rotation in degrees, mirrored) of a decoded frame's display matrix.

    A mirroring matrix (negative determinant) is un-mirrored before its rotation is read:
    FFmpeg's rotation of a plain horizontal flip is 180 deg, which would turn the picture
    upside down. Without a matrix: PyAV's ``frame.rotation``, not mirrored.
    """
    matrix = None
    try:
        for sd in frame.side_data:
            if getattr(sd.type, "name", "") == "DISPLAYMATRIX":
                matrix = np.frombuffer(bytes(sd), dtype="<i4", count=9)
                break
    except (TypeError, ValueError, AttributeError):
        matrix = None
    if matrix is None:
        return int(round(frame.rotation or 0)), False
    a, b, c, d = (float(matrix[i]) / 65536.0 for i in (0, 1, 3, 4))
    mirrored = a * d - b * c < 0
    if mirrored:  # a flip multiplies the first column by -1 (FFmpeg's av_display_matrix_flip)
        a, c = -a, -c
    if a == 0 and b == 0:
        return 0, mirrored
    return int(round(-math.degrees(math.atan2(b, a)))), mirrored
