"""iter_frames over a time window (seeking) and scaled in the decoder; the decode-ahead thread."""

from pathlib import Path

import av
import numpy as np
import pytest

from runform.io.prefetch import prefetch
from runform.io.video import iter_frames

W, H, N, FPS = 96, 64, 90, 30


def _clip(path: Path, rotation=None) -> Path:
    """Frames whose content says their index; a key frame every 10 frames, so seeks land mid-clip."""
    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        s.options = {"g": "10", "keyint_min": "10"}
        if rotation is not None:
            s.set_display_rotation(rotation)
        for i in range(N):
            a = rng.integers(0, 60, (H, W, 3), dtype=np.uint8)
            a[:, : 1 + i] = 220  # a bar growing by one column per frame
            for pk in s.encode(av.VideoFrame.from_ndarray(a, format="rgb24")):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    return path


@pytest.mark.parametrize("start, stop", [(1.0, 2.0), (0.51, None), (2.45, 2.6), (None, 0.3)])
def test_window_is_the_same_frames_as_a_full_decode(tmp_path, start, stop):
    p = _clip(tmp_path / "c.mp4")
    full = list(iter_frames(p))
    lo, hi = (start if start is not None else -1.0), (stop if stop is not None else 1e9)
    want = [(t, img) for t, img in full if lo <= t < hi]
    got = list(iter_frames(p, start_s=start, stop_s=stop))
    assert [t for t, _ in got] == pytest.approx([t for t, _ in want])
    assert len(got) == len(want) > 0
    for (_, a), (_, b) in zip(got, want):
        np.testing.assert_array_equal(a, b)  # the decoder started from a key frame: exact pixels


def test_window_on_a_slow_motion_clock(tmp_path):
    p = _clip(tmp_path / "c.mp4")
    full = [t for t, _ in iter_frames(p, capture_fps=120)]  # times x 30/120
    got = [t for t, _ in iter_frames(p, capture_fps=120, start_s=0.3, stop_s=0.4)]
    assert got == pytest.approx([t for t in full if 0.3 <= t < 0.4])


def test_scaled_in_the_decoder(tmp_path):
    p = _clip(tmp_path / "c.mp4")
    _, img = next(iter_frames(p, max_side=48))
    assert img.shape == (32, 48, 3)
    _, img = next(iter_frames(p, max_side=500))  # never upscaled
    assert img.shape == (H, W, 3)
    _, img = next(iter_frames(p, size=(50, 30)))
    assert img.shape == (30, 50, 3)
    r = _clip(tmp_path / "r.mp4", rotation=90)  # upright it is 64 wide, 96 tall
    _, img = next(iter_frames(r, size=(32, 48)))
    assert img.shape == (48, 32, 3)


def test_prefetch_keeps_order_and_raises_where_the_source_failed():
    assert list(prefetch(iter(range(50)), depth=3)) == list(range(50))

    def failing():
        yield 1
        yield 2
        raise ValueError("corrupt")

    got = []
    with pytest.raises(ValueError, match="corrupt"):
        for x in prefetch(failing()):
            got.append(x)
    assert got == [1, 2]


def test_prefetch_stops_and_closes_the_source_on_break():
    closed = []

    def source():
        try:
            for i in range(10_000):
                yield i
        finally:
            closed.append(True)

    for x in prefetch(source(), depth=2):
        if x == 3:
            break
    assert closed == [True]
