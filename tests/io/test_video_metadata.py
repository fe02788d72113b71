"""Display matrices that mirror, and capture rates the file declares (issue 12, items 3 and 7)."""

from pathlib import Path

import av
import numpy as np
import pytest

from runform.errors import CaptureRateError
from runform.io.video import capture_rate, file_capture_fps, iter_frames, probe_video


def _write(path: Path, rotation=0, hflip=False, vflip=False, fps=30, metadata=None) -> Path:
    """A 64x48 clip with a white block in the stored image's top-left corner."""
    opts = {"movflags": "use_metadata_tags"} if metadata else {}
    with av.open(str(path), "w", options=opts) as c:
        if metadata:
            c.metadata.update(metadata)
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        s.set_display_rotation(rotation, hflip=hflip, vflip=vflip)
        for _ in range(4):
            img = np.zeros((48, 64, 3), np.uint8)
            img[:12, :16] = 255
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def _block(img: np.ndarray) -> tuple[str, str]:
    ys, xs = np.nonzero(img[..., 0] > 128)
    return ("top" if ys.mean() < img.shape[0] / 2 else "bottom", "left" if xs.mean() < img.shape[1] / 2 else "right")


# Where the stored top-left block must appear once the picture is upright and unmirrored:
# the rotation alone (counter-clockwise), whatever the flip.
_UPRIGHT = {0: ("top", "left"), 90: ("bottom", "left"), 180: ("bottom", "right"), 270: ("top", "right")}


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("hflip", [False, True])
def test_frames_are_upright_and_unmirrored(tmp_path, rotation, hflip):
    path = _write(tmp_path / "m.mp4", rotation, hflip)
    info = probe_video(path)
    assert info.mirrored is hflip
    _, img = next(iter_frames(path))
    assert img.shape[:2] == ((64, 48) if rotation in (90, 270) else (48, 64))
    assert (info.height, info.width) == img.shape[:2]
    assert _block(img) == _UPRIGHT[rotation]


def test_a_vertical_flip_is_a_half_turn_and_a_mirror(tmp_path):
    # FFmpeg reads a plain horizontal flip as a 180 deg rotation: the picture came out upside down
    # and a shin read 166 deg. A vertical flip is upside down *and* mirrored: turned, not mirrored.
    info = probe_video(_write(tmp_path / "v.mp4", 0, vflip=True))
    assert info.mirrored and abs(info.rotation) == 180
    _, img = next(iter_frames(tmp_path / "v.mp4"))
    assert _block(img) == ("bottom", "right")


def test_capture_rate_from_android_metadata(tmp_path):
    info = probe_video(_write(tmp_path / "slow.mp4", fps=30, metadata={"com.android.capture.fps": "240.000000"}))
    assert info.capture_fps == 240.0
    assert capture_rate(info, None) == (240.0, "file metadata")
    assert capture_rate(info, 120.0) == (120.0, "option")  # the option wins
    # An ordinary clip that declares its own rate is real time.
    plain = probe_video(_write(tmp_path / "plain.mp4", fps=30, metadata={"com.android.capture.fps": "30.000000"}))
    assert capture_rate(plain, None) == (None, None)
    assert capture_rate(probe_video(_write(tmp_path / "none.mp4")), None) == (None, None)


def test_capture_fps_below_the_files_rate_is_refused(tmp_path):
    info = probe_video(_write(tmp_path / "a.mp4", fps=60))
    with pytest.raises(CaptureRateError, match=r"--capture-fps 30 is below a\.mp4's own frame rate \(60 fps\)") as e:
        capture_rate(info, 30.0)
    assert e.value.exit_code == 2
    assert capture_rate(info, 60.0) == (60.0, "option")


@pytest.mark.parametrize("meta, rate", [
    ({"com.android.capture.fps": "120.000000"}, 120.0),
    ({"com.apple.quicktime.capture.fps": "240"}, 240.0),
    ({"encoder": "Lavf"}, None),
    ({"com.android.capture.fps": "nan"}, None),
    ({"com.android.capture.fps": "fast"}, None),
])
def test_file_capture_fps_keys(meta, rate):
    assert file_capture_fps({}, meta) == rate
