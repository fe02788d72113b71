"""Run a command and measure it: wall time, CPU time and the memory of its whole process tree.

Used by ``scripts/bench_speed.py``. CPU is user + system of the process and every descendant
it waited for (``wait4``'s rusage), so pose workers count. Memory is sampled every 0.1 s from
``/proc``: the peak over time of the tree's summed PSS (proportional set size: a library page
shared by two workers counts half in each, so the sum is what the tree really occupies) and the
largest single process's peak RSS (``ru_maxrss``, what ``/usr/bin/time`` prints).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Measured", "measure"]


@dataclass(frozen=True)
class Measured:
    """One run: ``wall_s`` and ``cpu_s`` in seconds, ``tree_mb`` and ``max_rss_mb`` in MB (10^6 bytes)."""

    wall_s: float
    cpu_s: float
    tree_mb: float
    max_rss_mb: float
    returncode: int
    output: str


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _memory_kb(pid: int) -> int:
    """PSS of one process in kB (RSS where smaps_rollup is unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, IndexError, ValueError):
        return 0


def _kids(pid: int) -> list[int] | None:
    """Children from /proc/PID/task/*/children (cheap); None where the kernel lacks the file."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out.extend(int(c) for c in (task / "children").read_text().split())
    except FileNotFoundError:
        return None if not Path(f"/proc/{pid}").exists() else []
    except OSError:
        return []
    return out


def _tree_kb(root: int) -> int:
    tree = None
    todo, total = [root], 0
    while todo:
        pid = todo.pop()
        total += _memory_kb(pid)
        kids = _kids(pid)
        if kids is None:
            tree = tree or _children()
            kids = tree.get(pid, [])
        todo.extend(kids)
    return total


def measure(cmd: list[str], env: dict | None = None, interval_s: float = 0.1) -> Measured:
    """Run ``cmd`` to completion and measure it (see the module docstring)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_kb(proc.pid))
            done.wait(interval_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    reader.join()
    text = b"".join(chunks).decode("utf-8", "replace")
    return Measured(wall, usage.ru_utime + usage.ru_stime, peak[0] / 1000.0, usage.ru_maxrss / 1000.0,
                    proc.returncode, text)
