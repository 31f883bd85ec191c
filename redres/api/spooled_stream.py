"""A response body made in one thread and sent from another, through a temporary file.

A streamed export reads the catalogue in one read transaction. Sent straight to the client,
that transaction (and its pooled connection) would last as long as the client takes to read,
so a few slow readers could hold every connection. Here a producer thread writes the bytes
to an unlinked temporary file as fast as the database gives them, and the response reads
them back as the client takes them: the first bytes go out at once, memory holds one chunk,
and the connection is returned when the reading is done, whatever the client's pace.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator

READ_CHUNK = 256 * 1024
"""Bytes sent to the client at a time."""


class _Cancelled(Exception):
    """The client went away: the producer stops."""


class _Spool:
    """Bytes appended by the producer and read by the response, with the end or error."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="redres-stream-")  # noqa: SIM115 (closed by _release)
        self._cond = threading.Condition()
        self._written = 0
        self._done = False
        self._error: BaseException | None = None
        self._cancelled = False
        self._holders = 2  # the producer and the reader; the last to let go closes the file

    def write(self, data: bytes) -> None:
        with self._cond:
            if self._cancelled:
                raise _Cancelled
            self._file.seek(self._written)
            self._file.write(data)
            self._file.flush()
            self._written += len(data)
            self._cond.notify_all()

    def finish(self, error: BaseException | None) -> None:
        with self._cond:
            self._done = True
            self._error = error
            self._cond.notify_all()
        self._release()

    def chunks(self) -> Iterator[bytes]:
        at = 0
        try:
            while True:
                with self._cond:
                    while at >= self._written and not self._done:
                        self._cond.wait()
                    if at < self._written:
                        self._file.seek(at)
                        data = self._file.read(min(READ_CHUNK, self._written - at))
                    elif self._error is not None:
                        raise self._error
                    else:
                        return
                at += len(data)
                yield data
        finally:
            with self._cond:
                self._cancelled = True
            self._release()

    def _release(self) -> None:
        with self._cond:
            self._holders -= 1
            last = self._holders == 0
        if last:
            self._file.close()


def spooled(produce: Callable[[], Iterable[bytes]]) -> Iterator[bytes]:
    """The bytes of `produce()`, made in a thread of their own and read back as they come.

    The thread starts at once, and stops early (its generator closed) when the response's
    reader is closed, e.g. because the client went away.
    """
    spool = _Spool()

    def run() -> None:
        error: BaseException | None = None
        try:
            source = produce()
            try:
                for data in source:
                    spool.write(data)
            finally:
                close = getattr(source, "close", None)
                if close is not None:
                    close()
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the reader, which raises it
            error = exc
        finally:
            spool.finish(error)

    threading.Thread(target=run, name="redres-export", daemon=True).start()
    return spool.chunks()
