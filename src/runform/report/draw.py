"""Drawing primitives for overlays: lines, dashes, outlined text, shaded panels.

Sizes are in pixels; ``u`` is the overlay unit (a fraction of frame height) so
everything scales with the frame and stays legible on a phone.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["DARK", "line_unit", "draw_line", "draw_dot", "draw_dashed", "text_width", "draw_text", "draw_label",
           "shade_box"]

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_CAP = cv2.getTextSize("H", _FONT, 1.0, 1)[0][1]  # cap height in px at scale 1
DARK = (20, 20, 20)


def line_unit(size: tuple[int, int]) -> float:
    """Base size in px: 3.5 % of the frame height (text height on a phone)."""
    return 0.035 * size[1]


def _ok(*pts) -> bool:
    return all(np.all(np.isfinite(np.asarray(p, dtype=float))) for p in pts)


def _pt(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def draw_line(img, a, b, colour, th: int) -> None:
    if _ok(a, b):
        cv2.line(img, _pt(a), _pt(b), colour, int(th), cv2.LINE_AA)


def draw_dot(img, p, colour, r: int) -> None:
    if _ok(p):
        cv2.circle(img, _pt(p), int(r), colour, -1, cv2.LINE_AA)


def draw_dashed(img, a, b, colour, th: int, u: float) -> None:
    if not _ok(a, b):
        return
    a, b = np.asarray(a, float), np.asarray(b, float)
    n = max(1, int(np.hypot(*(b - a)) / max(u * 0.5, 2.0)))
    for k in range(0, n, 2):
        draw_line(img, a + (b - a) * k / n, a + (b - a) * min(k + 1, n) / n, colour, th)


def text_width(s: str, height: float) -> int:
    scale = height / _CAP
    return cv2.getTextSize(s.replace("°", " "), _FONT, scale, max(1, int(round(height / 9))))[0][0]


def draw_text(img, s: str, pos, height: float, colour=(255, 255, 255), outline: bool = True) -> None:
    """Text with its baseline-left at ``pos``, ``height`` px tall, dark-outlined; ``°`` drawn as a ring."""
    if not _ok(pos):
        return
    scale = height / _CAP
    th = max(1, int(round(height / 9)))
    x, y = _pt(pos)
    edge = max(2, int(height / 5)) + 1  # the dark outline's reach: it stays inside the frame too
    x = int(np.clip(x, edge, max(edge, img.shape[1] - text_width(s, height) - edge)))
    y = int(np.clip(y, int(height) + edge, img.shape[0] - edge))
    for layer in ((DARK, th + max(2, int(height / 5))), (colour, th)) if outline else ((colour, th),):
        cx = x
        for k, part in enumerate(s.split("°")):
            if k:
                r = max(2, int(round(height * 0.2)))
                cv2.circle(img, (cx + r + 1, y - int(height) + r), r, layer[0], max(1, layer[1] - th + 1)
                           if layer[0] == DARK else max(1, th // 2 + 1), cv2.LINE_AA)
                cx += 2 * r + 3
            cv2.putText(img, part, (cx, y), _FONT, scale, layer[0], layer[1], cv2.LINE_AA)
            cx += cv2.getTextSize(part, _FONT, scale, th)[0][0]


def draw_label(img, s: str, anchor, height: float, side: int, colour=(255, 255, 255)) -> None:
    """Text beside ``anchor``: to its right when ``side`` > 0, else to its left."""
    if _ok(anchor):
        gap, w = height * 0.8, text_width(s, height)
        if (side > 0 and anchor[0] + gap + w > img.shape[1]) or (side <= 0 and anchor[0] - gap - w < 0):
            side = -side if side else 1  # no room: the other side
        x = anchor[0] + gap if side > 0 else anchor[0] - gap - w
        draw_text(img, s, (x, anchor[1] + height / 2), height, colour=colour)


def shade_box(img, x0, y0, x1, y1, alpha: float) -> None:
    """Darken a rectangle (semi-transparent black panel)."""
    x0, y0 = max(0, int(x0)), max(0, int(y0))
    x1, y1 = min(img.shape[1], int(x1)), min(img.shape[0], int(y1))
    if x1 > x0 and y1 > y0:
        roi = img[y0:y1, x0:x1]
        roi[...] = (roi * (1.0 - alpha)).astype(np.uint8)
