"""Read OpenSim / Pose2Sim TRC marker files into :class:`~runform.keypoints.Keypoints`.

A TRC file is tab separated::

    PathFileType  4  (X/Y/Z)  name.trc
    DataRate  CameraRate  NumFrames  NumMarkers  Units  ...
    150       150         4500       13          m      ...
    Frame#  Time  Hip  <tab><tab>  RHip ...
            X1 Y1 Z1 X2 Y2 Z2 ...
    1  0.000  ...

The file's Y axis points up; keypoints use image-style y *down*, so ``y = -Y``. The
horizontal running direction is found in the data, because writers differ: OpenSim
exports usually run along X, Pose2Sim's face +Z. Keypoints are the sagittal projection
(running direction, up); the lateral axis is dropped.

The ``Units`` header is checked against the body: a leg (thigh + shank) must be 0.3-1.5 m
long. A file whose header disagrees with its values by a factor of 10 or 1000 (metres
labelled mm, say) is read in the unit that gives a human leg, with a quality note;
values that fit no unit, or are absurdly large, are refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
          "millimetres": "mm", "cm": "cm", "centimeters": "cm", "centimetres": "cm",
          "px": "px", "pixels": "px", "pixel": "px"}
#: Metres per unit of each length unit a TRC may be in.
_METRES_PER_UNIT = {"m": 1.0, "cm": 0.01, "mm": 0.001}


@dataclass(frozen=True)
class TrcChecks:
    """Plausibility limits applied to every TRC file.

    Attributes
    ----------
    leg_range_m : tuple of float
        Median thigh + shank length (m) a runner can have, a child to a very tall adult.
    max_abs_value : float
        Largest coordinate magnitude accepted in the file's units (1e7 mm is 10 km):
        anything bigger is corrupt data, not a runner.
    axis_snap_deg : float
        A running direction within this many degrees of the X or Z axis is taken as that
        axis exactly (so a file that runs along X reads as x = X); further off, the
        markers are projected onto the running direction itself.
    """

    leg_range_m: tuple[float, float] = (0.3, 1.5)
    max_abs_value: float = 1e7
    axis_snap_deg: float = 20.0


def _float(text: str) -> float:
    text = text.strip()
    if not text or text.lower() == "nan":
        return float("nan")
    return float(text)


def _parse(path: Path) -> tuple[dict, list[str], np.ndarray]:
    """(header, marker names, data rows [time, X1, Y1, Z1, ...]) of a TRC file."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise UnreadableInput(f"cannot read TRC file {path}: {exc.strerror or exc}") from None
    if len(lines) < 5 or not lines[0].startswith("PathFileType"):
        raise UnreadableInput(f"{path.name}: not a TRC file (no PathFileType header)")
    keys = [k.strip() for k in lines[1].split("\t")]
    vals = [v.strip() for v in lines[2].split("\t")]
    header = dict(zip(keys, vals))
    names_row = lines[3].split("\t")
    if len(names_row) < 3 or names_row[0].strip() != "Frame#" or names_row[1].strip() != "Time":
        raise UnreadableInput(f"{path.name}: marker row must start with 'Frame#<tab>Time'")
    markers = [n.strip() for n in names_row[2:] if n.strip()]
    width = 1 + 3 * len(markers)
    rows = []
    for lineno, line in enumerate(lines[5:], start=6):
        if not line.strip():
            continue
        try:
            values = [_float(c) for c in line.split("\t")[1:1 + width]]
        except ValueError:
            raise UnreadableInput(f"{path.name}: non-numeric value on line {lineno}") from None
        rows.append(values + [float("nan")] * (width - len(values)))
    if not rows:
        raise UnreadableInput(f"{path.name}: no data rows")
    return header, markers, np.asarray(rows, dtype=float)


