"""Decode ahead in a thread: the next frames are decoded while the current one is worked on.

PyAV releases the GIL while FFmpeg decodes and converts, so a decoding thread runs beside
MediaPipe, drawing or encoding on another core. At most ``depth`` frames wait in the queue:
memory stays flat whatever the clip's length.
"""

from __future__ import annotations

import queue
import threading
from typing import Iterable, Iterator, TypeVar

__all__ = ["prefetch"]

T = TypeVar("T")
_END = object()


def prefetch(items: Iterable[T], depth: int = 4) -> Iterator[T]:
    """Yield ``items`` in order, produced by a background thread up to ``depth`` ahead.

    An exception raised by the producer is raised here, at the item it stopped at. Closing
    the generator early (``break``) stops the producer at its next item.
    """
    q: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                q.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    break
            else:
                put((_END, None))
        except BaseException as err:  # noqa: BLE001 - handed to the consumer
            put((_END, err))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # an iter_frames generator closes its container

    thread = threading.Thread(target=produce, name="runform-decode", daemon=True)
    thread.start()
    try:
        while True:
            item, err = q.get()
            if item is _END:
                if err is not None:
                    raise err
                return
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
