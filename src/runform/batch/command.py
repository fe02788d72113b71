"""``runform batch``: analyze every video and keypoint file under a folder."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from pathlib import Path

import click

from ..cli_types import FiniteFloatRange
from ..terminal import fail

HELP = """Analyze every input under DIR: videos (mp4 mov m4v avi mkv webm), .trc files and
OpenPose folders (*_keypoints.json, or Pose2Sim's *.<frame>.json), searched recursively
(hidden folders and OUT skipped).

Each input runs in its own process; its results go to OUT/<id>/ (id: the path under DIR
without extension, folders joined by "__") and appear there only when complete, with
done.json written last. A rerun skips inputs whose bytes and settings are unchanged, and
inputs that failed for a reason that would repeat (unreadable, no runner, too few contacts);
--force redoes everything, --retry-failed retries those failures. Killing a batch loses no
finished result; the next run cleans up what was half done.

Writes OUT/summary.csv (one row per input), OUT/failures.csv and OUT/index.html (sortable,
filterable by runner, links to every report). Runners: by default the first sub-folder of
DIR names the runner (DIR/<runner>/.../clip.mp4); --group-by prefix takes the file name up
to its first underscore instead (<runner>_<anything>.mp4); --manifest runners.csv (columns
path,runner; paths relative to DIR) overrides both for the inputs it lists.

--engine ray runs the same per-input task on Ray: a local cluster, or an existing one with
--address (runform must be installed on every node; inputs and results travel through
Ray, so the nodes need no shared folder). Tasks whose worker or machine dies are retried.

Exit status 1 when any input failed (after finishing the others), 0 otherwise.
"""


@contextmanager
def _terminate_as_interrupt():
    """Treat SIGTERM like Ctrl-C while the batch runs: stop the analyses, write the summary."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@click.command(help=HELP)
@click.argument("root", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("runform-batch"), show_default=True,
              help="Output folder.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Inputs analyzed at once [default: one per core, fewer if memory is short; "
                   "with --engine ray and --address: the cluster's CPUs].")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: processes on this machine; ray: tasks on a Ray cluster (pip install 'runform[ray]').")
@click.option("--address", default=None,
              help="Ray cluster address (e.g. ray://head:10001 or auto); without it a local Ray cluster is started.")
@click.option("--retries", type=click.IntRange(min=0), default=2, show_default=True,
              help="Ray: retries of a task whose worker process or machine died.")
@click.option("--force", is_flag=True,
              help="Redo inputs that already have current results, pose estimation included "
                   "(a settings change alone reuses the pose cache).")
@click.option("--retry-failed", is_flag=True, help="Retry inputs whose earlier failure would otherwise be kept.")
@click.option("--manifest", type=click.Path(path_type=Path), default=None,
              help="CSV with columns path,runner saying which inputs belong to which runner.")
@click.option("--group-by", type=click.Choice(["folder", "prefix", "none"]), default="folder", show_default=True,
              help="Runner of an input not in the manifest: its first sub-folder, its file-name prefix "
                   "before '_', or none.")
@click.option("--timeout", "timeout_s", type=FiniteFloatRange(min=1), default=None,
              help="Stop an input's analysis after this many seconds (counts as failed).")
@click.option("--video/--no-video", default=True, show_default=True,
              help="Write annotated.mp4 for video inputs (the slowest output).")
@click.option("--video-height", type=click.IntRange(min=120), default=720, show_default=True,
              help="Height of annotated.mp4 in pixels.")
@click.option("--capture-fps", type=FiniteFloatRange(min=1), default=None,
              help="Real capture rate of slow-motion clips (applies to every video).")
@click.option("--keypoint-fps", type=FiniteFloatRange(min=1), default=30.0, show_default=True,
              help="Frame rate of OpenPose JSON folders.")
@click.option("--config", "config_toml", type=click.Path(path_type=Path), default=None,
              help="TOML file overriding coaching thresholds.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show the progress bar.")
def batch(root: Path, out: Path, workers, engine, address, retries, force, retry_failed, manifest, group_by,
          timeout_s, video, video_height, capture_fps, keypoint_fps, config_toml, progress) -> None:
    from rich.console import Console

    from .config import AnalysisSettings, BatchConfig
    from .runner import run_batch

    console = Console(stderr=True)
    settings = AnalysisSettings(video=video, video_height=video_height, keypoint_fps=keypoint_fps,
                                capture_fps=capture_fps, thresholds_toml=str(config_toml) if config_toml else None)
    cfg = BatchConfig(root=root, out=out, workers=workers, engine=engine, address=address, force=force,
                      retry_failed=retry_failed, timeout_s=timeout_s, retries=retries, manifest=manifest, group_by=group_by,
                      settings=settings)
    try:
        with _terminate_as_interrupt():
            result = run_batch(cfg, console, show_progress=progress)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted:[/yellow] finished results are kept; run the same command to continue")
        raise SystemExit(130) from None
    except Exception as err:  # noqa: BLE001 - typed errors -> exit codes, as `runform analyze`
        from ..outdir import as_output_error

        fail((as_output_error(err, out) or err) if isinstance(err, OSError) else err)
        return
    if result.restored or result.removed:
        console.print(f"recovered after an interrupted batch: {result.restored} result(s) restored, "
                      f"{result.removed} unfinished work folder(s) removed")
    click.echo(f"{len(result.rows)} inputs: {result.analyzed} analyzed, {result.skipped} skipped (unchanged), "
               f"{result.failed} failed in {result.wall_s:.1f} s")
    for name, path in result.outputs.items():
        click.echo(f"{name}: {path}")
    if result.failed:
        raise SystemExit(1)
