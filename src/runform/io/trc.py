"""Read OpenSim / Pose2Sim TRC marker files into :class:`~runform.keypoints.Keypoints`.

A TRC file is tab separated::

    PathFileType  4  (X/Y/Z)  name.trc
    DataRate  CameraRate  NumFrames  NumMarkers  Units  ...
    150       150         4500       13          m      ...
    Frame#  Time  Hip  <tab><tab>  RHip ...
            X1 Y1 Z1 X2 Y2 Z2 ...
    1  0.000  ...

The file's Y axis points up; keypoints use image-style y *down*, so ``y = -Y``.
X is kept as x and the lateral Z is dropped (sagittal projection).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputNotFound, UnreadableInput
from ..keypoints import INDEX, KEYPOINT_NAMES, Keypoints

#: Pose2Sim / HALPE_26 marker names -> canonical keypoint names.
TRC_NAME_MAP: dict[str, str] = {
    "Hip": "pelvis",
    "Neck": "neck",
    "Head": "head",
    "Nose": "nose",
}
for _s, _side in (("R", "right"), ("L", "left")):
    TRC_NAME_MAP.update({
        f"{_s}Hip": f"{_side}_hip",
        f"{_s}Knee": f"{_side}_knee",
        f"{_s}Ankle": f"{_side}_ankle",
        f"{_s}BigToe": f"{_side}_toe",
        f"{_s}Heel": f"{_side}_heel",
        f"{_s}Shoulder": f"{_side}_shoulder",
        f"{_s}Elbow": f"{_side}_elbow",
        f"{_s}Wrist": f"{_side}_wrist",
    })

_UNITS = {"m": "m", "meters": "m", "metres": "m", "mm": "mm", "millimeters": "mm",
          "millimetres": "mm", "px": "px", "pixels": "px", "pixel": "px"}


def _float(text: str) -> float:
    text = text.strip()
    if not text or text.lower() == "nan":
        return float("nan")
    return float(text)


def read_trc(path) -> Keypoints:
    """Read a TRC file.

    Parameters
    ----------
    path : str or Path
        The ``.trc`` file.

    Returns
    -------
    Keypoints
        x = file X, y = -file Y (y down), in the file's units (``m``, ``mm`` or
        ``px``); time from the ``Time`` column (s). Markers the file lacks, and
        empty cells, are NaN with confidence 0; present values have confidence 1.
        ``meta`` holds ``source``, ``data_rate_hz`` and ``markers``.

    Raises
    ------
    InputNotFound
        When ``path`` does not exist.
    UnreadableInput
        When the header or data are malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise InputNotFound(f"TRC file not found: {path}")
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise UnreadableInput(f"cannot read TRC file {path}: {exc}") from None
    if len(lines) < 5 or not lines[0].startswith("PathFileType"):
        raise UnreadableInput(f"{path.name}: not a TRC file (no PathFileType header)")
    keys = [k.strip() for k in lines[1].split("\t")]
    vals = [v.strip() for v in lines[2].split("\t")]
    header = dict(zip(keys, vals))
    units = _UNITS.get(header.get("Units", "").lower())
    if units is None:
        raise UnreadableInput(f"{path.name}: unsupported or missing Units {header.get('Units')!r}")
    names_row = lines[3].split("\t")
    if len(names_row) < 3 or names_row[0].strip() != "Frame#" or names_row[1].strip() != "Time":
        raise UnreadableInput(f"{path.name}: marker row must start with 'Frame#<tab>Time'")
    markers = [n.strip() for n in names_row[2:] if n.strip()]
    rows = []
    for lineno, line in enumerate(lines[5:], start=6):
        if not line.strip():
            continue
        cells = line.split("\t")
        try:
            values = [_float(c) for c in cells[1:2 + 3 * len(markers)]]
        except ValueError:
            raise UnreadableInput(f"{path.name}: non-numeric value on line {lineno}") from None
        if len(values) < 1 + 3 * len(markers):
            values += [float("nan")] * (1 + 3 * len(markers) - len(values))
        rows.append(values)
    if not rows:
        raise UnreadableInput(f"{path.name}: no data rows")
    data = np.asarray(rows, dtype=float)
    time_s = data[:, 0]
    if not np.all(np.isfinite(time_s)) or (time_s.size > 1 and not np.all(np.diff(time_s) > 0)):
        raise UnreadableInput(f"{path.name}: Time column is missing or not strictly increasing")
    kp = Keypoints.empty(len(time_s), time_s, units=units)
    xy, conf = kp.xy.copy(), kp.confidence.copy()
    for m, name in enumerate(markers):
        target = TRC_NAME_MAP.get(name)
        if target is None:
            continue
        X = data[:, 1 + 3 * m]
        Y = data[:, 2 + 3 * m]
        k = INDEX[target]
        xy[:, k, 0] = X
        xy[:, k, 1] = -Y
        conf[:, k] = np.where(np.isfinite(X) & np.isfinite(Y), 1.0, 0.0)
    xy[conf == 0] = np.nan
    rate = header.get("DataRate")
    meta = {"source": str(path), "markers": tuple(markers),
            "data_rate_hz": _float(rate) if rate else float("nan")}
    return Keypoints(xy, conf, time_s, units=units, meta=meta)


__all__ = ["read_trc", "TRC_NAME_MAP", "KEYPOINT_NAMES"]
