"""Settings of a batch run and the hash that decides whether a finished result is still valid."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Rough resident memory of one video analysis (MediaPipe + decoding + rendering), used to cap
#: the default number of workers on small machines.
BYTES_PER_WORKER = 1_500_000_000


@dataclass(frozen=True)
class AnalysisSettings:
    """The per-input analysis settings; everything here is part of the settings hash.

    Parameters
    ----------
    video : bool
        Write ``annotated.mp4`` for video inputs.
    video_height : int
        Height of ``annotated.mp4`` in pixels.
    keypoint_fps : float
        Frame rate of OpenPose JSON folders (the files carry no time).
    capture_fps : float or None
        Real capture rate of slow-motion clips.
    thresholds_toml : str or None
        Path of a coaching-thresholds TOML file (its *content* enters the hash, not its path).
    """

    video: bool = True
    video_height: int = 720
    keypoint_fps: float = 30.0
    capture_fps: float | None = None
    thresholds_toml: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def settings_hash(self) -> str:
        """SHA-256 of the settings in canonical JSON; a thresholds file counts by content."""
        d = self.as_dict()
        if self.thresholds_toml:
            d["thresholds_toml"] = hashlib.sha256(Path(self.thresholds_toml).read_bytes()).hexdigest()
        blob = json.dumps(d, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class BatchConfig:
    """How a batch runs.

    Parameters
    ----------
    root : Path
        Folder searched recursively for inputs.
    out : Path
        Output folder: ``OUT/<job id>/`` per input plus ``summary.csv``, ``failures.csv``, ``index.html``.
    workers : int or None
        Inputs analyzed at once (local engine) or tasks in flight (Ray engine); ``None``: one per
        core within memory (local), the cluster's CPUs (Ray).
    engine : str
        ``"local"`` or ``"ray"``.
    address : str or None
        Ray cluster address; ``None`` starts a local Ray cluster.
    force : bool
        Redo inputs even when a matching finished result exists.
    retry_failed : bool
        Retry inputs whose earlier failure was recorded for the same content and settings.
    timeout_s : float or None
        Per-input time limit; ``None`` for none.
    retries : int
        Ray task retries when a worker process or node dies.
    manifest : Path or None
        CSV with columns ``path,runner``.
    group_by : str
        Runner of inputs not in the manifest: ``folder`` (first sub-folder), ``prefix`` (file
        name up to the first underscore) or ``none``.
    settings : AnalysisSettings
        The per-input analysis settings.
    """

    root: Path
    out: Path
    workers: int | None = None
    engine: str = "local"
    address: str | None = None
    force: bool = False
    retry_failed: bool = False
    timeout_s: float | None = None
    retries: int = 2
    manifest: Path | None = None
    group_by: str = "folder"
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)


def available_cores() -> int:
    """CPU cores this process may use (affinity-aware)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def available_memory() -> int | None:
    """``MemAvailable`` in bytes from ``/proc/meminfo``, or ``None`` where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def default_workers() -> int:
    """One worker per core, fewer when memory would not hold that many video analyses."""
    cores = available_cores()
    mem = available_memory()
    if mem is None:
        return cores
    return max(1, min(cores, mem // BYTES_PER_WORKER))
