"""Output folders: checked before any work, one per input, removed again after a failure.

``runform analyze INPUT --out DIR`` writes to ``DIR/<input stem>/``. A video and a TRC
file of one trial usually share a stem (``run.mp4``, ``run.trc``); the second one to be
analyzed must not overwrite or mix with the first one's files, so it gets
``DIR/<stem>_<suffix>/`` instead (:func:`output_folder`).
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["output_folder", "check_out_folder", "make_writable", "remove_created", "as_output_error"]

#: errno values that mean "this place cannot be written", whatever is being written.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM,
                           errno.ENOTDIR, errno.EEXIST, errno.EISDIR})


def check_out_folder(out: Path, option: str = "--out") -> None:
    """Refuse an output path that exists and is not a folder.

    Raises
    ------
    OutputError
        When ``out`` (or one of its parents) is a regular file.
    """
    out = Path(out)
    for p in (out, *out.parents):
        if p.exists():
            if not p.is_dir():
                what = f"{option} {out}" if p == out else f"{option} {out}: {p}"
                raise OutputError(f"{what} is a file, not a folder")
            return


def _owner(folder: Path) -> str | None:
    """File name of the input whose results (or pose cache) are in ``folder``, or None."""
    for doc_path, keys in ((folder / "metrics.json", ("input", "path")), (folder / "pose.npz.json", ("key", "input"))):
        try:
            value = json.loads(doc_path.read_text(encoding="utf-8"))
            for k in keys:
                value = value[k]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(value, str) and value:
            return Path(value).name
    return None


def output_folder(out: Path, input_path: Path) -> Path:
    """The folder an input's results go to: ``out/<stem>``, or ``out/<stem>_<suffix>``.

    ``out/<stem>`` unless it already holds the results (``metrics.json`` ``input.path``) or
    the pose cache of an input with another file name; then ``out/<stem>_<suffix>``
    (``run_trc``, ``run_mp4``; ``_openpose`` for a folder). The same file name analyzed
    again, from any folder, reuses its own folder (and its pose cache).

    Raises
    ------
    OutputError
        When ``out`` is a file, or both names hold another input's results.
    """
    out, input_path = Path(out), Path(input_path)
    check_out_folder(out)
    stem = input_path.stem or input_path.name
    tag = input_path.suffix.lstrip(".").lower() or ("openpose" if input_path.is_dir() else "input")
    for folder in (out / stem, out / f"{stem}_{tag}"):
        if folder.exists() and not folder.is_dir():
            continue
        owner = _owner(folder)
        if owner is None or owner == input_path.name:
            return folder
    raise OutputError(f"{out / stem} and {out / f'{stem}_{tag}'} hold the results of other inputs; "
                      "use another --out")


def make_writable(folder: Path) -> list[Path]:
    """Create ``folder`` (and missing parents) and check a file can be written in it.

    Returns
    -------
    list of Path
        The folders this call created, deepest first (for :func:`remove_created`).

    Raises
    ------
    OutputError
        When a folder cannot be created or written (read-only, no permission, disk full).
    """
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    created: list[Path] = []
    try:
        for p in reversed(missing):  # top first, so each is recorded once it exists
            p.mkdir()
            created.insert(0, p)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-check-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        remove_created(created)
        raise OutputError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    return created


def remove_created(created: list[Path]) -> None:
    """Remove folders :func:`make_writable` created, deepest first; a non-empty parent stays."""
    import shutil

    for i, p in enumerate(created):
        if i == 0:
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                p.rmdir()
            except OSError:
                return  # something else lives there now


def as_output_error(exc: OSError, folder: Path) -> OutputError | None:
    """An :class:`OutputError` for an OSError raised while writing into ``folder``, else None.

    Disk full, read-only file systems and quotas count wherever they happen; permission and
    path errors only when the file named in the error is inside ``folder`` (so an input
    that cannot be read is not reported as an output problem).
    """
    if exc.errno not in _WRITE_ERRNOS:
        return None
    name = exc.filename
    inside = False
    if name is not None:
        try:
            Path(os.fsdecode(name)).resolve().relative_to(Path(folder).resolve())
            inside = True
        except (ValueError, OSError, TypeError):
            inside = False
    if not inside and exc.errno not in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
        return None
    return OutputError(f"cannot write the results in {folder}: {exc.strerror or exc}")
