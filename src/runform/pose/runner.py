"""One runner, followed: choose the runner among the people in view and give the pose pass a crop per frame.

MediaPipe Pose sees one person per image; with several people in view it jumps between them
or fuses two into one skeleton (the sprint-start clip read a trunk lean of -90 deg from two
athletes in the blocks). Before the pose pass, :func:`follow_runner` samples frames
(``RunnerConfig.sample_hz``), finds the people in each with MediaPipe Pose itself (the whole
frame, then again with each person found painted out, and around every person already
followed), links them into tracks by distance, and chooses the runner:

* ``--runner x,y``: the person at that point of the first frame (pixels of the frame as shown);
* otherwise the person seen in the most samples: the treadmill runner, who stays in view, or
  the athlete a panning camera follows.

The pose pass then runs on a crop around the runner's box (:meth:`RunnerCrops.box`,
interpolated between samples) and maps the landmarks back to the full frame; a frame the
runner is not followed in, or whose skeleton's pelvis lies outside the runner's box
(:meth:`RunnerCrops.keeps`), is a gap (NaN), never someone else's legs. With one person in
view nothing is cropped and the pass is as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from runform.errors import NoRunnerFound, RunnerPointError
from runform.pose.tracks import Box, box_centre, box_height, choose_track, distinct_boxes, grow_box, \
    interpolate_track, link_tracks, same_person

__all__ = ["RunnerConfig", "RunnerCrops", "follow_runner", "find_people", "census_step", "comparable"]


@dataclass(frozen=True)
class RunnerConfig:
    """How people are found and the runner followed.

    Attributes
    ----------
    sample_hz : float
        Frames searched for people per second of video (Hz, file time) to follow them.
    census_hz : float
        The same for the first, sparse search that decides whether more than one person is in
        view at all (one person: nothing more is done).
    max_people : int
        People looked for per sampled frame.
    min_visibility : float
        A landmark counts when MediaPipe's visibility exceeds this (0-1).
    min_landmarks : int
        Visible landmarks (of 33) a detection needs to be a person.
    min_relative_height : float
        A second person counts when their box is at least this fraction of the tallest's
        height (a distant bystander far smaller than the runner does not start cropping).
    link_heights : float
        Largest move of a box centre between two samples of one track, in box heights.
    max_gap_s : float
        Longest stretch (s, file time) a track may go unseen and still be bridged.
    pad : float
        Crop margin on each side, as a fraction of the box height.
    min_crop : float
        Smallest crop side, as a fraction of the frame's short side (a 54 px sprinter in the
        blocks is found in a 288 px square of a 720 px frame, not in a 108 px one).
    keep_margin : float
        The pelvis must lie inside the box grown by this fraction of its height on each side.
    max_aspect : float
        Widest a person's box may be, as width over height: wider is two people fused into one
        skeleton (a runner mid-stride is about as wide as tall, a sprinter in the blocks 1.3x).
    """

    sample_hz: float = 5.0
    census_hz: float = 2.0
    max_people: int = 3
    min_visibility: float = 0.5
    min_landmarks: int = 8
    min_relative_height: float = 0.35
    link_heights: float = 0.75
    max_gap_s: float = 0.6
    pad: float = 0.5
    min_crop: float = 0.4
    keep_margin: float = 0.35
    max_aspect: float = 2.0

    def __post_init__(self) -> None:
        if not self.sample_hz > 0 or not self.census_hz > 0 or self.max_people < 1 or not 0 <= self.min_visibility <= 1:
            raise ValueError("sample_hz must be > 0, max_people >= 1 and min_visibility in [0, 1]")


def _detect(pose, image: np.ndarray, offset=(0, 0), config: RunnerConfig = RunnerConfig()) -> Box | None:
    """The box (full-frame pixels) of the one person MediaPipe finds in ``image``, or None."""
    result = pose.process(np.ascontiguousarray(image))
    if result.pose_landmarks is None:
        return None
    h, w = image.shape[:2]
    arr = np.array([(lm.x * w, lm.y * h, lm.visibility) for lm in result.pose_landmarks.landmark])
    seen = arr[arr[:, 2] > config.min_visibility, :2]
    if len(seen) < config.min_landmarks:
        return None
    (x0, y0), (x1, y1) = seen.min(axis=0), seen.max(axis=0)
    if y1 - y0 < 4:
        return None
    return (x0 + offset[0], y0 + offset[1], x1 + offset[0], y1 + offset[1])


def _fused(box, config: RunnerConfig) -> bool:
    """True for a skeleton more than ``max_aspect`` times as wide as tall: two people fused."""
    return box[2] - box[0] > config.max_aspect * box_height(box)


def _crop(image: np.ndarray, box) -> tuple[np.ndarray, tuple[int, int]]:
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    return image[y0:y1, x0:x1], (x0, y0)


def find_people(pose, image: np.ndarray, around: list | None = None,
                config: RunnerConfig = RunnerConfig()) -> tuple[list[Box], int]:
    """Boxes of the people in one frame.

    MediaPipe's static detector returns one person per image: the whole frame is searched,
    then searched again with each person found painted grey, up to ``config.max_people``; then
    a crop around each box in ``around`` (people already followed, who may be too small for the
    whole-frame search).

    Parameters
    ----------
    pose : mediapipe.solutions.pose.Pose
        A pose model in static-image mode.
    image : ndarray, shape (H, W, 3), uint8
    around : list of Box, optional
    config : RunnerConfig

    Returns
    -------
    people : list of Box
        Distinct people (no box's centre inside another's), full-frame pixels.
    fused : int
        Skeletons found that are two or more people fused into one (:func:`_fused`): not
        people to follow, but a sure sign that several are in view.
    """
    h, w = image.shape[:2]
    found: list[Box] = []
    fused = 0
    work = image.copy()
    for _ in range(config.max_people):
        box = _detect(pose, work, config=config)
        if box is None or any(same_person(box, b) for b in found):
            break
        if _fused(box, config):
            fused += 1
        else:
            found.append(box)
        x0, y0, x1, y1 = (int(round(v)) for v in grow_box(box, 0.1, (w, h)))
        work[y0:y1, x0:x1] = 127
    for prev in around or []:
        if any(same_person(prev, b) for b in found):
            continue  # already found in the whole frame
        box = _search_around(pose, image, box_centre(prev), box_height(prev) * (1 + 2 * config.pad), config)
        if box is not None and not any(same_person(box, b) for b in found):
            found.append(box)
    return found, fused


@dataclass(frozen=True)
class RunnerCrops:
    """Per-frame boxes around the followed runner, for the pose pass.

    Attributes
    ----------
    boxes : ndarray, shape (N, 4)
        (x0, y0, x1, y1) of the runner in pixels of the upright frame; NaN where the runner
        is not followed (a gap).
    size : tuple of int
        (width, height) of the frame in pixels.
    people : int
        Most people seen in one sampled frame.
    chosen_by : str
        ``"point"`` (``--runner``) or ``"longest track"``.
    config : RunnerConfig
    """

    boxes: np.ndarray
    size: tuple[int, int]
    people: int
    chosen_by: str
    config: RunnerConfig = RunnerConfig()

    def box(self, index: int) -> tuple[int, int, int, int] | None:
        """The crop (x0, y0, x1, y1) in integer pixels for frame ``index``; None for a gap."""
        if index >= len(self.boxes) or not np.all(np.isfinite(self.boxes[index])):
            return None
        b = self.boxes[index]
        # MediaPipe's detector needs context: a small person is found in a crop a few times their size.
        side = self.config.min_crop * min(self.size)
        c = box_centre(b)
        wide = (min(b[0], c[0] - side / 2), min(b[1], c[1] - side / 2), max(b[2], c[0] + side / 2),
                max(b[3], c[1] + side / 2))
        x0, y0, x1, y1 = grow_box(b, self.config.pad, self.size)
        w0, h0, w1, h1 = grow_box(wide, 0.0, self.size)
        x0, y0, x1, y1 = int(min(x0, w0)), int(min(y0, h0)), int(np.ceil(max(x1, w1))), int(np.ceil(max(y1, h1)))
        return (x0, y0, x1, y1) if x1 - x0 >= 8 and y1 - y0 >= 8 else None

    def keeps(self, index: int, xy: np.ndarray) -> bool:
        """True when the skeleton ``xy`` ((K, 2) canonical keypoints, px) is the followed runner.

        Its pelvis must lie in the runner's box (grown by ``keep_margin``) and its seen points
        may be at most ``max_aspect`` times as wide as tall (wider is two people fused).
        """
        from runform.keypoints import INDEX

        if index >= len(self.boxes) or not np.all(np.isfinite(self.boxes[index])):
            return False
        x0, y0, x1, y1 = grow_box(self.boxes[index], self.config.keep_margin)
        px, py = xy[INDEX["pelvis"]]
        seen = xy[np.all(np.isfinite(xy), axis=1)]
        if not (x0 <= px <= x1 and y0 <= py <= y1) or len(seen) < 2:
            return False
        width, height = np.ptp(seen, axis=0)
        return bool(width <= self.config.max_aspect * max(height, 1.0))

    def summary(self, kept: int | None = None) -> dict:
        """What was followed, for ``Keypoints.meta["runner"]``."""
        followed = int(np.all(np.isfinite(self.boxes), axis=1).sum())
        return {"people": self.people, "chosen_by": self.chosen_by, "frames_followed": followed,
                "frames": len(self.boxes), "frames_kept": kept}


def census_step(fps: float, config: RunnerConfig = RunnerConfig()) -> int:
    """Frames between two samples of the census (``census_hz``, never denser than ``sample_hz``)."""
    fps = fps if np.isfinite(fps) and fps > 0 else 30.0
    return max(1, int(round(fps / config.sample_hz)), int(round(fps / config.census_hz)))


def follow_runner(path, point: tuple[float, float] | None = None, config: RunnerConfig = RunnerConfig(),
                  max_frames: int | None = None,
                  progress: Callable[[int, int], None] | None = None, census: bool = True) -> RunnerCrops | None:
    """Choose the runner and where to crop every frame, or None when one person is in view.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.
    point : (float, float), optional
        ``--runner x,y``: pixels of the first frame as shown (x right, y down); a mirrored
        file's point is mirrored back onto the frames as filmed.
    config : RunnerConfig
    max_frames : int, optional
        As the pose pass.
    progress : callable, optional
        Called as ``progress(frames read, 0)`` (0: total unknown) while frames are searched.
    census : bool
        False when a census already found several people
        (:class:`runform.pose.census.PeopleCensus`, in the pose pass): the runner is followed at once.

    Returns
    -------
    RunnerCrops or None
        None when no frame of the census (``census_hz``) shows two people of comparable size
        and no point was given.

    Raises
    ------
    RunnerPointError
        ``point`` lies outside the first frame.
    NoRunnerFound
        No person at ``point`` in the first frame.
    """
    from runform.io.video import probe_video
    from runform.pose.roi_mask import open_roi_pose

    info = probe_video(path)
    fps = info.fps if np.isfinite(info.fps) and info.fps > 0 else 30.0
    step = max(1, int(round(fps / config.sample_hz)))
    max_gap = max(step, int(round(config.max_gap_s * fps)))
    # MediaPipe Pose in static-image mode (the graph of mp.solutions.pose, runform.pose.roi_mask).
    with open_roi_pose(1, False, False, 0.5, 0.5, static=True) as pose:
        if point is None and census:
            # A sparse census first: with one person in view (most clips) that is all it costs.
            _, crowd, _, _ = _scan(pose, path, census_step(fps, config), None, config, max_frames, progress)
            if max(crowd, default=0) < 2:
                return None
        samples, crowd, size, n = _scan(pose, path, step, point, config, max_frames, progress, info.mirrored)
    if size is None:
        return None
    most = max(crowd, default=0)
    track = choose_track(link_tracks(samples, max_gap, config.link_heights), point)
    if track is None:
        raise NoRunnerFound(f"no person found at {point[0]:g},{point[1]:g} in the first frame of {Path(path).name}")
    boxes = interpolate_track(track, n, max_gap, step // 2)
    return RunnerCrops(boxes, size, max(most, 1), "point" if point is not None else "longest track", config)


def _scan(pose, path, step: int, point, config: RunnerConfig, max_frames: int | None,
          progress: Callable[[int, int], None] | None, mirrored: bool = False):
    """The people in every ``step``-th frame.

    Returns ``[(frame index, boxes)]``, how many people each sample shows (those of comparable
    size, plus two per fused skeleton), the frame size and the frames read. With ``point`` the
    first frame's person there is among the boxes (refused when outside the frame,
    NoRunnerFound when nobody is there)."""
    from runform.io.video import iter_frames

    samples: list[tuple[int, list[Box]]] = []
    crowd: list[int] = []
    size = None
    n = 0
    around: list[Box] = []
    # Only the sampled frames are converted to RGB (the others are decoded: the next need them).
    for n, (_, image) in enumerate(iter_frames(path, max_frames=max_frames, every=step), 1):
        if progress is not None:
            progress(n, 0)
        if (n - 1) % step:
            continue
        first = size is None
        if first:
            size = (image.shape[1], image.shape[0])
            if point is not None:  # refused before any search
                point = _to_filmed(point, size, mirrored, Path(path).name)
        people, fused = find_people(pose, image, around, config)
        if first and point is not None:
            people = _with_seed(pose, image, point, people, config)
        samples.append((n - 1, people))
        crowd.append(comparable(people, config) + 2 * fused)
        # Follow everyone seen lately: crops keep small or partly hidden people in view.
        around = distinct_boxes([b for _, bs in samples[-3:] for b in bs][::-1])
    return samples, crowd, size, n


def comparable(boxes: list, config: RunnerConfig) -> int:
    """People in one sample whose height is at least ``min_relative_height`` of the tallest."""
    if not boxes:
        return 0
    tallest = max(box_height(b) for b in boxes)
    return sum(box_height(b) >= config.min_relative_height * tallest for b in boxes)


def _to_filmed(point, size: tuple[int, int], mirrored: bool, name: str) -> tuple[float, float]:
    x, y = float(point[0]), float(point[1])
    w, h = size
    if not (0 <= x < w and 0 <= y < h):
        raise RunnerPointError(f"--runner {x:g},{y:g} is outside {name}'s first frame ({w}x{h} pixels as shown)")
    return (w - 1 - x, y) if mirrored else (x, y)


def _with_seed(pose, image: np.ndarray, point, people: list, config: RunnerConfig) -> list[Box]:
    """The first frame's people, with the person at ``point`` among them (searched for around
    the point when the whole-frame search missed them)."""
    if any(_near(b, point) for b in people):
        return people
    box = _search_around(pose, image, np.asarray(point, dtype=float), 0.0, config)
    if box is None:
        raise NoRunnerFound(f"no person found at {point[0]:g},{point[1]:g} in the first frame")
    return [box] + [b for b in people if not same_person(b, box)]


#: Sides of the squares searched around a point, as fractions of the frame's short side: a
#: small person is found only in a crop that MediaPipe's detector sees enlarged.
_SEARCH_SIDES = (0.15, 0.25, 0.4, 0.6, 1.0)
#: Smallest person height found in a crop, as a fraction of the crop's height.
_MIN_SHARE_OF_CROP = 0.15


def _search_around(pose, image: np.ndarray, centre: np.ndarray, min_side: float,
                   config: RunnerConfig) -> Box | None:
    """The person whose box holds ``centre``: MediaPipe on squares around it, small to large."""
    h, w = image.shape[:2]
    for side in sorted({max(min_side, f * min(w, h)) for f in _SEARCH_SIDES}):
        region = grow_box((centre[0] - side / 2, centre[1] - side / 2, centre[0] + side / 2, centre[1] + side / 2),
                       0.0, (w, h))
        view, offset = _crop(image, region)
        box = _detect(pose, view, offset, config) if view.size else None
        if box is not None and _fused(box, config):
            continue
        # A "person" far smaller than the crop is a hand or a shoe read as a body.
        if box is not None and _near(box, centre) and box_height(box) >= _MIN_SHARE_OF_CROP * (region[3] - region[1]):
            return box
    return None


def _near(box, point) -> bool:
    x0, y0, x1, y1 = grow_box(box, 0.25)
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1
