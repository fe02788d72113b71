"""Command line: ``runform analyze`` and ``runform demo``."""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .cli_types import FiniteFloatRange
from .errors import RunformError
from .pipeline import AnalysisConfig, RunnerInfo, analyze_keypoints, load_keypoints

console = Console(stderr=False)
err_console = Console(stderr=True)

#: Rows of the printed summary: (label, summary key, unit, decimals).
_TABLE_ROWS = (
    ("Cadence", "cadence_spm", "steps/min", 1),
    ("Shin angle at contact", "shin_angle_ic_deg", "deg", 1),
    ("Foot strike angle", "foot_strike_angle_ic_deg", "deg", 1),
    ("Knee flexion at contact", "knee_flexion_ic_deg", "deg", 1),
    ("Knee flexion in stance (IC to peak)", "knee_flexion_excursion_deg", "deg", 1),
    ("Overstride (heel ahead of hip)", "overstride_pct_leg", "% leg", 1),
    ("Overstride", "overstride_cm", "cm", 1),
    ("Trunk lean", "trunk_lean_deg", "deg", 1),
    ("Contact time", "contact_time_s", "s", 3),
    ("Flight time", "flight_time_s", "s", 3),
    ("Duty factor", "duty_factor", "", 2),
    ("Vertical oscillation", "vertical_oscillation_pct_leg", "% leg", 1),
)


def _fmt(v, nd: int) -> str:
    return "-" if v is None else f"{v:.{nd}f}"


def print_summary(analysis, paths: dict, decision: dict | None = None) -> None:
    """The metrics table, the overstriding decision, quality flags and output paths.

    ``decision`` is :func:`runform.report.cues.overstriding_decision` (the cues carry it);
    without it the same function is asked. A verdict that cannot be given prints why, and
    no probability or interval.
    """
    s = analysis.summary
    table = Table(title=f"runform: {Path(analysis.input.path).name}")
    table.add_column("metric")
    table.add_column("median", justify="right")
    table.add_column("left", justify="right")
    table.add_column("right", justify="right")
    table.add_column("unit")
    for label, key, unit, nd in _TABLE_ROWS:
        per = s.get("metrics", {}).get(key, {})
        table.add_row(label, _fmt(s.get(key), nd), _fmt(per.get("left", {}).get("median"), nd),
                      _fmt(per.get("right", {}).get("median"), nd), unit)
    table.add_row("Foot strike", "", str(s.get("foot_strike_left") or "-"), str(s.get("foot_strike_right") or "-"), "")
    n_all = s.get("n_contacts", s.get("n_strides"))
    counted = f"{s.get('n_strides')}" + (f" of {n_all}" if n_all != s.get("n_strides") else "")
    table.add_row("Contacts counted", counted, "", "", "")
    console.print(table)
    if decision is None:
        from .report.cues import overstriding_decision

        decision = overstriding_decision(analysis.strides, analysis.quality, getattr(analysis, "overstriding", None))
    session = decision["session"]
    by = " (by the shin-angle and overstride bands; no classifier)" if decision.get("source") == "band rule" else ""
    if session["verdict"] == "cannot judge":
        console.print(f"overstriding, session: cannot judge: {escape(str(session['reason']))}{by}")
    else:
        for who in ("left", "right", "session"):
            g = decision[who]
            ci = f" (95% interval {g['ci95'][0]:.2f}-{g['ci95'][1]:.2f})" if g.get("ci95") else ""
            console.print(f"overstriding, {who}: {g['text']}{ci}{by if who == 'session' else ''}")
    if analysis.input.capture_fps_source == "file metadata":
        console.print(f"capture rate: {analysis.input.capture_fps:g} fps from the file's metadata "
                      f"(the file plays at {analysis.input.file_fps:g}); --capture-fps overrides it")
    for name, text in analysis.quality.items():
        console.print(f"[yellow]quality:[/yellow] {name}: {escape(text)}")
    for name, path in paths.items():
        console.print(f"{name}: {path}")


@dataclass(frozen=True)
class OutputOptions:
    """Which of the optional outputs to write."""

    video: bool = True
    video_height: int | None = 720
    report: bool = True
    thresholds_toml: Path | None = None
    #: Seconds annotated.mp4 holds still at each near-leg contact (0 = off).
    freeze_s: float = 0.0


