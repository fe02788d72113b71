"""The naive tutorial script: the baseline ``scripts/bench_speed.py`` measures runform against.

What a MediaPipe tutorial does: ``cv2.VideoCapture`` -> ``mp.solutions.pose`` (landmarks
only, one instance, one core) -> ``draw_landmarks`` -> ``cv2.VideoWriter`` (mp4v). Kept as it
is on purpose: it measures no gait and writes no report, so it is the floor of "MediaPipe
on every frame".

Usage: ``python scripts/support/naive_pose.py VIDEO OUT.mp4 [--pose-only]``
"""

from __future__ import annotations

import sys

import cv2
import mediapipe as mp


def main(argv: list[str]) -> int:
    video, out = argv[0], argv[1]
    pose_only = "--pose-only" in argv
    cap = cv2.VideoCapture(video)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    writer = None
    frames = 0
    with mp.solutions.pose.Pose(model_complexity=1) as pose:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            result = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            frames += 1
            if pose_only:
                continue
            if result.pose_landmarks:
                mp.solutions.drawing_utils.draw_landmarks(bgr, result.pose_landmarks,
                                                          mp.solutions.pose.POSE_CONNECTIONS)
            if writer is None:
                h, w = bgr.shape[:2]
                writer = cv2.VideoWriter(out, cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
            writer.write(bgr)
    cap.release()
    if writer is not None:
        writer.release()
    print(f"{frames} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
