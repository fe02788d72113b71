"""Tracks of people through sampled frames, for :mod:`runform.pose.runner`.

Pure functions on boxes ``(x0, y0, x1, y1)`` in pixels of the upright frame (x right, y down):
link per-sample boxes into tracks by distance (:func:`link_tracks`), choose the runner's track
(:func:`choose_track`) and spread it over every frame (:func:`interpolate_track`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Box", "Track", "box_height", "box_centre", "grow_box", "same_person", "distinct_boxes", "link_tracks",
           "choose_track", "interpolate_track"]


#: A box: (x0, y0, x1, y1) in pixels of the upright frame.
Box = tuple[float, float, float, float]


def box_height(b) -> float:
    """Height (px)."""
    return float(b[3] - b[1])


def box_centre(b) -> np.ndarray:
    """(x, y) of the centre (px)."""
    return np.array([(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0])


def grow_box(b, frac: float, size: tuple[int, int] | None = None) -> Box:
    """``b`` grown by ``frac`` of its height on every side, clipped to ``size`` (w, h) when given."""
    m = frac * box_height(b)
    x0, y0, x1, y1 = b[0] - m, b[1] - m, b[2] + m, b[3] + m
    if size is not None:
        x0, y0, x1, y1 = max(0.0, x0), max(0.0, y0), min(float(size[0]), x1), min(float(size[1]), y1)
    return (x0, y0, x1, y1)


def same_person(a, b) -> bool:
    """True when one box's centre lies inside the other (the same person found twice)."""
    ca, cb = box_centre(a), box_centre(b)
    return bool((b[0] <= ca[0] <= b[2] and b[1] <= ca[1] <= b[3]) or (a[0] <= cb[0] <= a[2] and a[1] <= cb[1] <= a[3]))


def distinct_boxes(boxes: list) -> list[Box]:
    """``boxes`` without those that are the same person as an earlier one (:func:`same_person`)."""
    out: list[Box] = []
    for b in boxes:
        if not any(same_person(b, o) for o in out):
            out.append(b)
    return out


@dataclass(frozen=True)
class Track:
    """One person through the sampled frames: ``frames[i]`` holds ``boxes[i]``."""

    frames: tuple[int, ...]
    boxes: tuple[Box, ...]


def link_tracks(samples: list[tuple[int, list[Box]]], max_gap_frames: int,
                link_heights: float = 0.75) -> list[Track]:
    """Link per-sample boxes into tracks, nearest centre first.

    A box joins the track whose last box is nearest (centre distance over the last box's
    height, at most ``link_heights`` per sample elapsed) and seen at most
    ``max_gap_frames`` frames earlier; otherwise it starts a track.
    """
    tracks: list[list] = []  # [frames, boxes]
    last_step = 1
    for frame, boxes in samples:
        live = [t for t in tracks if frame - t[0][-1] <= max_gap_frames]
        pairs = []
        for bi, b in enumerate(boxes):
            for ti, t in enumerate(live):
                prev = t[1][-1]
                steps = max(1.0, (frame - t[0][-1]) / max(last_step, 1))
                d = float(np.hypot(*(box_centre(b) - box_centre(prev)))) / max(box_height(prev), 1.0)
                if d <= link_heights * steps:
                    pairs.append((d, bi, ti))
        used_b, used_t = set(), set()
        for d, bi, ti in sorted(pairs):
            if bi in used_b or ti in used_t:
                continue
            used_b.add(bi)
            used_t.add(ti)
            live[ti][0].append(frame)
            live[ti][1].append(boxes[bi])
        tracks += [[[frame], [b]] for bi, b in enumerate(boxes) if bi not in used_b]
        if len(samples) > 1:
            last_step = max(1, samples[1][0] - samples[0][0])
    return [Track(tuple(f), tuple(b)) for f, b in tracks]


def choose_track(tracks: list[Track], point: tuple[float, float] | None = None) -> Track | None:
    """The runner's track: the one holding ``point`` in its first box, else the longest.

    With ``point``, only tracks that start in the first sampled frame are considered and the
    one whose first box contains the point (or whose centre is nearest to it, within one box
    height) wins; None when no one is there. Without, the track seen in the most samples
    (ties: the taller person) wins.
    """
    if not tracks:
        return None
    if point is None:
        return max(tracks, key=lambda t: (len(t.frames), np.mean([box_height(b) for b in t.boxes])))
    first = min(t.frames[0] for t in tracks)
    p = np.asarray(point, dtype=float)
    best, best_d = None, np.inf
    for t in tracks:
        if t.frames[0] != first:
            continue
        b = t.boxes[0]
        d = float(np.hypot(*(box_centre(b) - p))) / max(box_height(b), 1.0)
        inside = b[0] <= p[0] <= b[2] and b[1] <= p[1] <= b[3]
        if (inside or d <= 1.0) and d < best_d:
            best, best_d = t, d
    return best


def interpolate_track(track: Track, n: int, max_gap_frames: int, half_step: int) -> np.ndarray:
    """Per-frame boxes from a track's samples: linear between samples up to ``max_gap_frames``
    apart, held ``half_step`` frames past either end, NaN elsewhere."""
    out = np.full((n, 4), np.nan)
    frames = np.asarray(track.frames)
    boxes = np.asarray(track.boxes, dtype=float)
    for i in range(len(frames)):
        a = frames[i]
        out[max(0, a - half_step): min(n, a + half_step + 1)] = boxes[i]
        if i + 1 < len(frames) and frames[i + 1] - a <= max_gap_frames:
            b = frames[i + 1]
            w = ((np.arange(a, b + 1) - a) / (b - a))[:, None]
            out[a:b + 1] = (1 - w) * boxes[i] + w * boxes[i + 1]
    return out
