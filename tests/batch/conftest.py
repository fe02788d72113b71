"""Fast batch inputs: generated TRC runners (well under a second of analysis each)."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from runform.synth.trc_writer import write_trc
from runform.synth.runner import GaitParams, generate_run


def make_trc(path: Path, seed: int = 0, shin: float = 4.0, duration_s: float = 5.0) -> Path:
    kp, _ = generate_run(GaitParams(duration_s=duration_s, fps=60.0, seed=seed, shin_angle_ic_deg=shin))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_trc(kp, path)
    return path


@pytest.fixture(scope="session")
def trc_tree(tmp_path_factory) -> Path:
    """``alice/{easy,tempo}.trc``, ``bob/{easy.trc,bad.mp4}``, ``solo.trc`` (bad.mp4 is garbage)."""
    root = tmp_path_factory.mktemp("batch-src") / "in"
    make_trc(root / "alice" / "easy.trc", seed=1, shin=2.0)
    make_trc(root / "alice" / "tempo.trc", seed=2, shin=9.0)
    make_trc(root / "bob" / "easy.trc", seed=3, shin=5.0)
    make_trc(root / "solo.trc", seed=4, shin=11.0)
    (root / "bob" / "bad.mp4").write_bytes(b"\x00not a video\xff" * 64)
    return root


@pytest.fixture
def fresh_tree(trc_tree, tmp_path) -> Path:
    """A private copy of :func:`trc_tree` a test may change."""
    return Path(shutil.copytree(trc_tree, tmp_path / "in"))


@pytest.fixture
def fault_env(tmp_path, monkeypatch):
    """Make analysis processes misbehave for inputs whose path contains a marker.

    A ``sitecustomize`` on ``PYTHONPATH`` wraps ``run_analysis`` in every child process:
    ``exit_`` in the path -> ``os._exit(3)``; ``segv_`` -> SIGSEGV; ``hang_`` -> sleeps.
    """
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent("""
        import os, signal, time
        import runform.app as _cli
        _orig = _cli.run_analysis
        def _faulty(input_path, *a, **k):
            name = os.path.basename(str(input_path))
            if name.startswith("exit_"):
                os._exit(3)
            if name.startswith("segv_"):
                os.kill(os.getpid(), signal.SIGSEGV)
            if name.startswith("hang_"):
                time.sleep(600)
            return _orig(input_path, *a, **k)
        _cli.run_analysis = _faulty
    """))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    return site