def _canonical_xyz(markers: list[str], data: np.ndarray) -> np.ndarray:
    """(frames, len(KEYPOINT_NAMES), 3) file X, Y, Z of the mapped markers; NaN elsewhere."""
    xyz = np.full((len(data), len(KEYPOINT_NAMES), 3), np.nan)
    for m, name in enumerate(markers):
        target = TRC_NAME_MAP.get(name)
        if target is not None:
            xyz[:, INDEX[target]] = data[:, 1 + 3 * m: 4 + 3 * m]
    # A point needs X and Y; a missing Z (a 2D export) is taken as 0, the sagittal plane.
    seen = np.isfinite(xyz[..., 0]) & np.isfinite(xyz[..., 1])
    xyz[..., 2] = np.where(seen & ~np.isfinite(xyz[..., 2]), 0.0, xyz[..., 2])
    xyz[~seen] = np.nan
    return xyz


def _leg_length(xyz: np.ndarray) -> float:
    """Median 3D thigh + shank length in file units (NaN without hip, knee and ankle)."""
    legs = []
    for side in ("left", "right"):
        hip, knee, ankle = (xyz[:, INDEX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        legs.append(np.linalg.norm(hip - knee, axis=1) + np.linalg.norm(knee - ankle, axis=1))
    legs = np.concatenate(legs)
    legs = legs[np.isfinite(legs)]
    return float(np.median(legs)) if legs.size else float("nan")


def _check_values(name: str, data: np.ndarray, checks: TrcChecks) -> None:
    values = data[:, 1:]
    if np.any(np.isinf(values)):
        raise UnreadableInput(f"{name}: infinite marker coordinates")
    biggest = float(np.nanmax(np.abs(values))) if np.any(np.isfinite(values)) else 0.0
    if biggest > checks.max_abs_value:
        raise UnreadableInput(f"{name}: marker coordinates up to {biggest:.3g} are not a runner's "
                              f"(more than {checks.max_abs_value:.0e} in any unit)")


def _resolve_units(name: str, said: str, xyz: np.ndarray, checks: TrcChecks) -> tuple[str, float, str | None]:
    """(keypoint units, factor to multiply the file's values by, quality note or None).

    Raises UnreadableInput when no length unit gives a runner's leg.
    """
    if said == "px":
        return "px", 1.0, None  # pixels have no natural size to check
    leg = _leg_length(xyz)
    if not math.isfinite(leg):
        return ("mm", 10.0, None) if said == "cm" else (said, 1.0, None)
    lo, hi = checks.leg_range_m
    fits = [u for u in (said, "m", "mm", "cm") if lo <= leg * _METRES_PER_UNIT[u] <= hi]
    if not fits:
        raise UnreadableInput(f"{name}: the leg (thigh + shank) would be {leg * _METRES_PER_UNIT[said]:.3g} m long "
                              f"in the header's unit {said}, and no other unit (m, cm, mm) gives {lo:g}-{hi:g} m; "
                              "check the file's Units and marker names")
    unit = fits[0]
    note = None
    if unit != said:
        note = (f"the TRC header says {said}, which would make the leg {leg * _METRES_PER_UNIT[said]:.3g} m long; "
                f"the values were read as {unit} (leg {leg * _METRES_PER_UNIT[unit]:.2f} m)")
    # Keypoints carry m or mm only: centimetres become millimetres.
    return ("mm", 10.0, note) if unit == "cm" else (unit, 1.0, note)


def _forward_direction(xyz: np.ndarray, checks: TrcChecks) -> tuple[np.ndarray, str]:
    """Unit vector (X, Z) of the running direction and its description.

    The feet swing forward and back relative to the pelvis along the running direction
    (on a treadmill and overground alike), so it is the principal axis of the heel, toe
    and ankle positions relative to the pelvis, each marker centred on its own mean (the
    two feet's lateral offset and toe-out then do not tilt it: 0.4 deg on the RBDS
    treadmill trial, against 6 deg for the mean heel -> toe vector). Snapped to X or Z
    within ``axis_snap_deg``.
    """
    hz = xyz[:, :, [0, 2]]
    centre = hz[:, INDEX["pelvis"]]
    if not np.any(np.isfinite(centre[:, 0])):
        centre = 0.5 * (hz[:, INDEX["left_hip"]] + hz[:, INDEX["right_hip"]])
    if not np.any(np.isfinite(centre[:, 0])):
        centre = np.zeros_like(centre)  # no pelvis: the feet's own path (overground travel is forward too)
    parts = []
    for name in ("heel", "toe", "ankle"):
        for side in ("left", "right"):
            rel = hz[:, INDEX[f"{side}_{name}"]] - centre
            rel = rel[np.all(np.isfinite(rel), axis=1)]
            if len(rel) >= 2:
                parts.append(rel - rel.mean(axis=0))
    if not parts:
        return np.array([1.0, 0.0]), "X (no foot markers to tell)"
    pts = np.concatenate(parts)
    eigenvalues, eigenvectors = np.linalg.eigh(pts.T @ pts)
    if not eigenvalues[-1] > 0:
        return np.array([1.0, 0.0]), "X (the feet do not move)"
    u = eigenvectors[:, -1]
    off_x = math.degrees(math.atan2(abs(u[1]), abs(u[0])))  # 0 = along X, 90 = along Z
    if off_x <= checks.axis_snap_deg:
        return np.array([1.0, 0.0]), "X"
    if off_x >= 90.0 - checks.axis_snap_deg:
        return np.array([0.0, 1.0]), "Z"
    if u[np.argmax(np.abs(u))] < 0:  # keep the larger component positive, as the snapped axes do
        u = -u
    return u, f"{off_x:.0f} deg from X toward Z"


def read_trc(path, checks: TrcChecks = TrcChecks()) -> Keypoints:
    """Read a TRC file.

    Parameters
    ----------
    path : str or Path
        The ``.trc`` file (Y up; running along X, Z or between them).
    checks : TrcChecks
        Plausibility limits (leg length, value range, axis snapping).

    Returns
    -------
    Keypoints
        x = position along the running direction, y = -file Y (y down), in metres or
        millimetres (``cm`` files are converted to ``mm``) or the file's pixels; time
        from the ``Time`` column (s). Markers the file lacks, and empty cells, are NaN
        with confidence 0; present values have confidence 1. ``meta`` holds ``source``,
        ``data_rate_hz``, ``markers``, ``forward_axis`` (``X``, ``Z`` or the angle of
        the running direction) and ``quality`` (flag -> sentence; ``trc_units`` when
        the header's unit was overruled).

    Raises
    ------
    InputNotFound
        When ``path`` does not exist.
    UnreadableInput
        When the header or data are malformed, a coordinate is infinite or absurdly
        large, or no length unit gives a leg of 0.3-1.5 m.
    """
    path = Path(path)
    if not path.is_file():
        raise InputNotFound(f"TRC file not found: {path}")
    header, markers, data = _parse(path)
    said = _UNITS.get(header.get("Units", "").lower())
    if said is None:
        raise UnreadableInput(f"{path.name}: unsupported or missing Units {header.get('Units')!r}")
    time_s = data[:, 0]
    if not np.all(np.isfinite(time_s)) or (time_s.size > 1 and not np.all(np.diff(time_s) > 0)):
        raise UnreadableInput(f"{path.name}: Time column is missing or not strictly increasing")
    _check_values(path.name, data, checks)
    xyz = _canonical_xyz(markers, data)
    units, factor, units_note = _resolve_units(path.name, said, xyz, checks)
    forward, axis = _forward_direction(xyz, checks)
    xy = np.stack([xyz[..., 0] * forward[0] + xyz[..., 2] * forward[1], -xyz[..., 1]], axis=-1) * factor
    conf = np.where(np.isfinite(xy[..., 0]), 1.0, 0.0)
    rate = header.get("DataRate")
    try:
        rate_hz = _float(rate) if rate else float("nan")
    except ValueError:
        rate_hz = float("nan")  # the Time column is what counts
    meta = {"source": str(path), "markers": tuple(markers), "data_rate_hz": rate_hz, "forward_axis": axis,
            "quality": {"trc_units": units_note} if units_note else {}}
    return Keypoints(xy, conf, time_s, units=units, meta=meta)


__all__ = ["read_trc", "TrcChecks", "TRC_NAME_MAP", "KEYPOINT_NAMES"]
