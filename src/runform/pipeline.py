"""The analysis pipeline: keypoints -> clean signals -> true vertical -> gait events -> per-stride metrics.

Only :func:`load_keypoints` reads keypoints from files; :func:`analyze_keypoints` is pure.
For video, the pose pass has already measured the silhouette points
(:mod:`runform.pose.silhouette`) and the scene verticals (:mod:`runform.camera.verticals`);
the keypoints are turned so that the true vertical at the runner is the image vertical
(:mod:`runform.camera.tilt`) before any event or angle is measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .camera import CameraConfig, CameraEstimate, SceneVerticals, estimate_camera, level_keypoints
from .errors import InputNotFound, NotEnoughData, RunnerPointError, UnreadableInput
from .gait.events import EventConfig, detect_stances, trace_ground
from .geometry import RunnerGeometry, estimate_geometry, pelvis, running_direction
from .keypoints import Keypoints
from .metrics.clock import ClockCheck, detect_slow_motion
from .metrics.contact import Contact
from .metrics.oscillation import OscillationConfig, vertical_oscillation
from .metrics.plausibility import ContactBounds, counted, judge_plausibility
from .metrics.proxies import arm_and_shoulder, leg_stiffness, stance_speed, vertical_stiffness
from .metrics.stance import stance_metrics
from .metrics.summary import QualityConfig, quality_flags, summarize
from .signals.cleaning import SignalConfig, clean_keypoints

#: Thigh + shank as a fraction of standing height (Winter 2009 segment tables:
#: 0.245 H + 0.246 H), used to turn leg length into centimetres when height is given.
LEG_FRACTION_OF_HEIGHT = 0.491
#: Morin's leg length (great trochanter to ground, 0.53 x height) over thigh + shank.
MORIN_LEG_PER_THIGH_SHANK = 0.53 / LEG_FRACTION_OF_HEIGHT


@dataclass(frozen=True)
class RunnerInfo:
    """What the user may tell us about the runner (all optional)."""

    height_cm: float | None = None
    mass_kg: float | None = None


@dataclass(frozen=True)
class AnalysisConfig:
    """All analysis settings; the defaults work for a side-on phone video."""

    signals: SignalConfig = SignalConfig()
    events: EventConfig = EventConfig()
    quality: QualityConfig = QualityConfig()
    runner: RunnerInfo = RunnerInfo()
    capture_fps: float | None = None
    openpose_fps: float = 30.0
    #: ``--runner x,y``: the runner in the first frame (pixels as shown), for video and OpenPose
    #: input with several people in view (:mod:`runform.pose.runner`).
    runner_xy: tuple[float, float] | None = None
    #: Overstriding model (ONNX + card). None = the bundled model; a missing bundled model only
    #: adds a quality note, while a missing or corrupt model given here is a ModelError.
    model_path: Path | None = None
    #: False skips the classifier (e.g. while building training data).
    use_model: bool = True
    #: True vertical at the runner (video input).
    camera: CameraConfig = CameraConfig()
    #: Physical bounds a contact must meet to count (:mod:`runform.metrics.plausibility`).
    contacts: ContactBounds = ContactBounds()
    #: When the bounce read at the pelvis and at the head count as one (:mod:`runform.metrics.oscillation`).
    oscillation: OscillationConfig = OscillationConfig()
    #: When file time cannot be real time (:mod:`runform.metrics.clock`).
    clock: ClockCheck = ClockCheck()
    #: Fewer contacts found than this is NotEnoughData: one contact has no step, no cadence
    #: and no median worth the name. (Contacts found but all implausible still give a result,
    #: every one marked excluded, with "cannot judge": the report then shows what was seen.)
    min_contacts: int = 2
    #: Processes running pose on segments of a video at once (:mod:`runform.pose.segments`);
    #: None: one per core. A batch running several inputs at once gives each one 1.
    pose_workers: int | None = None
    #: Longest side (px) of the frames MediaPipe sees (:attr:`runform.pose.mediapipe_pose.PoseConfig.max_side`);
    #: None: full size.
    pose_max_side: int | None = None


@dataclass(frozen=True)
class InputInfo:
    """What was read. ``fps`` and ``duration_s`` are in real time (after ``capture_fps``)."""

    path: str
    source_type: str  # "video", "trc" or "openpose"
    fps: float
    frame_count: int
    duration_s: float
    rotation: int = 0
    width: int | None = None
    height: int | None = None
    #: Video: the real capture rate used for a slow-motion clip (Hz), None when the file's
    #: own rate is real time; ``capture_fps_source`` says where it came from ("option" for
    #: ``--capture-fps``, "file metadata" for e.g. Android's ``com.android.capture.fps``).
    capture_fps: float | None = None
    capture_fps_source: str | None = None
    #: Video: the file's own frame rate (Hz), before any capture rate.
    file_fps: float | None = None
    #: Video: the display matrix mirrors the picture; frames were read unmirrored (as filmed).
    mirrored: bool = False

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Analysis:
    """The result of one analysis."""

    input: InputInfo
    keypoints: Keypoints
    geometry: RunnerGeometry
    #: One record per foot contact, in time order (excluded ones included, marked).
    contacts: tuple[Contact, ...]
    summary: dict
    quality: dict
    proxies: dict = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict)
    #: Overstriding verdict (see :func:`runform.classify.model.verdict`) plus ``model``
    #: (file, sha256, card_version); None when no model was used.
    overstriding: dict | None = None
    #: The camera's tilt and the true vertical the angles were measured from (video only).
    camera: CameraEstimate | None = None
    #: Cleaned keypoints in the image's own frame, for drawing on the video; ``keypoints``
    #: are the same turned to the true vertical (identical when no tilt was corrected).
    image_keypoints: Keypoints | None = None

    @property
    def drawn_keypoints(self) -> Keypoints:
        """Keypoints in the video's pixel frame."""
        return self.image_keypoints if self.image_keypoints is not None else self.keypoints


