"""The per-input task: analyze one input in its own process and report what happened.

The same function serves both engines. The local engine calls :func:`analyze_isolated`
with a work folder inside ``OUT/.partial``; the Ray engine calls :func:`run_shipped`, which
unpacks the input's bytes on whichever machine runs the task and sends the outputs back as
bytes, so cluster nodes need no shared filesystem.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

#: Failures that the same input bytes and settings will always reproduce; a rerun skips them
#: (``--retry-failed`` retries). Crashes, time-outs and internal errors are retried.
DETERMINISTIC_ERRORS = frozenset({"UnreadableInput", "NoRunnerFound", "NotEnoughData"})
#: Characters of the analysis log kept in a failure record.
LOG_TAIL_CHARS = 4000

_live: set[subprocess.Popen] = set()
_live_lock = threading.Lock()


def kill_running() -> int:
    """Kill every analysis process this process started and that is still running.

    The engines call it when the batch is interrupted, so analyses stop at once even when
    only the batch process got the signal. Returns how many were killed.
    """
    with _live_lock:
        procs = [p for p in _live if p.poll() is None]
    for p in procs:
        p.kill()
    return len(procs)


@dataclass(frozen=True)
class Attempt:
    """The outcome of analyzing one input once.

    Parameters
    ----------
    ok : bool
        The analysis finished and wrote its outputs.
    seconds : float
        Wall time of the analysis process, start-up included.
    host : str
        Machine that ran it.
    result_dir : str or None
        Folder holding the finished outputs (local engine).
    files : dict or None
        ``{file name: bytes}`` of the finished outputs (Ray engine).
    error_type, message : str
        For failures: exception class name (or ``Crash`` / ``Timeout`` / ``WorkerError``) and a line.
    deterministic : bool
        The failure is one the same input and settings will reproduce.
    log : str
        The analysis process's output (the tail for failures).
    """

    ok: bool
    seconds: float
    host: str
    result_dir: str | None = None
    files: dict = field(default_factory=dict)
    error_type: str = ""
    message: str = ""
    deterministic: bool = False
    log: str = ""


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _describe_exit(rc: int) -> tuple[str, str]:
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        hint = " (out of memory?)" if -rc == signal.SIGKILL else ""
        return "Crash", f"analysis process killed by {name}{hint}"
    return "WorkerError", f"analysis process exited with status {rc} without a report"


def analyze_isolated(input_path: str | Path, workdir: str | Path, settings: dict,
                     thresholds_text: str | None = None, timeout_s: float | None = None,
                     pose_workers: int | None = None) -> Attempt:
    """Analyze one input in a fresh Python process, its outputs under ``workdir/out``.

    Parameters
    ----------
    input_path : str or Path
        The video, TRC file or OpenPose folder.
    workdir : str or Path
        An empty folder of this attempt's own; it receives ``spec.json``, ``log.txt`` and
        ``out/<input stem>/``.
    settings : dict
        :meth:`runform.batch.config.AnalysisSettings.as_dict`.
    thresholds_text : str or None
        Content of a coaching-thresholds TOML file.
    timeout_s : float or None
        Kill the analysis after this many seconds.
    pose_workers : int or None
        Processes its pose may use (``runform analyze --workers``); None: one per core. Not
        part of the settings hash: it changes the speed, not the result (beyond pose noise).

    Returns
    -------
    Attempt
        Never raises for a failure of the analysis itself (crashes included).
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    spec = {"input": str(input_path), "workdir": str(workdir), "settings": settings,
            "thresholds_text": thresholds_text, "parent_pid": os.getpid(), "pose_workers": pose_workers}
    (workdir / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    log_path = workdir / "log.txt"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    host = socket.gethostname()
    t0 = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "runform.batch.worker", str(workdir / "spec.json")],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        with _live_lock:
            _live.add(proc)
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = None
        except BaseException:  # KeyboardInterrupt: take the child down with us
            proc.kill()
            proc.wait()
            raise
        finally:
            with _live_lock:
                _live.discard(proc)
    seconds = time.perf_counter() - t0
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    outs = [d for d in (workdir / "out").glob("*") if d.is_dir()] if (workdir / "out").is_dir() else []
    if rc == 0 and (workdir / "result.json").exists() and len(outs) == 1 and (outs[0] / "metrics.json").exists():
        return Attempt(True, seconds, host, result_dir=str(outs[0]), log=log_text)
    tail = log_text[-LOG_TAIL_CHARS:]
    if rc is None:
        return Attempt(False, seconds, host, error_type="Timeout",
                       message=f"analysis took longer than {timeout_s:g} s and was stopped", log=tail)
    err = _read_json(workdir / "error.json")
    if err:
        return Attempt(False, seconds, host, error_type=err.get("type", "Error"), message=err.get("message", ""),
                       deterministic=err.get("type") in DETERMINISTIC_ERRORS, log=tail)
    if rc == 0:
        return Attempt(False, seconds, host, error_type="WorkerError",
                       message="analysis process finished without writing metrics.json", log=tail)
    etype, message = _describe_exit(rc)
    return Attempt(False, seconds, host, error_type=etype, message=message, log=tail)


