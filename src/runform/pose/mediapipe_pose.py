"""2D pose from video with MediaPipe Pose (the legacy ``solutions`` API).

Only ``model_complexity=1`` is allowed: its model ships inside the mediapipe
0.10.21 wheel, while complexities 0 and 2 are downloaded at run time.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from runform.camera.verticals import BackgroundSampler, VerticalsConfig, estimate_scene_verticals
from runform.errors import NoRunnerFound
from runform.io.prefetch import prefetch
from runform.io.video import iter_frames, probe_video
from runform.keypoints import INDEX, KEYPOINT_NAMES, Keypoints
from runform.pose.census import CrowdSeen, PeopleCensus
from runform.pose.roi_mask import open_roi_pose, roi_mask_of
from runform.pose.runner import RunnerConfig, RunnerCrops, follow_runner
from runform.pose.silhouette import SilhouetteConfig, add_silhouette_points

__all__ = ["PoseConfig", "PoseSpan", "estimate_pose", "pose_span", "detect_frame",
           "open_pose_model", "MEDIAPIPE_INDEX"]

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
_GC_EVERY = 5  # frames between collections of the young generations (see pose_span)


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
    max_side : int or None
        Longest side (pixels) of the frames MediaPipe sees; larger frames are scaled down in
        the decoder. The network sees a 256 x 256 crop of the person whatever the frame size,
        and its mask is measured at this size; keypoints stay in full-resolution pixels.
        None: full size.
    runner : RunnerConfig
        How the runner is chosen and followed when several people are in view.
    """

    model_complexity: int = 1
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    smooth_landmarks: bool = False
    silhouette: SilhouetteConfig = SilhouetteConfig()
    verticals: VerticalsConfig = VerticalsConfig()
    max_side: int | None = None
    runner: RunnerConfig = RunnerConfig()

    def __post_init__(self) -> None:
        if self.model_complexity != 1:
            raise ValueError("model_complexity must be 1 (0 and 2 download models at run time)")
        for name in ("min_detection_confidence", "min_tracking_confidence"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {v}")
        if self.max_side is not None and self.max_side < 256:
            raise ValueError(f"max_side must be at least 256 (the network's input), got {self.max_side}")


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


def open_pose_model(config: PoseConfig):
    """A MediaPipe Pose instance (a context manager) for one run of consecutive frames.

    MediaPipe's own graph and models, with the person mask left at the network's size
    (:mod:`runform.pose.roi_mask`): the silhouette reads it on the legs only.
    """
    return open_roi_pose(
        model_complexity=config.model_complexity,
        smooth_landmarks=config.smooth_landmarks,
        # The mask comes from the same network pass as the landmarks; unsmoothed, so a
        # foot's touchdown is not blurred across frames.
        enable_segmentation=config.silhouette.enabled,
        min_detection_confidence=config.min_detection_confidence,
        min_tracking_confidence=config.min_tracking_confidence,
    )


def detect_frame(pose, image: np.ndarray, full_size: tuple[int, int], config: PoseConfig,
                 box: tuple[int, int, int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """The one MediaPipe call: keypoints of one frame, or None when no person is found.

    Parameters
    ----------
    pose
        From :func:`open_pose_model`; it tracks the person from the previous frame it saw.
    image : ndarray, shape (h, w, 3), uint8
        RGB frame, possibly scaled down from ``full_size`` (:attr:`PoseConfig.max_side`).
    full_size : (int, int)
        (width, height) of the frame as filmed (upright); keypoints are in its pixels.
    box : (int, int, int, int), optional
        (x0, y0, x1, y1) in ``full_size`` pixels: pose on this crop only (the followed
        runner, :class:`runform.pose.runner.RunnerCrops`), mapped back to the full frame.

    Returns
    -------
    (xy, confidence, mask) or None
        ``xy`` (K, 2) full-resolution pixels with the silhouette points filled in,
        ``confidence`` (K,), and the person mask of ``image``
        (:class:`runform.pose.roi_mask.RoiMask`; None without silhouette; zero outside ``box``).
    """
    scale = image.shape[1] / full_size[0]
    x0, y0, x1, y1 = (0, 0, image.shape[1], image.shape[0]) if box is None else \
        (int(round(v * scale)) for v in box)
    result = pose.process(image if box is None else np.ascontiguousarray(image[y0:y1, x0:x1]))
    if result.pose_landmarks is None:
        return None
    mask = roi_mask_of(result, (x1 - x0, y1 - y0)) if config.silhouette.enabled else None
    crop_size = full_size if box is None else ((x1 - x0) / scale, (y1 - y0) / scale)
    xy, conf = _landmarks_to_row(result.pose_landmarks.landmark, *crop_size)
    if mask is not None:
        add_silhouette_points(xy, conf, mask, config.silhouette, scale)
    if box is not None:
        xy += (x0 / scale, y0 / scale)
        if mask is not None:  # the crop's mask placed in the whole image (zero outside the crop)
            mask = mask.moved(x0, y0, (image.shape[1], image.shape[0]), (x0, y0, x1, y1))
    return xy, conf, mask


@dataclass(frozen=True)
class PoseSpan:
    """Keypoints of one run of consecutive frames (the whole clip, or one parallel segment).

    Attributes
    ----------
    time_s : ndarray, shape (n,)
        Frame times in seconds from the clip's first frame.
    xy, confidence : ndarray, shapes (n, K, 2) and (n, K)
        As :class:`runform.keypoints.Keypoints`; NaN / 0 where no person was found.
    detected : int
        Frames with a person.
    background : BackgroundSampler
        The background frames sampled in this run.
    size : tuple of int or None
        (width, height) of the upright frames as filmed.
    """

    time_s: np.ndarray
    xy: np.ndarray
    confidence: np.ndarray
    detected: int
    background: BackgroundSampler
    size: tuple[int, int] | None


def pose_span(path, capture_fps: float | None, config: PoseConfig, clip_frames: int,
              warm_s: float | None = None, keep_s: float | None = None, stop_s: float | None = None,
              first_index: int = 0, span_frames: int | None = None, max_frames: int | None = None,
              tick: Callable[[int], None] | None = None, crops: RunnerCrops | None = None,
              census_fps: float | None = None) -> PoseSpan:
    """Run one MediaPipe instance over the frames from ``keep_s`` to ``stop_s`` (seconds).

    Frames from ``warm_s`` to ``keep_s`` are seen but not kept: the tracker locks on to the
    runner there, as it had in a run from the start. ``first_index`` is the clip-wide index
    of the first kept frame and ``clip_frames`` the clip's length (the background samples are
    every n-th frame of the clip); ``span_frames`` the frames expected in this run.
    ``tick(n)`` is called with the number of frames kept so far. With ``crops`` (several
    people in view) pose is taken on the crop around the followed runner of each clip-wide frame
    index (the warm-up frames use the first kept frame's); a frame without a crop, or whose
    skeleton is not that runner's (:meth:`RunnerCrops.keeps`), is a gap. With ``census_fps`` (the
    clip's frame rate, Hz) the people in view are counted in the kept frames
    (:class:`runform.pose.census.PeopleCensus`): CrowdSeen is raised at the first sample showing
    several.
    """
    k = len(KEYPOINT_NAMES)
    cap = max(64, int((span_frames or clip_frames) * 1.05) + 16)  # preallocated; grows only if the header undercounts
    xy = np.full((cap, k, 2), np.nan)
    conf = np.zeros((cap, k))
    times = np.empty(cap)
    n = detected = seen = 0
    size = None
    background = BackgroundSampler(clip_frames, config.verticals)
    start = warm_s if warm_s is not None else keep_s
    census = PeopleCensus(census_fps, config.runner) if census_fps is not None else None
    with open_pose_model(config) as pose, census or contextlib.nullcontext():
        # Decoded ahead in a thread: FFmpeg works on another core while MediaPipe runs.
        for t, image in prefetch(iter_frames(path, capture_fps=capture_fps, max_frames=max_frames, start_s=start,
                                             stop_s=stop_s, max_side=config.max_side)):
            if size is None:
                size = _full_size(path, image)
            box = None if crops is None else crops.box(first_index + n)
            found = detect_frame(pose, image, size, config, box) if crops is None or box else None
            if found is not None and crops is not None and not crops.keeps(first_index + n, found[0]):
                found = None  # someone else's skeleton in the runner's crop: a gap
            seen += 1
            if seen % _GC_EVERY == 0:
                # Each frame leaves reference cycles holding frame-sized buffers; collected while
                # young they never reach the rarely collected old generation (gym clip: one pose
                # process peaks at 410 MB instead of 630; a young collection takes microseconds).
                gc.collect(1)
            if keep_s is not None and t < keep_s:
                continue  # warming up the tracker
            if census is not None:
                census.check(first_index + n, image)
            if n == cap:
                xy = np.concatenate([xy, np.full_like(xy, np.nan)])
                conf = np.concatenate([conf, np.zeros_like(conf)])
                times = np.concatenate([times, np.empty_like(times)])
                cap *= 2
            person = None
            if found is not None:
                xy[n], conf[n], person = found
                detected += 1
            # The mask is warped onto the whole frame only for the few frames the background samples.
            whole = person.full() if person is not None and background.wants(first_index + n) else None
            background.add(first_index + n, image, whole, full_size=size)
            times[n] = t
            n += 1
            if tick is not None:
                tick(n)
    return PoseSpan(times[:n].copy(), xy[:n].copy(), conf[:n].copy(), detected, background, size)


def _full_size(path, image: np.ndarray) -> tuple[int, int]:
    """(width, height) of the upright frame as filmed, given a (possibly scaled) decoded one."""
    info = probe_video(path)
    return (info.width, info.height) if info.width and info.height else (image.shape[1], image.shape[0])


def estimate_pose(path, capture_fps: float | None = None, config: PoseConfig = PoseConfig(),
                  progress: Callable[[int, int], None] | None = None,
                  max_frames: int | None = None, workers: int | None = 1,
                  runner_xy: tuple[float, float] | None = None) -> Keypoints:
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
        Called as ``progress(done, total)`` as frames are done; ``total`` is the
        header's frame-count estimate (capped by ``max_frames``) and may be
        wrong by a few frames. Before that, while people are searched for
        (:func:`runform.pose.runner.follow_runner`), ``total`` is 0 (unknown).
    max_frames : int, optional
        Analyse only the first this-many frames (always one process).
    workers : int or None
        Processes that run MediaPipe on segments of the clip at once
        (:mod:`runform.pose.segments`); None: one per core this process may use.
    runner_xy : (float, float), optional
        ``--runner x,y``: the runner's position in the first frame as shown, in pixels.

    Returns
    -------
    Keypoints
        Pixel coordinates (x right, y down) in the upright frame; times in
        seconds from the first frame. Frames without a detection are NaN with
        confidence 0. The silhouette keypoints (:mod:`runform.pose.silhouette`) are
        measured on MediaPipe's person mask in the same pass. ``meta`` holds
        ``detection_rate``, ``source``, ``frames``, ``video_fps``, ``scene_verticals``
        (:class:`runform.camera.verticals.SceneVerticals` as a dict, or None) and
        ``pose_workers`` (the processes used). With several people in view (or ``runner_xy``)
        pose is taken on a crop around the followed runner (:mod:`runform.pose.runner`); frames
        the runner is lost in are NaN, ``meta["runner"]`` says what was followed and
        ``meta["quality"]["several_people"]`` says so.

    Raises
    ------
    InputNotFound, UnreadableInput
        For missing or undecodable files.
    NoRunnerFound
        When fewer than 10 % of frames have a detected person, or nobody is at ``runner_xy``.
    RunnerPointError
        When ``runner_xy`` is outside the first frame.
    """
    from runform.pose.segments import default_workers, plan_segments

    path = Path(path)
    info = probe_video(path)
    total = info.frame_count if max_frames is None else min(info.frame_count or max_frames, max_frames)
    workers = default_workers() if workers is None else max(1, int(workers))
    plan = plan_segments(info, capture_fps, workers) if max_frames is None else []
    # Without --runner the people are counted in the pose pass's own frames; only when it finds
    # several is the runner followed and the pass run again on crops around them.
    crops = None if runner_xy is None else follow_runner(path, runner_xy, config.runner, max_frames, progress)
    try:
        spans = _spans(path, capture_fps, config, plan, total, max_frames, progress, crops,
                       census_fps=info.fps if crops is None else None)
    except CrowdSeen:
        crops = follow_runner(path, None, config.runner, max_frames, progress, census=False)
        spans = _spans(path, capture_fps, config, plan, total, max_frames, progress, crops)
    n = sum(len(s.time_s) for s in spans)
    detected = sum(s.detected for s in spans)
    rate = detected / n if n else 0.0
    if rate < MIN_DETECTION_RATE:
        raise NoRunnerFound(f"no person detected in {path.name}" if crops is None else
                            f"the runner was found in only {detected} of {n} frames of {path.name} with several "
                            "people in view (a person under ~50 px tall, or in a tight group, is often not found)")
    background = spans[0].background.merged([s.background for s in spans[1:]])
    verticals = estimate_scene_verticals(background)
    meta = {"detection_rate": rate, "source": "mediapipe", "frames": n,
            "video_fps": info.fps, "capture_fps": capture_fps, "pose_workers": len(spans),
            "scene_verticals": verticals.as_dict() if verticals is not None else None}
    if crops is not None:
        meta["runner"] = crops.summary(detected)
        meta["quality"] = {"several_people": _several_people_note(crops, detected, n)}
    return Keypoints(
        np.concatenate([s.xy for s in spans]), np.concatenate([s.confidence for s in spans]),
        np.concatenate([s.time_s for s in spans]), units="px", image_size=spans[0].size, meta=meta,
    )


def _spans(path, capture_fps, config: PoseConfig, plan, total: int, max_frames, progress, crops,
           census_fps: float | None = None) -> list[PoseSpan]:
    """The pose pass: segments in parallel (:mod:`runform.pose.segments`) or one run here."""
    from runform.pose.segments import run_segments

    if len(plan) > 1:
        return run_segments(pose_span, path, capture_fps, config, plan, total, progress, crops, census_fps)
    tick = (lambda n: progress(n, max(total, n))) if progress is not None else None
    return [pose_span(path, capture_fps, config, total or 300, max_frames=max_frames, tick=tick, crops=crops,
                      census_fps=census_fps)]


def _several_people_note(crops: RunnerCrops, kept: int, n: int) -> str:
    how = "the person at --runner" if crops.chosen_by == "point" else "the person in view the longest"
    return (f"up to {crops.people} people in view: pose follows {how} on a crop around them; "
            f"{n - kept} of {n} frames where that runner was not found are gaps")
