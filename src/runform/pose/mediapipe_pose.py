"""2D pose from video with MediaPipe Pose (the legacy ``solutions`` API).

Only ``model_complexity=1`` is allowed: its model ships inside the mediapipe
0.10.21 wheel, while complexities 0 and 2 are downloaded at run time.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from runform.atomic import atomic_path, write_text_atomic
from runform.camera.verticals import BackgroundSampler, VerticalsConfig, estimate_scene_verticals
from runform.errors import InputNotFound, NoRunnerFound
from runform.io.video import iter_frames, probe_video
from runform.keypoints import INDEX, KEYPOINT_NAMES, Keypoints, KeypointError
from runform.pose.runner import RunnerConfig, RunnerCrops, follow_runner
from runform.pose.silhouette import SilhouetteConfig, silhouette_points

__all__ = ["PoseConfig", "estimate_pose", "load_or_estimate_pose", "MEDIAPIPE_INDEX"]

#: Canonical keypoint name -> MediaPipe Pose landmark index (direct copies).
MEDIAPIPE_INDEX: dict[str, int] = {
    "nose": 0,
    "left_shoulder": 11, "right_shoulder": 12,
    "left_elbow": 13, "right_elbow": 14,
    "left_wrist": 15, "right_wrist": 16,
    "left_hip": 23, "right_hip": 24,
    "left_knee": 25, "right_knee": 26,
    "left_ankle": 27, "right_ankle": 28,
    "left_heel": 29, "right_heel": 30,
    "left_toe": 31, "right_toe": 32,
}
#: Canonical keypoints that are the mean of two MediaPipe landmarks.
MEDIAPIPE_MEAN: dict[str, tuple[int, int]] = {
    "head": (7, 8),      # ears
    "neck": (11, 12),    # shoulders
    "pelvis": (23, 24),  # hips
}
_DST = np.array([INDEX[n] for n in MEDIAPIPE_INDEX])
_SRC = np.array(list(MEDIAPIPE_INDEX.values()))
MIN_DETECTION_RATE = 0.10
_CHUNK = 256
_CACHE_VERSION = 3  # 2: silhouette points and scene verticals; 3: one runner followed


@dataclass(frozen=True)
class PoseConfig:
    """MediaPipe Pose settings.

    Attributes
    ----------
    model_complexity : int
        Must be 1 (the only model bundled in the wheel).
    min_detection_confidence, min_tracking_confidence : float
        In [0, 1].
    smooth_landmarks : bool
        MediaPipe's own temporal filter. Off by default: it lags fast segments, which
        read the shin angle at contact 4 deg low and knee flexion 7 deg high at 30 fps
        on the rendered samples (``scripts/bench_accuracy.py``); our zero-lag
        Butterworth cleaning handles the noise instead.
    silhouette : SilhouetteConfig
        Joint centres and soles measured on the person mask in every frame.
    verticals : VerticalsConfig
        The scene's vertical vanishing point from background frames sampled in the same pass.
    runner : RunnerConfig
        How the runner is chosen and followed when several people are in view.
    """

    model_complexity: int = 1
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    smooth_landmarks: bool = False
    silhouette: SilhouetteConfig = SilhouetteConfig()
    verticals: VerticalsConfig = VerticalsConfig()
    runner: RunnerConfig = RunnerConfig()

    def __post_init__(self) -> None:
        if self.model_complexity != 1:
            raise ValueError("model_complexity must be 1 (0 and 2 download models at run time)")
        for name in ("min_detection_confidence", "min_tracking_confidence"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {v}")


def _landmarks_to_row(landmarks, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Map 33 MediaPipe landmarks to canonical (K, 2) pixels and (K,) confidence."""
    arr = np.array([(lm.x, lm.y, lm.visibility) for lm in landmarks], dtype=float)
    k = len(KEYPOINT_NAMES)
    xy = np.full((k, 2), np.nan)
    conf = np.zeros(k)
    px = arr[:, :2] * (width, height)
    xy[_DST] = px[_SRC]
    conf[_DST] = arr[_SRC, 2]
    for name, (a, b) in MEDIAPIPE_MEAN.items():
        xy[INDEX[name]] = (px[a] + px[b]) / 2.0
        conf[INDEX[name]] = min(arr[a, 2], arr[b, 2])
    return xy, np.clip(conf, 0.0, 1.0)