def source_type(path: Path) -> str:
    """``trc``, ``openpose`` (a folder of ``*_keypoints.json``) or ``video``."""
    if path.is_dir():
        return "openpose"
    if path.suffix.lower() == ".trc":
        return "trc"
    return "video"


def load_keypoints(path: Path, config: AnalysisConfig, cache_dir: Path | None = None,
                   progress: Callable[[int, int], None] | None = None) -> tuple[Keypoints, InputInfo]:
    """Read keypoints from a TRC, an OpenPose folder or (via MediaPipe) a video."""
    path = Path(path)
    if not path.exists():
        raise InputNotFound(f"input not found: {path}")
    kind = source_type(path)
    if kind != "openpose" and not path.is_file():  # a FIFO would block the reader forever
        raise UnreadableInput(f"not a regular file: {path} (a pipe, socket or device cannot be analysed)")
    if kind == "trc":
        if config.runner_xy is not None:
            raise RunnerPointError(f"--runner picks one of several people in a video or OpenPose folder; "
                                   f"{path.name} is a TRC file, which holds one person")
        from .io.trc import read_trc

        kp = read_trc(path)
        info = InputInfo(str(path), kind, kp.fps, len(kp), float(kp.time_s[-1] - kp.time_s[0]) if len(kp) else 0.0)
        return kp, info
    if kind == "openpose":
        from .io.openpose import read_openpose_folder

        kp = read_openpose_folder(path, fps=config.openpose_fps, start_xy=config.runner_xy)
        w, h = kp.image_size or (None, None)
        info = InputInfo(str(path), kind, kp.fps, len(kp), float(kp.time_s[-1]) if len(kp) else 0.0, width=w, height=h)
        return kp, info
    from .io.video import capture_rate, probe_video
    from .pose.cache import load_or_estimate_pose
    from .pose.mediapipe_pose import PoseConfig, estimate_pose

    vinfo = probe_video(path)
    capture, capture_source = capture_rate(vinfo, config.capture_fps)  # refuses a rate below the file's
    if cache_dir is None:
        kp = estimate_pose(path, capture, PoseConfig(max_side=config.pose_max_side), progress,
                           workers=config.pose_workers, runner_xy=config.runner_xy)
    else:
        kp = load_or_estimate_pose(path, Path(cache_dir) / "pose.npz", capture, PoseConfig(max_side=config.pose_max_side),
                                   progress, workers=config.pose_workers, runner_xy=config.runner_xy)
    duration = float(kp.time_s[-1] - kp.time_s[0]) if len(kp) > 1 else 0.0
    kp = _note_missing_frames(kp, vinfo.frame_count)
    info = InputInfo(str(path), kind, round(kp.fps, 6), len(kp), duration, rotation=vinfo.rotation,
                     width=vinfo.width, height=vinfo.height, capture_fps=capture, capture_fps_source=capture_source,
                     file_fps=round(vinfo.fps, 6), mirrored=vinfo.mirrored)
    return kp, info


