"""Key frames of the single report: a typical contact per foot, with its shin line drawn."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np

from ..camera.tilt import image_direction
from ..metrics.angles import unit_from_vertical
from ..pipeline import Analysis
from .cues import BAND_RGB, Thresholds, band


def key_frames(analysis: Analysis, video_path: Path, capture_fps: float | None = None,
               width: int = 420, thresholds: Thresholds = Thresholds()) -> list[dict]:
    """A typical contact per foot: the frame whose shin angle is closest to that foot's median.

    Draws the shin line, a vertical reference from the knee and the angle; crops to the
    runner. Returns ``[{foot, time_s, angle, band, src}]`` (``src`` a JPEG data URI).
    """
    import cv2

    from ..io.video import iter_frames

    kp = analysis.drawn_keypoints
    t = kp.time_s
    wanted = {}
    for foot in ("left", "right"):
        med = analysis.summary.get("metrics", {}).get("shin_angle_ic_deg", {}).get(foot, {}).get("median")
        cand = [s for s in analysis.contacts
                if s["foot"] == foot and s.get("shin_angle_ic_deg") is not None and not s.get("excluded")]
        if med is None or not cand:
            continue
        s = min(cand, key=lambda s: abs(s["shin_angle_ic_deg"] - med))
        wanted[foot] = (s, int(np.argmin(np.abs(t - s["ic_time_s"]))))
    if not wanted:
        return []
    targets = {foot: float(t[i]) for foot, (_, i) in wanted.items()}
    frames: dict[str, np.ndarray] = {}
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    for foot, tt in targets.items():
        # The keypoints' times are the frames' own: seek to the key frame before the contact and
        # decode to it, instead of decoding the clip from the start.
        for _, img in iter_frames(video_path, capture_fps, start_s=tt - 0.25 * dt, max_frames=1):
            frames[foot] = img
    out = []
    for foot, (s, i) in wanted.items():
        if foot not in frames:
            continue
        img = np.ascontiguousarray(frames[foot].copy())
        light = band("shin_angle_ic_deg", s["shin_angle_ic_deg"], thresholds)
        col = BAND_RGB.get(light, (200, 200, 200))
        h = img.shape[0]
        knee, ankle = kp.point(f"{foot}_knee")[i], kp.point(f"{foot}_ankle")[i]
        th = max(2, int(h / 200))
        if np.all(np.isfinite(knee)) and np.all(np.isfinite(ankle)):
            shank = float(np.hypot(*(ankle - knee)))
            # the reported angle, from the true vertical at the runner, drawn from the knee
            tilt = analysis.camera.vertical_at_runner_deg if analysis.camera is not None else 0.0
            tip = knee + shank * image_direction(unit_from_vertical(s["shin_angle_ic_deg"],
                                                                    analysis.geometry.direction), tilt)
            down = knee + 1.15 * shank * image_direction((0.0, 1.0), tilt)
            k, a = tuple(int(v) for v in knee), tuple(int(v) for v in tip)
            cv2.line(img, k, tuple(int(v) for v in down), (255, 255, 255), th, cv2.LINE_AA)
            cv2.line(img, k, a, col, th + 1, cv2.LINE_AA)
        pts = kp.xy[i][np.all(np.isfinite(kp.xy[i]), axis=1)]
        if len(pts) >= 4:
            (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
            m = 0.25 * max(x1 - x0, y1 - y0)
            x0, y0 = int(max(0, x0 - m)), int(max(0, y0 - m))
            x1, y1 = int(min(img.shape[1], x1 + m)), int(min(h, y1 + m))
            if x1 - x0 > 20 and y1 - y0 > 20:
                img = img[y0:y1, x0:x1]
        scale = width / img.shape[1]
        img = cv2.resize(img, (width, max(1, int(img.shape[0] * scale))), interpolation=cv2.INTER_AREA)
        text = f"{foot} shin {s['shin_angle_ic_deg']:.1f} deg"
        cv2.rectangle(img, (0, 0), (width, 34), (20, 20, 20), -1)
        cv2.putText(img, text, (10, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.75, col, 2, cv2.LINE_AA)
        ok, jpg = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            out.append({"foot": foot, "time_s": float(s["ic_time_s"]), "angle": float(s["shin_angle_ic_deg"]),
                        "band": light,
                        "src": "data:image/jpeg;base64," + base64.b64encode(jpg.tobytes()).decode("ascii")})
    return out


__all__ = ["key_frames"]
