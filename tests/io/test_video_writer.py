"""Tests for the H.264 MP4 writer."""

from pathlib import Path

import av
import numpy as np
import pytest

from runform.io.video import iter_frames
from runform.io.video_writer import VideoWriter, even_size


def _clip(n=20, w=81, h=145):
    for i in range(n):
        img = np.zeros((h, w, 3), np.uint8)
        img[:, :, 0] = (i * 12) % 256
        img[10:30, (i * 3) % (w - 20):(i * 3) % (w - 20) + 20] = 255
        yield img


def _decode(path: Path):
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        codec, fmt = s.codec_context.name, s.codec_context.pix_fmt
        frames = [(f.time, f.width, f.height) for f in c.decode(s)]
    return codec, fmt, frames


def test_even_size():
    assert even_size(81, 145) == (80, 144)
    assert even_size(720, 1280, 480) == (270, 480)
    assert even_size(1080, 1920, 481) == (270, 480)
    w, h = even_size(1000, 563, 301)
    assert w % 2 == 0 and h % 2 == 0


def test_writes_h264_yuv420p_even_faststart(tmp_path):
    out = tmp_path / "o.mp4"
    with VideoWriter(out, fps=30) as w:
        for i, img in enumerate(_clip()):
            w.write(img, i / 30)
    assert w.frames_written == 20
    codec, fmt, frames = _decode(out)
    assert codec == "h264" and fmt == "yuv420p"
    assert len(frames) == 20
    assert all(fw == 80 and fh == 144 for _, fw, fh in frames)
    head = out.read_bytes()[:1 << 16]
    assert b"moov" in head and b"mdat" in head
    assert head.index(b"moov") < head.index(b"mdat")
    assert not list(tmp_path.glob(".o.mp4*"))  # no temporary left behind


def test_downscale_keeps_aspect(tmp_path):
    out = tmp_path / "small.mp4"
    with VideoWriter(out, fps=30, height=73) as w:
        for i, img in enumerate(_clip(5, 100, 200)):
            w.write(img, i / 30)
    _, _, frames = _decode(out)
    assert {(fw, fh) for _, fw, fh in frames} == {(36, 72)}


def test_variable_frame_rate_timestamps_kept(tmp_path):
    out = tmp_path / "vfr.mp4"
    times = [0.0, 0.02, 0.05, 0.1, 0.2, 0.21, 0.4, 0.45]
    with VideoWriter(out, fps=30) as w:
        for t, img in zip(times, _clip(len(times), 64, 48)):
            w.write(img, t)
    got = [t for t, _ in iter_frames(out)]
    np.testing.assert_allclose(got, times, atol=2e-3)


def test_nonincreasing_times_are_nudged(tmp_path):
    out = tmp_path / "dup.mp4"
    with VideoWriter(out, fps=30) as w:
        for img in _clip(4, 32, 32):
            w.write(img, 0.0)
    _, _, frames = _decode(out)
    ts = [t for t, _, _ in frames]
    assert len(ts) == 4 and all(b > a for a, b in zip(ts, ts[1:]))


def test_exception_leaves_no_file(tmp_path):
    out = tmp_path / "fail.mp4"
    with pytest.raises(RuntimeError):
        with VideoWriter(out, fps=30) as w:
            for img in _clip(3, 32, 32):
                w.write(img, 0.1)
            raise RuntimeError("boom")
    assert not out.exists()
    assert not list(tmp_path.iterdir())


def test_no_frames_is_an_error(tmp_path):
    out = tmp_path / "empty.mp4"
    with pytest.raises(ValueError):
        with VideoWriter(out, fps=30):
            pass
    assert not out.exists()
