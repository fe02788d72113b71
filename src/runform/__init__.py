"""runform: running-gait analysis from video or keypoints."""

__version__ = "0.1.0"
