"""Tests for runform.pose.roi_mask: MediaPipe's pose graph with the mask left at the network's size."""

import subprocess
import sys

import numpy as np
import pytest

from runform.io.video import iter_frames
from runform.pose.roi_mask import RoiMask, open_roi_pose, roi_affine, roi_mask_of

from ..shared import SHARED

GYM = SHARED / "videos" / "treadmill_gym_1080x1920_60fps.mp4"


class _Rect:
    def __init__(self, x, y, w, h, rotation):
        self.x_center, self.y_center, self.width, self.height, self.rotation = x, y, w, h, rotation


def test_affine_maps_the_crop_corners_and_centre():
    """A 90 deg crop of a 200 x 100 image: mask corner (0, 0) lands on the rotated crop's corner."""
    a = roi_affine(_Rect(0.5, 0.5, 0.25, 0.5, np.pi / 2), 200, 100, side=50)
    centre = a @ np.array([25.0, 25.0, 1.0])
    np.testing.assert_allclose(centre, [100.0, 50.0])
    # side 50 px in the image; rotated +90 deg, the mask's x axis points down the image.
    np.testing.assert_allclose(a @ np.array([0.0, 0.0, 1.0]), [125.0, 25.0], atol=1e-9)
    np.testing.assert_allclose(a @ np.array([50.0, 0.0, 1.0]), [125.0, 75.0], atol=1e-9)


def test_window_is_the_full_mask_cut_and_zero_outside_the_clip():
    mask = np.zeros((8, 8), np.float32)
    mask[2:6, 2:6] = 1.0
    m = RoiMask(mask, np.array([[2.0, 0, 10], [0, 2.0, 20]]), (60, 50))
    full = m.full()
    assert full.shape == (50, 60)
    np.testing.assert_array_equal(m.window(12, 25, 40, 45), full[25:45, 12:40])
    assert full[30, 20] == 1.0 and full[5, 5] == 0.0
    moved = m.moved(5, 0, (80, 50), clip=(5, 0, 20, 50))
    assert moved.full()[30, 25] == 0.0  # outside the crop it came from
    assert moved.full()[30, 19] == full[30, 14]


@pytest.mark.slow
@pytest.mark.skipif(not GYM.is_file(), reason="shared test video absent")
def test_same_landmarks_and_mask_as_mediapipe_pose():
    """Landmarks bit for bit those of mp.solutions.pose; the mask warped from the network's equals MediaPipe's own."""
    import mediapipe as mp

    frames = [im for _, im in iter_frames(GYM, max_frames=12)]
    h, w = frames[0].shape[:2]
    stock = mp.solutions.pose.Pose(model_complexity=1, enable_segmentation=True, smooth_landmarks=False,
                                   smooth_segmentation=False)
    ours = open_roi_pose(1, False, True, 0.5, 0.5)
    with stock, ours:
        for image in frames:
            a, b = stock.process(image), ours.process(image)
            la = np.array([(p.x, p.y, p.visibility) for p in a.pose_landmarks.landmark])
            lb = np.array([(p.x, p.y, p.visibility) for p in b.pose_landmarks.landmark])
            np.testing.assert_array_equal(la, lb)
            mask = roi_mask_of(b, (w, h)).full()
            diff = np.abs(mask - a.segmentation_mask)
            # OpenCV's fixed-point coordinates (1/32 px) round differently at a handful of pixels.
            assert diff.max() <= 1 / 32 + 1e-6 and (diff > 1e-4).mean() < 1e-4


@pytest.mark.slow
@pytest.mark.skipif(not GYM.is_file(), reason="shared test video absent")
def test_light_import_runs_the_same_pose_as_a_full_import():
    """The light import (no ``mediapipe.__init__``) runs the graph a full ``import mediapipe`` runs.

    ``import mediapipe`` leaves two calculators' option messages unimported, so the solution API
    drops those options; a light import that imported them read other landmarks.
    """
    def landmarks(first: str) -> str:
        code = (f"import sys; {first}; from runform.pose.roi_mask import open_roi_pose; "
                "from runform.io.video import iter_frames; p = open_roi_pose(1, False, True, 0.5, 0.5); "
                f"r = [p.process(im).pose_landmarks for _, im in iter_frames({str(GYM)!r}, max_frames=4)]; "
                "assert ('mediapipe.python.solutions' in sys.modules) == ('import mediapipe' in "
                f"{first!r}); sys.stdout.write(repr([(q.x, q.y, q.visibility) for lm in r for q in lm.landmark]))")
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert landmarks("pass") == landmarks("import mediapipe")


@pytest.mark.slow
@pytest.mark.skipif(not GYM.is_file(), reason="shared test video absent")
def test_mediapipe_solutions_still_work_after_the_light_import():
    code = ("from runform.pose.roi_mask import preload_graph_runner; preload_graph_runner(); "
            "import mediapipe as mp; from mediapipe import solutions; "
            "assert solutions is mp.solutions and mp.solutions.pose.Pose and mp.__version__")
    subprocess.run([sys.executable, "-c", code], check=True)