def _progress_bar() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total} frames"), TimeRemainingColumn(),
                    console=err_console, transient=True)


def _write_video(analysis, target: Path, options: OutputOptions, capture_fps, thresholds) -> Path:
    from .report.annotate import AnnotateConfig, render_annotated_video

    with _progress_bar() as bar:
        task = bar.add_task("annotated video", total=analysis.input.frame_count or None)
        result = render_annotated_video(analysis, target / "annotated.mp4",
                                        AnnotateConfig(video_height=options.video_height, thresholds=thresholds,
                                                       freeze_s=options.freeze_s),
                                        capture_fps=capture_fps,
                                        progress=lambda done, total: bar.update(task, completed=done,
                                                                                total=total or None))
    return result.path


def print_cues(cues: dict) -> None:
    for i, cue in enumerate(cues.get("cues", []), 1):
        f = cue["finding"]
        console.print(f"[bold]cue {i}: {cue['title']}[/bold] ({f.get('value_text', '')}, {f.get('strides_supporting', '')})")
        console.print(f"  {cue['cue']}")
    for w in cues.get("withheld", []):
        console.print(f"[yellow]no cue:[/yellow] {w.get('reason', w)}")


def run_analysis(input_path: Path, out: Path, config: AnalysisConfig,
                 options: OutputOptions = OutputOptions(), echo: bool = True) -> dict:
    """Analyze one input into ``out/<stem>/`` (see :func:`runform.outdir.output_folder`).

    The thresholds file and the output folder are checked before any work. On failure the
    folders this call created are removed again (``out`` included when it made it).
    ``echo=False`` skips the printed summary and cues (callers that move the folder
    afterwards, like ``compare``, print the final place themselves).

    Raises
    ------
    ConfigError
        A bad thresholds file, before anything is read or written.
    OutputError
        ``out`` is a file, read-only or full.
    """
    from .outdir import as_output_error, make_writable, output_folder, remove_created
    from .report.cues import Thresholds, coaching_cues, load_thresholds

    thresholds = load_thresholds(options.thresholds_toml) if options.thresholds_toml else Thresholds()
    target = output_folder(out, input_path)
    created = make_writable(target)
    try:
        with _progress_bar() as bar:
            task = bar.add_task("pose", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total or None)

            kp, info = load_keypoints(input_path, config, cache_dir=target, progress=progress)
        analysis = analyze_keypoints(kp, info, config)
        from .output import write_outputs

        cues = coaching_cues(analysis.summary, analysis.strides, analysis.quality, thresholds,
                             overstriding=analysis.overstriding)
        is_video = analysis.input.source_type == "video"
        paths = {}
        # The clock the keypoints were read on: --capture-fps, or the rate the file declares.
        capture_fps = analysis.input.capture_fps
        if options.video and is_video:
            paths["annotated video"] = _write_video(analysis, target, options, capture_fps, thresholds)
        if options.report:
            from .report.html import write_report

            write_report(analysis, cues, target / "report.html", input_path if is_video else None,
                         thresholds=thresholds, capture_fps=capture_fps)
            paths["report"] = target / "report.html"
        paths.update(write_outputs(analysis, target, cues))
        if (target / "pose.npz").exists():
            paths["pose cache"] = target / "pose.npz"
    except OSError as err:
        remove_created(created)
        typed = as_output_error(err, target)
        if typed is None:
            raise
        raise typed from None
    except BaseException:
        remove_created(created)
        raise
    if echo:
        print_summary(analysis, paths, cues.get("overstriding"))
        print_cues(cues)
    return paths


def error_line(err: BaseException) -> str:
    """``str(err)`` on one line (a message must never spill over several)."""
    return " ".join(str(err).split()) or type(err).__name__


def _fail(err: Exception) -> None:
    if os.environ.get("RUNFORM_DEBUG"):
        raise err
    # soft_wrap: rich wraps at 80 columns when stderr is not a terminal; a log line must stay one line.
    if isinstance(err, RunformError):
        err_console.print(f"[red]error:[/red] {escape(error_line(err))}", highlight=False, soft_wrap=True)
        sys.exit(err.exit_code)
    err_console.print(f"[red]internal error:[/red] {type(err).__name__}: {escape(error_line(err))} "
                      "(set RUNFORM_DEBUG=1 for details)", highlight=False, soft_wrap=True)
    sys.exit(70)