#: Share of the frames a video's header announces that must decode; fewer means a truncated or
#: corrupt file (the gap has no contacts, and what was read may end mid-stride).
MIN_DECODED_SHARE = 0.9


def _note_missing_frames(kp: Keypoints, announced: int) -> Keypoints:
    """Add a ``frames_missing`` quality note when far fewer frames decoded than the header announces."""
    if not announced or len(kp) >= MIN_DECODED_SHARE * announced:
        return kp
    notes = dict(kp.meta.get("quality") or {})
    notes["frames_missing"] = (f"only {len(kp)} of the {announced} frames the file announces could be decoded (a "
                               "truncated or corrupt file); the results cover what was read")
    return Keypoints(kp.xy, kp.confidence, kp.time_s, units=kp.units, image_size=kp.image_size,
                     meta={**kp.meta, "quality": notes})


def _centimetres_per_unit(kp: Keypoints, geom: RunnerGeometry, runner: RunnerInfo) -> float | None:
    if kp.units == "m":
        return 100.0
    if kp.units == "mm":
        return 0.1
    if runner.height_cm and geom.leg_length > 0:
        return LEG_FRACTION_OF_HEIGHT * runner.height_cm / geom.leg_length
    return None


def analyze_keypoints(kp: Keypoints, info: InputInfo, config: AnalysisConfig = AnalysisConfig()) -> Analysis:
    """Run every stage after pose estimation.

    Every contact is checked against running physics (:mod:`runform.metrics.plausibility`);
    the implausible ones keep their rows, marked ``excluded`` with the reason, and are left
    out of the summary, the quality counts and the overstriding verdict.

    Raises
    ------
    NotEnoughData
        When fewer than ``config.min_contacts`` foot contacts can be found.
    """
    signals = config.signals
    if info.source_type == "trc":
        # Motion capture is already filtered and has no left/right label swaps.
        signals = SignalConfig(cutoff_hz=None, fix_swaps=False, max_gap_s=signals.max_gap_s, foot_spike_leg=None)
    image, diag = clean_keypoints(kp, signals)
    camera = _camera(kp, image, config) if info.source_type == "video" else None
    clean = level_keypoints(image, camera.vertical_at_runner_deg, camera.runner_xy) if camera else image
    geom = estimate_geometry(clean)
    stances = detect_stances(clean, geom.direction, config.events)
    if not stances:
        raise NotEnoughData(f"no foot contacts found in {Path(info.path).name}: is a runner's whole leg in view, side-on?")
    cm = _centimetres_per_unit(clean, geom, config.runner)
    contacts = [_with_scale(c, clean, geom, cm, config.runner) for c in stance_metrics(clean, geom, stances)]
    if len(contacts) < config.min_contacts:
        raise NotEnoughData(f"only {len(contacts)} foot contact found in {Path(info.path).name} "
                            f"({info.duration_s:.1f} s): film at least 8-10 s of steady running, side-on, whole body in view")
    contacts = judge_plausibility(contacts, clean, geom, config.contacts)
    valid = counted(contacts)
    camera_view = info.source_type in ("video", "openpose")
    summary = summarize(contacts, geom.near_side if camera_view else None)
    proxies = arm_and_shoulder(clean, geom.near_side)
    summary.update(proxies)
    quality = quality_flags(kp, geom, contacts, config.quality, summary)
    quality.update(kp.meta.get("quality") or {})  # the reader's notes, e.g. TRC units overruled
    diag["leg_length"] = geom.leg_length
    if camera_view:
        _bounce_flag(clean, geom, valid, config.oscillation, quality, diag)
    if info.source_type == "video":
        _evidence_flags(valid, camera, config.camera, quality)
        if info.mirrored:
            quality["mirrored"] = ("the file asks players to show the picture mirrored; it was analysed as filmed "
                                   "(unmirrored), so left and right are the runner's own")
    _clock_flag(summary, info, config.clock, quality, diag)
    diag["centimetres_per_unit"] = cm
    # Legs that disagree (metrics.summary.legs_disagree): the near leg's contacts decide.
    session_foot = geom.near_side if "legs_disagree" in quality else None
    contacts, overstriding = _classify_overstriding(contacts, geom.leg_length, cm, config, quality, session_foot)
    return Analysis(info, clean, geom, contacts, summary, quality, proxies, diag, overstriding, camera,
                    image if clean is not image else None)


