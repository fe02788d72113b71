"""Render the bundled sample videos and their exact ground truth into sample_videos/.

Deterministic (seeded): rerunning rewrites the same files. Each video gets a
``<name>.truth.json`` with per-frame pixel joint positions, every initial contact
and toe-off, per-stance true metrics and the overstriding label. The runners
themselves are defined in :mod:`runform.synth.render.samples`.

Usage: ``python scripts/make_sample_videos.py [--only NAME] [--out sample_videos]``
"""

from __future__ import annotations

from pathlib import Path

import click

from runform.synth.render.samples import AFTER, BEFORE, OVERSTRIDER, RELAXED, SAMPLES, render_sample, truth_document  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


@click.command()
@click.option("--only", default=None, help="Render only this sample.")
@click.option("--out", type=click.Path(path_type=Path), default=ROOT / "sample_videos")
def main(only: str | None, out: Path) -> None:
    for name in SAMPLES:
        if only and name != only:
            continue
        path = render_sample(name, out)
        click.echo(f"{name}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
