"""A tilted phone camera for the rendered runner: roll and pitch as an exact homography.

The renderer draws a *level* camera's view (image vertical = true vertical, the ground
horizontal). A camera at the same place turned by a rotation R sees the same rays, so its
image is the level one mapped by the homography ``K_out R K_in^-1`` (pinhole model,
focal length ``focal_px``, principal points at the image centres), whatever the depth of
the scene. Truth stays in the world frame: angles (from the true vertical) are those of
the level view; only pixel positions move.

Conventions (image x right, y down; camera x right, y down, z forward):

* ``roll_deg`` > 0: the picture is turned counter-clockwise on screen, so true verticals
  lean top-to-the-left (the phone is rolled clockwise as seen from behind it; the sense
  of ``camera.roll_deg_at_image_centre`` in ``../shared/data/videos/male_side.contacts.json``).
  A shank's angle read from image vertical gains ``+roll`` for a runner facing image right
  and ``-roll`` facing left.
* ``pitch_deg`` > 0: the camera looks up, so true verticals converge upward (their
  vanishing point is above the picture, as in the annotated treadmill clip, ~11-13 deg).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CameraTilt", "rotation", "intrinsics", "homography", "apply_homography", "vertical_vanishing_point"]


@dataclass(frozen=True)
class CameraTilt:
    """Roll and pitch (deg) of the render camera and its focal length (px).

    1000 px on a 720x1280 portrait frame is a phone main camera (~60 deg across the
    long side); the annotated clip's camera was fitted with 900-1100 px.
    """

    roll_deg: float = 0.0
    pitch_deg: float = 0.0
    focal_px: float = 1000.0

    def __post_init__(self) -> None:
        if not (abs(self.roll_deg) <= 45 and abs(self.pitch_deg) <= 45 and self.focal_px > 0):
            raise ValueError("roll and pitch must be within +-45 deg and focal_px positive")

    @property
    def level(self) -> bool:
        return self.roll_deg == 0.0 and self.pitch_deg == 0.0


def rotation(tilt: CameraTilt) -> np.ndarray:
    """Rotation taking a ray in the level camera's frame to the tilted camera's frame."""
    p, r = np.radians(tilt.pitch_deg), np.radians(tilt.roll_deg)
    cp, sp, cr, sr = np.cos(p), np.sin(p), np.cos(r), np.sin(r)
    pitch = np.array([[1.0, 0.0, 0.0], [0.0, cp, sp], [0.0, -sp, cp]])  # up: ahead moves down in the image
    roll = np.array([[cr, sr, 0.0], [-sr, cr, 0.0], [0.0, 0.0, 1.0]])  # the picture turns CCW on screen
    return roll @ pitch


def intrinsics(focal_px: float, centre) -> np.ndarray:
    cx, cy = centre
    return np.array([[focal_px, 0.0, cx], [0.0, focal_px, cy], [0.0, 0.0, 1.0]])


def homography(tilt: CameraTilt, centre_in, centre_out) -> np.ndarray:
    """3x3 map from level-view pixels (principal point ``centre_in``) to tilted-view pixels."""
    k_in, k_out = intrinsics(tilt.focal_px, centre_in), intrinsics(tilt.focal_px, centre_out)
    return k_out @ rotation(tilt) @ np.linalg.inv(k_in)


def apply_homography(h: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Map (..., 2) pixel points by ``h`` (NaN stays NaN)."""
    xy = np.asarray(xy, float)
    flat = xy.reshape(-1, 2)
    q = np.c_[flat, np.ones(len(flat))] @ h.T
    return (q[:, :2] / q[:, 2:3]).reshape(xy.shape)


def vertical_vanishing_point(tilt: CameraTilt, centre_out) -> np.ndarray:
    """Image point (px) where true verticals meet in the tilted view (inf-far when level)."""
    up = rotation(tilt) @ np.array([0.0, -1.0, 0.0])
    k = intrinsics(tilt.focal_px, centre_out)
    q = k @ up
    with np.errstate(divide="ignore", invalid="ignore"):
        return q[:2] / q[2]
