"""Tests for runform.io.video (videos are generated with PyAV in tmp_path)."""

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from runform.errors import InputNotFound, UnreadableInput
from runform.io.video import constant_rate, iter_frames, probe_video, rotate_frame

W, H = 64, 48
SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"


def _frame(i: int) -> np.ndarray:
    a = np.full((H, W, 3), 40, np.uint8)
    a[:16, :16] = 255  # bright block at stored top-left
    a[-4:, -4:, 0] = (i * 10) % 256
    return a


def make_video(path: Path, pts_ms=None, n=10, rate=30, rotation=None, codec="libx264") -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=rate)
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        if pts_ms is not None:
            s.time_base = Fraction(1, 1000)
            s.codec_context.time_base = Fraction(1, 1000)
        if rotation is not None:
            s.set_display_rotation(rotation)
        for i in range(n if pts_ms is None else len(pts_ms)):
            f = av.VideoFrame.from_ndarray(_frame(i), format="rgb24")
            if pts_ms is not None:
                f.pts = pts_ms[i]
                f.time_base = Fraction(1, 1000)
            for pk in s.encode(f):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    return path


def test_probe_and_constant_rate(tmp_path):
    p = make_video(tmp_path / "c.mp4", n=12, rate=25)
    info = probe_video(p)
    assert (info.width, info.height, info.rotation) == (W, H, 0)
    assert info.fps == pytest.approx(25)
    assert info.frame_count == 12
    assert info.codec == "h264"
    out = list(iter_frames(p))
    assert len(out) == 12
    t = np.array([o[0] for o in out])
    np.testing.assert_allclose(t, np.arange(12) / 25, atol=1e-6)
    img = out[0][1]
    assert img.shape == (H, W, 3) and img.dtype == np.uint8
    assert img[:10, :10].mean() > 200 and img[30:, 30:50].mean() < 100


def test_variable_frame_rate_timestamps(tmp_path):
    pts = [0, 30, 70, 90, 150, 160, 210, 260, 265, 300]
    p = make_video(tmp_path / "vfr.mp4", pts_ms=pts)
    t = np.array([ts for ts, _ in iter_frames(p)])
    np.testing.assert_allclose(t, np.array(pts) / 1000.0, atol=1e-6)


def test_variable_frame_rate_is_not_put_on_a_grid(tmp_path):
    p = make_video(tmp_path / "vfr.mp4", pts_ms=[0, 30, 70, 90, 150, 160, 210, 260, 265, 300])
    assert constant_rate(p) is None
    assert probe_video(p).constant_rate is False


def test_millisecond_rounded_timestamps_use_the_declared_rate(tmp_path):
    # 60 fps with times rounded to 1 ms (0, 17, 33, 50 ...): read at 60 fps, not 1 / 17 ms = 58.8.
    p = make_video(tmp_path / "ms.mp4", pts_ms=[round(i * 1000 / 60) for i in range(40)], rate=60)
    info = probe_video(p)
    assert info.fps == 60.0 and info.constant_rate
    t = np.array([ts for ts, _ in iter_frames(p)])
    np.testing.assert_allclose(t, np.arange(40) / 60, atol=1e-9)


def test_millisecond_rounding_keeps_a_dropped_frame_gap(tmp_path):
    slots = [i for i in range(40) if i != 20]  # frame 20 dropped: the gap stays two frames long
    p = make_video(tmp_path / "drop.mp4", pts_ms=[round(i * 1000 / 60) for i in slots], rate=60)
    t = np.array([ts for ts, _ in iter_frames(p)])
    np.testing.assert_allclose(t, np.array(slots) / 60, atol=1e-9)


def test_bundled_60fps_sample_reads_60fps():
    path = SAMPLES / "before_retraining_60fps.mp4"  # its container rounds times to the millisecond
    info = probe_video(path)
    assert info.fps == 60.0 and info.constant_rate
    t = np.array([ts for ts, _ in iter_frames(path, max_frames=60)])
    assert 1.0 / np.median(np.diff(t)) == pytest.approx(60.0, abs=1e-6)
    np.testing.assert_allclose(np.diff(t), 1 / 60, atol=1e-9)


