"""Pose on every core: the clip cut into segments, each run by its own MediaPipe instance.

MediaPipe Pose runs its graph on one core, so a long clip leaves the others idle. The clip
is cut into as many time segments as there are workers; the first runs in this process,
the others in processes of their own (``spawn``: MediaPipe's threads do not survive a
fork). Each later segment starts ``seam_frames`` early: MediaPipe tracks the person from
one frame to the next, and after a fresh detection its region of interest and its reading of
the crossing legs need some frames to settle where a run from the start would have them. Those warm-up frames are seen
and dropped; the kept frames of the segments tile the clip exactly, in time order, so
stitching is a concatenation.

Each worker decodes only its own segment (the decoder seeks to the key frame before it)
and sends back only keypoints and a few background samples, so memory does not grow with
the number of workers beyond one MediaPipe instance each.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import sys
import time
import types
from dataclasses import dataclass
from typing import Callable

__all__ = ["Segment", "SEAM_FRAMES", "default_workers", "plan_segments", "run_segments"]

#: Frames a later segment's tracker sees before the first frame it keeps. With 8, a fresh start
#: mid-stride on the gym clip tracked the legs differently for a few frames after the seam: a
#: contact took the other leg's shin, two were excluded and the cadence read 161.8 instead of
#: 169.8. With 30 (0.5 s at 60 fps) the contacts around the seam match the sequential run's.
#: tests/pose/test_segments.py and tests/test_pipeline_video.py compare the two.
SEAM_FRAMES = 30
#: Shortest segment worth a process of its own: below it the start-up (about 1-2 s of CPU to
#: import MediaPipe) costs more than the segment.
MIN_SEGMENT_FRAMES = 90


@dataclass(frozen=True)
class Segment:
    """One worker's share of the clip, in seconds on the keypoints' clock.

    Attributes
    ----------
    warm_s : float or None
        Where its tracker starts (None: the clip's start).
    keep_s, stop_s : float or None
        Its kept frames are those with ``keep_s <= t < stop_s`` (None: open end).
    first_index : int
        Clip-wide index of its first kept frame (exact for constant-rate files).
    frames : int
        Frames it is expected to keep.
    """

    warm_s: float | None
    keep_s: float | None
    stop_s: float | None
    first_index: int
    frames: int


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def plan_segments(info, capture_fps: float | None, workers: int, seam_frames: int = SEAM_FRAMES,
                  min_frames: int = MIN_SEGMENT_FRAMES) -> list[Segment]:
    """Cut a clip into at most ``workers`` segments of equal work.

    Parameters
    ----------
    info : runform.io.video.VideoInfo
        The probed clip (``frame_count`` and ``fps``).
    capture_fps : float or None
        As :func:`runform.io.video.iter_frames` (the keypoints' clock).
    workers : int
        Processes available.
    seam_frames, min_frames : int
        Warm-up frames of a later segment; the fewest kept frames a segment may have.

    Returns
    -------
    list of Segment
        In time order; fewer than two (nothing to split) when the clip is too short, its
        frame rate unknown, or ``workers`` is 1. Boundaries sit half a frame before a frame
        so rounded timestamps fall clearly on one side. The first segment needs no warm-up,
        so it keeps ``seam_frames`` more frames than the others: every worker sees as many.
    """
    n, fps = int(info.frame_count or 0), float(info.fps)
    if not (math.isfinite(fps) and fps > 0):
        return []
    workers = min(int(workers), (n - seam_frames) // max(1, min_frames))
    if workers < 2:
        return []
    dt = (fps / capture_fps if capture_fps else 1.0) / fps  # seconds per frame on the keypoints' clock
    span = (n - seam_frames) / workers
    starts = [0] + [int(round(seam_frames + k * span)) for k in range(1, workers)]
    out = []
    for k, first in enumerate(starts):
        last = starts[k + 1] if k + 1 < workers else n
        out.append(Segment(warm_s=(first - seam_frames - 0.5) * dt if k else None,
                           keep_s=(first - 0.5) * dt if k else None,
                           stop_s=(last - 0.5) * dt if k + 1 < workers else None,
                           first_index=first, frames=last - first))
    return out


_counters = None  # the worker's view of the shared progress counters


def _init_worker(counters) -> None:
    global _counters
    _counters = counters
    from runform.pose.roi_mask import preload_graph_runner

    preload_graph_runner()


@contextlib.contextmanager
def _no_main_module():
    """Start processes that do not import this program's ``__main__``.

    A ``spawn``ed process first imports the parent's main module (the ``runform`` CLI, which
    imports the whole analysis: scipy.signal and friends, ~1.5 s of CPU); a pose worker runs
    only :func:`_run`, which imports what it needs. With a bare ``__main__`` (no spec, no file)
    in place while the pool starts, multiprocessing has nothing to import.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _run(pose_span, path: str, capture_fps, config, segment: Segment, slot: int, clip_frames: int, crops=None,
         census_fps=None):
    """A worker process's segment (module level: ``spawn`` pickles it, and ``pose_span``, by name)."""
    from runform.pose.census import CrowdSeen

    def tick(n: int) -> None:
        _counters[slot] = n
        if _counters[-1]:
            raise CrowdSeen(-1)  # another segment's census found several people: this pass is void

    try:
        return pose_span(path, capture_fps, config, clip_frames, warm_s=segment.warm_s, keep_s=segment.keep_s,
                         stop_s=segment.stop_s, first_index=segment.first_index, span_frames=segment.frames,
                         tick=tick, crops=crops, census_fps=census_fps)
    except CrowdSeen:
        _counters[-1] = 1
        raise


def run_segments(pose_span: Callable, path, capture_fps: float | None, config, plan: list[Segment], clip_frames: int,
                 progress: Callable[[int, int], None] | None = None, crops=None, census_fps: float | None = None) -> list:
    """Pose of every segment of ``plan``: the first here, the others in worker processes.

    ``pose_span`` is :func:`runform.pose.mediapipe_pose.pose_span`, passed in so that this
    module and the pose pass that calls it do not import each other. ``crops``
    (:class:`runform.pose.runner.RunnerCrops`, by clip-wide frame index) goes to every segment:
    pose on the followed runner only. With ``census_fps`` every segment counts the people in its
    frames (:class:`runform.pose.census.PeopleCensus`); the first to find several stops them all
    (CrowdSeen).

    Returns
    -------
    list of runform.pose.mediapipe_pose.PoseSpan
        In time order; their frames tile the clip.

    Raises
    ------
    Whatever a segment raised (e.g. UnreadableInput, CrowdSeen); the other workers are stopped.
    """
    ctx = multiprocessing.get_context("spawn")
    from runform.pose.census import CrowdSeen

    counters = ctx.Array("q", len(plan) + 1, lock=False)  # frames kept per segment; last: several people seen
    total = max(clip_frames, 1)

    def report() -> None:
        if progress is not None:
            done = sum(counters[:-1])
            progress(done, max(total, done))

    def tick(n: int) -> None:
        counters[0] = n
        if counters[-1]:
            raise CrowdSeen(-1)
        report()

    with _no_main_module():
        pool = ctx.Pool(len(plan) - 1, initializer=_init_worker, initargs=(counters,))
    ok = False
    try:
        pending = [pool.apply_async(_run, (pose_span, str(path), capture_fps, config, seg, i, clip_frames, crops,
                                           census_fps))
                   for i, seg in enumerate(plan) if i]
        first = plan[0]
        try:
            spans = [pose_span(path, capture_fps, config, clip_frames, stop_s=first.stop_s,
                               span_frames=first.frames, tick=tick, crops=crops, census_fps=census_fps)]
        except CrowdSeen:
            counters[-1] = 1
            raise
        for job in pending:
            while not job.ready():
                if counters[-1]:
                    raise CrowdSeen(-1)
                report()
                time.sleep(0.2)
            spans.append(job.get())
        report()
        ok = True
        return spans
    finally:
        if ok:
            pool.close()
        else:
            pool.terminate()  # an error or Ctrl-C here: stop the other segments now
        pool.join()

