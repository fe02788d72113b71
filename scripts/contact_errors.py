"""Per-contact touchdown and shin errors of the pipeline on rendered clips with truth.

For each ``*.truth.json`` (bundled samples, ``scripts/make_test_renders.py`` clips) runs the
pipeline and prints, per contact: the foot, where the true touchdown falls between frames
(fraction of a frame), the IC error (frames, + late) and the shin error (deg, + reads high);
then their median / bias / s.d. and the correlation of the two. A shin error that is the IC
error times the render's shank speed (correlation near -1) is timing, not shape (README,
"Why the renders disagree").

Usage: ``python scripts/contact_errors.py TRUTH.json [...] [--cache DIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accuracy import analyze_and_match, load_sample  # noqa: E402


def contact_errors(truth_path: Path, cache: Path | None = None) -> dict:
    """Matched contacts' (foot, sub-frame phase, IC error in frames, shin error in deg) and counts."""
    truth, video, cache_dir = load_sample(truth_path, cache)
    _, _, strides, pairs = analyze_and_match(video, truth, cache_dir)
    fps = float(truth["fps"])
    rows = [(t["foot"], (t["ic_time_s"] * fps) % 1.0, (d["ic_time_s"] - t["ic_time_s"]) * fps,
             np.nan if d.get("shin_angle_ic_deg") is None else d["shin_angle_ic_deg"] - t["shin_angle_ic_deg"])
            for t, d in pairs]
    return {"video": video.name, "rows": rows, "true": len(truth["stances"]), "found": len(strides),
            "shank_rate_deg_per_pct": (truth.get("contact") or {}).get("shank_rate_at_first_touch_deg_per_pct")}


@click.command()
@click.argument("truths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep MediaPipe pose caches here.")
def main(truths: tuple[Path, ...], cache: Path | None) -> None:
    for tp in truths:
        r = contact_errors(tp, cache)
        ic = np.array([x[2] for x in r["rows"]])
        sh = np.array([x[3] for x in r["rows"]])
        ok = np.isfinite(sh)
        if ic.size == 0:
            click.echo(f"{r['video']}: no contact matched ({r['found']} found, {r['true']} true)")
            continue
        corr = float(np.corrcoef(ic[ok], sh[ok])[0, 1]) if ok.sum() > 2 else float("nan")
        click.echo(f"{r['video']}: {ic.size}/{r['true']} matched, {r['found']} found; render shank rate "
                   f"{r['shank_rate_deg_per_pct']} deg/%")
        click.echo(f"  IC error: median |.| {np.median(np.abs(ic)):.2f} fr, bias {ic.mean():+.2f}, s.d. {ic.std():.2f}; "
                   f"shin error: MAE {np.mean(np.abs(sh[ok])):.2f} deg, bias {sh[ok].mean():+.2f}, s.d. {sh[ok].std():.2f}; "
                   f"correlation {corr:+.2f}")
        click.echo("  per contact (foot phase: IC fr / shin deg): "
                   + " ".join(f"{f[0]}{p:.2f}:{i:+.2f}/{s:+.1f}" for f, p, i, s in r["rows"]))


if __name__ == "__main__":
    main()
