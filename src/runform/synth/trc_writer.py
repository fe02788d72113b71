"""Write :class:`~runform.keypoints.Keypoints` as an OpenSim / Pose2Sim TRC file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from ..keypoints import INDEX, Keypoints

#: TRC marker name -> canonical keypoint, in file order (Pose2Sim / HALPE_26 names).
TRC_MARKERS: tuple[tuple[str, str], ...] = (
    ("Hip", "pelvis"), ("RHip", "right_hip"), ("RKnee", "right_knee"), ("RAnkle", "right_ankle"),
    ("RBigToe", "right_toe"), ("RHeel", "right_heel"), ("LHip", "left_hip"), ("LKnee", "left_knee"),
    ("LAnkle", "left_ankle"), ("LBigToe", "left_toe"), ("LHeel", "left_heel"), ("Neck", "neck"),
    ("Head", "head"), ("Nose", "nose"), ("RShoulder", "right_shoulder"),
    ("LShoulder", "left_shoulder"), ("RElbow", "right_elbow"), ("LElbow", "left_elbow"),
    ("RWrist", "right_wrist"), ("LWrist", "left_wrist"),
)


def _fmt(v: float) -> str:
    return "" if not np.isfinite(v) else f"{v:.6f}"


def write_trc(kp: Keypoints, path) -> Path:
    """Write ``kp`` to ``path`` (Y up: Y = -y, Z = 0); all-NaN markers are skipped."""
    path = Path(path)
    markers = [(m, INDEX[k]) for m, k in TRC_MARKERS if np.any(np.isfinite(kp.xy[:, INDEX[k], 0]))]
    n = len(kp)
    rate = kp.fps if n > 1 else 0.0
    rate_s = f"{rate:.6g}"
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate_s}\t{rate_s}\t{n}\t{len(markers)}\t{kp.units}\t{rate_s}\t1\t{n}",
        "\t".join(["Frame#", "Time"] + [f"{m}\t\t" for m, _ in markers]).rstrip("\t"),
        "\t".join(["", ""] + [f"X{i}\tY{i}\tZ{i}" for i in range(1, len(markers) + 1)]),
    ]
    for f in range(n):
        cells = [str(f + 1), f"{kp.time_s[f]:.6f}"]
        for _, k in markers:
            x, y = kp.xy[f, k]
            ok = np.isfinite(x) and np.isfinite(y)
            cells += [_fmt(x), _fmt(-y), "0.000000" if ok else ""]
        lines.append("\t".join(cells))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(lines) + "\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


__all__ = ["write_trc", "TRC_MARKERS"]