def pack_input(path: Path) -> dict[str, bytes]:
    """An input's bytes for shipping: ``{name: bytes}``, or ``{folder/name: bytes}`` for OpenPose."""
    path = Path(path)
    if path.is_dir():
        return {f"{path.name}/{f.name}": f.read_bytes() for f in sorted(path.glob("*.json"))}
    return {path.name: path.read_bytes()}


#: The MediaPipe cache files of a result folder (:func:`runform.pose.cache.load_or_estimate_pose`).
POSE_CACHE = ("pose.npz", "pose.npz.json")


def pack_pose_cache(result_dir: Path) -> dict[str, bytes] | None:
    """A previous result's pose cache for shipping with its input (None when it has none)."""
    files = [Path(result_dir) / n for n in POSE_CACHE]
    return {f.name: f.read_bytes() for f in files} if all(f.is_file() for f in files) else None


def run_shipped(payload: dict[str, bytes], settings: dict, thresholds_text: str | None = None,
                timeout_s: float | None = None, mtime_ns: int | None = None,
                pose_cache: dict[str, bytes] | None = None, pose_workers: int | None = 1) -> Attempt:
    """Unpack an input shipped by :func:`pack_input` into a temp folder, analyze it there and
    return the outputs as bytes in :attr:`Attempt.files` (the Ray task body).

    ``mtime_ns`` (the input's modification time) and ``pose_cache`` (:func:`pack_pose_cache`)
    let the task reuse the earlier pose: the cache knows a file by its name, size and mtime,
    not its folder. ``pose_workers``: a Ray task holds one CPU, so its pose uses one process.
    """
    with tempfile.TemporaryDirectory(prefix="runform-batch-") as tmp:
        tmp = Path(tmp)
        for name, data in payload.items():
            target = tmp / "input" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        first = Path(next(iter(payload)))
        input_path = tmp / "input" / first.parts[0]
        if mtime_ns is not None and input_path.is_file():
            os.utime(input_path, ns=(mtime_ns, mtime_ns))
        if pose_cache and input_path.is_file():
            seeded = tmp / "work" / "out" / (input_path.stem or input_path.name)
            seeded.mkdir(parents=True, exist_ok=True)
            for name, data in pose_cache.items():
                (seeded / Path(name).name).write_bytes(data)
        attempt = analyze_isolated(input_path, tmp / "work", settings, thresholds_text, timeout_s, pose_workers)
        if not attempt.ok:
            return attempt
        result = Path(attempt.result_dir)
        files = {f.relative_to(result).as_posix(): f.read_bytes() for f in sorted(result.rglob("*")) if f.is_file()}
        return replace(attempt, result_dir=None, files=files)
