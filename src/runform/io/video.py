"""Video probing and frame-by-frame decoding with PyAV.

Frames are streamed one at a time so memory stays constant in clip length.
Rotation metadata (the container's display matrix, as phones write it) is
applied, so every frame comes out upright as a player would show it. A display
matrix that also mirrors the picture (a selfie camera, an editor's "flip") is read
for its rotation only: the frames come out upright and unmirrored, as filmed, and
:attr:`VideoInfo.mirrored` says so. (FFmpeg reads a mirror as a 180 deg rotation,
which turned such clips upside down: a shin of 166 deg.)

The capture rate of a slow-motion clip is read where the file carries it (Android's
``com.android.capture.fps`` and any other ``*capture.fps`` metadata key, container or
stream; see :func:`file_capture_fps`) and used when the user gave none
(:func:`capture_rate`).

Timestamps are in **seconds from the first decoded frame** (the first frame is
at 0.0), taken from each frame's presentation time so variable-frame-rate phone
clips keep their real timing. Many muxers round presentation times (often to the
millisecond), which makes a 60 fps clip step 16, 17, 17 ms and read as 58.8 fps.
When every timestamp of a file sits on the grid of the stream's declared rate
within that rounding, the file is constant-rate: the declared rate is reported and
each frame's time is put back on the grid (see :func:`constant_rate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import av
import numpy as np

from runform.errors import InputNotFound, UnreadableInput
from runform.io.frame_grid import FrameGrid, constant_rate
from runform.io.video_meta import capture_rate, display_orientation, file_capture_fps

__all__ = ["VideoInfo", "FrameGrid", "probe_video", "iter_frames", "rotate_frame", "constant_rate",
           "display_orientation", "file_capture_fps", "capture_rate"]


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    width, height : int
        Frame size in pixels *after* rotation is applied (as displayed).
    rotation : int
        Counter-clockwise display rotation in degrees as stored in the file
        (PyAV's ``VideoFrame.rotation``; one of -90, 0, 90, 180 in practice).
    fps : float
        Frame rate in Hz: the stream's declared rate when the timestamps sit on its grid
        (:func:`constant_rate`), else the container's average rate.
    frame_count : int
        Frame count from the container header, or an estimate
        ``round(duration_s * fps)`` when the header has none. The number of
        frames actually decoded may differ.
    duration_s : float
        Duration in seconds (NaN when unknown).
    codec : str
        Codec name, e.g. ``"h264"``.
    """

    path: Path
    width: int
    height: int
    rotation: int
    fps: float
    frame_count: int
    duration_s: float
    codec: str
    #: True when the timestamps sit on the declared rate's grid (:func:`constant_rate`).
    constant_rate: bool = False
    #: The capture rate the file's metadata declares, Hz (:func:`file_capture_fps`), else None.
    capture_fps: float | None = None
    #: True when the display matrix mirrors the picture (frames are read unmirrored).
    mirrored: bool = False


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise InputNotFound(f"input not found: {path}")
    if not path.is_file():
        raise UnreadableInput(f"not a file: {path}")
    if path.stat().st_size == 0:
        raise UnreadableInput(f"{path.name} is empty (0 bytes)")


def _open(path: Path):
    """Open a container and return (container, video stream) or raise UnreadableInput."""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise UnreadableInput(f"cannot read {path.name} as video: {_short(exc)}") from None
    if not container.streams.video:
        container.close()
        raise UnreadableInput(f"{path.name} has no video stream")
    return container, container.streams.video[0]


def _short(exc: BaseException) -> str:
    """FFmpeg's reason without its errno and the path (the message names the file already)."""
    reason = getattr(exc, "strerror", None)
    if isinstance(reason, str) and reason:
        return reason[:200]
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _stream_fps(stream) -> float:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate is not None and float(rate) > 0:
            return float(rate)
    return float("nan")