def _add_silhouette(xy: np.ndarray, conf: np.ndarray, mask: np.ndarray, config: SilhouetteConfig) -> None:
    """Fill one frame's silhouette keypoints in place; confidence is that of the landmarks seeding them."""
    for name, point in silhouette_points(mask, xy, config).items():
        if not np.all(np.isfinite(point)):
            continue
        side, part = name.split("_", 1)
        seeds = ("heel", "toe") if part in ("sole", "heel_silhouette") else ("knee", "ankle")
        xy[INDEX[name]] = point
        conf[INDEX[name]] = min(conf[INDEX[f"{side}_{j}"]] for j in seeds)


def estimate_pose(path, capture_fps: float | None = None, config: PoseConfig = PoseConfig(),
                  progress: Callable[[int, int], None] | None = None,
                  max_frames: int | None = None, runner_xy: tuple[float, float] | None = None) -> Keypoints:
    """Run MediaPipe Pose over every frame of a video.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.
    capture_fps : float, optional
        Filming frame rate in Hz for slow-motion clips (see
        :func:`runform.io.video.iter_frames`).
    config : PoseConfig
        Model settings.
    progress : callable, optional
        Called as ``progress(done, total)`` after each frame; ``total`` is the
        header's frame-count estimate (capped by ``max_frames``) and may be
        wrong by a few frames. Before that, while people are searched for
        (:func:`runform.pose.runner.follow_runner`), ``total`` is 0 (unknown).
    max_frames : int, optional
        Analyse only the first this-many frames.
    runner_xy : (float, float), optional
        ``--runner x,y``: the runner's position in the first frame as shown, in pixels.

    Returns
    -------
    Keypoints
        Pixel coordinates (x right, y down) in the upright frame; times in
        seconds from the first frame. Frames without a detection are NaN with
        confidence 0. The silhouette keypoints (:mod:`runform.pose.silhouette`) are
        measured on MediaPipe's person mask in the same pass. ``meta`` holds
        ``detection_rate``, ``source``, ``frames``, ``video_fps`` and ``scene_verticals``
        (:class:`runform.camera.verticals.SceneVerticals` as a dict, or None). With several
        people in view (or ``runner_xy``) pose is taken on a crop around the followed runner
        (:mod:`runform.pose.runner`); frames the runner is lost in are NaN, ``meta["runner"]``
        says what was followed and ``meta["quality"]["several_people"]`` says so.

    Raises
    ------
    InputNotFound, UnreadableInput
        For missing or undecodable files.
    NoRunnerFound
        When fewer than 10 % of frames have a detected person, or nobody is at ``runner_xy``.
    RunnerPointError
        When ``runner_xy`` is outside the first frame.
    """
    import mediapipe as mp  # slow import; keep it out of module import

    path = Path(path)
    info = probe_video(path)
    total = info.frame_count if max_frames is None else min(info.frame_count or max_frames, max_frames)
    k = len(KEYPOINT_NAMES)
    xy_chunks: list[np.ndarray] = []
    conf_chunks: list[np.ndarray] = []
    times: list[float] = []
    xy_buf = np.full((_CHUNK, k, 2), np.nan)
    conf_buf = np.zeros((_CHUNK, k))
    fill = 0
    detected = 0
    size: tuple[int, int] | None = None
    background = BackgroundSampler(total or 300, config.verticals)
    sil = config.silhouette.enabled
    crops = follow_runner(path, runner_xy, config.runner, max_frames, progress)
    with mp.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=config.model_complexity,
        smooth_landmarks=config.smooth_landmarks,
        # The mask comes from the same network pass as the landmarks; unsmoothed, so a
        # foot's touchdown is not blurred across frames.
        enable_segmentation=sil,
        smooth_segmentation=False,
        min_detection_confidence=config.min_detection_confidence,
        min_tracking_confidence=config.min_tracking_confidence,
    ) as pose:
        for t, image in iter_frames(path, capture_fps=capture_fps, max_frames=max_frames):
            h, w = image.shape[:2]
            size = size or (w, h)
            box = (0, 0, w, h) if crops is None else crops.box(len(times))
            result = pose.process(np.ascontiguousarray(image[box[1]:box[3], box[0]:box[2]])) if box else None
            mask = result.segmentation_mask if (sil and result is not None) else None
            if result is not None and result.pose_landmarks is not None:
                xy, conf = _in_box(result.pose_landmarks.landmark, mask, box, config)
                # Someone else's skeleton in the runner's crop is left out: a gap.
                if crops is None or crops.keeps(len(times), xy):
                    xy_buf[fill], conf_buf[fill] = xy, conf
                    detected += 1
            mask = _full_mask(mask, box, (h, w))
            background.add(len(times), image, mask)
            times.append(t)
            fill += 1
            if fill == _CHUNK:
                xy_chunks.append(xy_buf)
                conf_chunks.append(conf_buf)
                xy_buf = np.full((_CHUNK, k, 2), np.nan)
                conf_buf = np.zeros((_CHUNK, k))
                fill = 0
            if progress is not None:
                progress(len(times), max(total, len(times)))
    xy_chunks.append(xy_buf[:fill])
    conf_chunks.append(conf_buf[:fill])
    n = len(times)
    rate = detected / n if n else 0.0
    if rate < MIN_DETECTION_RATE:
        raise NoRunnerFound(f"no person detected in {path.name}" if crops is None else
                            f"the runner was found in only {detected} of {n} frames of {path.name} with several "
                            "people in view (a person under ~50 px tall, or in a tight group, is often not found)")
    verticals = estimate_scene_verticals(background)
    meta = {"detection_rate": rate, "source": "mediapipe", "frames": n,
            "video_fps": info.fps, "capture_fps": capture_fps,
            "scene_verticals": verticals.as_dict() if verticals is not None else None}
    if crops is not None:
        meta["runner"] = crops.summary(detected)
        meta["quality"] = {"several_people": _several_people_note(crops, detected, n)}
    return Keypoints(np.concatenate(xy_chunks), np.concatenate(conf_chunks), np.asarray(times),
                     units="px", image_size=size, meta=meta)


