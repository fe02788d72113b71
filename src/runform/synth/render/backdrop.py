"""Straight vertical structures behind the treadmill, for camera-tilt estimation to find.

A gym or garage wall has door frames, rack posts and wall corners: long edges that are
truly vertical in the world. The annotated treadmill clip's camera was measured from such
edges (cabinet and door edges, ``male_camera_verticals.png``). Drawn in the level view; a
tilted render camera (:mod:`runform.synth.render.camera`) then turns and converges them exactly
as it does the runner.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["draw_structures", "STRUCTURE_EDGES"]

#: x positions of the structures as fractions of the view's width (0 = its left edge).
STRUCTURE_EDGES = {"wall_corner": 0.95, "door": (0.02, 0.22), "rack": (0.80, 0.90)}


def _shade(c, k):
    return tuple(float(min(255.0, max(0.0, v * k))) for v in c)


def draw_structures(img: np.ndarray, view: tuple[float, float, float, float], floor_y: int,
                    wall_rgb) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Draw a wall corner, a door frame and a pair of rack posts; return their vertical edges.

    Parameters
    ----------
    img : ndarray, (H, W, 3) uint8, drawn in place (the level view).
    view : (x0, y0, x1, y1)
        The part of ``img`` the final picture shows (all of it for a level camera).
    floor_y : int
        Image row where the wall meets the floor.
    wall_rgb : the wall's colour (the second wall plane is drawn darker).

    Returns
    -------
    The true-vertical edges drawn, as ((x, y_top), (x, y_bottom)) pixel pairs.
    """
    x0, y0, x1, y1 = view
    vw = x1 - x0
    top = int(max(0, y0 - 0.05 * (y1 - y0)))
    edges = []
    # Wall corner: the wall to the right of it turns away and is in shade.
    xc = int(round(x0 + STRUCTURE_EDGES["wall_corner"] * vw))
    img[top:floor_y, xc:] = (img[top:floor_y, xc:].astype(np.float32) * 0.86).astype(np.uint8)
    cv2.line(img, (xc, top), (xc, floor_y), _shade(wall_rgb, 0.7), 2, cv2.LINE_AA)
    edges.append(((xc, top), (xc, floor_y)))
    # Door frame: two jambs and a head, painted wood, the door leaf a little darker.
    wood = (150, 112, 74)
    dl, dr = (int(round(x0 + f * vw)) for f in STRUCTURE_EDGES["door"])
    jamb = max(6, int(0.022 * vw))
    head = int(floor_y - 0.62 * (floor_y - y0))
    leaf = (img[head:floor_y, dl + jamb:dr - jamb].astype(np.float32) * 0.93 + 8).clip(0, 255)
    img[head:floor_y, dl + jamb:dr - jamb] = leaf.astype(np.uint8)
    for xa in (dl, dr - jamb):
        cv2.rectangle(img, (xa, head), (xa + jamb, floor_y), wood, -1, cv2.LINE_AA)
        cv2.line(img, (xa, head), (xa, floor_y), _shade(wood, 0.6), 1, cv2.LINE_AA)
        edges += [((xa, head), (xa, floor_y)), ((xa + jamb, head), (xa + jamb, floor_y))]
    cv2.rectangle(img, (dl, head - jamb), (dr, head), wood, -1, cv2.LINE_AA)
    # Rack posts: steel uprights with a row of holes and a bar across.
    steel = (86, 92, 104)
    post = max(6, int(0.028 * vw))
    rack_top = int(floor_y - 0.80 * (floor_y - y0))
    xs = [int(round(x0 + f * vw)) for f in STRUCTURE_EDGES["rack"]]
    for xa in xs:
        cv2.rectangle(img, (xa, rack_top), (xa + post, floor_y), steel, -1, cv2.LINE_AA)
        cv2.line(img, (xa + post, rack_top), (xa + post, floor_y), _shade(steel, 0.55), 2, cv2.LINE_AA)
        for yh in range(rack_top + post, floor_y - post, max(8, int(1.6 * post))):
            cv2.circle(img, (xa + post // 2, yh), max(1, post // 5), (30, 30, 34), -1, cv2.LINE_AA)
        edges += [((xa, rack_top), (xa, floor_y)), ((xa + post, rack_top), (xa + post, floor_y))]
    bar_y = int(rack_top + 0.25 * (floor_y - rack_top))
    cv2.rectangle(img, (xs[0] - post, bar_y), (xs[1] + 2 * post, bar_y + max(3, post // 2)), (60, 62, 66), -1,
                  cv2.LINE_AA)
    return edges