def test_times_start_at_zero_with_offset_pts(tmp_path):
    pts = [500, 540, 580, 620]
    p = make_video(tmp_path / "off.mp4", pts_ms=pts)
    t = np.array([ts for ts, _ in iter_frames(p)])
    np.testing.assert_allclose(t, (np.array(pts) - 500) / 1000.0, atol=1e-6)


def test_capture_fps_scales_time(tmp_path):
    p = make_video(tmp_path / "slow.mp4", n=8, rate=30)
    t = np.array([ts for ts, _ in iter_frames(p, capture_fps=240)])
    np.testing.assert_allclose(t, np.arange(8) / 240, atol=1e-6)
    with pytest.raises(ValueError):
        next(iter_frames(p, capture_fps=0))


def test_max_frames(tmp_path):
    p = make_video(tmp_path / "m.mp4", n=10)
    assert len(list(iter_frames(p, max_frames=4))) == 4


@pytest.mark.parametrize("rotation", [0, 90])
def test_every_converts_only_the_sampled_frames(tmp_path, rotation):
    """``every``: the same frames and times, only every n-th converted (and upright), the others None."""
    p = make_video(tmp_path / f"e{rotation}.mp4", n=10, rotation=rotation or None)
    full = list(iter_frames(p))
    sampled = list(iter_frames(p, every=3))
    assert [t for t, _ in sampled] == [t for t, _ in full]
    for i, ((_, a), (_, b)) in enumerate(zip(full, sampled)):
        if i % 3:
            assert b is None
        else:
            np.testing.assert_array_equal(a, b)
    assert len(list(iter_frames(p, every=3, max_frames=5))) == 5


@pytest.mark.parametrize("rotation", [90, -90, 180])
def test_rotated_video_is_upright(tmp_path, rotation):
    p = make_video(tmp_path / f"r{rotation}.mp4", n=3, rotation=rotation)
    info = probe_video(p)
    assert info.rotation % 360 == rotation % 360  # 180 may read back as -180
    _, img = next(iter_frames(p))
    expected = rotate_frame(_frame(0), rotation)
    assert img.shape == expected.shape
    if rotation % 180:
        assert (info.width, info.height) == (H, W)
        assert img.shape == (W, H, 3)
    # The bright block must land in the corner np.rot90 puts it.
    ys, xs = np.nonzero(expected[..., 1] > 200)
    assert img[ys.min():ys.max() + 1, xs.min():xs.max() + 1, 1].mean() > 200


def test_rotate_frame_direction():
    a = np.array([[1, 2], [3, 4]])
    # +90 is counter-clockwise: stored top-left goes to bottom-left.
    np.testing.assert_array_equal(rotate_frame(a, 90), [[2, 4], [1, 3]])
    np.testing.assert_array_equal(rotate_frame(a, -90), [[3, 1], [4, 2]])
    np.testing.assert_array_equal(rotate_frame(a, 180), [[4, 3], [2, 1]])
    assert rotate_frame(a, 0) is a


def test_missing_file():
    with pytest.raises(InputNotFound):
        probe_video("/nonexistent/clip.mp4")
    with pytest.raises(InputNotFound):
        next(iter_frames("/nonexistent/clip.mp4"))


def test_text_file_is_unreadable(tmp_path):
    p = tmp_path / "notes.mp4"
    p.write_text("this is not a video\n" * 20)
    with pytest.raises(UnreadableInput) as e:
        probe_video(p)
    assert "\n" not in str(e.value)
    with pytest.raises(UnreadableInput):
        next(iter_frames(p))


def test_audio_only_has_no_video_stream(tmp_path):
    p = tmp_path / "a.wav"
    with av.open(str(p), "w") as c:
        s = c.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 800), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for pk in s.encode(frame):
            c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    with pytest.raises(UnreadableInput, match="no video stream"):
        probe_video(p)


def test_truncated_file(tmp_path):
    p = make_video(tmp_path / "t.mp4", n=30)
    data = p.read_bytes()
    q = tmp_path / "trunc.mp4"
    q.write_bytes(data[: len(data) // 3])
    with pytest.raises(UnreadableInput):
        list(iter_frames(q))
