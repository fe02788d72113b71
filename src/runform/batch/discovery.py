"""Find the inputs of a batch, give each a stable id and, where known, a runner.

Inputs are videos (``.mp4 .mov .m4v .avi .mkv .webm``), ``.trc`` motion-capture files and
OpenPose folders (a folder holding ``*_keypoints.json`` or Pose2Sim ``*.<frame>.json``; it is
not searched further).
Hidden files and folders, the output folder itself and anything that is not a regular file
(a FIFO would block the batch when read) are skipped.

Runner grouping: a CSV manifest (columns ``path,runner``; paths relative to the input folder
or absolute) wins; otherwise, by default, the first sub-folder under the input folder names
the runner (``DIR/<runner>/.../clip.mp4``; files directly in DIR have none), or with
``group_by="prefix"`` the file name up to its first underscore (``<runner>_<anything>.mp4``).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputNotFound

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"})
KEYPOINT_EXTENSIONS = frozenset({".trc"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Job:
    """One input of a batch.

    Parameters
    ----------
    id : str
        Folder name of its results under ``OUT``; unique, stable across runs, derived from ``rel``.
    path : Path
        Absolute path of the input (a file, or a folder for OpenPose).
    rel : str
        Path relative to the input folder, with ``/`` separators.
    kind : str
        ``"video"``, ``"trc"`` or ``"openpose"``.
    runner : str
        Runner name, ``""`` when unknown.
    """

    id: str
    path: Path
    rel: str
    kind: str
    runner: str = ""


def _is_openpose_dir(names: list[str]) -> bool:
    from ..io.openpose import is_keypoint_file

    return any(is_keypoint_file(n) for n in names)


def _regular(path: Path) -> bool:
    """A regular file (a symlink to one counts); False for FIFOs, sockets, devices, broken links."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def find_inputs(root: Path, out: Path | None = None) -> list[tuple[Path, str]]:
    """Return ``(path, kind)`` for every input under ``root``, sorted by relative path.

    Raises
    ------
    InputNotFound
        When ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputNotFound(f"input folder not found: {root}")
    skip = {Path(out).resolve()} if out is not None else set()
    found: list[tuple[Path, str]] = []
    seen_dirs: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        real = here.resolve()
        if real in seen_dirs or real in skip:  # symlink loops; OUT inside DIR
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        if here != root and _is_openpose_dir(filenames):
            found.append((here, "openpose"))
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            ext = Path(name).suffix.lower()
            if (ext in VIDEO_EXTENSIONS or ext in KEYPOINT_EXTENSIONS) and not _regular(here / name):
                continue  # a FIFO, socket or device: reading (or hashing) it would block the batch
            if ext in VIDEO_EXTENSIONS:
                found.append((here / name, "video"))
            elif ext in KEYPOINT_EXTENSIONS:
                found.append((here / name, "trc"))
    return sorted(found, key=lambda pk: pk[0].relative_to(root).as_posix())


def _base_id(rel: Path) -> str:
    parts = [*rel.parts[:-1], rel.stem if rel.suffix else rel.name]
    raw = "__".join(parts)
    safe = _UNSAFE.sub("_", raw).lstrip(".") or "input"
    return safe


def make_ids(rels: list[str]) -> dict[str, str]:
    """Map each relative path to a unique, filesystem-safe id.

    The id is the path without its extension, folders joined by ``__``. Where two inputs
    would share an id (``a.mp4`` and ``a.mov``; ids that differ only in case) every member of
    the clash gets its extension appended, then a short hash of its path if still needed.
    The result depends only on the set of paths, not on their order.
    """
    ids = {r: _base_id(Path(r)) for r in rels}
    for attempt in range(2):
        groups: dict[str, list[str]] = {}
        for r, i in ids.items():
            groups.setdefault(i.lower(), []).append(r)
        clashes = [g for g in groups.values() if len(g) > 1]
        if not clashes:
            break
        for group in clashes:
            for r in group:
                if attempt == 0:
                    ext = Path(r).suffix.lstrip(".").lower()
                    ids[r] = f"{ids[r]}-{ext}" if ext else ids[r]
                else:
                    ids[r] = f"{ids[r]}-{hashlib.sha1(r.encode()).hexdigest()[:8]}"
    return ids


def read_manifest(path: Path, root: Path) -> dict[str, str]:
    """Read a ``path,runner`` CSV into ``{relative path: runner}``.

    Raises
    ------
    ConfigError
        When the file is missing or lacks the ``path`` and ``runner`` columns.
    """
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            fields = {f.strip().lower() for f in reader.fieldnames or []}
    except OSError as exc:
        raise ConfigError(f"cannot read manifest {path}: {exc.strerror}") from None
    if not {"path", "runner"} <= fields:
        raise ConfigError(f"manifest {path} needs the columns path,runner")
    root = Path(root).resolve()
    mapping: dict[str, str] = {}
    for row in rows:
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("path"):
            continue
        p = Path(row["path"])
        p = p if p.is_absolute() else root / p
        try:
            rel = p.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = Path(os.path.relpath(p, root)).as_posix()
        mapping[rel] = row.get("runner", "")
    return mapping


def runner_from_folder(rel: str) -> str:
    """The first sub-folder of a relative path, ``""`` for files directly in the input folder."""
    parts = Path(rel).parts
    return parts[0] if len(parts) > 1 else ""


def runner_from_prefix(rel: str) -> str:
    """The file (or OpenPose folder) name up to its first underscore, ``""`` without one."""
    p = Path(rel)
    stem = p.stem if p.suffix else p.name
    return stem.split("_", 1)[0] if "_" in stem.strip("_") else ""


RUNNER_RULES = {"folder": runner_from_folder, "prefix": runner_from_prefix, "none": lambda rel: ""}


def discover(root: Path, out: Path | None = None, manifest: Path | None = None,
             group_by: str = "folder") -> list[Job]:
    """Find every input under ``root`` and return its :class:`Job`, sorted by relative path.

    ``group_by`` (``folder``, ``prefix`` or ``none``) names runners not in the manifest.
    """
    if group_by not in RUNNER_RULES:
        raise ConfigError(f"unknown grouping {group_by!r}: use one of {', '.join(RUNNER_RULES)}")
    rule = RUNNER_RULES[group_by]
    root = Path(root)
    inputs = find_inputs(root, out)
    rels = [p.relative_to(root).as_posix() for p, _ in inputs]
    ids = make_ids(rels)
    runners = read_manifest(manifest, root) if manifest else {}
    jobs = []
    for (p, kind), rel in zip(inputs, rels):
        runner = runners.get(rel, rule(rel))
        jobs.append(Job(ids[rel], p.absolute(), rel, kind, runner))
    return jobs


def hash_input(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, or of an OpenPose folder's ``*.json`` names and bytes."""
    h = hashlib.sha256()
    path = Path(path)
    files = sorted(f for f in path.glob("*.json") if _regular(f)) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(f.name.encode() + b"\0")
        with open(f, "rb") as fh:
            while block := fh.read(chunk):
                h.update(block)
    return h.hexdigest()
