"""Sessions to compare: an analysed output folder (read as is) or an input analysed now.

An argument that is a folder holding ``metrics.json`` (or a folder with exactly one
sub-folder holding one, e.g. ``runform-output``) is read without re-analysis. Anything
else (a video, a ``.trc`` file, a folder of OpenPose JSON) is analysed with
:func:`runform.app.run_analysis` into ``DIR/sessions/<n>_<stem>/``; a later run with the
same input finds that folder and reuses it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputNotFound, NotEnoughData, UnreadableInput
from ..metrics.plausibility import counted


class TooFewSessions(NotEnoughData):
    """``runform compare`` needs at least two sessions."""


@dataclass(frozen=True)
class Session:
    """One analysed run.

    Attributes
    ----------
    index : int
        Position in the given order, from 0 (0 = "before").
    label : str
        Short name for tables and plots (``<n> <stem>``).
    argument : pathlib.Path
        What the user passed.
    folder : pathlib.Path
        The output folder holding ``metrics.json``.
    metrics : dict
        The parsed ``metrics.json``.
    analyzed_now : bool
        True when this run analysed the input (False: an existing folder was read).
    """

    index: int
    label: str
    argument: Path
    folder: Path
    metrics: dict = field(repr=False)
    analyzed_now: bool = False

    @property
    def counted_contacts(self) -> list[dict]:
        """The contacts that count: every contact not marked ``excluded`` (implausible)."""
        return counted(self.metrics.get("contacts") or [])

    @property
    def source_type(self) -> str:
        return str((self.metrics.get("input") or {}).get("source_type") or "unknown")

    @property
    def fps(self) -> float | None:
        return (self.metrics.get("input") or {}).get("fps")


def _read_metrics(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableInput(f"cannot read {path}: {exc}") from None
    if isinstance(doc, dict) and isinstance(doc.get("strides"), list):
        raise UnreadableInput(f"{path} was written by an older runform (schema {doc.get('schema_version')}, before "
                              "2.0); analyse its input again")
    if not isinstance(doc, dict) or not isinstance(doc.get("contacts"), list):
        raise UnreadableInput(f"{path} is not a runform metrics.json (no 'contacts' list)")
    return doc


def find_metrics(folder: Path) -> Path | None:
    """``folder/metrics.json``, or the one ``folder/*/metrics.json`` when exactly one exists."""
    folder = Path(folder)
    if (folder / "metrics.json").is_file():
        return folder / "metrics.json"
    found = sorted(folder.glob("*/metrics.json"))
    return found[0] if len(found) == 1 else None


def _same_input(doc: dict, path: Path) -> bool:
    stored = (doc.get("input") or {}).get("path")
    try:
        return stored is not None and Path(stored).resolve() == path.resolve()
    except OSError:
        return False


def load_session(argument: Path, index: int, out: Path, analyze=None) -> Session:
    """Read or analyse one session.

    Parameters
    ----------
    argument : pathlib.Path
        An output folder, a video, a ``.trc`` file or an OpenPose folder.
    index : int
        Its position (0-based); names the analysis folder ``out/sessions/<index+1>_<stem>``.
    out : pathlib.Path
        The compare output folder.
    analyze : callable, optional
        ``analyze(input_path, parent_dir)`` writing ``parent_dir/<stem>/metrics.json``
        (default: :func:`runform.app.run_analysis` without annotated video).

    Raises
    ------
    InputNotFound
        When ``argument`` does not exist.
    UnreadableInput
        When a ``metrics.json`` cannot be parsed, or a folder has several analyses in it.
    """
    argument = Path(argument)
    if not argument.exists():
        raise InputNotFound(f"input not found: {argument}")
    if argument.is_dir():
        metrics = find_metrics(argument)
        if metrics is not None:
            return Session(index, f"{index + 1} {metrics.parent.name}", argument, metrics.parent,
                           _read_metrics(metrics))
        if len(list(argument.glob("*/metrics.json"))) > 1:
            raise UnreadableInput(f"{argument} holds several analyses; pass one of its sub-folders")
        from ..io.openpose import keypoint_files

        if not keypoint_files(argument):
            raise UnreadableInput(f"{argument} has no metrics.json and no OpenPose *_keypoints.json to analyse")
    stem = argument.stem or argument.name
    target = Path(out) / "sessions" / f"{index + 1}_{stem}"
    done = target / "metrics.json"
    if done.is_file() and done.stat().st_mtime_ns >= argument.stat().st_mtime_ns:  # not a re-rendered input
        from ..output import SCHEMA_VERSION

        doc = _read_metrics(done)
        # Same input, and written by this schema (an older one counts implausible contacts).
        if _same_input(doc, argument) and doc.get("schema_version") == SCHEMA_VERSION:
            return Session(index, f"{index + 1} {stem}", argument, target, doc)
    staging = Path(out) / "sessions" / f".staging_{index + 1}"
    shutil.rmtree(staging, ignore_errors=True)
    (analyze or _default_analyze)(argument.resolve(), staging)
    made = staging / stem
    if not (made / "metrics.json").is_file():
        raise UnreadableInput(f"analysis of {argument.name} wrote no metrics.json")
    shutil.rmtree(target, ignore_errors=True)
    made.rename(target)
    shutil.rmtree(staging, ignore_errors=True)
    return Session(index, f"{index + 1} {stem}", argument, target, _read_metrics(target / "metrics.json"), True)


