"""Plan a batch (what is finished, what failed before, what to do), run it, write its outputs."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from ..errors import ConfigError
from ..outdir import check_out_folder
from .config import BatchConfig, default_workers
from .discovery import Job, discover, hash_input
from .outputs import FAILED, FAILED_UNCHANGED, NOT_RUN, OK, SKIPPED, Row, load_metrics, write_all
from .store import DONE, OutputStore, base_record
from .task import Attempt


@dataclass
class BatchResult:
    """What a batch did.

    Attributes
    ----------
    rows : list of Row
        One per input, in discovery order.
    analyzed, skipped, failed : int
        Inputs analyzed now, skipped as unchanged, failed (now or unchanged since a previous run).
    restored, removed : int
        Results recovered and leftover work folders deleted after an interrupted batch.
    wall_s : float
        Wall time of the whole batch.
    outputs : dict
        Paths of ``summary.csv``, ``failures.csv`` and ``index.html``.
    """

    rows: list[Row] = field(default_factory=list)
    analyzed: int = 0
    skipped: int = 0
    failed: int = 0
    restored: int = 0
    removed: int = 0
    wall_s: float = 0.0
    outputs: dict = field(default_factory=dict)


def _hash_all(jobs: list[Job]) -> dict[str, str | OSError]:
    def one(job: Job):
        try:
            return hash_input(job.path)
        except OSError as exc:
            return exc
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip((j.id for j in jobs), pool.map(one, jobs)))


def _finished_row(job: Job, status: str, folder: Path, seconds: float | None) -> Row:
    return Row(job, status, seconds=seconds, metrics=load_metrics(folder), has_report=(folder / "report.html").exists())


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=console, disable=not enabled)


def run_batch(cfg: BatchConfig, console: Console | None = None, show_progress: bool = True) -> BatchResult:
    """Analyze every input under ``cfg.root`` that has no current result in ``cfg.out``.

    Never raises for a failing input: failures become rows (and ``failures.csv`` lines). The
    three batch outputs are written even when the batch is interrupted.

    Raises
    ------
    InputNotFound
        When ``cfg.root`` is not a folder.
    ConfigError
        For an unreadable manifest or thresholds file, or a missing optional engine.
    OutputError
        When ``cfg.out`` is a file (checked before any work).
    BatchBusy
        When another batch is writing to ``cfg.out``.
    """
    t0 = time.perf_counter()
    check_out_folder(cfg.out)
    console = console or Console(stderr=True)
    if cfg.engine == "ray":
        from .engines import import_ray

        import_ray()  # fail before any work when the extra is missing
    elif cfg.engine != "local":
        raise ConfigError(f"unknown engine {cfg.engine!r}: use local or ray")
    store = OutputStore(cfg.out)
    jobs = discover(cfg.root, cfg.out, cfg.manifest, cfg.group_by)
    settings = cfg.settings.as_dict()
    thresholds_text = None
    if cfg.settings.thresholds_toml:
        try:
            thresholds_text = Path(cfg.settings.thresholds_toml).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read {cfg.settings.thresholds_toml}: {exc.strerror}") from None
        from ..report.cues import load_thresholds

        load_thresholds(Path(cfg.settings.thresholds_toml))  # a bad file fails once, here, not per input
    settings_hash = cfg.settings.settings_hash()
    result = BatchResult()
    with store.locked():
        previous = store.claim(cfg.root)
        if previous:
            console.print(f"[yellow]note:[/yellow] {cfg.out} was last used for {previous}; inputs with the same "
                          f"relative path in {cfg.root} replace their results (use another --out to keep both)",
                          highlight=False)
        restored, result.removed = store.recover()
        result.restored = len(restored)
        shas = _hash_all(jobs)
        rows: dict[str, Row] = {}
        todo: list[Job] = []
        for job in jobs:
            sha = shas[job.id]
            if isinstance(sha, OSError):
                rows[job.id] = Row(job, FAILED, error_type="UnreadableInput", error=f"cannot read input: {sha}")
            elif not cfg.force and store.is_current(job, sha, settings_hash):
                rows[job.id] = _finished_row(job, SKIPPED, cfg.out / job.id,
                                             (store.done_record(job) or {}).get("seconds"))
            elif not cfg.force and not cfg.retry_failed and (rec := store.known_failure(job, sha, settings_hash)):
                rows[job.id] = Row(job, FAILED_UNCHANGED, seconds=rec.get("seconds"),
                                   error_type=rec.get("error_type", ""), error=rec.get("message", ""),
                                   log=f"{store.failures.name}/{job.id}.log")
            else:
                todo.append(job)
        try:
            with _progress(console, show_progress and bool(todo)) as bar:
                task = bar.add_task("analyzing", total=len(todo))
                for job, attempt, workdir in _engine(cfg, store, todo, settings, thresholds_text, bar):
                    record = {**base_record(job, shas[job.id], settings_hash, settings, cfg.engine),
                              "seconds": round(attempt.seconds, 3), "host": attempt.host}
                    rows[job.id] = _settle(store, job, attempt, workdir, record)
                    row = rows[job.id]
                    if row.failed:
                        bar.console.print(f"[red]failed:[/red] {escape(job.rel)}: {row.error_type}: "
                                          f"{escape(row.error)}", highlight=False)
                    bar.update(task, advance=1, description=job.rel[-40:])
        finally:
            ordered = [rows.get(j.id) or Row(j, NOT_RUN) for j in jobs]
            result.rows = ordered
            result.outputs = write_all(cfg.out, ordered)
    result.analyzed = sum(r.status == OK for r in result.rows)
    result.skipped = sum(r.status == SKIPPED for r in result.rows)
    result.failed = sum(r.failed for r in result.rows)
    result.wall_s = time.perf_counter() - t0
    return result


def _settle(store: OutputStore, job: Job, attempt: Attempt, workdir: Path | None, record: dict) -> Row:
    """Commit a successful attempt or record a failed one; return its summary row."""
    if attempt.ok:
        try:
            target = store.commit(job, attempt, workdir or store.new_workdir(job), record)
            return _finished_row(job, OK, target, attempt.seconds)
        except OSError as exc:
            attempt = Attempt(False, attempt.seconds, attempt.host, error_type="CommitError",
                              message=f"could not store the results: {exc}", log=attempt.log)
    log = store.record_failure(job, attempt, record)
    if workdir is not None:
        store.discard(workdir)
    return Row(job, FAILED, seconds=attempt.seconds, error_type=attempt.error_type, error=attempt.message,
               log=log.relative_to(store.out).as_posix())


def _engine(cfg: BatchConfig, store: OutputStore, todo: list[Job], settings: dict, thresholds_text, bar):
    if not todo:
        return iter(())
    if cfg.engine == "ray":
        from .engines import run_ray

        return run_ray(todo, settings, thresholds_text, cfg.timeout_s, cfg.workers or None, cfg.address,
                       cfg.retries, on_start=lambda msg: bar.console.print(msg),
                       previous=None if cfg.force else store.out)
    from .engines import run_local

    return run_local(todo, store, settings, thresholds_text, cfg.timeout_s, cfg.workers or default_workers(),
                     reuse_pose=not cfg.force)


__all__ = ["BatchResult", "run_batch", "DONE"]