def _with_scale(c: Contact, kp: Keypoints, geom: RunnerGeometry, cm: float | None, runner: RunnerInfo) -> Contact:
    """The contact with what needs a scale or a mass: speed, stiffness, centimetres.

    Morin's stiffnesses scale with mass: per kg always, absolute kN/m only when the mass is
    known, so a column never changes its unit with ``--mass-kg``.
    """
    mass = runner.mass_kg
    speed = stance_speed(kp, c.foot, c.ic_time_s, c.contact_time_s)
    speed_m_s = round(speed * cm / 100, 3) if (speed and cm) else None
    morin_leg_m = geom.leg_length * cm / 100 * MORIN_LEG_PER_THIGH_SHANK if cm else None
    k_leg = leg_stiffness(c.contact_time_s, c.flight_time_s, speed_m_s, morin_leg_m)
    k_vert = vertical_stiffness(c.contact_time_s, c.flight_time_s)
    over_cm = c.overstride_cm
    if over_cm is None and cm and c.overstride_pct_leg is not None:
        over_cm = round(c.overstride_pct_leg / 100 * geom.leg_length * cm, 2)
    vo = c.vertical_oscillation_pct_leg
    return c.with_values(
        speed_m_s=speed_m_s, overstride_cm=over_cm,
        leg_stiffness_kn_m_kg=round(k_leg, 5) if k_leg else None,
        leg_stiffness_kn_m=round(k_leg * mass, 3) if (k_leg and mass) else None,
        vertical_stiffness_kn_m_kg=k_vert, vertical_stiffness_kn_m=k_vert * mass if (k_vert and mass) else None,
        vertical_oscillation_cm=vo / 100 * geom.leg_length * cm if (cm and vo is not None) else None)


def _bounce_flag(kp: Keypoints, geom: RunnerGeometry, contacts: list, config: OscillationConfig, quality: dict,
                 diag: dict) -> None:
    """``vertical_oscillation_uncertain`` when the pelvis and the head disagree on the bounce per step.

    A camera sees landmarks, not the centre of mass; the pelvis's ride on the swinging thighs
    (:mod:`runform.metrics.oscillation`). Motion-capture markers are not checked.
    """
    bounce = vertical_oscillation(kp.time_s, pelvis(kp)[:, 1], kp.point("head")[:, 1],
                                  np.array([c.ic_time_s for c in contacts]), geom.leg_length, config)
    diag["vertical_oscillation_readings"] = {
        "pelvis_pct_leg": bounce.pelvis_pct_leg, "head_pct_leg": bounce.head_pct_leg, "steps": bounce.steps,
        "disagreement": bounce.disagreement, "agree": bounce.agree}
    if bounce.agree:
        return
    if bounce.pelvis_pct_leg is not None and bounce.head_pct_leg is not None:
        why = (f"the pelvis rises and falls {bounce.pelvis_pct_leg:.1f} % leg per step and the head "
               f"{bounce.head_pct_leg:.1f} % ({bounce.disagreement:.0%} apart over {bounce.steps} steps); "
               "the two ride on one trunk, so at least one landmark is off")
    else:
        why = "the bounce could not be read from both the pelvis and the head"
    quality["vertical_oscillation_uncertain"] = why + ": vertical oscillation is not validated on this clip"


