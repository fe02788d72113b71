"""Gait events (initial contact, toe-off) from 2D kinematics alone.

Method (chosen by measurement against force-plate events, see
``scripts/validate_mocap.py``):

* **Video** (keypoints with a measured sole, ``ic_method="auto"``): each contact is anchored on
  the heel's forward peak (below) and timed where the sole meets and leaves the ground
  (:mod:`runform.gait.contact`); a landing the sole does not show takes the runner's own median
  delay from the peak. The rest of this docstring is the motion-capture path.
* **Initial contact (IC)**: the forward peak of the heel relative to the pelvis
  in the running direction (Zeni et al. 2008), refined to sub-frame time by a
  parabola through the peak sample, plus a fixed delay ``ic_offset_s``. On running
  the heel's forward excursion peaks slightly *before* touchdown; the delay was
  measured as 27.7 ms (RBDS001 treadmill, forefoot/midfoot) and 23.3 ms (movetru
  P01 overground, rearfoot), identical at 150/100, 60 and 30 Hz. Foot-height
  thresholds and heel/toe vertical-acceleration peaks were also tried; they were
  either strike-pattern dependent (a 1 % leg threshold: 2 ms error rearfoot,
  +27 ms forefoot) or unreliable at 30 Hz.
* **Toe-off (TO)**, two methods (``to_method``):

  - ``"toe_rise"``: the toe rising ``to_height_frac`` leg lengths above its lowest
    point during the stance (linear interpolation between frames), searched after
    IC. Right for motion-capture markers (3-13 ms median error on force plates).
  - ``"toe_back_peak"``: Zeni's backward peak of the toe relative to the pelvis plus
    ``to_zeni_offset_s`` (-105 ms, measured on both mocap trials). Used for
    pose-estimated keypoints: MediaPipe's toe point rises with the heel long before
    the toe leaves the ground, so the toe-rise read TO 100-150 ms early on every
    rendered sample; the backward peak reads it about 40 ms early there.

  ``"auto"`` (default) takes ``toe_rise`` for keypoints in metres or millimetres
  (motion capture) and ``toe_back_peak`` for pixels (video). Either falls back to
  the other when it finds nothing.

Heights use image coordinates (y down): height = -y. Works in any units, since
thresholds scale with the leg length, and on treadmill and overground alike,
since only positions relative to the pelvis or to the foot's own minimum enter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, find_peaks, sosfiltfilt

from ..geometry import leg_length, pelvis
from ..keypoints import Keypoints
from .contact import GroundLine, TouchConfig, ground_line, liftoff_time, touchdown_time


TO_METHODS = ("auto", "toe_rise", "toe_back_peak")
IC_METHODS = ("auto", "sole", "heel_peak")


@dataclass(frozen=True)
class EventConfig:
    """Settings for :func:`detect_stances`.

    Attributes
    ----------
    cutoff_hz : float
        Low-pass cut-off (Hz, 2nd-order zero-lag Butterworth) applied to the
        horizontal foot-minus-pelvis signals; capped at 40 % of the frame rate.
    height_cutoff_hz : float
        Low-pass cut-off (Hz) for the toe height used for TO; capped likewise.
    min_step_s : float
        Minimum time (s) between two ICs of the same foot.
    prominence_frac : float
        Minimum peak prominence of the foot-minus-pelvis signal, as a fraction
        of the leg length.
    ic_offset_s : float
        Delay (s, positive = later) from the heel's forward peak to IC.
    to_height_frac : float
        Toe rise above its stance minimum (fraction of leg length) that marks TO.
    to_zeni_offset_s : float
        Fallback: delay (s; negative = earlier) from the toe's backward peak to TO.
    max_contact_s : float
        Longest stance (s) searched for TO after IC.
    to_method : str
        ``"auto"``, ``"toe_rise"`` or ``"toe_back_peak"`` (see the module docstring).
    min_heel_ahead_frac : float
        Lowest heel position relative to the pelvis (fraction of leg length, + = ahead)
        at a forward peak that counts as a contact. Runners land with the heel ahead of
        the hip; a "peak" behind it is a left/right swap of the pose model (seen at
        -15 to -31 % leg on the rendered samples).
    ic_method : str
        ``"auto"``/``"sole"``: IC and TO where the sole is seen to meet and leave the ground
        (:mod:`runform.gait.contact`; video), else the heel peak plus ``ic_offset_s``;
        ``"heel_peak"``: always the latter.
    min_sole_fraction : float
        Fewest frames (fraction) with a measured sole for the sole to be used for a foot.
    min_seen_landings : int
        Landings seen on the sole needed before unseen ones take the runner's own median
        delay from the heel's forward peak instead of ``ic_offset_s``.
    touch : TouchConfig
        Settings of the sole-based events.
    """

    cutoff_hz: float = 6.0
    height_cutoff_hz: float = 12.0
    min_step_s: float = 0.4
    prominence_frac: float = 0.2
    ic_offset_s: float = 0.025
    to_height_frac: float = 0.0125
    to_zeni_offset_s: float = -0.105
    max_contact_s: float = 0.6
    to_method: str = "auto"
    min_heel_ahead_frac: float = 0.0
    ic_method: str = "auto"
    min_sole_fraction: float = 0.5
    min_seen_landings: int = 4
    touch: TouchConfig = TouchConfig()

    def __post_init__(self) -> None:
        if self.ic_method not in IC_METHODS:
            raise ValueError(f"ic_method must be one of {IC_METHODS}, got {self.ic_method!r}")
        if self.to_method not in TO_METHODS:
            raise ValueError(f"to_method must be one of {TO_METHODS}, got {self.to_method!r}")


@dataclass(frozen=True)
class Stance:
    """One foot contact.

    Attributes
    ----------
    foot : str
        ``"left"`` or ``"right"``.
    ic_index, to_index : int, int or None
        Frame nearest to initial contact / toe-off (None when TO not found).
    ic_time_s, to_time_s : float, float or None
        Sub-frame event times (s) on the keypoints' clock.
    ic_evidence : str
        What decided IC: ``"sole_touch"`` (the sole's descent met the ground, video),
        ``"heel_peak_runner_delay"`` (the heel's forward peak plus this runner's median
        delay to the landings seen) or ``"heel_peak_offset"`` (the peak plus ``ic_offset_s``).
    to_evidence : str or None
        ``"sole_lift"``, ``"toe_rise"`` or ``"toe_back_peak_offset"``; None without TO.
    """

    foot: str
    ic_index: int
    to_index: int | None
    ic_time_s: float
    to_time_s: float | None
    ic_evidence: str = "heel_peak_offset"
    to_evidence: str | None = None


def _fill(x: np.ndarray) -> np.ndarray | None:
    """Linearly fill NaNs (edges held); None when fewer than 4 finite samples."""
    ok = np.isfinite(x)
    if ok.sum() < 4:
        return None
    idx = np.arange(x.size)
    return np.interp(idx, idx[ok], x[ok])


def _lowpass(x: np.ndarray, fs: float, cutoff_hz: float) -> np.ndarray:
    fc = min(cutoff_hz, 0.4 * fs)
    sos = butter(2, fc / (fs / 2.0), output="sos")
    if x.size <= 3 * (2 * sos.shape[0] + 1):
        return x
    return sosfiltfilt(sos, x)


def _parabolic_time(t: np.ndarray, y: np.ndarray, i: int) -> float:
    """Sub-frame time of the peak at sample ``i`` by a parabola through i-1, i, i+1."""
    if 0 < i < y.size - 1:
        a, b, c = y[i - 1], y[i], y[i + 1]
        den = a - 2.0 * b + c
        if den < 0:
            off = float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))
            dt = t[i + 1] - t[i] if off > 0 else t[i] - t[i - 1]
            return float(t[i] + off * dt)
    return float(t[i])


def _rise_time(t: np.ndarray, h: np.ndarray, i0: int, i1: int, rise: float) -> float | None:
    """First time after the minimum of ``h[i0:i1+1]`` at which h exceeds min + rise."""
    if i1 - i0 < 2:
        return None
    j = i0 + int(np.argmin(h[i0:i1 + 1]))
    level = h[j] + rise
    above = np.nonzero(h[j:i1 + 1] > level)[0]
    if above.size == 0:
        return None
    k = j + int(above[0])
    a, b = h[k - 1], h[k]
    return float(t[k - 1] + (level - a) / (b - a) * (t[k] - t[k - 1]))


def _back_peak_time(t: np.ndarray, toe_x: np.ndarray | None, backs: np.ndarray, ic: float, until: float,
                    offset_s: float) -> float | None:
    """TO from the first backward toe peak after ``ic`` (up to ``until``) plus ``offset_s``."""
    if toe_x is None:
        return None
    later = backs[(t[backs] > ic) & (t[backs] <= until)]
    if not later.size:
        return None
    to = _parabolic_time(t, -toe_x, int(later[0])) + offset_s
    return to if to > ic else None


def _nearest_index(t: np.ndarray, time_s: float) -> int:
    return int(np.argmin(np.abs(t - time_s)))


@dataclass(frozen=True)
class _FootSignals:
    """One foot's event signals: heel forward peaks and the toe's signals for TO."""

    side: str
    peaks: np.ndarray
    heel_x: np.ndarray
    toe_x: np.ndarray | None
    backs: np.ndarray
    toe_h: np.ndarray | None
    sole: np.ndarray | None


def _foot_signals(kp: Keypoints, side: str, direction: int, leg: float, cfg: EventConfig) -> _FootSignals | None:
    fs = kp.fps
    pel = pelvis(kp)[:, 0]
    heel_x = _fill(direction * (kp.point(f"{side}_heel")[:, 0] - pel))
    toe_x = _fill(direction * (kp.point(f"{side}_toe")[:, 0] - pel))
    toe_h = _fill(-kp.point(f"{side}_toe")[:, 1])
    if heel_x is None:
        return None
    heel_x = _lowpass(heel_x, fs, cfg.cutoff_hz)
    dist = max(1, int(round(cfg.min_step_s * fs)))
    peaks, _ = find_peaks(heel_x, distance=dist, prominence=cfg.prominence_frac * leg,
                          height=cfg.min_heel_ahead_frac * leg)
    backs = np.array([], dtype=int)
    if toe_x is not None:
        toe_x = _lowpass(toe_x, fs, cfg.cutoff_hz)
        backs, _ = find_peaks(-toe_x, distance=dist, prominence=cfg.prominence_frac * leg)
    if toe_h is not None:
        toe_h = _lowpass(toe_h, fs, cfg.height_cutoff_hz)
    # The sole's height, placed along the ground at the heel (for the ground line): the
    # lowest silhouette point jumps between heel and toe as the foot flattens.
    sole = np.column_stack([kp.point(f"{side}_heel")[:, 0], kp.point(f"{side}_sole")[:, 1]])
    seen = np.isfinite(sole[:, 1]).mean() if len(kp) else 0.0
    return _FootSignals(side, peaks, heel_x, toe_x, backs, toe_h, sole if seen >= cfg.min_sole_fraction else None)


def _touches(kp: Keypoints, sig: _FootSignals, leg: float, cfg: EventConfig,
             ground: GroundLine | None) -> list[tuple[float, float | None]]:
    """(heel forward peak, sole touchdown or None) per contact of one foot (s)."""
    t = kp.time_s
    use_sole = sig.sole is not None and cfg.ic_method in ("auto", "sole")
    slope = ground.slope if ground is not None else 0.0
    out = []
    for p in sig.peaks:
        peak = _parabolic_time(t, sig.heel_x, int(p))
        out.append((peak, touchdown_time(t, sig.sole, peak, leg, cfg.touch, slope) if use_sole else None))
    return out


def _ground(kp: Keypoints, signals: list[_FootSignals], leg: float, config: EventConfig) -> GroundLine | None:
    """The ground line traced by both feet's soles in stance."""
    soles = [(sig.sole, _parabolic_time(kp.time_s, sig.heel_x, int(p)))
             for sig in signals if sig.sole is not None for p in sig.peaks]
    return ground_line(kp.time_s, soles, leg, config.touch) if soles else None


def _foot_stances(kp: Keypoints, sig: _FootSignals, touches: list[tuple[float, float | None]], delay: float,
                  delay_evidence: str, leg: float, cfg: EventConfig) -> list[Stance]:
    t = kp.time_s
    to_method = cfg.to_method
    if to_method == "auto":
        to_method = "toe_rise" if kp.units in ("m", "mm") else "toe_back_peak"
    stances = []
    for n, (peak, touch) in enumerate(touches):
        ic, ic_evidence = (touch, "sole_touch") if touch is not None else (peak + delay, delay_evidence)
        if ic > t[-1]:
            continue
        i_ic = _nearest_index(t, ic)
        end_t = min(ic + cfg.max_contact_s, t[-1])
        if n + 1 < len(sig.peaks):
            end_t = min(end_t, t[sig.peaks[n + 1]])
        i_end = int(np.searchsorted(t, end_t, side="right") - 1)
        to, to_evidence = None, None
        if touch is not None:
            to = liftoff_time(t, sig.sole, ic, end_t, cfg.touch)
            to_evidence = "sole_lift" if to is not None else None
        if to is None:
            rise = None
            if sig.toe_h is not None and i_end > i_ic:
                rise = _rise_time(t, sig.toe_h, i_ic, i_end, cfg.to_height_frac * leg)
            back = _back_peak_time(t, sig.toe_x, sig.backs, ic, end_t + 0.2, cfg.to_zeni_offset_s)
            first, second = (rise, back) if to_method == "toe_rise" else (back, rise)
            to = first if first is not None else second
            if to is not None:
                to_evidence = ("toe_rise" if to == rise else "toe_back_peak_offset")
        i_to = _nearest_index(t, to) if to is not None else None
        stances.append(Stance(sig.side, i_ic, i_to, float(ic), to, ic_evidence, to_evidence))
    return stances


def detect_stances(kp: Keypoints, direction: int, config: EventConfig = EventConfig()) -> list[Stance]:
    """Detect stance phases of both feet from keypoints.

    Parameters
    ----------
    kp : Keypoints
        Keypoints (x right, y down) in any units; needs pelvis or hips, heels, toes.
    direction : int
        +1 when the runner faces +x (image right), -1 toward -x.
    config : EventConfig
        Detection settings.

    Returns
    -------
    list of Stance
        Sorted by IC time. Empty when the clip is too short or the feet are missing.
    """
    if len(kp) < 4 or direction not in (1, -1):
        return []
    leg = leg_length(kp)
    if not np.isfinite(leg) or leg <= 0:
        return []
    signals = [sig for side in ("left", "right") if (sig := _foot_signals(kp, side, direction, leg, config))]
    ground = _ground(kp, signals, leg, config)
    touches = [_touches(kp, sig, leg, config, ground) for sig in signals]
    # Contacts whose landing the sole does not show take this runner's own delay from the
    # heel's forward peak to touchdown (retraction timing is consistent step to step), when
    # enough landings were seen; else the fixed delay fitted on motion capture.
    seen = [touch - peak for foot in touches for peak, touch in foot if touch is not None]
    if len(seen) >= config.min_seen_landings:
        delay, evidence = float(np.median(seen)), "heel_peak_runner_delay"
    else:
        delay, evidence = config.ic_offset_s, "heel_peak_offset"
    out = []
    for sig, foot in zip(signals, touches):
        out.extend(_foot_stances(kp, sig, foot, delay, evidence, leg, config))
    return sorted(out, key=lambda s: s.ic_time_s)


def trace_ground(kp: Keypoints, direction: int, config: EventConfig = EventConfig()) -> GroundLine | None:
    """The ground line traced by the soles in stance; None without sole evidence (e.g. TRC)."""
    leg = leg_length(kp)
    if len(kp) < 4 or direction not in (1, -1) or not np.isfinite(leg) or leg <= 0:
        return None
    signals = [sig for side in ("left", "right") if (sig := _foot_signals(kp, side, direction, leg, config))]
    return _ground(kp, signals, leg, config)


__all__ = ["EventConfig", "Stance", "detect_stances", "trace_ground", "TO_METHODS", "IC_METHODS"]