class _Group(click.Group):
    """A group whose --help lists each command's whole first sentence (click cuts it at ~45 characters)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, cmd.get_short_help_str(limit=500)) for name, cmd in
                ((n, self.get_command(ctx, n)) for n in self.list_commands(ctx)) if cmd is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Group)
@click.version_option(package_name="runform")
def main() -> None:
    """Running-gait analysis from a side-on video or keypoint file."""
    if not os.environ.get("RUNFORM_DEBUG"):
        # numpy's "mean of empty slice" and the like are expected on gappy keypoints (NaN is the
        # answer there); printed, they would break the one-line error contract.
        warnings.filterwarnings("ignore", category=RuntimeWarning)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("runform-output"), show_default=True,
              help="Output folder; results go to OUT/<input name>/.")
@click.option("--capture-fps", type=FiniteFloatRange(min=1), default=None,
              help="Real capture rate of a slow-motion clip (e.g. 240 when a 240 fps clip plays at 30).")
@click.option("--height-cm", type=FiniteFloatRange(min=50, max=250), default=None,
              help="Runner height; gives distances in cm.")
@click.option("--mass-kg", type=FiniteFloatRange(min=20, max=250), default=None,
              help="Runner mass; gives vertical stiffness in kN/m.")
@click.option("--keypoint-fps", type=FiniteFloatRange(min=1), default=30.0, show_default=True,
              help="Frame rate of an OpenPose JSON folder (the files carry no time).")
@click.option("--video/--no-video", default=True, show_default=True,
              help="Write annotated.mp4 (H.264, plays in browsers and phones) for video input.")
@click.option("--video-height", type=click.IntRange(min=120), default=720, show_default=True,
              help="Height of annotated.mp4 in pixels (never upscaled).")
@click.option("--freeze-contacts", "freeze_s", type=FiniteFloatRange(min=0, max=5), default=0.0, show_default=True,
              help="Hold the annotated video still for this many seconds at each near-leg contact, so the "
                   "shin angle can be read (0 = off).")
@click.option("--report/--no-report", default=True, show_default=True, help="Write report.html.")
@click.option("--config", "config_toml", type=click.Path(path_type=Path), default=None,
              help="TOML file overriding coaching thresholds (see runform.report.cues.Thresholds).")
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="Overstriding model (.onnx with its .card.json beside it, e.g. from `runform train`); "
                   "default: the bundled model.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes running pose on segments of a video at once [default: one per core].")
def analyze(input_path: Path, out: Path, capture_fps, height_cm, mass_kg, keypoint_fps, video,
            video_height, freeze_s, report, config_toml, model_path, workers) -> None:
    """Analyze INPUT: a video, a .trc file or a folder of OpenPose *_keypoints.json (or Pose2Sim *.000123.json)."""
    config = AnalysisConfig(runner=RunnerInfo(height_cm, mass_kg), capture_fps=capture_fps,
                            openpose_fps=keypoint_fps, model_path=model_path, pose_workers=workers)
    try:
        if model_path is not None:  # fail before minutes of pose estimation, not after
            from .classify.model import load_cached

            load_cached(model_path)
        run_analysis(input_path, out, config, OutputOptions(video, video_height, report, config_toml, freeze_s))
    except Exception as err:  # noqa: BLE001 - every failure becomes a one-line message
        _fail(err)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("runform-output"), show_default=True,
              help="Output folder; the sample's results go to OUT/<sample name>/.")
def demo(out: Path) -> None:
    """Analyze a bundled, project-generated sample and print where the outputs are."""
    from .demo import demo_input

    try:
        path = demo_input(out)
        console.print(f"demo input (generated by runform): {path}")
        run_analysis(path, out, AnalysisConfig())
    except Exception as err:  # noqa: BLE001
        _fail(err)


from .batch.command import batch as _batch_cmd; main.add_command(_batch_cmd)  # noqa: E402,E702

from .classify.command import train  # noqa: E402 - after main exists; the command imports cli lazily

main.add_command(train)
from .compare.command import compare as _compare_cmd; main.add_command(_compare_cmd)  # noqa: E402,E702


if __name__ == "__main__":
    main()
