"""Side-by-side video of two sessions, synchronised by gait phase, and key-frame panels.

Contacts are paired by foot and order (the k-th right contact before with the k-th right
contact after, likewise left). For each pair a window from ``pre_s`` before initial contact
(IC) to ``post_s`` after it is shown from both videos on one common timeline, so the two
contacts land at the same moment; the IC frame is held for ``hold_s``. Each panel is cropped
around the runner (same body height in both) and shows the contact leg's shin line, a
vertical reference from the knee and, from IC on, the measured shin angle at contact.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..camera.tilt import image_direction
from ..io.video import iter_frames, probe_video
from ..io.video_writer import VideoWriter
from ..report.cues import BAND_RGB, Thresholds, band
from ..report.draw import draw_dashed, draw_dot, draw_line, shade_box, draw_text, text_width
from .sessions import Session, session_keypoints, session_video

_JOINTS = ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
           "left_heel", "right_heel", "left_toe", "right_toe", "left_shoulder", "right_shoulder", "nose", "head")


@dataclass(frozen=True)
class SideBySideConfig:
    """Layout and timing of the side-by-side video.

    Attributes
    ----------
    pre_s, post_s : float
        Seconds shown before and after each initial contact.
    hold_s : float
        Seconds the IC frame is held (0: no freeze).
    panel_height : int
        Height of each session's panel in pixels (even).
    aspect : float
        Panel width / height.
    max_pairs : int or None
        At most this many contact pairs (None: all).
    fps : float or None
        Output frame rate; None: the higher of the two sessions' rates.
    """

    pre_s: float = 0.25
    post_s: float = 0.35
    hold_s: float = 0.3
    panel_height: int = 540
    aspect: float = 0.75
    max_pairs: int | None = 16
    fps: float | None = None


@dataclass
class _Source:
    """A session's video, keypoints and frame cache (JPEG bytes of downscaled frames)."""

    session: Session
    path: Path
    kp: object
    scale: float
    box_h: float
    centre_y: float
    frames: dict
    capture_fps: float | None = None


def _source(session: Session, cfg: SideBySideConfig) -> tuple[_Source | None, str]:
    path, kind = session_video(session)
    if path is None:
        return None, kind
    info = probe_video(path)
    kp = session_keypoints(session, (info.width, info.height))
    if kp is None:
        return None, f"session {session.label} has no pose.npz to draw the shin from"
    pts = np.concatenate([kp.point(j) for j in _JOINTS])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if len(pts) < 10:
        return None, f"session {session.label}: too few keypoints to frame the runner"
    y0, y1 = np.percentile(pts[:, 1], [1, 99])
    box_h = max(40.0, 1.3 * (y1 - y0))
    scale = min(2.0, cfg.panel_height / box_h)  # the runner's height fills the panel
    # A slow-motion clip analysed with --capture-fps has keypoint times in real seconds.
    capture = float(kp.fps) if info.fps and abs(kp.fps / info.fps - 1) > 0.1 else None
    return _Source(session, path, kp, float(scale), float(box_h), float((y0 + y1) / 2), {}, capture), kind


def contact_pairs(before: list[dict], after: list[dict], max_pairs: int | None = None,
                  limits: tuple[tuple[float, float], tuple[float, float]] | None = None) -> list[tuple[dict, dict]]:
    """Pair contacts by foot and order; keep pairs whose windows lie inside both clips.

    ``limits`` is ``((lo_before, hi_before), (lo_after, hi_after))``: allowed IC times.
    Pairs are sorted by the before contact's IC time.
    """
    pairs = []
    for foot in ("left", "right"):
        a = [s for s in before if s.get("foot") == foot and s.get("ic_time_s") is not None]
        b = [s for s in after if s.get("foot") == foot and s.get("ic_time_s") is not None]
        if limits:
            a = [s for s in a if limits[0][0] <= s["ic_time_s"] <= limits[0][1]]
            b = [s for s in b if limits[1][0] <= s["ic_time_s"] <= limits[1][1]]
        pairs += list(zip(a, b))
    pairs.sort(key=lambda p: p[0]["ic_time_s"])
    return pairs[:max_pairs] if max_pairs else pairs


def _nearest(times: np.ndarray, t: float) -> int:
    return int(np.argmin(np.abs(times - t)))


def _cache_frames(src: _Source, wanted: set[int]) -> None:
    """Decode once; keep the wanted frames (by keypoint frame index) downscaled as JPEG."""
    times = src.kp.time_s
    if not wanted:
        return
    last = max(times[i] for i in wanted) + 0.05
    for t, img in iter_frames(src.path, src.capture_fps):
        i = _nearest(times, t)
        if i in wanted and i not in src.frames and abs(times[i] - t) < 0.5 / max(src.kp.fps, 1.0):
            small = cv2.resize(img, None, fx=src.scale, fy=src.scale, interpolation=cv2.INTER_AREA)
            ok, jpg = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
            if ok:
                src.frames[i] = jpg.tobytes()
        if t > last:
            break


