"""The people census taken in the pose pass's own frames.

Before following one runner among several (:mod:`runform.pose.runner`), runform checks
whether more than one person is in view at all: MediaPipe searches every
``census_step``-th frame for people (``RunnerConfig.census_hz``). Most clips show one
person, and for them a census that decodes the clip a second time cost as much as a sixth
of the whole analysis (1080p60 gym clip: 4 s of 22). :class:`PeopleCensus` counts the
people in the frames the pose pass decodes anyway, at the same clip-wide frame indices; the
first sample with two or more people raises :class:`CrowdSeen`, and the pass is started
again on crops around the runner (:func:`runform.pose.runner.follow_runner`).

One difference from a census of its own: each parallel pose segment
(:mod:`runform.pose.segments`) starts with no people followed from earlier samples (the
crops around them that find a small or partly hidden person), so such a person can be
counted from their second sample in that segment instead of their first.
"""

from __future__ import annotations

import numpy as np

from runform.pose.runner import RunnerConfig, census_step, comparable, find_people
from runform.pose.tracks import Box, distinct_boxes

__all__ = ["CrowdSeen", "PeopleCensus"]


class CrowdSeen(Exception):
    """Two or more people of comparable size in a census sample (the clip-wide frame ``index``)."""

    def __init__(self, index: int):
        super().__init__(f"several people in view at frame {index}")
        self.index = index


class PeopleCensus:
    """Counts the people in every ``step``-th frame of a clip, in frames decoded for pose.

    Parameters
    ----------
    fps : float
        The clip's frame rate, Hz (file time): the step is that of follow_runner's census.
    config : RunnerConfig
    """

    def __init__(self, fps: float, config: RunnerConfig = RunnerConfig()):
        self.step = census_step(fps, config)
        self.config = config
        self._pose = None
        self._recent: list[list[Box]] = []

    def check(self, index: int, image: np.ndarray) -> None:
        """Search clip-wide frame ``index`` when it is a census sample; CrowdSeen when it shows several people."""
        if index % self.step:
            return
        if self._pose is None:
            from runform.pose.roi_mask import open_roi_pose

            self._pose = open_roi_pose(1, False, False, 0.5, 0.5, static=True)
        around = distinct_boxes([b for bs in self._recent[-3:] for b in bs][::-1])
        people, fused = find_people(self._pose, image, around, self.config)
        self._recent.append(people)
        if comparable(people, self.config) + 2 * fused >= 2:
            raise CrowdSeen(index)

    def __enter__(self) -> "PeopleCensus":
        return self

    def __exit__(self, *exc) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None
