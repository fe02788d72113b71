"""The camera's tilt and the true vertical at the runner (scene verticals, ground line)."""

from .tilt import CameraConfig, CameraEstimate, estimate_camera, image_direction, level_keypoints, runner_point
from .verticals import SceneVerticals, VerticalsConfig

__all__ = ["CameraConfig", "CameraEstimate", "estimate_camera", "level_keypoints", "runner_point", "image_direction",
           "SceneVerticals", "VerticalsConfig"]