def rotate_frame(image: np.ndarray, rotation: int | float) -> np.ndarray:
    """Rotate an image so it displays upright.

    Parameters
    ----------
    image : ndarray, shape (H, W, ...)
        Decoded frame as stored.
    rotation : int or float
        Counter-clockwise display rotation in degrees (PyAV's
        ``VideoFrame.rotation``); rounded to the nearest multiple of 90.

    Returns
    -------
    ndarray
        The rotated image (a contiguous copy when rotated, else ``image``).
        A rotation of +90 turns the image counter-clockwise, so the stored
        top-left corner ends up bottom-left.
    """
    k = int(round(float(rotation) / 90.0)) % 4
    if k == 0:
        return image
    return np.ascontiguousarray(np.rot90(image, k=k))


def probe_video(path) -> VideoInfo:
    """Read a video's header and first frame.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.

    Returns
    -------
    VideoInfo

    Raises
    ------
    InputNotFound
        When the file does not exist.
    UnreadableInput
        When it is not a video, has no video stream or no frame decodes.
    """
    path = Path(path)
    _check_exists(path)
    container, stream = _open(path)
    try:
        grid = constant_rate(path)
        fps = grid.fps if grid is not None else _stream_fps(stream)
        duration = float("nan")
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
        first = _first_frame(container, stream, path)
        rotation, mirrored = display_orientation(first)
        w, h = first.width, first.height
        if int(round(rotation / 90.0)) % 2:
            w, h = h, w
        count = int(stream.frames or 0)
        if count <= 0 and math.isfinite(duration) and math.isfinite(fps):
            count = int(round(duration * fps))
        return VideoInfo(path=path, width=int(w), height=int(h), rotation=rotation,
                         fps=fps, frame_count=count, duration_s=duration,
                         codec=stream.codec_context.name, constant_rate=grid is not None,
                         capture_fps=file_capture_fps(container.metadata, stream.metadata), mirrored=mirrored)
    finally:
        container.close()


def _first_frame(container, stream, path: Path):
    try:
        for frame in container.decode(stream):
            return frame
    except (av.error.FFmpegError, ValueError) as exc:
        raise UnreadableInput(f"cannot decode {path.name}: {_short(exc)}") from None
    raise UnreadableInput(f"no frame decodes in {path.name}")


