"""The batch's state on disk, kept loss-free under ``kill -9`` at any moment.

Layout of ``OUT``::

    OUT/<id>/              finished results of one input; always holds done.json (written last)
    OUT/.partial/<id>-*/   work in progress; deleted (or, for a finished result caught mid-swap,
                           moved into place) when the next batch starts
    OUT/.failures/<id>.*   the last failure of an input (json record + analysis log)
    OUT/.batch.lock        held while a batch runs, so two batches never share an OUT

A result reaches ``OUT/<id>/`` only by renaming a complete folder (done.json included), so a
folder there is always finished; replacing an older result moves it aside first and the
recovery step puts a finished result back if the process died between the two renames.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .. import __version__
from ..atomic import write_text_atomic
from ..errors import RunformError
from .discovery import Job
from .task import Attempt

PARTIAL = ".partial"
FAILURES = ".failures"
LOCK = ".batch.lock"
#: Which input folder this output folder belongs to (ids are paths relative to it).
OWNER = ".batch.json"
DONE = "done.json"


class BatchBusy(RunformError):
    """Another batch holds the output folder."""

    exit_code = 1


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _read_json(path: Path) -> dict | None:
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


class OutputStore:
    """Finished results, failure records and work folders under one output folder.

    Parameters
    ----------
    out : Path
        The batch output folder (created if missing).
    """

    def __init__(self, out: Path):
        self.out = Path(out)
        self.partial = self.out / PARTIAL
        self.failures = self.out / FAILURES

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on ``OUT`` (POSIX ``flock``; a no-op where unavailable).

        Raises
        ------
        BatchBusy
            When another batch runs on the same output folder.
        """
        self.out.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # Windows
            yield
            return
        with open(self.out / LOCK, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BatchBusy(f"another runform batch is writing to {self.out}") from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def claim(self, root: Path) -> str | None:
        """Record the input folder ``OUT`` serves; return the previous one when it was different.

        Results are keyed by paths relative to the input folder, so ``monday/a.mp4`` and
        ``tuesday/a.mp4`` batched into one ``OUT`` share ``OUT/a/``: the second replaces the
        first, exactly as a changed file would. That is right for a moved or copied folder and
        wrong for a different one, which only the user can tell; the caller warns.
        """
        root = str(Path(root).resolve())
        owner = _read_json(self.out / OWNER) or {}
        previous = owner.get("input_folder")
        if previous != root:
            write_text_atomic(self.out / OWNER, json.dumps({"input_folder": root, "since": now_iso()}, indent=1))
        return previous if previous not in (None, root) else None

    def recover(self) -> tuple[list[str], int]:
        """Clean up after an interrupted batch.

        Returns
        -------
        restored : list of str
            Ids whose finished result was caught between two renames and was moved into place.
        removed : int
            Leftover work folders deleted.
        """
        if not self.partial.is_dir():
            return [], 0
        best: dict[str, tuple[str, Path]] = {}
        for done in self.partial.glob("*/**/" + DONE):
            rec = _read_json(done)
            jid = rec.get("id") if rec else None
            if not jid or (self.out / jid).exists():
                continue
            key = rec.get("finished_at", "")
            if jid not in best or key > best[jid][0]:
                best[jid] = (key, done.parent)
        restored = []
        for jid, (_, folder) in sorted(best.items()):
            os.rename(folder, self.out / jid)
            restored.append(jid)
        leftovers = list(self.partial.iterdir())
        for p in leftovers:
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        return restored, len(leftovers)

    def new_workdir(self, job: Job) -> Path:
        """A fresh, uniquely named work folder ``OUT/.partial/<id>-<random>``."""
        self.partial.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{job.id}-", dir=self.partial))

    def done_record(self, job: Job) -> dict | None:
        """The ``done.json`` of a finished result, or ``None``."""
        return _read_json(self.out / job.id / DONE)

    def is_current(self, job: Job, input_sha: str, settings_hash: str) -> bool:
        """A finished result exists for these exact input bytes and settings."""
        rec = self.done_record(job)
        return bool(rec and rec.get("input_sha256") == input_sha and rec.get("settings_hash") == settings_hash)

    def failure_record(self, job: Job) -> dict | None:
        return _read_json(self.failures / f"{job.id}.json")

    def known_failure(self, job: Job, input_sha: str, settings_hash: str) -> dict | None:
        """The recorded failure for these exact input bytes and settings, if deterministic."""
        rec = self.failure_record(job)
        if rec and rec.get("deterministic") and rec.get("input_sha256") == input_sha \
                and rec.get("settings_hash") == settings_hash:
            return rec
        return None

    def commit(self, job: Job, attempt: Attempt, workdir: Path, record: dict) -> Path:
        """Move a successful attempt's outputs into ``OUT/<id>/`` with ``done.json`` written last.

        ``record`` (input hash, settings hash, timings...) becomes ``done.json``; ``id`` and
        ``finished_at`` are added. Returns the result folder.
        """
        workdir = Path(workdir)
        if attempt.files:
            result = workdir / "result"
            for name, data in attempt.files.items():
                (result / name).parent.mkdir(parents=True, exist_ok=True)
                (result / name).write_bytes(data)
        else:
            result = Path(attempt.result_dir)
        (result / "analysis.log").write_text(attempt.log, encoding="utf-8")
        write_text_atomic(result / DONE, json.dumps({**record, "id": job.id, "finished_at": now_iso()}, indent=1))
        target = self.out / job.id
        if target.exists():
            os.rename(target, workdir / "replaced")
        os.rename(result, target)
        shutil.rmtree(workdir, ignore_errors=True)
        self.clear_failure(job)
        return target

    def record_failure(self, job: Job, attempt: Attempt, record: dict) -> Path:
        """Write the failure record and log of a failed attempt; returns the log path."""
        log = self.failures / f"{job.id}.log"
        write_text_atomic(log, attempt.log)
        write_text_atomic(self.failures / f"{job.id}.json", json.dumps(
            {**record, "id": job.id, "error_type": attempt.error_type, "message": attempt.message,
             "deterministic": attempt.deterministic, "at": now_iso()}, indent=1))
        return log

    def clear_failure(self, job: Job) -> None:
        for suffix in (".json", ".log"):
            (self.failures / f"{job.id}{suffix}").unlink(missing_ok=True)

    def discard(self, workdir: Path) -> None:
        shutil.rmtree(workdir, ignore_errors=True)


def base_record(job: Job, input_sha: str, settings_hash: str, settings: dict, engine: str) -> dict:
    """The fields shared by ``done.json`` and failure records."""
    return {"path": job.rel, "input": str(job.path), "kind": job.kind, "runner": job.runner,
            "input_sha256": input_sha, "settings_hash": settings_hash, "settings": settings,
            "runform_version": __version__, "engine": engine}
