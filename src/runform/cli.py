"""Command line: ``runform analyze``, ``demo``, ``batch``, ``train`` and ``compare``.

Parses options, calls the application (:func:`runform.app.run_analysis`) and prints
(:mod:`runform.terminal`); nothing imports this module back.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import click

from .app import OutputOptions, run_analysis
from .batch.command import batch
from .classify.command import train
from .cli_types import FiniteFloatRange, PixelPoint
from .compare.command import compare
from .pipeline import AnalysisConfig, RunnerInfo
from .terminal import console, fail, print_run, progress_bar


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
              help="Runner mass; adds vertical and leg stiffness in kN/m (per kg is always given).")
@click.option("--runner", "runner_xy", type=PixelPoint(), default=None,
              help="With several people in view: x,y pixels on the runner in the first frame (as the video "
                   "shows it); default: the person in view the longest.")
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
              help="TOML file overriding coaching thresholds (see runform.report.thresholds.Thresholds).")
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="Overstriding model (.onnx with its .card.json beside it, e.g. from `runform train`); "
                   "default: the bundled model.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes running pose on segments of a video at once [default: one per core].")
def analyze(input_path: Path, out: Path, capture_fps, height_cm, mass_kg, runner_xy, keypoint_fps, video,
            video_height, freeze_s, report, config_toml, model_path, workers) -> None:
    """Analyze INPUT: a video, a .trc file or a folder of OpenPose *_keypoints.json (or Pose2Sim *.000123.json)."""
    config = AnalysisConfig(runner=RunnerInfo(height_cm, mass_kg), capture_fps=capture_fps,
                            openpose_fps=keypoint_fps, model_path=model_path, pose_workers=workers,
                            runner_xy=runner_xy)
    try:
        if model_path is not None:  # fail before minutes of pose estimation, not after
            from .classify.model import load_cached

            load_cached(model_path)
        print_run(run_analysis(input_path, out, config,
                               OutputOptions(video, video_height, report, config_toml, freeze_s),
                               progress=progress_bar))
    except Exception as err:  # noqa: BLE001 - every failure becomes a one-line message
        fail(err)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("runform-output"), show_default=True,
              help="Output folder; the sample's results go to OUT/<sample name>/.")
def demo(out: Path) -> None:
    """Analyze a bundled, project-generated sample and print where the outputs are."""
    from .demo import demo_input

    try:
        path = demo_input(out)
        console.print(f"demo input (generated by runform): {path}")
        print_run(run_analysis(path, out, AnalysisConfig(), progress=progress_bar))
    except Exception as err:  # noqa: BLE001
        fail(err)


for _command in (batch, train, compare):
    main.add_command(_command)


if __name__ == "__main__":
    main()
