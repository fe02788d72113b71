"""``runform compare BEFORE AFTER [MORE...] --out DIR``: what changed between sessions."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..terminal import console, err_console, fail
from .stats import SPECS


def print_changes(doc: dict) -> None:
    """The headline comparison as a rich table, then the overstriding verdict and the cues."""
    head = doc["comparisons"][doc["headline"]]
    table = Table(title=f"runform compare: {head['from_label']} -> {head['to_label']}")
    for col, just in (("metric", "left"), ("before", "right"), ("after", "right"), ("change [95% CI]", "right"),
                      ("Cliff's d", "right"), ("MDC", "right"), ("verdict", "left")):
        table.add_column(col, justify=just)
    for r in head["metrics"]:
        nd = SPECS[r["metric"]].decimals
        f = (lambda v: "-" if v is None else f"{v:.{nd}f}")
        ci = r.get("ci95")
        change = "-" if r["difference"] is None else f"{r['difference']:+.{nd}f} [{ci[0]:+.{nd}f}, {ci[1]:+.{nd}f}]"
        verdict = r["classification"]
        if verdict == "real change":
            colour = {"better": "green", "worse": "red"}.get(r["direction"], "bold")
            verdict = f"[{colour}]real change, {r['direction']}[/{colour}]"
        unit = f" ({r['unit']})" if r["unit"] else ""
        table.add_row(r["label"] + unit, f(r["before"]), f(r["after"]), change,
                      "-" if r["cliffs_delta"] is None else f"{r['cliffs_delta']:+.2f}", f(r["mdc"]), verdict)
    console.print(table)
    ov = head["overstriding"]
    console.print(f"overstriding ({ov['before']['source']}): {ov['text']}")
    if ov["before"]["source"] == "classifier":
        console.print(f"overstriding (band rule): {head['overstriding_rule']['text']}")
    cues = head["cues"]
    for key, name in (("addressed", "cues addressed"), ("remaining", "cues remaining"), ("new", "new cues"),
                      ("not_judged_after", "cues not judged after")):
        if cues[key]:
            console.print(f"{name}: " + ", ".join(c["title"] for c in cues[key]))
    for w in doc.get("warnings", []):
        console.print(f"[yellow]note:[/yellow] {w}", highlight=False)


@click.command()
@click.argument("sessions", nargs=-1, metavar="BEFORE AFTER [MORE...]", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("runform-compare"), show_default=True,
              help="Output folder (compare.html, compare.json, compare.csv, side_by_side.mp4, sessions/).")
@click.option("--video/--no-video", default=True, show_default=True,
              help="Write side_by_side.mp4 (first vs last session, synchronised at each initial contact).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap intervals.")
@click.option("--resamples", type=click.IntRange(min=200), default=2000, show_default=True,
              help="Bootstrap resamples per interval.")
@click.option("--mdc", "mdc_overrides", multiple=True, metavar="METRIC=VALUE",
              help="Override a minimal detectable change, e.g. --mdc shin_angle_ic_deg=3 (repeatable).")
@click.option("--max-pairs", type=click.IntRange(min=1), default=16, show_default=True,
              help="Contact pairs shown in the side-by-side video.")
def compare(sessions, out: Path, video: bool, seed: int, resamples: int, mdc_overrides, max_pairs: int) -> None:
    """Compare runs of one runner, e.g. before and after a gait-retraining block.

    Each argument is a video, a .trc file, an OpenPose folder or an output folder of
    `runform analyze` (read as is: no re-analysis when it holds metrics.json). Sessions
    are compared in the given order: the first is "before".
    """
    try:
        run_compare(list(sessions), out, video=video, seed=seed, resamples=resamples,
                    mdc_overrides=mdc_overrides, max_pairs=max_pairs)
    except Exception as err:  # noqa: BLE001 - every failure becomes a one-line message
        fail(err)


def run_compare(arguments: list[Path], out: Path, video: bool = True, seed: int = 0, resamples: int = 2000,
                mdc_overrides=(), max_pairs: int = 16, analyze=None) -> dict:
    """Load or analyse every session, compare, and write every output; returns the paths written."""
    from dataclasses import replace

    from .document import build_document, write_document
    from .html import write_compare_html
    from .mdc import parse_overrides
    from .sessions import load_sessions
    from .stats import StatsConfig
    from .video import SideBySideConfig, key_frame, write_side_by_side

    cfg = StatsConfig(seed=seed, n_resamples=resamples, mdc=parse_overrides(mdc_overrides))
    out = Path(out)

    def progress(i, n, arg):
        err_console.print(f"session {i + 1}/{n}: {arg}", highlight=False)

    loaded = load_sessions(arguments, out, analyze=analyze, progress=progress)
    for s in loaded:
        how = "analysed now" if s.analyzed_now else "read, not re-analysed"
        err_console.print(f"session {s.label}: {s.folder} ({how})", highlight=False)
    doc = build_document(loaded, cfg)
    paths: dict[str, Path] = {}
    first, last = loaded[0], loaded[-1]
    note, video_name = "side-by-side video not requested (--no-video)", None
    if video:
        from rich.progress import BarColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      console=err_console, transient=True) as bar:
            task = bar.add_task("side-by-side video", total=None)
            res = write_side_by_side(first, last, out / "side_by_side.mp4", replace(SideBySideConfig(), max_pairs=max_pairs),
                                     cfg.thresholds, progress=lambda d, t: bar.update(task, completed=d, total=t))
        note = res["note"]
        if res["path"] is not None:
            paths["side-by-side video"] = res["path"]
            video_name = res["path"].name
        doc["outputs"]["side_by_side"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in res.items()}
    doc["outputs"]["video_note"] = note
    frames = [f for f in (key_frame(s, thresholds=cfg.thresholds) for s in
                          ([first, last] if len(loaded) > 4 else loaded)) if f]
    paths["report"] = write_compare_html(doc, loaded, out / "compare.html", key_frames=frames,
                                         video_note=note, video_name=video_name)
    written = write_document(doc, out)
    paths["table"], paths["comparison"] = written["csv"], written["json"]
    print_changes(doc)
    if not video or video_name is None:
        console.print(f"[yellow]video:[/yellow] {note}", highlight=False)
    for name, p in paths.items():
        console.print(f"{name}: {p}", highlight=False)
    return paths


__all__ = ["compare", "run_compare", "print_changes"]
