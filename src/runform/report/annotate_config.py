"""How the annotated video looks, and the band rules it shares with the report.

Kept apart from the drawing (:mod:`runform.report.overlay`) and the encode loop
(:mod:`runform.report.annotate`) so each can change without the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cues import Thresholds, band, is_overstride

__all__ = ["AnnotateConfig", "shin_band", "band_colour", "overstride_flagged", "counter_colour", "FAR_CONTACTS"]

#: How far-leg contacts are drawn: "bold" like the near leg, "quiet" (thin, small label, no
#: overstride marker: the far leg is the less reliable one) or "off".
FAR_CONTACTS = ("bold", "quiet", "off")


@dataclass(frozen=True)
class AnnotateConfig:
    """How the annotated video looks.

    Attributes
    ----------
    video_height : int or None
        Output height in pixels (aspect kept, both sides even); None keeps the source size.
    hold_s : float
        Seconds the contact overlay stays on screen after each initial contact (while the
        runner is still in the frame).
    freeze_s : float
        Seconds each counted contact's frame is held still (0 = off), so the shin angle can be
        read; the output gets longer by this much per contact.
    slowmo_replay : bool
        Replay the first near-leg contact at ``1 / slowmo_factor`` speed right after it.
    slowmo_window_s : float
        Seconds before and after the contact that the replay covers.
    slowmo_factor : int
        Each replayed frame is shown this many times.
    far_contacts : str
        ``"quiet"`` (default), ``"bold"`` or ``"off"``: see :data:`FAR_CONTACTS`.
    thresholds : Thresholds
        Shin-angle bands and the overstriding rule, shared with the cues and the report
        (:mod:`runform.report.cues`), so video and report never disagree.
    colour_ok, colour_warn, colour_bad : tuple of int
        RGB band colours.
    near_colour, far_colour : tuple of int
        RGB skeleton colours of the near and far limbs (drawn thin, under the measurements).
    crf : int
        x264 quality.
    preset : str
        x264 speed preset. ``superfast``: at 720p it encodes in about 60 % of ``veryfast``'s
        CPU time (11 vs 20 ms a frame on the 2-core test machine) for a file about 1.7 x larger
        (~3 Mbit/s at 60 fps); still H.264 High profile, yuv420p, faststart, which phones and
        browsers play. x264 threads itself over the cores.
    """

    video_height: int | None = 720
    hold_s: float = 0.6
    freeze_s: float = 0.0
    slowmo_replay: bool = False
    slowmo_window_s: float = 0.2
    slowmo_factor: int = 4
    far_contacts: str = "quiet"
    thresholds: Thresholds = Thresholds()
    colour_ok: tuple[int, int, int] = (40, 200, 80)
    colour_warn: tuple[int, int, int] = (255, 176, 0)
    colour_bad: tuple[int, int, int] = (235, 50, 50)
    near_colour: tuple[int, int, int] = (120, 220, 255)
    far_colour: tuple[int, int, int] = (150, 150, 150)
    crf: int = 23
    preset: str = "superfast"

    def __post_init__(self) -> None:
        if self.far_contacts not in FAR_CONTACTS:
            raise ValueError(f"far_contacts must be one of {FAR_CONTACTS}, got {self.far_contacts!r}")
        if not self.freeze_s >= 0 or not self.hold_s >= 0:
            raise ValueError("freeze_s and hold_s must be >= 0 seconds")


def shin_band(angle_deg: float | None, config: AnnotateConfig = AnnotateConfig()) -> str | None:
    """``"ok"``, ``"warn"`` or ``"bad"`` for a shin angle (None when unmeasured)."""
    return {"green": "ok", "amber": "warn", "red": "bad"}.get(band("shin_angle_ic_deg", angle_deg, config.thresholds))


def band_colour(angle_deg, config: AnnotateConfig) -> tuple[int, int, int]:
    """RGB colour of a shin angle's band (light grey when unmeasured)."""
    return {"ok": config.colour_ok, "warn": config.colour_warn, "bad": config.colour_bad}.get(
        shin_band(angle_deg, config), (200, 200, 200))


def overstride_flagged(stride: dict, config: AnnotateConfig = AnnotateConfig()) -> bool:
    """True when a contact counts as overstriding, by the same rule as the cues
    (:func:`runform.report.cues.is_overstride`); unjudgeable and excluded contacts count as not."""
    return bool(is_overstride(stride, config.thresholds))


def counter_colour(decision: dict, config: AnnotateConfig = AnnotateConfig()) -> tuple[int, int, int]:
    """The HUD's overstride counter colour: the session decision's, the same as the report's.

    Bad when the session verdict is "overstriding", ok when "not overstriding", white for
    every verdict that does not decide ("uncertain", "not enough contacts", "cannot judge").
    """
    word = (decision.get("session") or {}).get("verdict")
    return {"overstriding": config.colour_bad, "not overstriding": config.colour_ok}.get(word, (255, 255, 255))
