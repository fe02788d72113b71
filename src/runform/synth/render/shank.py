"""The rendered lower leg with a calf: an outline that bulges behind the tibia.

A real shank seen from the side is not symmetric about the knee -> ankle joint line: the
tibia's front edge runs nearly straight a few cm in front of it, while the calf
(gastrocnemius) bulges behind it in the upper half and the leg thins to the Achilles
tendon above the ankle. The line bisecting the silhouette is therefore turned forward
of the bone line (its top lies further back). Measured on masks of this outline with
``runform.pose.silhouette.segment_midline`` (cuts over 0.2-0.8 of the shank), for shin
angles -5 to 15 deg: +0.2 deg at ``calf=0``, +1.3 at 0.5, +2.5 at 1.0, +3.4 at 1.5 (the
bundled samples' capsule shank: +2.0; the README reports +1.1-1.2 through MediaPipe's
mask on those videos). Sizes are fractions of body height H.
"""

from __future__ import annotations

import numpy as np

from .paint import fill, lighten, scale

__all__ = ["shank_outline", "shaded_outline", "SHANK_FRACS", "SHANK_FRONT", "SHANK_BACK", "SHANK_CALF"]

#: Lower-leg outline, offsets from the knee -> ankle joint line in units of body height H at
#: fractions of the way from the knee: front (tibia side), back without the calf, and the
#: calf's extra posterior depth at ``SceneConfig.calf = 1`` (gastrocnemius bulge, upper half).
SHANK_FRACS = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
SHANK_FRONT = np.array([0.030, 0.027, 0.024, 0.022, 0.021, 0.020, 0.019, 0.018, 0.018, 0.018, 0.019])
SHANK_BACK = np.array([0.030, 0.029, 0.028, 0.027, 0.026, 0.025, 0.024, 0.022, 0.021, 0.020, 0.019])
SHANK_CALF = np.array([0.000, 0.006, 0.011, 0.013, 0.012, 0.010, 0.0065, 0.0035, 0.0012, 0.0, 0.0])


def shank_outline(knee, ankle, H: float, direction: int, calf: float, n: int = 41) -> np.ndarray:
    """Closed polygon (pixels) of the lower leg from knee to ankle with a posterior calf.

    ``direction`` is the running direction (+1 image right); front is that way,
    perpendicular to the knee -> ankle line. Knee and ankle ends are rounded.
    """
    knee, ankle = np.asarray(knee, float), np.asarray(ankle, float)
    along = ankle - knee
    length = np.hypot(*along)
    u = along / length if length > 1e-9 else np.array([0.0, 1.0])
    fwd = np.array([-u[1], u[0]])
    if fwd[0] * direction < 0:
        fwd = -fwd
    f = np.linspace(0.0, 1.0, n)
    front = np.interp(f, SHANK_FRACS, SHANK_FRONT) * H
    back = (np.interp(f, SHANK_FRACS, SHANK_BACK) + calf * np.interp(f, SHANK_FRACS, SHANK_CALF)) * H
    centre = knee[None, :] + f[:, None] * along[None, :]
    fr = centre + front[:, None] * fwd[None, :]
    bk = centre - back[:, None] * fwd[None, :]
    # Rounded ends: half circles over the joint's depth, front -> back round the end.
    t = np.linspace(0.0, np.pi, 9)[1:-1]

    def cap(j, axis):
        c = centre[j] + 0.5 * (front[j] - back[j]) * fwd
        r = 0.5 * (front[j] + back[j])
        return c + r * (np.cos(t)[:, None] * fwd[None, :] + np.sin(t)[:, None] * axis[None, :])

    return np.concatenate([fr, cap(-1, u), bk[::-1], cap(0, -u)[::-1]])


def shaded_outline(img, knee, ankle, H, direction, calf, color, light_dir, shading) -> None:
    """The lower-leg outline shaded like the figure's capsule limbs (dark rim, body, highlight)."""
    light = np.asarray(light_dir, float)
    light /= np.linalg.norm(light)
    dark, lite = scale(color, 1.0 - 0.6 * shading), lighten(color, 0.5 * shading)
    poly = shank_outline(knee, ankle, H, direction, calf)
    fill(img, poly, dark)
    fill(img, _shrink(poly, knee, ankle, 0.8) + light * 0.18 * 0.025 * H, color)
    fill(img, _shrink(poly, knee, ankle, 0.35) + light * 0.45 * 0.025 * H, lite)


def _shrink(poly, knee, ankle, k: float) -> np.ndarray:
    """Scale a limb outline toward the knee-ankle line by ``k`` (perpendicular to it only)."""
    knee, ankle = np.asarray(knee, float), np.asarray(ankle, float)
    u = ankle - knee
    u = u / max(np.hypot(*u), 1e-9)
    rel = poly - knee
    along = rel @ u
    foot = knee + along[:, None] * u[None, :]
    return foot + k * (poly - foot)
