"""The analysis process of one batch input: ``python -m runform.batch.worker SPEC.json``.

Runs :func:`runform.app.run_analysis` into ``<workdir>/out/`` and leaves either
``<workdir>/result.json`` (success) or ``<workdir>/error.json`` (typed failure) behind. Anything
worse (a segfault, ``os._exit``, running out of memory) is seen by the parent as an exit status
without either file. The process asks Linux to kill it when its parent dies, so a killed batch
leaves no orphan analyses running.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

#: Exit status of a failure that is not a :class:`runform.errors.RunformError`.
INTERNAL_EXIT = 70


def _die_with_parent(parent_pid: int | None) -> None:
    """Linux only: SIGKILL this process when the parent exits; exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent_pid and os.getppid() != parent_pid:
        os._exit(INTERNAL_EXIT)


def _write_json(path: Path, obj: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def run(spec: dict) -> int:
    """Analyze ``spec["input"]`` and return the process exit status."""
    workdir = Path(spec["workdir"])
    t0 = time.perf_counter()
    try:
        from ..app import OutputOptions, run_analysis
        from ..pipeline import AnalysisConfig
        from ..terminal import print_run, progress_bar

        s = spec["settings"]
        toml = None
        if spec.get("thresholds_text") is not None:
            toml = workdir / "thresholds.toml"
            toml.write_text(spec["thresholds_text"], encoding="utf-8")
        config = AnalysisConfig(capture_fps=s.get("capture_fps"), openpose_fps=s.get("keypoint_fps", 30.0),
                                pose_workers=spec.get("pose_workers"))
        options = OutputOptions(video=s.get("video", True), video_height=s.get("video_height", 720),
                                report=True, thresholds_toml=toml)
        result = run_analysis(Path(spec["input"]), workdir / "out", config, options, progress=progress_bar)
        print_run(result)  # the worker's log
        paths = result.paths
        _write_json(workdir / "result.json", {"seconds": time.perf_counter() - t0,
                                              "outputs": {k: Path(v).name for k, v in paths.items()}})
        return 0
    except BaseException as err:  # noqa: BLE001 - every failure is reported to the parent
        from ..errors import RunformError

        code = err.exit_code if isinstance(err, RunformError) else INTERNAL_EXIT
        if isinstance(err, KeyboardInterrupt):
            code = 130
        _write_json(workdir / "error.json", {"type": type(err).__name__, "message": str(err) or repr(err),
                                             "exit_code": code, "runform_error": isinstance(err, RunformError),
                                             "seconds": time.perf_counter() - t0,
                                             "traceback": traceback.format_exc()})
        traceback.print_exc()
        return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    _die_with_parent(spec.get("parent_pid"))
    return run(spec)


if __name__ == "__main__":
    sys.exit(main())