def _camera(kp: Keypoints, image: Keypoints, config: AnalysisConfig) -> CameraEstimate:
    """The true vertical at the runner from the pose pass's scene verticals and the ground line."""
    found = kp.meta.get("scene_verticals")
    verticals = SceneVerticals.from_dict(found) if found else None
    ground = trace_ground(image, running_direction(image), config.events)
    return estimate_camera(image, verticals, ground.angle_deg if ground else None, config.camera)


def _evidence_flags(contacts: list[dict], camera: CameraEstimate | None, config: CameraConfig,
                    quality: dict) -> None:
    """Quality flags for video measurements that fell back to weaker evidence."""
    n = len(contacts)
    sil = sum(s.get("shin_angle_source") == "silhouette" for s in contacts)
    if n and sil < 0.5 * n:
        quality["shin_from_landmarks"] = (
            f"the shin was measured on the silhouette at only {sil} of {n} contacts; the rest use MediaPipe's "
            "knee and ankle points, which scatter by about 5 deg at contact on real video")
    touch = sum(s.get("ic_evidence") == "sole_touch" for s in contacts)
    if n and touch < 0.5 * n:
        quality["contact_timing_estimated"] = (
            f"the foot was seen touching the ground at only {touch} of {n} contacts; the rest are timed from the "
            "heel's forward swing plus a fixed delay, which is early for runners who pull the foot back before landing")
    if camera is None:
        return
    if camera.source == "none" and camera.ground_line_deg is not None \
            and abs(camera.ground_line_deg) > config.large_tilt_deg:
        quality["camera_tilt_unknown"] = (
            f"{camera.note}; a camera tilt of that size turns every angle by as much: film with the phone level")
    elif camera.source == "ground_line":
        quality["camera_tilt_from_ground"] = camera.note


def _clock_flag(summary: dict, info: InputInfo, check: ClockCheck, quality: dict, diag: dict) -> None:
    """``slow_motion`` when cadence and contact time in file time are not human running."""
    rate = info.capture_fps or info.fps
    slow = detect_slow_motion(summary, rate, info.source_type, check)
    if slow is None:
        return
    quality["slow_motion"] = slow.text
    diag["slow_motion"] = {"factor": round(slow.factor, 3), "likely_capture_fps": slow.capture_fps,
                           "option": slow.option or None}


def _classify_overstriding(contacts: tuple[Contact, ...], leg_length: float, cm: float | None,
                           config: AnalysisConfig, quality: dict,
                           session_foot: str | None = None) -> tuple[tuple[Contact, ...], dict | None]:
    """The contacts with ``overstride_probability`` / ``overstriding``, and the verdict.

    Returns the contacts unchanged and None when no model runs (``quality`` then says why
    when the bundled model is missing).
    """
    if not config.use_model:
        return contacts, None
    from .classify.features import leg_length_metres, stride_features
    from .classify.model import VerdictConfig, contact_overstriding, default_model_path, load_cached, verdict
    from .errors import ModelError

    path = Path(config.model_path) if config.model_path is not None else default_model_path()
    try:
        model = load_cached(path)
    except ModelError as err:
        if config.model_path is not None:
            raise
        quality["overstride_model_missing"] = (f"{err}; overstriding is judged by the shin-angle and overstride "
                                               "bands instead of the classifier")
        return contacts, None
    probs = model.predict_proba(stride_features(contacts, leg_length_metres(leg_length, cm)))
    threshold = model.info.threshold
    # Every contact keeps its probability; an excluded one is not judged.
    contacts = tuple(c.with_values(overstride_probability=round(float(p), 4),
                                   overstriding=None if c.excluded else contact_overstriding(p, threshold))
                     for c, p in zip(contacts, probs))
    return contacts, {"model": model.info.as_dict(), **verdict(contacts, probs, VerdictConfig(threshold=threshold),
                                                                quality, session_foot)}
