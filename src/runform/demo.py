"""The bundled demo input: a runner video the project generates itself (no network, no ../shared)."""

from __future__ import annotations

from pathlib import Path

from .synth.render.samples import DEMO_SAMPLE, render_sample, sample_dir


def demo_input(out: Path, name: str = DEMO_SAMPLE) -> Path:
    """Path of the bundled sample video ``name``, rendering it into ``out`` when not bundled.

    The repository ships ``sample_videos/<name>.mp4``; an installed wheel does not, so
    the same deterministic video is rendered on the fly (about 20 s).
    """
    bundled = sample_dir() / f"{name}.mp4"
    if bundled.is_file():
        return bundled
    return render_sample(name, Path(out) / "generated_sample")
