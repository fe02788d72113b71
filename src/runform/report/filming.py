"""The report's "How this was filmed" panel, provenance, and filming advice.

Three things a clinician asks before trusting a number: how the clip was filmed (near side,
direction, frame rate, camera tilt, what the tool flagged, which contacts it left out), what
judged it (model, runform version, settings), and, when the view was poor, how to film the
next one better. Every quality flag the analysis can raise has a plain-words meaning here
(:data:`QUALITY_MEANING`); a test checks that none is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .. import __version__
from .cues import Thresholds

__all__ = ["QUALITY_MEANING", "FILMING_ADVICE", "FilmingPanel", "Provenance", "filming_panel", "provenance",
           "filming_advice"]

#: What each quality flag means for the results, in plain words.
QUALITY_MEANING = {
    "low_visibility": "The pose model was unsure of the legs: angles and events are noisier; angle-based cues are "
                      "withheld.",
    "far_leg_hidden": "The far leg is often hidden: trust the near-leg results more.",
    "legs_disagree": "The two legs' shin angles at contact differ more than a runner's legs do: the far leg is "
                     "probably measured wrong, so the session values are the near leg's; per-leg values are shown.",
    "not_side_on": "The camera is not side-on: sagittal angles are underestimated; angle-based cues are withheld.",
    "too_few_contacts_left": "Few left contacts: left-side medians are uncertain.",
    "too_few_contacts_right": "Few right contacts: right-side medians are uncertain.",
    "vertical_oscillation_uncertain": "The bounce read at the hips and at the head disagree: the vertical "
                                      "oscillation shown is not reliable here, and no cue is drawn from it.",
    "trc_units": "The TRC file's Units header did not fit the body size; distances were read in the unit that did.",
    "contacts_excluded": "Contacts no runner can produce (see the Contacts table) are left out of every median, cue "
                         "and verdict.",
    "slow_motion": "The clip's clock is not real time: every time, the cadence and the verdict wait for the right "
                   "--capture-fps; no cue is given.",
    "shin_from_landmarks": "The shin comes mostly from the pose model's knee and ankle points: no overstriding "
                           "verdict.",
    "camera_tilt_unknown": "Every angle may be turned by the camera's tilt: no overstriding verdict.",
    "camera_tilt_from_ground": "The true vertical was taken square to the ground line (no straight verticals in the "
                               "background): angles are good to a degree or two if the ground is level.",
    "contact_timing_estimated": "Contact times rest on an assumed delay, not on the foot seen touching down.",
    "tracking_jumps": "The pose jumped between people or across a cut: contacts near the jumps may be someone "
                      "else's.",
    "mirrored": "The file is shown mirrored by players; it was analysed as filmed.",
    "low_resolution": "The runner is small in the frame: angles are coarse; angle-based cues and the verdict are "
                      "withheld.",
    "frames_missing": "Part of the file could not be decoded: the results cover only what was read.",
    "overstride_model_missing": "The overstriding model could not be loaded: overstriding was judged by the shin-angle "
                                "and overstride bands instead.",
}

#: What to change when filming, per flag that a better clip would avoid.
FILMING_ADVICE = {
    "not_side_on": "Film square to the running direction: the phone's back parallel to the treadmill or track.",
    "low_visibility": "Light the runner from the camera's side and keep the whole body, feet included, in frame; "
                      "avoid baggy clothes over the knees.",
    "low_resolution": "Move closer or zoom so the runner fills at least half the frame height.",
    "far_leg_hidden": "Film a second clip from the other side to measure the far leg as well.",
    "legs_disagree": "Film a second clip from the other side to measure the far leg, with the camera at hip height "
                     "so the treadmill's deck does not hide the far foot.",
    "tracking_jumps": "Keep other people out of the frame and hold the phone still (tripod), without cuts.",
    "camera_tilt_unknown": "Keep straight verticals (a door, a wall edge) or the floor in view and hold the phone "
                           "level.",
    "shin_from_landmarks": "Film against a plain background with shorts or tights so the lower leg's outline shows.",
    "contact_timing_estimated": "Film at 60 fps or more, with the feet and the ground clearly visible.",
    "too_few_contacts_left": "Film at least 8-10 s of steady running.",
    "too_few_contacts_right": "Film at least 8-10 s of steady running.",
    "slow_motion": "Pass the real capture rate of a slow-motion clip with --capture-fps.",
    "frames_missing": "Re-export or copy the clip again: the file is truncated or damaged.",
}


@dataclass(frozen=True)
class FilmingPanel:
    """The "How this was filmed" panel.

    Attributes
    ----------
    rows : tuple of (str, str)
        Label and value: near side, direction, setting, frame rate, camera tilt.
    flags : tuple of (str, str, str)
        Flag name, the analysis's own sentence, and what it means for the results.
    excluded : tuple of (int, str, float, str)
        Contact number (as in the Contacts table), foot, time (s) and why it was left out.
    """

    rows: tuple
    flags: tuple
    excluded: tuple


@dataclass(frozen=True)
class Provenance:
    """What judged this clip: runform version, model, and settings that differ from the defaults."""

    version: str
    model: str
    settings: tuple


def _tilt(camera) -> str:
    if camera is None:
        return "not applicable (keypoint input)"
    if camera.source == "none":
        return "unknown (no straight verticals or ground line found); angles are measured from the image vertical"
    how = {"scene_verticals": f"{camera.lines} straight verticals of the background",
           "ground_line": "square to the ground line traced by the feet"}.get(camera.source, camera.source)
    pitch = f", looking {'up' if camera.pitch_deg > 0 else 'down'} {abs(camera.pitch_deg):.0f}°" \
        if camera.pitch_deg is not None else ""
    return (f"true vertical {camera.vertical_at_runner_deg:+.1f}° from the image's at the runner{pitch}; "
            f"from {how} ({camera.confidence} confidence)")


def filming_panel(analysis) -> FilmingPanel:
    """Build the panel from an :class:`~runform.pipeline.Analysis`."""
    g, inp = analysis.geometry, analysis.input
    fps = f"{inp.fps:.0f} fps"
    if inp.capture_fps and inp.file_fps:
        fps = f"{inp.capture_fps:g} fps captured, stored at {inp.file_fps:g} fps ({inp.capture_fps_source})"
    rows = (("Near side (nearer the camera)", g.near_side or "unknown"),
            ("Running direction in the picture", "to the right" if g.direction > 0 else "to the left"),
            ("Setting", "treadmill" if g.treadmill else "overground"),
            ("Frame rate", fps),
            ("Camera tilt", _tilt(analysis.camera)))
    flags = tuple((f, str(text), QUALITY_MEANING.get(f, "")) for f, text in analysis.quality.items())
    excluded = tuple((n, s.get("foot", "-"), float(s["ic_time_s"]), s.get("exclusion_reason") or "")
                     for n, s in enumerate(analysis.contacts, 1) if s.get("excluded"))
    return FilmingPanel(rows, flags, excluded)


def filming_advice(quality: dict) -> tuple[str, ...]:
    """Tips for a better clip, one per distinct problem flagged (empty when the view was fine)."""
    tips: list[str] = []
    for flag in quality:
        tip = FILMING_ADVICE.get(flag)
        if tip and tip not in tips:
            tips.append(tip)
    return tuple(tips)


def _model_text(overstriding: dict | None, quality: dict) -> str:
    if not overstriding or not overstriding.get("model"):
        why = "the model could not be loaded" if "overstride_model_missing" in quality else "no classifier was used"
        return f"shin-angle and overstride bands ({why})"
    m = overstriding["model"]
    from ..classify.model import default_model_path, sha256_file

    try:
        bundled = sha256_file(default_model_path()) == m.get("sha256")
    except OSError:
        bundled = False
    whose = "the bundled model" if bundled else "a clinic's own model"
    trained = f", trained {m['trained']}" if m.get("trained") else ""
    return (f"{whose} {m.get('file')} (sha256 {str(m.get('sha256'))[:12]}, card v{m.get('card_version')}{trained}, "
            f"threshold p = {float(m.get('threshold', 0.5)):.2f})")


def provenance(analysis, thresholds: Thresholds = Thresholds(), capture_fps: float | None = None) -> Provenance:
    """runform version, the overstriding model, and every setting that is not the default."""
    base = Thresholds()
    settings = [f"{f.name} = {getattr(thresholds, f.name)!r} (default {getattr(base, f.name)!r})"
                for f in fields(Thresholds) if getattr(thresholds, f.name) != getattr(base, f.name)]
    if capture_fps:
        settings.append(f"capture rate {capture_fps:g} fps")
    s = analysis.summary
    if s.get("overstride_cm") is not None and analysis.input.source_type != "trc":
        settings.append("runner height given (distances in cm)")
    if s.get("stiffness_unit") == "kN/m":
        settings.append("runner mass given (stiffness in kN/m)")
    return Provenance(__version__, _model_text(analysis.overstriding, analysis.quality),
                      tuple(settings) or ("defaults",))