def _panel(src: _Source, i: int, stride: dict, centre_x: float, cfg: SideBySideConfig, show_angle: bool,
           title: str, thresholds: Thresholds) -> np.ndarray:
    """The cropped, annotated panel for keypoint frame ``i`` (black where the clip has no frame)."""
    ph = cfg.panel_height - cfg.panel_height % 2
    pw = int(round(ph * cfg.aspect / 2)) * 2
    canvas = np.zeros((ph, pw, 3), np.uint8)
    s = src.scale
    ox, oy = centre_x * s - pw / 2, src.centre_y * s - ph / 2
    if i in src.frames:
        img = cv2.cvtColor(cv2.imdecode(np.frombuffer(src.frames[i], np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        x0, y0 = int(round(ox)), int(round(oy))
        sx0, sy0 = max(0, x0), max(0, y0)
        sx1, sy1 = min(img.shape[1], x0 + pw), min(img.shape[0], y0 + ph)
        if sx1 > sx0 and sy1 > sy0:
            canvas[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = img[sy0:sy1, sx0:sx1]
    u = 0.035 * ph
    foot = stride["foot"]
    knee = (src.kp.point(f"{foot}_knee")[i] * s) - (ox, oy)
    ankle = (src.kp.point(f"{foot}_ankle")[i] * s) - (ox, oy)
    angle = stride.get("shin_angle_ic_deg")
    colour = BAND_RGB.get(band("shin_angle_ic_deg", angle, thresholds), (230, 230, 230)) if show_angle else (255, 255, 255)
    th = max(2, int(ph / 180))
    if np.all(np.isfinite(knee)) and np.all(np.isfinite(ankle)):
        shank = float(np.hypot(*(ankle - knee)))
        # The true vertical at the runner, as the session measured its angles from it.
        tilt = float((src.session.metrics.get("camera") or {}).get("vertical_at_runner_deg") or 0.0)
        down = image_direction((0.0, 1.0), tilt)
        draw_dashed(canvas, knee, knee + 1.15 * shank * down, (255, 255, 255), max(1, th - 1), u)
        draw_line(canvas, knee, ankle, colour, th + 1)
        draw_dot(canvas, knee, colour, th + 1)
        draw_dot(canvas, ankle, colour, th + 1)
    shade_box(canvas, 0, 0, pw, 1.9 * u, 0.6)
    draw_text(canvas, title, (0.4 * u, 1.4 * u), u * min(1.0, 0.92 * pw / max(1, text_width(title, u))))
    if show_angle and angle is not None:
        text = f"{foot} shin at contact {angle:.1f}°"
        h = u * min(1.0, 0.92 * pw / max(1, text_width(text, u)))
        shade_box(canvas, 0, ph - 2.0 * u, pw, ph, 0.6)
        draw_text(canvas, text, (0.4 * u, ph - 0.5 * u), h, colour=colour)
    return canvas


def _compose(left: np.ndarray, right: np.ndarray, footer: str, phase: float, cfg: SideBySideConfig) -> np.ndarray:
    gap = 8
    h = left.shape[0]
    bar = int(round(0.07 * h / 2)) * 2
    out = np.full((h + bar, left.shape[1] + gap + right.shape[1], 3), 30, np.uint8)
    out[:h, :left.shape[1]] = left
    out[:h, left.shape[1] + gap:] = right
    u = 0.035 * h
    draw_text(out, footer, (0.4 * u, h + bar * 0.55), 0.8 * u, outline=False)
    x0, x1 = out.shape[1] * 0.62, out.shape[1] - 0.5 * u
    y = h + bar * 0.72
    draw_line(out, (x0, y), (x1, y), (120, 120, 120), 2)
    ic = x0 + (x1 - x0) * cfg.pre_s / (cfg.pre_s + cfg.post_s)
    draw_line(out, (ic, y - 0.4 * u), (ic, y + 0.4 * u), (255, 255, 255), 2)
    draw_dot(out, (x0 + (x1 - x0) * phase, y), (255, 176, 0), max(3, int(u / 3)))
    return out


def write_side_by_side(before: Session, after: Session, out_path: Path, cfg: SideBySideConfig = SideBySideConfig(),
                       thresholds: Thresholds = Thresholds(), progress=None) -> dict:
    """Write the phase-synchronised side-by-side MP4 of two video sessions.

    Returns
    -------
    dict
        ``path`` (None when skipped), ``note`` (why it was skipped, or what it shows),
        ``pairs``, ``frames``, ``duration_s``.
    """
    srcs = []
    for s in (before, after):
        src, why = _source(s, cfg)
        if src is None:
            return {"path": None, "note": f"side-by-side video skipped: {why}", "pairs": 0, "frames": 0,
                    "duration_s": 0.0}
        srcs.append(src)
    a, b = srcs
    limits = tuple((float(x.kp.time_s[0]) + cfg.pre_s, float(x.kp.time_s[-1]) - cfg.post_s) for x in srcs)
    pairs = contact_pairs(before.counted_contacts, after.counted_contacts, cfg.max_pairs, limits)
    if not pairs:
        return {"path": None, "note": "side-by-side video skipped: no contact pair lies fully inside both clips",
                "pairs": 0, "frames": 0, "duration_s": 0.0}
    fps = cfg.fps or max(float(a.kp.fps), float(b.kp.fps))
    taus = np.arange(-cfg.pre_s, cfg.post_s + 1e-9, 1.0 / fps)
    n_hold = int(round(cfg.hold_s * fps))
    plan = []  # (pair index, tau, hold)
    for k in range(len(pairs)):
        for tau in taus:
            plan.append((k, float(tau), False))
            if n_hold and abs(tau) < 0.5 / fps:
                plan += [(k, float(tau), True)] * n_hold
    for src, side in ((a, 0), (b, 1)):
        _cache_frames(src, {_nearest(src.kp.time_s, pairs[k][side]["ic_time_s"] + tau) for k, tau, _ in plan})
    centres = []
    for pa, pb in pairs:
        cs = []
        for src, st in ((a, pa), (b, pb)):
            i = _nearest(src.kp.time_s, st["ic_time_s"])
            hips = [src.kp.point(h)[i, 0] for h in ("left_hip", "right_hip")]
            hips = [h for h in hips if np.isfinite(h)]
            cs.append(float(np.mean(hips)) if hips else float(np.nanmedian(src.kp.xy[:, :, 0])))
        centres.append(cs)
    n = 0
    with VideoWriter(out_path, fps=fps) as w:
        for k, tau, hold in plan:
            pa, pb = pairs[k]
            panels = []
            for src, st, c, name in ((a, pa, centres[k][0], "before"), (b, pb, centres[k][1], "after")):
                i = _nearest(src.kp.time_s, st["ic_time_s"] + tau)
                panels.append(_panel(src, i, st, c, cfg, tau > -0.5 / fps, f"{name}: {src.session.label}", thresholds))
            footer = (f"contact pair {k + 1}/{len(pairs)}, {pa['foot']} foot, "
                      + ("held at initial contact" if hold else f"t = IC {tau:+.2f} s"))
            w.write(_compose(panels[0], panels[1], footer, (tau + cfg.pre_s) / (cfg.pre_s + cfg.post_s), cfg),
                    n / fps)
            n += 1
            if progress:
                progress(n, len(plan))
    return {"path": Path(out_path), "note": f"{len(pairs)} contact pairs synchronised at initial contact "
            f"({cfg.pre_s:g} s before to {cfg.post_s:g} s after, held {cfg.hold_s:g} s at contact)",
            "pairs": len(pairs), "frames": n, "duration_s": n / fps}


def typical_contact(session: Session) -> dict | None:
    """The contact whose shin angle is closest to the session median (None without angles)."""
    st = [s for s in session.counted_contacts if isinstance(s.get("shin_angle_ic_deg"), (int, float))]
    if not st:
        return None
    med = float(np.median([s["shin_angle_ic_deg"] for s in st]))
    return min(st, key=lambda s: abs(s["shin_angle_ic_deg"] - med))


def key_frame(session: Session, cfg: SideBySideConfig = SideBySideConfig(panel_height=420),
              thresholds: Thresholds = Thresholds()) -> dict | None:
    """A typical initial contact of a video session as an annotated JPEG data URI (None when impossible)."""
    stride = typical_contact(session)
    if stride is None:
        return None
    try:
        src, _ = _source(session, cfg)
    except Exception:  # noqa: BLE001 - a missing key frame must not stop the report
        return None
    if src is None:
        return None
    i = _nearest(src.kp.time_s, stride["ic_time_s"])
    _cache_frames(src, {i})
    hips = [src.kp.point(h)[i, 0] for h in ("left_hip", "right_hip")]
    hips = [h for h in hips if np.isfinite(h)]
    centre = float(np.mean(hips)) if hips else float(np.nanmedian(src.kp.xy[:, :, 0]))
    img = _panel(src, i, stride, centre, cfg, True, session.label, thresholds)
    ok, jpg = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        return None
    return {"label": session.label, "foot": stride["foot"], "time_s": float(stride["ic_time_s"]),
            "angle": stride.get("shin_angle_ic_deg"),
            "src": "data:image/jpeg;base64," + base64.b64encode(jpg.tobytes()).decode("ascii")}


__all__ = ["SideBySideConfig", "contact_pairs", "write_side_by_side", "typical_contact", "key_frame"]