def _in_box(landmarks, mask, box, config: PoseConfig) -> tuple[np.ndarray, np.ndarray]:
    """Canonical keypoints of landmarks found in the crop ``box``, in full-frame pixels."""
    x0, y0, x1, y1 = box
    xy, conf = _landmarks_to_row(landmarks, x1 - x0, y1 - y0)
    if mask is not None:
        _add_silhouette(xy, conf, mask, config.silhouette)
    return xy + (x0, y0), conf


def _full_mask(mask, box, shape: tuple[int, int]):
    """The crop's person mask placed in a full-frame mask (zero outside the crop)."""
    if mask is None or box is None or mask.shape[:2] == shape:
        return mask
    full = np.zeros(shape, dtype=mask.dtype)
    full[box[1]:box[3], box[0]:box[2]] = mask
    return full


def _several_people_note(crops: RunnerCrops, kept: int, n: int) -> str:
    how = "the person at --runner" if crops.chosen_by == "point" else "the person in view the longest"
    return (f"up to {crops.people} people in view: pose follows {how} on a crop around them; "
            f"{n - kept} of {n} frames where that runner was not found are gaps")


def _cache_key(path: Path, capture_fps: float | None, config: PoseConfig,
               max_frames: int | None, runner_xy: tuple[float, float] | None = None) -> dict:
    st = path.stat()
    key = {"version": _CACHE_VERSION, "input": str(path.resolve()), "size": st.st_size,
           "mtime_ns": st.st_mtime_ns, "capture_fps": capture_fps,
           "config": asdict(config), "max_frames": max_frames, "runner_xy": runner_xy}
    return json.loads(json.dumps(key))  # as the sidecar stores it (tuples become lists)


def load_or_estimate_pose(path, cache_path, capture_fps: float | None = None,
                          config: PoseConfig = PoseConfig(),
                          progress: Callable[[int, int], None] | None = None,
                          max_frames: int | None = None,
                          runner_xy: tuple[float, float] | None = None) -> Keypoints:
    """Return cached keypoints for a video, estimating and caching them if stale.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.
    cache_path : str or os.PathLike
        ``.npz`` cache file; a sidecar ``<cache_path>.json`` holds the key
        (input size, mtime, capture_fps, config, max_frames).
    capture_fps, config, progress, max_frames, runner_xy
        As :func:`estimate_pose`.

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
    key = _cache_key(path, capture_fps, config, max_frames, runner_xy)
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
                       progress=progress, max_frames=max_frames, runner_xy=runner_xy)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    sidecar.unlink(missing_ok=True)  # never pair a new .npz with an old key
    with atomic_path(cache_path) as tmp:
        kp.to_npz(tmp)
    write_text_atomic(sidecar, json.dumps({"key": key, "meta": kp.meta}, indent=1))
    return kp