def iter_frames(path, capture_fps: float | None = None, max_frames: int | None = None,
                start_s: float | None = None, stop_s: float | None = None, max_side: int | None = None,
                size: tuple[int, int] | None = None, every: int = 1) -> Iterator[tuple[float, np.ndarray | None]]:
    """Decode a video one frame at a time.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.
    capture_fps : float, optional
        Frame rate the scene was *filmed* at, in Hz, for slow-motion clips
        exported at a lower rate (e.g. filmed at 240, file plays at 30). Times
        are then multiplied by ``file_fps / capture_fps`` so they are in
        real-world seconds.
    max_frames : int, optional
        Stop after this many frames.
    start_s, stop_s : float, optional
        Yield only frames with ``start_s <= time_s < stop_s`` (seconds on the clock above).
        With ``start_s`` the decoder seeks to the key frame before it, so a segment of a long
        clip costs what the segment costs; the frames decoded before ``start_s`` are not
        converted. Times stay those of a decode from the start.
    max_side : int, optional
        Longest side of the yielded frames in pixels: larger frames are scaled down (aspect
        kept) inside the colour conversion, which is cheaper than converting at full size.
    size : (int, int), optional
        Exact (width, height) of the yielded upright frames, scaled in the conversion (e.g. the
        annotated video's size); overrides ``max_side``.
    every : int, optional
        Convert only every ``every``-th yielded frame (the first, then every ``every``-th); the
        others are yielded with ``image`` None, so a caller sampling the clip counts frames and
        reads times without paying the colour conversion (a third of the decoding cost at 1080p).

    Yields
    ------
    time_s : float
        Seconds since the first decoded frame (first frame is 0.0), from the
        frame's presentation timestamp put back on the declared rate's grid for a
        constant-rate file (:func:`constant_rate`); ``index / fps`` when a frame has none.
    image : ndarray, shape (H, W, 3), uint8
        RGB frame, rotated upright per the file's display matrix.

    Raises
    ------
    InputNotFound, UnreadableInput
        As :func:`probe_video`; UnreadableInput also when no frame decodes.
        Corrupt frames in the middle of a clip are skipped.
    """
    path = Path(path)
    _check_exists(path)
    if capture_fps is not None and not (capture_fps > 0):
        raise ValueError(f"capture_fps must be positive, got {capture_fps}")
    grid = constant_rate(path)
    container, stream = _open(path)
    fps = grid.fps if grid is not None else _stream_fps(stream)
    scale = 1.0
    if capture_fps is not None and math.isfinite(fps):
        scale = fps / float(capture_fps)
    stream.thread_type = "AUTO"
    t0: float | None = None
    if start_s is not None and start_s > 0:
        t0 = _first_time(path, grid)
        if t0 is not None and stream.time_base is not None:
            # Any key frame at or before the start (a little early for rounding); frames decoded
            # from it keep their own presentation times, so the clock is unchanged.
            raw = start_s / scale + t0 + (grid.start_s if grid is not None else 0.0) - 0.5 / max(fps, 1.0)
            if raw > 0:
                try:
                    container.seek(int(raw / stream.time_base), stream=stream, backward=True, any_frame=False)
                except (av.error.FFmpegError, ValueError):
                    container.close()
                    container, stream = _open(path)  # not seekable: decode from the start
                    stream.thread_type = "AUTO"
    out_size = None
    last_t = -math.inf
    n_out = 0
    index = 0
    try:
        demux = container.demux(stream)
        while True:
            try:
                packet = next(demux)
            except StopIteration:
                break
            except (av.error.FFmpegError, ValueError):
                break  # truncated / unreadable container tail
            try:
                frames = packet.decode()
            except (av.error.FFmpegError, ValueError):
                continue  # corrupt packet: skip
            for frame in frames:
                raw_t = frame.time
                if raw_t is None:
                    raw_t = index / fps if math.isfinite(fps) else float(index)
                elif grid is not None:
                    raw_t = grid.snap(raw_t)
                index += 1
                if t0 is None:
                    t0 = raw_t
                t = (raw_t - t0) * scale
                if t <= last_t:
                    continue  # duplicate / out-of-order timestamp
                if start_s is not None and t < start_s:
                    last_t = t
                    continue  # before the window: decoded (the next frames need it), not converted
                if stop_s is not None and t >= stop_s:
                    return
                if out_size is None:
                    # The display matrix is the stream's: read once. (PyAV keeps every frame whose
                    # side data was read alive: +3 MB a frame at 1080p, memory growing with length.)
                    rotation = display_orientation(frame)[0]
                    out_size = _scaled_size(frame.width, frame.height, max_side)
                    if size is not None:  # upright size -> the stored frame's orientation
                        odd = int(round(rotation / 90.0)) % 2
                        out_size = (size[1], size[0]) if odd else tuple(size)
                if n_out % every:
                    last_t = t
                    yield float(t), None
                    n_out += 1
                    if max_frames is not None and n_out >= max_frames:
                        return
                    continue
                try:
                    image = frame.to_ndarray(format="rgb24", width=out_size[0], height=out_size[1])
                except (av.error.FFmpegError, ValueError):
                    continue
                last_t = t
                yield float(t), rotate_frame(image, rotation)
                n_out += 1
                if max_frames is not None and n_out >= max_frames:
                    return
    finally:
        container.close()
    if n_out == 0 and start_s is None:
        raise UnreadableInput(f"no frame decodes in {path.name}")


def _scaled_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    """(width, height) with the longest side at most ``max_side`` (never upscaled)."""
    if max_side is None or max(width, height) <= max_side:
        return width, height
    s = max_side / max(width, height)
    return max(1, round(width * s)), max(1, round(height * s))


def _first_time(path: Path, grid: FrameGrid | None) -> float | None:
    """Presentation time (s) of the first decoded frame, as :func:`iter_frames` sets its zero."""
    container, stream = _open(path)
    try:
        for frame in container.decode(stream):
            if frame.time is None:
                return None
            return grid.snap(frame.time) if grid is not None else float(frame.time)
    except (av.error.FFmpegError, ValueError):
        return None
    finally:
        container.close()
    return None

