"""The application: one analysis end to end, as ``analyze``, ``demo``, ``batch`` and ``compare`` run it.

pipeline (keypoints -> contacts -> summary) -> the overstriding decision -> cues -> outputs
(annotated video, report, metrics.json, contacts.csv, a log of the run). The commands only parse
their options, call :func:`run_analysis` and print (:mod:`runform.terminal`); nothing here
prints, and nothing imports :mod:`runform.cli`.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Callable, ContextManager

from . import __version__
from .atomic import write_text_atomic
from .outdir import as_output_error, make_writable, output_folder, remove_created
from .pipeline import Analysis, AnalysisConfig, analyze_keypoints, load_keypoints
from .report.cues import Thresholds, coaching_cues, load_thresholds

#: ``progress(description)`` -> a context manager yielding ``update(done, total)``, e.g.
#: :func:`runform.terminal.progress_bar`; None runs without one.
ProgressFactory = Callable[[str], ContextManager[Callable[[int, int], None]]]


@dataclass(frozen=True)
class OutputOptions:
    """Which of the optional outputs to write."""

    video: bool = True
    video_height: int | None = 720
    report: bool = True
    thresholds_toml: Path | None = None
    #: Seconds annotated.mp4 holds still at each near-leg contact (0 = off).
    freeze_s: float = 0.0


@dataclass(frozen=True)
class AnalysisRun:
    """One finished analysis and what was written.

    Attributes
    ----------
    analysis : Analysis
    decision : dict
        The overstriding decision every output shows
        (:func:`runform.report.verdict.overstriding_decision`).
    cues : dict
        :func:`runform.report.cues.coaching_cues` (``cues["overstriding"]`` is ``decision``).
    paths : dict
        Output name -> path (``annotated video``, ``report``, ``metrics``, ``contacts``, ``log``, ``pose cache``).
    """

    analysis: Analysis
    decision: dict
    cues: dict
    paths: dict = field(default_factory=dict)


@contextmanager
def _quiet(description: str):
    yield lambda done, total: None


def _bar(progress: ProgressFactory | None, description: str):
    return (progress or _quiet)(description)


def run_analysis(input_path: Path, out: Path, config: AnalysisConfig = AnalysisConfig(),
                 options: OutputOptions = OutputOptions(), progress: ProgressFactory | None = None) -> AnalysisRun:
    """Analyze one input into ``out/<stem>/`` (see :func:`runform.outdir.output_folder`).

    The thresholds file and the output folder are checked before any work. On failure the
    folders this call created are removed again (``out`` included when it made it).

    Raises
    ------
    ConfigError
        A bad thresholds file, before anything is read or written.
    OutputError
        ``out`` is a file, read-only or full.
    """
    thresholds = load_thresholds(options.thresholds_toml) if options.thresholds_toml else Thresholds()
    target = output_folder(out, input_path)
    created = make_writable(target)
    t0 = time.perf_counter()
    try:
        with _bar(progress, "pose") as update:
            kp, info = load_keypoints(input_path, config, cache_dir=target, progress=update)
        analysis = analyze_keypoints(kp, info, config)
        cues = coaching_cues(analysis.summary, analysis.contacts, analysis.quality, thresholds,
                             overstriding=analysis.overstriding,
                             video=info.source_type in ("video", "openpose"))
        paths = write_all(analysis, cues, target, input_path, options, thresholds, progress)
        paths["log"] = write_log(target, input_path, config, options, analysis, cues, time.perf_counter() - t0)
    except OSError as err:
        remove_created(created)
        typed = as_output_error(err, target)
        if typed is None:
            raise
        raise typed from None
    except BaseException:
        remove_created(created)
        raise
    return AnalysisRun(analysis, cues["overstriding"], cues, paths)


def write_all(analysis: Analysis, cues: dict, target: Path, input_path: Path, options: OutputOptions,
              thresholds: Thresholds, progress: ProgressFactory | None = None) -> dict:
    """Annotated video (video input), report, contacts.csv and metrics.json (last: it marks a finished run)."""
    from .output import write_outputs

    is_video = analysis.input.source_type == "video"
    paths = {}
    # The clock the keypoints were read on: --capture-fps, or the rate the file declares.
    capture_fps = analysis.input.capture_fps
    report = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="runform-report") as pool:
        if options.report:
            from .report.html import write_report

            # Beside the annotated video: its key frames are decoded and its charts drawn while the
            # encoder and the video's decoder (which release the GIL) keep the cores busy.
            report = pool.submit(write_report, analysis, cues, target / "report.html", input_path if is_video else None,
                                 thresholds=thresholds, capture_fps=capture_fps)
        if options.video and is_video:
            from .report.annotate import AnnotateConfig, render_annotated_video

            with _bar(progress, "annotated video") as update:
                result = render_annotated_video(analysis, target / "annotated.mp4",
                                                AnnotateConfig(video_height=options.video_height, thresholds=thresholds,
                                                               freeze_s=options.freeze_s),
                                                capture_fps=capture_fps, progress=update)
            paths["annotated video"] = result.path
        if report is not None:
            report.result()  # its error, if any, is raised here
            paths["report"] = target / "report.html"
    paths.update(write_outputs(analysis, target, cues))
    if (target / "pose.npz").exists():
        paths["pose cache"] = target / "pose.npz"
    return paths


def _plain(obj):
    if is_dataclass(obj):
        return _plain(asdict(obj))
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj if isinstance(obj, (str, int, float, bool, type(None))) else str(obj)


def write_log(target: Path, input_path: Path, config: AnalysisConfig, options: OutputOptions, analysis: Analysis,
              cues: dict, seconds: float) -> Path:
    """``run.log.json``: what ran, with which settings and version, how long it took and what it found.

    One per output folder, replaced by the next run of the same input, so a folder always says
    how its results were made.
    """
    decision = cues["overstriding"]
    doc = {"runform_version": __version__, "input": str(input_path), "seconds": round(seconds, 2),
           "settings": _plain(config), "outputs": _plain(options),
           "contacts_found": analysis.summary.get("n_contacts_found"),
           "contacts_counted": analysis.summary.get("n_contacts_counted"),
           "overstriding": (decision.get("session") or {}).get("text"), "decided_by": decision.get("source"),
           "model": _plain((analysis.overstriding or {}).get("model")),
           "quality_flags": sorted(analysis.quality)}
    path = target / "run.log.json"
    write_text_atomic(path, json.dumps(doc, indent=1))
    return path


__all__ = ["AnalysisRun", "OutputOptions", "ProgressFactory", "run_analysis", "write_all", "write_log"]
