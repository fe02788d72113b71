"""Fast synthetic sessions for the compare tests: TRC files and their analysed folders."""

from dataclasses import replace
from pathlib import Path

import pytest

from runform.synth.trc_writer import write_trc
from runform.keypoints import Keypoints
from runform.synth.render.samples import AFTER, BEFORE
from runform.synth.runner import generate_run


def _write(params, path: Path) -> Path:
    kp, _ = generate_run(params)
    return write_trc(kp, path)


def analyze_into(trc: Path, parent: Path) -> Path:
    """Analyse a TRC quietly (no report) into ``parent/<stem>/``; return that folder."""
    from runform.app import OutputOptions, run_analysis
    from runform.pipeline import AnalysisConfig

    run_analysis(trc, parent, AnalysisConfig(), OutputOptions(video=False, report=False))
    return parent / trc.stem


@pytest.fixture(scope="session")
def trc_pair(tmp_path_factory) -> tuple[Path, Path]:
    """The before/after retraining runners of the sample videos, 8 s at 60 Hz, 2 mm noise."""
    d = tmp_path_factory.mktemp("trc")
    return (_write(replace(BEFORE, fps=60.0, duration_s=8.0, noise_m=0.002), d / "before.trc"),
            _write(replace(AFTER, fps=60.0, duration_s=8.0, noise_m=0.002), d / "after.trc"))


@pytest.fixture(scope="session")
def steady_halves(tmp_path_factory) -> tuple[Path, Path]:
    """Two halves (8 s each) of one steady 16 s run of the 'after' runner."""
    d = tmp_path_factory.mktemp("halves")
    kp, _ = generate_run(replace(AFTER, fps=60.0, duration_s=16.0, noise_m=0.002, seed=11))
    n = len(kp) // 2
    out = []
    for name, sl in (("first_half", slice(0, n)), ("second_half", slice(n, len(kp)))):
        t = kp.time_s[sl]
        part = Keypoints(kp.xy[sl], kp.confidence[sl], t - t[0], units=kp.units)
        out.append(write_trc(part, d / f"{name}.trc"))
    return tuple(out)


@pytest.fixture(scope="session")
def analysed_pair(trc_pair, tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("analysed")
    return analyze_into(trc_pair[0], d), analyze_into(trc_pair[1], d)
