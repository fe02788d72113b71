"""The pose cache: MediaPipe's keypoints for a video, kept beside the outputs and reused while valid.

A cache file (``pose.npz``) has a sidecar ``pose.npz.json`` holding the key it was made for:
the input file's name, size and modification time, the capture rate, the pose settings, the
frame limit and the runner point. Any difference, an unreadable or a corrupt file, and the
pose pass runs again.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from runform.atomic import atomic_path, write_text_atomic
from runform.errors import InputNotFound
from runform.keypoints import KeypointError, Keypoints
from runform.pose.mediapipe_pose import PoseConfig, estimate_pose

__all__ = ["CACHE_VERSION", "cache_key", "load_or_estimate_pose"]

#: 2: silhouette points and scene verticals; 3: keyed by file name, pose max_side; 4: one runner followed;
#: 5: specks of mask under the shoe ignored by the sole; 6: the mask warped onto the legs only (roi_mask).
CACHE_VERSION = 6


def cache_key(path: Path, capture_fps: float | None, config: PoseConfig,
               max_frames: int | None, runner_xy: tuple[float, float] | None = None) -> dict:
    st = path.stat()
    # The file by name, size and modification time, not folder: a copy that kept its mtime (a
    # batch input shipped to a Ray node, a moved clip) reuses the cache.
    key = {"version": CACHE_VERSION, "input": path.name, "size": st.st_size,
           "mtime_ns": st.st_mtime_ns, "capture_fps": capture_fps,
           "config": asdict(config), "max_frames": max_frames, "runner_xy": runner_xy}
    return json.loads(json.dumps(key))  # as the sidecar stores it (tuples become lists)


def load_or_estimate_pose(path, cache_path, capture_fps: float | None = None,
                          config: PoseConfig = PoseConfig(),
                          progress: Callable[[int, int], None] | None = None,
                          max_frames: int | None = None, workers: int | None = 1,
                          runner_xy: tuple[float, float] | None = None) -> Keypoints:
    """Return cached keypoints for a video, estimating and caching them if stale.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.
    cache_path : str or os.PathLike
        ``.npz`` cache file; a sidecar ``<cache_path>.json`` holds the key
        (input file name, size, mtime, capture_fps, config, max_frames).
    capture_fps, config, progress, max_frames, workers, runner_xy
        As :func:`estimate_pose` (the worker count is not part of the key: a cache made by
        one process serves a run with two, and the other way round).

    Returns
    -------
    Keypoints
        ``meta`` has ``cached`` True when read from the cache; the detection
        rate is stored in the sidecar and restored.
    """
    path = Path(path)
    if not path.is_file():
        raise InputNotFound(f"input not found: {path}")
    cache_path = Path(cache_path)
    sidecar = cache_path.with_name(cache_path.name + ".json")
    key = cache_key(path, capture_fps, config, max_frames, runner_xy)
    if cache_path.is_file() and sidecar.is_file():
        try:
            stored = json.loads(sidecar.read_text())
            if stored.get("key") == key:
                kp = Keypoints.from_npz(cache_path)
                meta = dict(stored.get("meta", {}), cached=True)
                return Keypoints(kp.xy, kp.confidence, kp.time_s, units=kp.units,
                                 image_size=kp.image_size, meta=meta)
        except (OSError, ValueError, KeyError, KeypointError, EOFError, zipfile.BadZipFile):
            pass  # unreadable or corrupt cache: recompute
    kp = estimate_pose(path, capture_fps=capture_fps, config=config,
                       progress=progress, max_frames=max_frames, workers=workers, runner_xy=runner_xy)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    sidecar.unlink(missing_ok=True)  # never pair a new .npz with an old key
    with atomic_path(cache_path) as tmp:
        kp.to_npz(tmp)
    write_text_atomic(sidecar, json.dumps({"key": key, "meta": kp.meta}, indent=1))
    return kp
