"""Engines run the per-input task over many inputs and yield each outcome as it arrives.

``local`` runs up to ``workers`` analysis processes at once on this machine; ``ray`` sends
the same task to a Ray cluster (a local one when no address is given), with per-task retries
when a worker process or node dies. Both yield ``(job, attempt, workdir)``; ``workdir`` is the
attempt's folder under ``OUT/.partial`` (local) or ``None`` (Ray: the outputs come back as bytes).
"""

from __future__ import annotations

import shutil
import socket
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import ConfigError
from .discovery import Job
from .store import OutputStore
from .config import available_cores, default_workers
from .task import POSE_CACHE, Attempt, analyze_isolated, kill_running, pack_input, pack_pose_cache, run_shipped

Outcome = tuple[Job, Attempt, "Path | None"]


class OptionalDependencyMissing(ConfigError):
    """An optional extra (e.g. ``runform[ray]``) is not installed."""


def import_ray():
    """Import Ray or raise :class:`OptionalDependencyMissing` saying how to install it."""
    try:
        import ray
    except ImportError:
        raise OptionalDependencyMissing("--engine ray needs Ray: pip install 'runform[ray]'") from None
    return ray


def _failed(exc: BaseException) -> Attempt:
    return Attempt(False, 0.0, socket.gethostname(), error_type=type(exc).__name__,
                   message=(str(exc).strip().splitlines() or [repr(exc)])[-1][:500])


def pose_workers_each(workers: int, n_jobs: int) -> int:
    """Pose processes per analysis when ``min(workers, n_jobs)`` analyses run at once: the
    cores shared out, so analyses in parallel never oversubscribe them (1 on a busy batch)."""
    return max(1, available_cores() // max(1, min(workers, n_jobs)))


def seed_pose_cache(previous: Path, workdir: Path, job: Job) -> bool:
    """Copy a previous result's MediaPipe cache into a new attempt's output folder.

    The cache checks itself (input path, size, mtime, pose settings), so a stale one is
    simply recomputed; a fresh one spares the slowest step when only other settings changed.
    """
    if not all((previous / n).is_file() for n in POSE_CACHE):
        return False
    target = workdir / "out" / (job.path.stem or job.path.name)
    target.mkdir(parents=True, exist_ok=True)
    for n in POSE_CACHE:
        shutil.copy2(previous / n, target / n)
    return True


def run_local(jobs: Iterable[Job], store: OutputStore, settings: dict, thresholds_text: str | None,
              timeout_s: float | None, workers: int, reuse_pose: bool = True) -> Iterator[Outcome]:
    """Analyze ``jobs`` with at most ``workers`` analysis processes at a time.

    With ``reuse_pose``, a video's earlier pose cache in ``OUT/<id>/`` seeds the new attempt.
    """
    jobs = list(jobs)

    def task(job: Job) -> tuple[Attempt, Path]:
        wd = store.new_workdir(job)
        if reuse_pose and job.kind == "video":
            seed_pose_cache(store.out / job.id, wd, job)
        return analyze_isolated(job.path, wd, settings, thresholds_text, timeout_s, pose_workers), wd

    pose_workers = pose_workers_each(workers, len(jobs))

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="runform-batch")
    try:
        pending = {pool.submit(task, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                try:
                    attempt, wd = fut.result()
                except Exception as exc:  # noqa: BLE001 - e.g. OUT not writable; one job fails
                    attempt, wd = _failed(exc), None
                yield job, attempt, wd
    except BaseException:  # interrupted (Ctrl-C) or the consumer failed: stop the analyses now
        pool.shutdown(wait=False, cancel_futures=True)
        kill_running()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_ray(jobs: Iterable[Job], settings: dict, thresholds_text: str | None, timeout_s: float | None,
            workers: int | None, address: str | None, retries: int,
            on_start: Callable[[str], None] | None = None, previous: Path | None = None) -> Iterator[Outcome]:
    """Analyze ``jobs`` as Ray tasks, at most ``workers`` in flight (default: the cluster's CPUs).

    A Ray cluster is started on this machine when ``address`` is ``None`` and Ray is not
    already initialised in this process, and shut down again at the end. Each task holds one
    CPU and its pose runs in one process. With ``previous`` (the batch's ``OUT``), a video's
    earlier pose cache in ``OUT/<id>/`` travels with its input, so the task reuses it.
    """
    ray = import_ray()
    started = False
    if not ray.is_initialized():
        kwargs = {"include_dashboard": False, "log_to_driver": False}
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=workers or default_workers(), **kwargs)
        started = True
    try:
        window = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        if on_start:
            on_start(f"ray: {window} tasks in flight on {len(ray.nodes())} node(s)")
        remote = ray.remote(num_cpus=1, max_retries=retries)(run_shipped)
        queue = iter(jobs)
        in_flight: dict = {}

        def submit() -> bool:
            job = next(queue, None)
            if job is None:
                return False
            try:
                cache = pack_pose_cache(previous / job.id) if previous is not None and job.kind == "video" else None
                ref = remote.remote(pack_input(job.path), settings, thresholds_text, timeout_s,
                                    job.path.stat().st_mtime_ns if job.path.is_file() else None, cache, 1)
            except OSError as exc:  # the input vanished or is unreadable here
                in_flight[("local-error", job.id)] = (job, _failed(exc))
                return True
            in_flight[ref] = (job, None)
            return True

        while len(in_flight) < window and submit():
            pass
        while in_flight:
            local = next((k for k in in_flight if isinstance(k, tuple)), None)
            if local is not None:
                job, attempt = in_flight.pop(local)
            else:
                ready, _ = ray.wait(list(in_flight), num_returns=1)
                job, _ = in_flight.pop(ready[0])
                try:
                    attempt = ray.get(ready[0])
                except Exception as exc:  # noqa: BLE001 - RayTaskError, WorkerCrashedError after retries
                    attempt = _failed(exc)
            submit()
            yield job, attempt, None
    finally:
        if started:
            ray.shutdown()
