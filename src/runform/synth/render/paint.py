"""Painting primitives of the rendered figure: colour shading and anti-aliased polygons."""

from __future__ import annotations

import cv2
import numpy as np

SHIFT = 4  # sub-pixel bits for cv2 polygon drawing


def scale(c, k: float) -> tuple[float, ...]:
    """Colour ``c`` times ``k``, clipped to 0-255."""
    return tuple(float(min(255.0, max(0.0, v * k))) for v in c)


def lighten(c, k: float) -> tuple[float, ...]:
    """Colour ``c`` moved a fraction ``k`` toward white."""
    return tuple(float(v + (255.0 - v) * k) for v in c)


def fill(img, pts, color) -> None:
    """Fill polygon ``pts`` (float pixels, anti-aliased at sub-pixel precision)."""
    p = np.round(np.asarray(pts, float) * (1 << SHIFT)).astype(np.int32)
    cv2.fillPoly(img, [p.reshape(-1, 1, 2)], color, cv2.LINE_AA, SHIFT)


def capsule(p1, p2, r1: float, r2: float, n: int = 10) -> np.ndarray:
    """Polygon of the convex hull of two circles (a tapered capsule)."""
    p1, p2 = np.asarray(p1, float), np.asarray(p2, float)
    d = p2 - p1
    a = np.arctan2(d[1], d[0]) if np.hypot(*d) > 1e-9 else 0.0
    t1 = a + np.linspace(np.pi / 2, 3 * np.pi / 2, n)
    t2 = a + np.linspace(-np.pi / 2, np.pi / 2, n)
    return np.concatenate([p1 + r1 * np.c_[np.cos(t1), np.sin(t1)],
                           p2 + r2 * np.c_[np.cos(t2), np.sin(t2)]])


def chaikin(pts: np.ndarray, iters: int = 2) -> np.ndarray:
    """Chaikin corner cutting of a closed polygon, ``iters`` times."""
    for _ in range(iters):
        nxt = np.roll(pts, -1, axis=0)
        pts = np.stack([0.75 * pts + 0.25 * nxt, 0.25 * pts + 0.75 * nxt], axis=1).reshape(-1, 2)
    return pts


__all__ = ["scale", "lighten", "fill", "capsule", "chaikin", "SHIFT"]
