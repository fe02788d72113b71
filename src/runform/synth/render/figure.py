"""Render the synthetic runner as a shaded, clothed figure on a treadmill.

The figure is drawn with OpenCV (anti-aliased polygons) from the 2D joint
positions of :func:`runform.synth.runner.generate_run`, so a pose estimator run on
the video can be scored against exact pixel truth. Side view: the runner's
right side faces the camera when running toward image right (``direction=+1``),
the left side when running toward image left; far-side limbs are drawn first
and darker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from runform.io.video_writer import VideoWriter
from runform.keypoints import KEYPOINT_NAMES
from ..runner import GaitParams, generate_run, to_pixels

from .camera import CameraTilt, apply_homography, homography
from .paint import SHIFT, capsule, chaikin, fill, lighten, scale
from .shank import shaded_outline

__all__ = ["SceneConfig", "render_frame", "render_run", "TRUTH_POINTS"]

RGB = tuple[int, int, int]
#: Joints whose pixel truth :func:`render_run` returns.
TRUTH_POINTS = ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
                "left_heel", "right_heel", "left_toe", "right_toe",
                "left_shoulder", "right_shoulder")
_LEG_PER_H = 0.491  # thigh + shank as a fraction of body height (Winter)


@dataclass(frozen=True)
class SceneConfig:
    """Look of the scene. Colours are RGB.

    ``px_per_m`` and ``origin_px`` (where the pelvis-x / ground point lands)
    are filled in by :func:`render_run` when None so that the runner is
    ``figure_height_frac`` of the frame height and centred.
    """

    width: int = 720
    height: int = 1280
    figure_height_frac: float = 0.65
    px_per_m: float | None = None
    origin_px: tuple[float, float] | None = None
    wall_top: RGB = (200, 212, 226)
    wall_bottom: RGB = (232, 234, 236)
    floor: RGB = (150, 140, 128)
    belt: RGB = (40, 42, 46)
    deck: RGB = (120, 124, 132)
    light_dir: tuple[float, float] = (-0.45, -0.9)  #: image direction *toward* the light
    shading: float = 0.35  #: 0 flat, 1 strong
    far_side_dim: float = 0.72  #: colour factor of far-side limbs
    shirt: RGB = (200, 40, 45)
    shorts: RGB = (30, 45, 95)
    skin: RGB = (214, 166, 132)
    shoes: RGB = (245, 245, 245)
    #: A running shoe's sole seen side-on: a thick light midsole (foam) over a thin dark
    #: rubber outsole (a few mm). A sole drawn dark all through merged with the dark belt
    #: in MediaPipe's person mask once the foot was flat, a failure a real shoe rarely shows.
    sole: RGB = (60, 60, 60)
    midsole: RGB = (228, 226, 220)
    #: Outsole thickness as a fraction of the frame height (0.0025 x 1280 px = 3 px, ~7 mm).
    outsole_frac: float = 0.0025
    socks: RGB = (235, 235, 235)
    hair: RGB = (60, 40, 28)
    #: Lower-leg outline. None: the bundled samples' tapered capsules (a slight calf; the
    #: silhouette bisector of their shank reads ~1.1 deg forward of the knee-ankle line).
    #: A number: an anatomical outline (:func:`runform.synth.render.shank.shank_outline`) whose posterior calf bulge in
    #: the upper half is ``calf`` times a typical adult's (1.0: 11 cm deep at the calf for a
    #: 1.75 m runner, 6.7 cm above the ankle, the tibia's front edge nearly straight).
    calf: float | None = None
    #: Door frame, rack posts and a wall corner behind the treadmill (true verticals for a
    #: camera-tilt estimator; :mod:`runform.synth.render.backdrop`). Off in the bundled samples.
    structures: bool = False
    #: The part of the image the final picture shows, (x0, y0, x1, y1) px; None = all of it.
    #: Set by :func:`render_run` when a tilted camera warps a larger level view.
    view_box: tuple[float, float, float, float] | None = None
    #: Shutter open time as a fraction of the frame interval (0: a sharp instant). A phone
    #: filming indoors exposes for a large part of the frame: the annotated 30 fps treadmill
    #: clip smears the landing shoe over ~30-50 px (``male_side_contact_sheets``), ~0.5 frame
    #: at its foot speed. Truth stays at the frame time, the centre of the exposure.
    shutter: float = 0.0
    #: Instants averaged over the shutter when ``shutter`` > 0 (odd, >= 3).
    blur_samples: int = 7


def _shaded_limb(img, stations, radii, color, cfg: SceneConfig) -> None:
    """A chain of tapered capsules, with a shadowed rim away from the light."""
    light = np.asarray(cfg.light_dir, float)
    light /= np.linalg.norm(light)
    segs = list(zip(stations[:-1], stations[1:], radii[:-1], radii[1:]))
    dark, lite = scale(color, 1.0 - 0.6 * cfg.shading), lighten(color, 0.5 * cfg.shading)
    for p1, p2, r1, r2 in segs:
        fill(img, capsule(p1, p2, r1, r2), dark)
    for p1, p2, r1, r2 in segs:
        o = light * 0.18 * max(r1, r2)
        fill(img, capsule(np.add(p1, o), np.add(p2, o), 0.8 * r1, 0.8 * r2), color)
    for p1, p2, r1, r2 in segs:
        o = light * 0.45 * max(r1, r2)
        fill(img, capsule(np.add(p1, o), np.add(p2, o), 0.35 * r1, 0.35 * r2), lite)


@lru_cache(maxsize=8)
def _background(cfg: SceneConfig, ground_y: int, h_px: int) -> np.ndarray:
    w, h = cfg.width, cfg.height
    img = np.empty((h, w, 3), np.float32)
    f = np.linspace(0.0, 1.0, h)[:, None]
    img[:] = (1 - f)[..., None] * np.array(cfg.wall_top) + f[..., None] * np.array(cfg.wall_bottom)
    floor_y = int(ground_y + 0.10 * h_px)
    img[floor_y:] = cfg.floor
    img = np.clip(img, 0, 255).astype(np.uint8)
    if cfg.structures:
        from .backdrop import draw_structures

        draw_structures(img, cfg.view_box or (0.0, 0.0, float(w), float(h)), floor_y, cfg.wall_bottom)
    cv2.line(img, (0, floor_y), (w, floor_y), scale(cfg.floor, 0.7), 2, cv2.LINE_AA)
    # Treadmill deck (below the belt) with a motor hood in front; drawn for +x.
    x0, x1 = int(0.04 * w), int(0.96 * w)
    belt_h = max(3, int(0.022 * h_px))
    deck_y0 = ground_y + belt_h
    deck_y1 = int(ground_y + 0.075 * h_px)
    cv2.rectangle(img, (x0, deck_y0), (x1, deck_y1), cfg.deck, -1, cv2.LINE_AA)
    cv2.rectangle(img, (x0, deck_y0), (x1, deck_y0 + max(2, belt_h // 2)),
                  lighten(cfg.deck, 0.35), -1, cv2.LINE_AA)
    foot_y = min(h - 1, floor_y + 2)
    for xf in (x0 + 0.06 * w, x1 - 0.06 * w):
        cv2.rectangle(img, (int(xf - 0.01 * w), deck_y1), (int(xf + 0.01 * w), foot_y),
                      scale(cfg.deck, 0.6), -1, cv2.LINE_AA)
    return img


def _draw_belt(img, cfg: SceneConfig, ground_y: float, h_px: float, phase_px: float) -> None:
    w = cfg.width
    x0, x1 = 0.04 * w, 0.96 * w
    belt_h = max(3, int(0.022 * h_px))
    r = belt_h / 2.0
    fill(img, capsule((x0 + r, ground_y + r), (x1 - r, ground_y + r), r, r), cfg.belt)
    gap = max(8.0, 0.12 * h_px)
    for x in np.arange(x0 + phase_px % gap, x1 - r, gap):  # seams move with the belt
        cv2.line(img, (int(x), int(ground_y + 1)), (int(x), int(ground_y + belt_h - 1)),
                 lighten(cfg.belt, 0.25), 1, cv2.LINE_AA)


def _leg_length(P) -> float:
    lens = [np.hypot(*np.subtract(P[f"{s}_hip"], P[f"{s}_knee"]))
            + np.hypot(*np.subtract(P[f"{s}_knee"], P[f"{s}_ankle"])) for s in ("left", "right")]
    return float(np.mean(lens))


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    n = np.hypot(*v)
    return v / n if n > 1e-9 else np.array([0.0, -1.0])


def _draw_leg(img, P, side, H, d, cfg: SceneConfig, dim: float, which: str) -> None:
    hip, knee, ankle = (np.asarray(P[f"{side}_{j}"], float) for j in ("hip", "knee", "ankle"))
    heel, toe = np.asarray(P[f"{side}_heel"], float), np.asarray(P[f"{side}_toe"], float)
    if which in ("leg", "all"):
        # Thigh (0.09 H wide near the hip), shank with a calf bulge behind the bone.
        def backward(a, b):  # unit normal of a->b pointing against the running direction
            v = _unit(b - a)
            perp = np.array([-v[1], v[0]])
            return -perp if perp[0] * d > 0 else perp
        skin = scale(cfg.skin, dim)
        quad = hip + 0.4 * (knee - hip) - backward(hip, knee) * 0.006 * H
        _shaded_limb(img, [hip, quad, knee], [0.045 * H, 0.046 * H, 0.03 * H], skin, cfg)
        if cfg.calf is None:
            calf = knee + 0.3 * (ankle - knee) + backward(knee, ankle) * 0.009 * H
            _shaded_limb(img, [knee, calf, ankle], [0.03 * H, 0.032 * H, 0.018 * H], skin, cfg)
        else:
            shaded_outline(img, knee, ankle, H, d, cfg.calf, skin, cfg.light_dir, cfg.shading)
        sock_top = ankle + 0.12 * (knee - ankle)
        _shaded_limb(img, [sock_top, ankle], [0.02 * H, 0.019 * H], scale(cfg.socks, dim), cfg)
        # Shoe along heel -> toe, built on the sole line.
        u = _unit(toe - heel)
        n = np.array([u[1], -u[0]]) * d  # sole normal, toward the ankle
        if n @ (ankle - heel) < 0:
            n = -n
        F = np.hypot(*(toe - heel))
        hi = 0.055 * H
        shoe = np.array([heel + 0.004 * H * n, heel + 0.35 * hi * n - 0.004 * H * u,
                         heel + hi * n, heel + 0.35 * F * u + 1.05 * hi * n,
                         heel + 0.65 * F * u + 0.62 * hi * n, toe - 0.06 * F * u + 0.35 * hi * n,
                         toe + 0.01 * H * u + 0.06 * hi * n, toe])
        fill(img, chaikin(shoe, 2), scale(cfg.shoes, dim))
        sole = np.array([heel, toe + 0.01 * H * u,
                         toe + 0.01 * H * u + 0.012 * H * n, heel + 0.012 * H * n])
        fill(img, sole, scale(cfg.midsole, dim))
        t = cfg.outsole_frac * H
        outsole = np.array([heel, toe + 0.01 * H * u, toe + 0.01 * H * u + t * n, heel + t * n])
        fill(img, outsole, scale(cfg.sole, dim))
    if which in ("shorts", "all"):
        end = hip + 0.33 * (knee - hip)
        _shaded_limb(img, [hip, end], [0.05 * H, 0.048 * H], scale(cfg.shorts, dim), cfg)


def _draw_arm(img, P, side, H, cfg: SceneConfig, dim: float) -> None:
    sh, el, wr = (np.asarray(P[f"{side}_{j}"], float) for j in ("shoulder", "elbow", "wrist"))
    skin = scale(cfg.skin, dim)
    _shaded_limb(img, [el, wr], [0.020 * H, 0.015 * H], skin, cfg)
    hand = wr + _unit(wr - el) * 0.03 * H
    _shaded_limb(img, [wr, hand], [0.016 * H, 0.018 * H], skin, cfg)
    _shaded_limb(img, [sh, el], [0.03 * H, 0.022 * H], skin, cfg)
    sleeve = sh + 0.45 * (el - sh)  # short sleeve
    _shaded_limb(img, [sh, sleeve], [0.036 * H, 0.03 * H], scale(cfg.shirt, dim), cfg)


def _draw_torso(img, P, H, d, cfg: SceneConfig) -> None:
    hip = 0.5 * (np.asarray(P["left_hip"], float) + np.asarray(P["right_hip"], float))
    sh = 0.5 * (np.asarray(P["left_shoulder"], float) + np.asarray(P["right_shoulder"], float))
    ax = sh - hip
    fwd = _unit(np.array([-ax[1], ax[0]]))
    if fwd[0] * d < 0:
        fwd = -fwd
    # (fraction along hip->shoulder, front offset, back offset) in units of H.
    prof = [(-0.10, 0.05, 0.06), (0.0, 0.065, 0.085), (0.35, 0.06, 0.055),
            (0.7, 0.085, 0.065), (1.0, 0.06, 0.07), (1.10, 0.03, 0.05)]
    front = [hip + f * ax + a * H * fwd for f, a, _ in prof]
    back = [hip + f * ax - b * H * fwd for f, _, b in prof][::-1]
    body = chaikin(np.array(front + back), 2)
    light = _unit(cfg.light_dir)
    fill(img, body, scale(cfg.shirt, 1.0 - 0.6 * cfg.shading))
    fill(img, hip + 0.93 * (body - hip) + light * 0.012 * H, cfg.shirt)
    # Shorts: the trunk below the waist band.
    cut = 0.30
    lo = [(f, a, b) for f, a, b in prof if f < cut] + [(cut, 0.06, 0.056)]
    sf = [hip + f * ax + (a + 0.004) * H * fwd for f, a, _ in lo]
    sb = [hip + f * ax - (b + 0.004) * H * fwd for f, _, b in lo][::-1]
    fill(img, chaikin(np.array(sf + sb), 1), cfg.shorts)


def _draw_head(img, P, H, d, cfg: SceneConfig) -> None:
    head = np.asarray(P["head"], float)
    nose = np.asarray(P["nose"], float)
    neck = 0.5 * (np.asarray(P["left_shoulder"], float) + np.asarray(P["right_shoulder"], float))
    _shaded_limb(img, [neck, head + np.array([-0.01 * d * H, 0.02 * H])],
                 [0.032 * H, 0.028 * H], scale(cfg.skin, 0.92), cfg)
    c = tuple(int(v) for v in np.round(head * (1 << SHIFT)))
    ax = (int(0.052 * H * (1 << SHIFT)), int(0.064 * H * (1 << SHIFT)))
    cv2.ellipse(img, c, ax, 0, 0, 360, scale(cfg.skin, 1.0 - 0.4 * cfg.shading), -1, cv2.LINE_AA, SHIFT)
    ax2 = (int(0.047 * H * (1 << SHIFT)), int(0.059 * H * (1 << SHIFT)))
    c2 = tuple(int(v) for v in np.round((head + np.array([0.004 * d * H, -0.003 * H])) * (1 << SHIFT)))
    cv2.ellipse(img, c2, ax2, 0, 0, 360, cfg.skin, -1, cv2.LINE_AA, SHIFT)
    # Nose bump, chin and mouth on the front of the face.
    _shaded_limb(img, [head + np.array([0.04 * d * H, -0.012 * H]), nose + np.array([0, 0.002 * H])],
                 [0.01 * H, 0.007 * H], cfg.skin, cfg)
    fill(img, capsule(head + np.array([0.02 * d * H, 0.045 * H]),
                        head + np.array([0.043 * d * H, 0.038 * H]), 0.014 * H, 0.01 * H), cfg.skin)
    cv2.line(img, tuple(int(v) for v in head + np.array([0.036 * d * H, 0.027 * H])),
             tuple(int(v) for v in head + np.array([0.048 * d * H, 0.026 * H])),
             (150, 80, 70), max(1, int(0.003 * H)), cv2.LINE_AA)
    # Hair over the top and back (a pie sector of a slightly larger ellipse).
    hax = (int(0.056 * H * (1 << SHIFT)), int(0.067 * H * (1 << SHIFT)))
    hc = tuple(int(v) for v in np.round((head + np.array([-0.004 * d * H, -0.004 * H])) * (1 << SHIFT)))
    a0, a1 = (150, 345) if d > 0 else (195, 390)
    cv2.ellipse(img, hc, hax, 0, a0, a1, cfg.hair, -1, cv2.LINE_AA, SHIFT)
    # Eye with a brow, and an ear in the middle of the head.
    eye = head + np.array([0.03 * d * H, -0.012 * H])
    cv2.ellipse(img, tuple(int(v) for v in np.round(eye * 16)),
                (int(0.007 * H * 16), int(0.004 * H * 16)), 0, 0, 360, (40, 30, 30), -1, cv2.LINE_AA, 4)
    cv2.line(img, tuple(int(v) for v in eye + np.array([-0.01 * d * H, -0.012 * H])),
             tuple(int(v) for v in eye + np.array([0.008 * d * H, -0.013 * H])),
             cfg.hair, max(1, int(0.004 * H)), cv2.LINE_AA)
    ear = head + np.array([-0.006 * d * H, 0.004 * H])
    cv2.ellipse(img, tuple(int(v) for v in np.round(ear * 16)),
                (int(0.011 * H * 16), int(0.016 * H * 16)), 0, 0, 360,
                scale(cfg.skin, 0.85), -1, cv2.LINE_AA, 4)


def render_frame(xy_px: dict, config: SceneConfig, direction: int,
                 belt_phase_px: float = 0.0) -> np.ndarray:
    """Draw one frame from joint pixels (``{name: (x, y)}``, all canonical joints).

    Sizes come from the leg length in pixels. The ground line is
    ``config.origin_px[1]`` (or the lowest heel / toe when unset).
    """
    P = {k: np.asarray(v, float) for k, v in xy_px.items()}
    d = 1 if direction >= 0 else -1
    H = _leg_length(P) / _LEG_PER_H
    if config.origin_px is not None:
        ground = float(config.origin_px[1])
    else:
        ground = max(P[f"{s}_{j}"][1] for s in ("left", "right") for j in ("heel", "toe"))
    img = _background(config, int(round(ground)), int(round(H))).copy()
    _draw_belt(img, config, ground, H, belt_phase_px)
    near, far = ("right", "left") if d > 0 else ("left", "right")
    dim = config.far_side_dim
    _draw_arm(img, P, far, H, config, dim)
    _draw_leg(img, P, far, H, d, config, dim, "all")
    _draw_head(img, P, H, d, config)
    _draw_torso(img, P, H, d, config)
    _draw_leg(img, P, near, H, d, config, 1.0, "leg")
    _draw_leg(img, P, near, H, d, config, 1.0, "shorts")
    _draw_arm(img, P, near, H, config, 1.0)
    return img


def fit_scene(kp_m, scene: SceneConfig, height_m: float) -> SceneConfig:
    """Fill in ``px_per_m`` / ``origin_px`` so the runner is large and fully in frame."""
    s = scene.px_per_m or scene.figure_height_frac * scene.height / height_m
    if scene.origin_px is not None:
        return replace(scene, px_per_m=s)
    xy = kp_m.xy.reshape(-1, 2)
    lo, hi = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
    ox = scene.width / 2.0 - s * 0.5 * (lo[0] + hi[0])
    top = lo[1] - 0.07 * height_m  # head top above the head centre
    oy = scene.height / 2.0 - s * 0.5 * (top + 0.10 * height_m)
    return replace(scene, px_per_m=s, origin_px=(float(ox), float(oy)))


def _tilted_scene(kp_m, scene: SceneConfig, height_m: float, camera: CameraTilt):
    """Level-view scene (larger than the picture) and the homography onto the tilted picture.

    The runner is placed where the tilted picture's centre looks, at the level fit's scale.
    """
    w, h = scene.width, scene.height
    out_c = (w / 2.0, h / 2.0)
    corners = np.array([[0.0, 0.0], [w, 0.0], [0.0, h], [w, h]])
    back = apply_homography(np.linalg.inv(homography(camera, (0.0, 0.0), out_c)), corners)
    lo = np.floor(back.min(axis=0)) - 8.0
    size = np.ceil(back.max(axis=0) - lo) + 8.0
    hm = homography(camera, tuple(-lo), out_c)
    fit = fit_scene(kp_m, scene, height_m)
    target = apply_homography(np.linalg.inv(hm), np.array(out_c))
    origin = np.asarray(fit.origin_px) + target - np.array(out_c)
    view = back - lo
    level = replace(fit, width=int(size[0]), height=int(size[1]), origin_px=(float(origin[0]), float(origin[1])),
                    view_box=(float(view[:, 0].min()), float(view[:, 1].min()),
                              float(view[:, 0].max()), float(view[:, 1].max())))
    return level, hm


def render_run(params: GaitParams, scene: SceneConfig, out_path, camera: CameraTilt | None = None) -> dict:
    """Render ``generate_run(params)`` to an H.264 MP4 at ``params.fps``.

    ``camera``: a rolled / pitched render camera (:mod:`runform.synth.render.camera`); the
    level view is drawn larger and warped. Truth angles stay in the world frame.

    Returns ``points`` ({joint: (frames, 2) pixels} for :data:`TRUTH_POINTS`),
    ``keypoints`` (all joints, a pixel :class:`Keypoints`), ``truth`` (from
    ``generate_run``), ``leg_length_px``, ``scene``, ``frames``, ``fps``,
    ``image_size``, ``path``, ``camera`` (dict or None) and ``homography`` (level view
    -> picture, 3x3 list; identity for a level camera).
    """
    blur = scene.shutter > 0
    sub = max(1, int(round((scene.blur_samples - 1) / scene.shutter))) if blur else 1
    # Motion blur: the runner is generated `sub` times finer in time and each picture
    # averages blur_samples instants centred on the frame time, spanning the shutter.
    kp_m, truth = generate_run(replace(params, fps=params.fps * sub) if blur else params)
    if blur:
        truth["params"]["fps"] = params.fps
        n_out = int(np.floor(params.duration_s * params.fps + 1e-9))
        fine = kp_m
        kp_m = replace(fine, xy=fine.xy[::sub][:n_out], confidence=fine.confidence[::sub][:n_out], time_s=fine.time_s[::sub][:n_out])
    tilted = camera is not None and not camera.level
    size = (scene.width, scene.height)
    if tilted:
        scene, hm = _tilted_scene(kp_m, scene, params.height_m, camera)
    else:
        scene, hm = fit_scene(kp_m, scene, params.height_m), np.eye(3)
    kp = to_pixels(kp_m, scene.px_per_m, scene.origin_px, (scene.width, scene.height))
    names = KEYPOINT_NAMES
    speed_px = truth["speed_mps"] * scene.px_per_m
    if blur:
        fine_px = to_pixels(fine, scene.px_per_m, scene.origin_px, (scene.width, scene.height))
        half = (scene.blur_samples - 1) // 2
    with VideoWriter(out_path, fps=params.fps, crf=18) as w:
        for i, t in enumerate(kp.time_s):
            if blur:
                idx = np.clip(i * sub + np.arange(-half, half + 1), 0, len(fine_px) - 1)
                acc = np.zeros((scene.height, scene.width, 3), np.float32)
                for k in idx:
                    pts = {n: fine_px.xy[k, j] for j, n in enumerate(names)}
                    acc += render_frame(pts, scene, params.direction, -params.direction * speed_px * fine_px.time_s[k])
                img = np.clip(acc / len(idx) + 0.5, 0, 255).astype(np.uint8)
            else:
                pts = {n: kp.xy[i, j] for j, n in enumerate(names)}
                img = render_frame(pts, scene, params.direction, -params.direction * speed_px * t)
            if tilted:
                img = cv2.warpPerspective(img, hm, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            w.write(img, t)
    leg_px = (params.thigh_m + params.shank_m) * scene.px_per_m
    if tilted:
        kp = replace(kp, xy=apply_homography(hm, kp.xy), image_size=size)
        segs = [np.linalg.norm(kp.point(f"{s}_{a}") - kp.point(f"{s}_{b}"), axis=1)
                for s in ("left", "right") for a, b in (("hip", "knee"), ("knee", "ankle"))]
        leg_px = float(np.median(segs[0] + segs[1] + segs[2] + segs[3]) / 2.0)
    return {"points": {n: kp.point(n).copy() for n in TRUTH_POINTS}, "keypoints": kp,
            "truth": truth, "leg_length_px": float(leg_px), "scene": scene,
            "frames": len(kp), "fps": params.fps, "image_size": size,
            "path": str(Path(out_path)), "camera": None if camera is None else asdict(camera),
            "homography": hm.tolist()}
