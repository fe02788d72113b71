"""The annotated video's head-up panel and contact timeline.

The panel goes in the frame corner the runner uses least over the whole clip (chosen once,
so it never jumps), sized to at most ~45 % of the frame width: on a portrait phone clip
(404 px wide at 720 px height) it sits beside the head instead of over it.
"""

from __future__ import annotations

import cv2
import numpy as np

from .annotate_config import band_colour, counter_colour, overstride_flagged
from .cues import is_overstride
from .draw import shade_box, draw_text, text_width

__all__ = ["panel_corner", "panel_box", "draw_hud", "draw_timeline", "timeline_top", "CORNERS"]

#: Panel corners: (horizontal, vertical) with 0 = left/top, 1 = right/bottom.
CORNERS = {"top-left": (0, 0), "top-right": (1, 0), "bottom-left": (0, 1), "bottom-right": (1, 1)}
#: The widest line the panel holds; the panel is sized for it so it never changes size.
_WIDEST = "Overstride 88/88"
#: A contact older than this (s) is no longer "the last contact" on the panel.
_STALE_S = 2.0


def timeline_rows(u: float) -> tuple[int, int]:
    row = max(4, int(round(u * 0.6)))
    return row, max(2, row // 3)


def timeline_top(h: int, u: float) -> int:
    """Top edge (px) of the timeline strip at the bottom of a frame ``h`` px tall."""
    row, gap = timeline_rows(u)
    return h - 2 * row - 3 * gap


def panel_box(size: tuple[int, int], u: float, n_lines: int = 4) -> tuple[float, float, float]:
    """(width, height, text height) of the panel in px for a frame of ``size`` (w, h)."""
    h = 0.8 * u
    widest = text_width(_WIDEST, h)
    if widest > 0.42 * size[0]:
        h *= 0.42 * size[0] / widest
    pad, step = h * 0.6, h * 1.6
    return text_width(_WIDEST, h) + 2 * pad, pad + step * n_lines, h


def _panel_origin(corner: str, size: tuple[int, int], u: float) -> tuple[float, float]:
    w, h = size
    pw, ph, th = panel_box(size, u)
    margin = th * 0.4
    cx, cy = CORNERS[corner]
    x = margin if cx == 0 else w - pw - margin
    y = margin if cy == 0 else timeline_top(h, u) - ph - margin
    return x, y


def panel_corner(body: np.ndarray, size: tuple[int, int], u: float, behind: int = -1) -> str:
    """The corner whose panel box the runner's body enters in the fewest frames.

    Parameters
    ----------
    body : numpy.ndarray
        (frames, points, 2) body keypoints in output pixels (NaN where unseen).
    size : tuple of int
        Output frame (width, height) in px.
    u : float
        Overlay unit (px).
    behind : int
        -1 when the runner's back faces image left (running right), +1 otherwise: on a tie the
        top corner behind the runner wins (nothing is measured there).

    Returns
    -------
    str
        One of :data:`CORNERS`.
    """
    pw, ph, _ = panel_box(size, u)
    pad = 0.5 * u
    order = ["top-left", "top-right"] if behind < 0 else ["top-right", "top-left"]
    order += ["bottom-left", "bottom-right"] if behind < 0 else ["bottom-right", "bottom-left"]
    best, best_hits = order[0], None
    for corner in order:
        x, y = _panel_origin(corner, size, u)
        with np.errstate(invalid="ignore"):
            inside = ((body[..., 0] > x - pad) & (body[..., 0] < x + pw + pad)
                      & (body[..., 1] > y - pad) & (body[..., 1] < y + ph + pad))
        hits = int(np.any(inside, axis=1).sum()) if body.size else 0
        if best_hits is None or hits < best_hits:
            best, best_hits = corner, hits
    return best


def _lines(sc, done: list[dict], t: float) -> tuple[list[str], list[tuple[int, int, int]]]:
    white = (255, 255, 255)
    cad = sc.summary.get("cadence_spm")
    lines, colours = [f"{cad:.0f} steps/min" if cad else "Cadence -"], [white]
    last = next((s for s in reversed(done) if not s.get("excluded")), None)  # the last counted contact
    if last is not None and t - last["ic_time_s"] > _STALE_S:
        last = None  # the runner has gone (or no contact for a while): no stale value
    shin = last.get("shin_angle_ic_deg") if last else None
    lines.append(f"Shin {round(shin) + 0:d}° {last['foot'][0].upper()}" if shin is not None else "Shin -")
    colours.append(band_colour(shin, sc.config) if shin is not None else white)
    lines.append(f"Strike {(last.get('foot_strike') or '-') if last else '-'}")
    colours.append(white)
    judged = [s for s in done if is_overstride(s, sc.config.thresholds) is not None]
    if sc.decision["session"]["verdict"] == "cannot judge":
        lines.append("No verdict")
    else:
        lines.append(f"Overstride {sum(overstride_flagged(s, sc.config) for s in judged)}/{len(judged)}"
                     if judged else "Overstride -")
    colours.append(counter_colour(sc.decision, sc.config))
    return lines, colours


def draw_hud(img, sc, done: list[dict], t: float) -> None:
    """The panel (cadence, last shin angle and foot strike, running overstride count)."""
    lines, colours = _lines(sc, done, t)
    size = (img.shape[1], img.shape[0])
    pw, ph, h = panel_box(size, sc.u, len(lines))
    x, y = _panel_origin(sc.corner, size, sc.u)
    pad, step = h * 0.6, h * 1.6
    shade_box(img, x, y, x + pw, y + ph, 0.6)
    for k, (s, c) in enumerate(zip(lines, colours)):
        draw_text(img, s, (x + pad, y + pad * 0.5 + h + step * k + h * 0.3), h, colour=c)


def draw_timeline(img, sc, t: float) -> None:
    """Left / right stance bars in band colours (grey = excluded) and a cursor at ``t``."""
    h, w = img.shape[:2]
    u = sc.u
    row, gap = timeline_rows(u)
    top = timeline_top(h, u)
    shade_box(img, 0, top, w, h, 0.55)
    label_w = int(u * 1.0)
    x0, x1 = label_w + gap, w - gap
    span = max(sc.duration, 1e-6)
    for k, foot in enumerate(("left", "right")):
        y0 = top + gap + k * (row + gap)
        draw_text(img, foot[0].upper(), (gap, y0 + row), row * 1.0, outline=False)
        for s in sc.strides:
            if s["foot"] != foot:
                continue
            end = s.get("to_time_s") or s["ic_time_s"] + 0.05
            a = x0 + (x1 - x0) * s["ic_time_s"] / span
            b = x0 + (x1 - x0) * min(end, span) / span
            colour = band_colour(s.get("shin_angle_ic_deg"), sc.config) if not s.get("excluded") else (110, 110, 110)
            cv2.rectangle(img, (int(a), y0), (max(int(a) + 1, int(b)), y0 + row), colour, -1)
    cx = int(x0 + (x1 - x0) * min(max(t, 0.0), span) / span)
    cv2.line(img, (cx, top), (cx, h), (255, 255, 255), max(2, row // 4))