def _default_analyze(input_path: Path, parent: Path) -> None:
    from ..app import OutputOptions, run_analysis
    from ..pipeline import AnalysisConfig
    from ..terminal import progress_bar

    run_analysis(input_path, parent, AnalysisConfig(), OutputOptions(video=False, report=True), progress=progress_bar)


def load_sessions(arguments, out: Path, analyze=None, progress=None) -> list[Session]:
    """All sessions in the given order; ``progress(i, n, argument)`` before each one.

    Raises
    ------
    TooFewSessions
        With fewer than two arguments.
    """
    arguments = [Path(a) for a in arguments]
    if len(arguments) < 2:
        raise TooFewSessions(f"compare needs at least two sessions (before and after), got {len(arguments)}")
    for a in arguments:  # fail before minutes of pose estimation, not after
        if not a.exists():
            raise InputNotFound(f"input not found: {a}")
    sessions = []
    for i, a in enumerate(arguments):
        if progress:
            progress(i, len(arguments), a)
        sessions.append(load_session(a, i, out, analyze))
    return sessions


def session_video(session: Session) -> tuple[Path | None, str]:
    """The session's video and what it is: ``(path, "input")``, ``(path, "annotated")`` or ``(None, why)``.

    The analysed input video is preferred; a folder whose input has moved falls back to
    its ``annotated.mp4`` (overlays already drawn, possibly smaller).
    """
    if session.source_type != "video":
        return None, f"session {session.label} is a {session.source_type} analysis, not a video"
    stored = (session.metrics.get("input") or {}).get("path")
    for cand in ([Path(stored)] if stored else []) + ([session.argument] if session.argument.is_file() else []):
        if cand.is_file():
            return cand, "input"
    if (session.folder / "annotated.mp4").is_file():
        return session.folder / "annotated.mp4", "annotated"
    return None, f"the video of session {session.label} is no longer at {stored}"


def session_keypoints(session: Session, frame_size: tuple[int, int] | None = None):
    """Cleaned pixel keypoints of a video session from its ``pose.npz`` (None when absent).

    Parameters
    ----------
    frame_size : (width, height), optional
        Size of the frames they will be drawn on; keypoints are scaled from the analysed
        input size (``metrics.json`` input width/height) to it.
    """
    from ..keypoints import Keypoints
    from ..signals.cleaning import SignalConfig, clean_keypoints

    npz = session.folder / "pose.npz"
    if not npz.is_file():
        return None
    try:
        kp = Keypoints.from_npz(npz)
        clean, _ = clean_keypoints(kp, SignalConfig())
    except Exception:  # noqa: BLE001 - a broken cache only costs the overlay
        return None
    inp = session.metrics.get("input") or {}
    if frame_size and inp.get("width") and inp.get("height"):
        sx, sy = frame_size[0] / inp["width"], frame_size[1] / inp["height"]
        if abs(sx - 1) > 1e-6 or abs(sy - 1) > 1e-6:
            from dataclasses import replace

            clean = replace(clean, xy=clean.xy * np.array([sx, sy]))
    return clean


__all__ = ["Session", "TooFewSessions", "find_metrics", "load_session", "load_sessions", "session_video",
           "session_keypoints"]
