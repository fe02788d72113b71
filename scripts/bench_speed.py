"""Speed and memory of runform against the naive MediaPipe tutorial script, side by side.

Per round, alternating (so a busy machine disturbs every command alike):

* ``naive``: ``scripts/support/naive_pose.py``: cv2.VideoCapture -> mp.solutions.pose ->
  draw_landmarks -> cv2.VideoWriter mp4v (the baseline);
* ``naive pose-only``: the same without drawing or writing;
* ``runform``: ``runform analyze`` with every output (annotated video, report, CSV, JSON);
* ``runform pose-only``: ``runform analyze --no-video --no-report`` (pose + analysis).

Each runform run writes to a fresh folder (no pose cache). Printed per command: frames/s (frames
/ wall), CPU s (user + system, pose workers included), peak memory of the process tree (summed
PSS) and the largest process's peak RSS; then the ratios runform / naive of frames/s, each taken
within one round, and their median over rounds.

``--long`` loops the clip (packets copied, no re-encode) to ``--long-minutes`` (default 10) and to
10 s, runs ``runform analyze`` with every output on both and prints their peak memory.

The default clip is ``../shared/data/videos/treadmill_gym_1080x1920_60fps.mp4``; without it a
1080x1920 60 fps runner is rendered once (``runform.synth.render``) into the work folder.

Usage::

    python scripts/bench_speed.py [--quick] [--rounds 3] [--video CLIP] [--workers N]
    python scripts/bench_speed.py --long [--long-minutes 10]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import av
import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support.proc_meter import Measured, measure  # noqa: E402

HERE = Path(__file__).resolve().parent
GYM = HERE.parents[1] / "shared" / "data" / "videos" / "treadmill_gym_1080x1920_60fps.mp4"
GB = 1000.0  # MB


def rendered_clip(folder: Path) -> Path:
    """A 1080x1920, 60 fps, 6.5 s runner rendered by runform (cached in ``folder``)."""
    out = folder / "rendered_1080x1920_60fps.mp4"
    if not out.is_file():
        from runform.synth.render.figure import render_run
        from runform.synth.render.samples import BEFORE, SCENE

        folder.mkdir(parents=True, exist_ok=True)
        click.echo(f"rendering {out.name} (once) ...")
        render_run(replace(BEFORE, fps=60.0, duration_s=6.5), replace(SCENE, width=1080, height=1920), out)
    return out


def looped_clip(src: Path, out: Path, seconds: float) -> Path:
    """``src`` repeated until it lasts ``seconds``: packets copied with shifted timestamps."""
    with av.open(str(src)) as inp:
        stream = inp.streams.video[0]
        packets = [p for p in inp.demux(stream) if p.size]
        tb = stream.time_base
        ends = [p.pts + (p.duration or 0) for p in packets if p.pts is not None]
        length = max(ends) - min(p.pts for p in packets if p.pts is not None)
        loops = max(1, int(-(-seconds // float(length * tb))))
        with av.open(str(out), "w") as dst:
            ostream = dst.add_stream_from_template(stream)
            for k in range(loops):
                for p in packets:
                    p.stream = ostream
                    shift = k * length
                    if p.pts is not None:
                        p.pts += shift
                    if p.dts is not None:
                        p.dts += shift
                    dst.mux(p)
                    if p.pts is not None:
                        p.pts -= shift
                    if p.dts is not None:
                        p.dts -= shift
    return out


def frame_count(path: Path) -> int:
    from runform.io.video import probe_video

    return probe_video(path).frame_count


def commands(video: Path, work: Path, rnd: int, workers: int | None) -> dict[str, list[str]]:
    py = sys.executable
    extra = ["--workers", str(workers)] if workers else []
    return {
        "naive": [py, str(HERE / "support" / "naive_pose.py"), str(video), str(work / f"naive{rnd}.mp4")],
        "naive pose-only": [py, str(HERE / "support" / "naive_pose.py"), str(video), "-", "--pose-only"],
        "runform": [py, "-m", "runform.cli", "analyze", str(video), "--out", str(work / f"full{rnd}"), *extra],
        "runform pose-only": [py, "-m", "runform.cli", "analyze", str(video), "--out", str(work / f"pose{rnd}"),
                              "--no-video", "--no-report", *extra],
    }


def run(cmd: list[str]) -> Measured:
    m = measure(cmd, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if m.returncode != 0:
        raise click.ClickException(f"{' '.join(cmd)} failed ({m.returncode}):\n{m.output[-2000:]}")
    return m


def speed_table(video: Path, rounds: int, workers: int | None, work: Path) -> None:
    n = frame_count(video)
    click.echo(f"clip: {video.name}, {n} frames; cores: {os.cpu_count()}; load average now: "
               f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    results: dict[str, list[Measured]] = {}
    for rnd in range(rounds):
        for name, cmd in commands(video, work, rnd, workers).items():
            m = run(cmd)
            results.setdefault(name, []).append(m)
            click.echo(f"  round {rnd + 1} {name:18s} {n / m.wall_s:6.1f} frames/s  {m.wall_s:6.1f} s wall  "
                       f"{m.cpu_s:6.1f} s CPU  tree {m.tree_mb:5.0f} MB  max RSS {m.max_rss_mb:5.0f} MB")
    click.echo("\n| command | frames/s | wall s | CPU s | peak tree PSS MB | largest RSS MB |")
    click.echo("|---|---|---|---|---|---|")
    for name, ms in results.items():
        med = lambda f: statistics.median(f(m) for m in ms)  # noqa: E731
        click.echo(f"| {name} | {n / med(lambda m: m.wall_s):.1f} | {med(lambda m: m.wall_s):.1f} | "
                   f"{med(lambda m: m.cpu_s):.1f} | {med(lambda m: m.tree_mb):.0f} | {med(lambda m: m.max_rss_mb):.0f} |")
    for a, b in (("runform", "naive"), ("runform pose-only", "naive pose-only")):
        ratios = [mb.wall_s / ma.wall_s for ma, mb in zip(results[a], results[b])]
        click.echo(f"{a} / {b} frames/s: median {statistics.median(ratios):.2f}x "
                   f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})")


def long_memory(video: Path, minutes: float, workers: int | None, work: Path) -> None:
    short = looped_clip(video, work / "short_10s.mp4", 10.0)
    long = looped_clip(video, work / f"long_{minutes:g}min.mp4", minutes * 60.0)
    peaks = {}
    for i, (label, clip) in enumerate((("10 s", short), (f"{minutes:g} min", long))):
        m = run(commands(clip, work / f"long{i}", 0, workers)["runform"])
        peaks[label] = m
        click.echo(f"{label}: {frame_count(clip)} frames, {m.wall_s:.0f} s wall, {m.cpu_s:.0f} s CPU, "
                   f"peak tree PSS {m.tree_mb:.0f} MB, largest RSS {m.max_rss_mb:.0f} MB")
    a, b = peaks.values()
    click.echo(f"long / short peak tree memory: {b.tree_mb / a.tree_mb:.2f} (target <= 1.10); "
               f"long peak {b.tree_mb:.0f} MB (target < {GB:.0f} MB)")
    long.unlink(missing_ok=True)


@click.command()
@click.option("--video", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Clip to time [default: the shared 1080p60 gym clip, else a rendered one].")
@click.option("--rounds", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--quick", is_flag=True, help="One round.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="runform --workers [default: its own].")
@click.option("--long", "long_mode", is_flag=True, help="Peak memory on the clip looped to --long-minutes vs 10 s.")
@click.option("--long-minutes", type=click.FloatRange(min=0.5), default=10.0, show_default=True)
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where outputs and generated clips go [default: a temporary folder].")
def main(video, rounds, quick, workers, long_mode, long_minutes, workdir) -> None:
    with tempfile.TemporaryDirectory(prefix="runform-bench-") as tmp:
        work = Path(workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        if video is None:
            video = GYM if GYM.is_file() else rendered_clip(Path(tempfile.gettempdir()) / "runform-bench-clips")
        if long_mode:
            long_memory(video, long_minutes, workers, work)
        else:
            speed_table(video, 1 if quick else rounds, workers, work)


if __name__ == "__main__":
    main()
