"""Is the clock right? Slow motion noticed from the step frequency.

A phone's slow-motion clip is often exported at 30 fps with no trace of its capture rate: read
in file time, a runner at 170 steps/min shows 43 (filmed at 120) or 21 (at 240) steps/min and
contacts of 1-2 s. No one runs like that, while the duty factor (contact / stride time) does not
depend on the clock at all, so a running duty factor with a walking-or-slower step rate means the
clock is slow. The factor that brings the cadence to a typical running cadence, rounded to a
common camera rate, is the likely capture rate; the analysis says which ``--capture-fps`` to pass
and withholds cues and the verdict until then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ClockCheck", "SlowMotion", "detect_slow_motion"]


@dataclass(frozen=True)
class ClockCheck:
    """When file time cannot be real time.

    Attributes
    ----------
    max_cadence_spm : float
        Below this many steps/min in file time the clip is suspect. Human running, even a slow
        jog, is above ~140 steps/min (Heiderscheit 2011; walking is 100-120).
    min_contact_time_s : float
        ... and the median contact longer than this, s. Running contacts are about 0.15-0.35 s
        (README, Accuracy); a 2x slow clip doubles them.
    min_contacts : int
        Fewest counted contacts for a verdict on the clock: a cadence from one or two steps
        (a short clip, contacts missed) says nothing about slow motion.
    max_cadence_without_contact_spm : float
        Below this cadence the step rate alone flags slow motion: nobody walks or runs steadily
        at fewer than 70 steps/min, and the contact times of such a clip are not trusted
        (toe-off windows are in file time, several times too short for a slowed contact).
    max_duty_factor : float
        ... and the median duty factor below this: running keeps a flight phase (duty factor
        < 0.5) whatever the clock, walking does not, so a slow walker is not called slow motion.
    target_cadence_spm : float
        Typical running cadence the capture rate is chosen to restore (165-180 steps/min is
        the usual range of recreational runners; the middle is taken).
    common_rates : tuple of float
        Capture rates phones and action cameras offer, Hz; the suggestion is one of these.
    """

    min_contacts: int = 4
    max_cadence_spm: float = 100.0
    min_contact_time_s: float = 0.45
    max_cadence_without_contact_spm: float = 70.0
    max_duty_factor: float = 0.5
    target_cadence_spm: float = 172.0
    common_rates: tuple[float, ...] = (30.0, 60.0, 120.0, 240.0, 480.0, 960.0)


@dataclass(frozen=True)
class SlowMotion:
    """A clip whose clock runs slow.

    Attributes
    ----------
    file_rate_hz : float
        The frame rate the analysis used (the file's, or the capture rate already applied).
    factor : float
        How much slower than real time the clip seems (target cadence / measured cadence).
    capture_fps : float
        The likely real capture rate, Hz (one of :attr:`ClockCheck.common_rates`).
    option : str
        What to pass, e.g. ``--capture-fps 240``.
    text : str
        The quality flag's sentence.
    """

    file_rate_hz: float
    factor: float
    capture_fps: float
    option: str
    text: str


def _likely_rate(rate: float, cadence: float, check: ClockCheck) -> float:
    """The common rate above ``rate`` whose implied cadence is closest to the target (in ratio)."""
    above = [r for r in check.common_rates if r > rate * 1.05] or [rate * check.target_cadence_spm / cadence]
    return min(above, key=lambda r: abs(math.log(cadence * r / rate / check.target_cadence_spm)))


def detect_slow_motion(summary: dict, rate_hz: float | None, source_type: str,
                       check: ClockCheck = ClockCheck()) -> SlowMotion | None:
    """A :class:`SlowMotion` when cadence and contact time are far outside human running.

    Parameters
    ----------
    summary : dict
        :func:`runform.metrics.summary.summarize` output (``cadence_spm``, ``contact_time_s``,
        ``duty_factor``, medians over the counted contacts).
    rate_hz : float or None
        The frame rate the times were measured at (video: the capture rate in use, else the
        file's; OpenPose: ``--keypoint-fps``).
    source_type : str
        ``video``, ``openpose`` or ``trc``: which option the suggestion names (a TRC's
        ``Time`` column is its own clock: the flag then asks to check it).

    Returns
    -------
    SlowMotion or None
    """
    cad, ct, df = (summary.get(k) for k in ("cadence_spm", "contact_time_s", "duty_factor"))
    if cad is None or not cad > 0 or cad >= check.max_cadence_spm:
        return None
    if (summary.get("n_contacts_counted") or 0) < check.min_contacts:
        return None
    # Below max_cadence_without_contact_spm no human gait, walking included, is left: the step
    # rate alone decides. Contact times are then not trusted either: the event windows are in
    # seconds of file time, several times too short for a slowed contact.
    if cad >= check.max_cadence_without_contact_spm:
        if ct is None or ct <= check.min_contact_time_s:
            return None
        if df is not None and df >= check.max_duty_factor:
            return None
    factor = check.target_cadence_spm / cad
    contacts = f" with {ct * 1000:.0f} ms contacts" if ct is not None else ""
    seen = f"{cad:.0f} steps/min{contacts} is not human running in real time"
    if not rate_hz or not math.isfinite(rate_hz) or source_type == "trc":
        return SlowMotion(float(rate_hz or float("nan")), factor, float("nan"), "",
                          f"{seen}: the clock looks about {factor:.0f}x slow; check the file's Time column")
    likely = _likely_rate(float(rate_hz), cad, check)
    option = f"--{'keypoint' if source_type == 'openpose' else 'capture'}-fps {likely:g}"
    text = (f"{seen}: this looks like slow motion about {factor:.1f}x slower than real time "
            f"(filmed at about {likely:g} fps, played at {rate_hz:.4g}); run again with {option}. Cues and the "
            "overstriding verdict are withheld until the clock is right")
    return SlowMotion(float(rate_hz), factor, float(likely), option, text)
