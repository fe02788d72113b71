"""Write a copy of a video rotated about the image centre, and rotate its truth JSON to match.

A test helper for camera roll (issue 11): a level rendered sample and its copy rotated by
+-N deg must give the same shin angle from a method that finds the true vertical. The
picture is turned **counter-clockwise on screen by ``degrees``** (true verticals lean
top-to-the-left for ``degrees`` > 0: the camera-roll sense of ``runform.synth.render.camera``
and of the annotated clip), about the pixel grid's centre ((w-1)/2, (h-1)/2).

``fill``: ``"zoom"`` (default) scales the picture up just enough that no border shows
(x1.15 for 5 deg on 720x1280), so no artificial straight edge enters the frame;
``"black"`` and ``"replicate"`` keep the scale and fill the corners. ``zoom`` sets the scale
instead: a level reference for copies rolled with zoom fill is made at their zoom, so that the
roll is all that differs (a 15 % zoom alone moves a 4 s cut's median shin by 1.5 deg, as the
pose model's mask meets the shoe at another scale).

Frames keep their presentation times (ms) and the stream its nominal rate; output is
H.264 (``runform.io.video_writer.VideoWriter``). When ``<src stem>.truth.json`` exists
(the bundled samples' truth), ``<dst stem>.truth.json`` is written with every
``points_px`` mapped by the same transform, ``leg_length_px`` scaled by the zoom and a
``camera`` block (``roll_deg`` added to any roll already there); angles, events and
stances are world truth and stay as they are.

Usage: ``python scripts/support/rotate_video.py SRC DST --degrees 5 [--fill zoom] [--max-s 4] [--zoom 1.15]``.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import av
import click
import cv2
import numpy as np

from runform.io.video_writer import VideoWriter

FILLS = ("zoom", "black", "replicate")


def cover_zoom(width: int, height: int, degrees: float) -> float:
    """Least scale at which the rotated picture covers the whole frame (pixel centres)."""
    a = math.radians(abs(degrees))
    w, h = width - 1, height - 1
    return math.cos(a) + max(w / h, h / w) * math.sin(a)


def rotation_matrix(width: int, height: int, degrees: float, zoom: float = 1.0) -> np.ndarray:
    """2x3 affine of the rotation (CCW on screen by ``degrees``) and zoom about the centre."""
    return cv2.getRotationMatrix2D(((width - 1) / 2.0, (height - 1) / 2.0), degrees, zoom)


def map_points(m: np.ndarray, xy) -> np.ndarray:
    xy = np.asarray(xy, float)
    flat = xy.reshape(-1, 2)
    return (flat @ m[:, :2].T + m[:, 2]).reshape(xy.shape)


def rotate_truth(truth: dict, m: np.ndarray, degrees: float, zoom: float, video_name: str) -> dict:
    """The truth document of the rotated copy (pixels moved, world truth kept)."""
    out = dict(truth)
    out["video"] = video_name
    out["points_px"] = {k: np.round(map_points(m, v), 2).tolist() for k, v in truth["points_px"].items()}
    out["leg_length_px"] = float(truth["leg_length_px"]) * zoom
    cam = dict(truth.get("camera") or {})
    cam["roll_deg"] = float(cam.get("roll_deg", 0.0)) + float(degrees)
    cam.setdefault("pitch_deg", 0.0)
    cam["rotated_copy"] = {"degrees": float(degrees), "zoom": float(zoom), "affine_px": m.tolist(),
                           "source": truth.get("video")}
    out["camera"] = cam
    return out


def rotate_video(src, dst, degrees: float, fill: str = "zoom", max_s: float | None = None,
                 zoom: float | None = None) -> dict:
    """Write ``dst`` (and its truth JSON when ``src`` has one); return a summary dict.

    ``zoom`` (> 0) overrides the scale ``fill`` would choose; the corners are then filled as
    ``"black"`` unless ``fill`` says ``"replicate"``.
    """
    if zoom is not None and not zoom > 0:
        raise ValueError(f"zoom must be positive, got {zoom}")
    if fill not in FILLS:
        raise ValueError(f"fill must be one of {FILLS}")
    src, dst = Path(src), Path(dst)
    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or stream.guessed_rate or Fraction(30))
        rate = float(round(rate)) if abs(rate - round(rate)) < 0.01 else rate  # 29.999 -> 30
        w, h = stream.codec_context.width, stream.codec_context.height
        if zoom is None:
            zoom = cover_zoom(w, h, degrees) if fill == "zoom" else 1.0
        m = rotation_matrix(w, h, degrees, zoom)
        border = cv2.BORDER_REPLICATE if fill == "replicate" else cv2.BORDER_CONSTANT
        times = []
        with VideoWriter(dst, fps=rate, crf=18) as writer:
            for frame in container.decode(stream):
                t = float(frame.time) if frame.time is not None else len(times) / rate
                if max_s is not None and times and t - times[0] > max_s:
                    break
                img = frame.to_ndarray(format="rgb24")
                out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=border)
                writer.write(out, t)
                times.append(t)
    summary = {"video": str(dst), "frames": len(times), "fps": rate, "degrees": float(degrees),
               "zoom": zoom, "size": (w, h), "truth": None}
    truth_src = src.with_name(src.stem + ".truth.json")
    if truth_src.exists():
        truth = json.loads(truth_src.read_text())
        doc = rotate_truth(truth, m, degrees, zoom, dst.name)
        if max_s is not None:
            n = len(times)
            end = times[-1] - times[0] if times else 0.0
            doc["frames"] = n
            doc["points_px"] = {k: v[:n] for k, v in doc["points_px"].items()}
            doc["events"] = [e for e in doc["events"] if e["to_time_s"] <= end]
            doc["stances"] = [s for s in doc["stances"] if s["to_time_s"] <= end]
        truth_dst = dst.with_name(dst.stem + ".truth.json")
        truth_dst.write_text(json.dumps(doc))
        pts = np.concatenate([np.asarray(v, float) for v in doc["points_px"].values()])
        inside = np.all((pts >= 0) & (pts <= [w - 1, h - 1]), axis=1)
        summary.update(truth=str(truth_dst), truth_points_inside=float(np.mean(inside)))
    return summary


@click.command()
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("dst", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--degrees", type=float, required=True, help="CCW on screen (true verticals lean top-left).")
@click.option("--fill", type=click.Choice(FILLS), default="zoom", show_default=True)
@click.option("--max-s", type=float, default=None, help="Keep only the first seconds.")
@click.option("--zoom", type=click.FloatRange(min=0.01), default=None,
              help="Scale instead of the fill's (e.g. a level reference at a rolled copy's zoom).")
def main(src: Path, dst: Path, degrees: float, fill: str, max_s: float | None, zoom: float | None) -> None:
    click.echo(json.dumps(rotate_video(src, dst, degrees, fill, max_s, zoom)))


if __name__ == "__main__":
    main()
