"""Keep frame-sized native buffers from piling up in the C heap (glibc only).

MediaPipe allocates a full-resolution float mask (8 MB at 1080x1920) and FFmpeg full frames
from several threads. glibc serves blocks of that size with ``mmap`` at first, but raises its
threshold after each free, so later frames land in per-thread heap arenas that are never given
back: on the 1080p gym clip one MediaPipe process grew from 310 to 630 MB over 150 frames.
A fixed threshold keeps every block of 128 KiB or more in ``mmap``, returned to the system on
free: the same process stays at about 350 MB, flat in clip length, for a page-fault cost of
about a millisecond a frame.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["release_large_blocks"]

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
#: Blocks at least this large (bytes) are mapped, and unmapped when freed.
MMAP_THRESHOLD = 128 * 1024
_done = False


def release_large_blocks() -> bool:
    """Fix glibc's mmap threshold for this process; True when set (False off glibc, or once set)."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):  # musl has no mallopt
        return False
    _done = ok
    return ok
