"""Zip archives (XLSX, KMZ, zipped Shapefiles) opened without trusting them.

A zip bomb (a few kilobytes that expand to gigabytes) must fail before anything is expanded: the
central directory declares each member's sizes, so those are checked first (total, count and
compression ratio). Members are then read through streams that stop at the declared size, and a
member whose data does not match its header (a size that lies, a bad checksum) is refused.
A member name that is absolute or climbs out with `..`, a symbolic link and an encrypted member
are refused outright: redres extracts nothing it has not named itself.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.limits import ImportLimits, MiB

_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
"""What `zipfile` raises for damaged, lying, encrypted or oddly compressed members."""


def check_zip(path: Path, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    """The members of a zip archive, after checking their names and declared sizes.

    Raises
    ------
    LimitExceeded
        For too many members, too much declared content, or a member compressed suspiciously well.
    InterchangeError
        When the file is not a zip archive, or a member is a link, encrypted, or named outside it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (*_BROKEN, OSError) as exc:
        msg = f"{path.name!r} is not a readable zip archive: {exc}"
        raise InterchangeError(msg) from exc
    if len(members) > limits.max_members:
        msg = f"{path.name!r} holds {len(members)} files; the limit is {limits.max_members}"
        raise LimitExceeded(msg)
    for m in members:
        _check_member(path, m)
    total = sum(m.file_size for m in members)
    if total > limits.max_expanded_bytes:
        msg = (
            f"{path.name!r} would expand to {total} bytes; "
            f"the limit is {limits.max_expanded_bytes} bytes"
        )
        raise LimitExceeded(msg)
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > MiB and ratio > limits.max_ratio:
            msg = (
                f"{path.name!r} member {m.filename!r} expands {ratio:.0f}x "
                f"({m.compress_size} -> {m.file_size} bytes); the limit is {limits.max_ratio:.0f}x "
                "(a zip bomb?)"
            )
            raise LimitExceeded(msg)
    return members


def _check_member(path: Path, m: zipfile.ZipInfo) -> None:
    name = m.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        msg = f"{path.name!r} holds {m.filename!r}, a path outside the archive; refused"
        raise InterchangeError(msg)
    if stat.S_ISLNK(m.external_attr >> 16):
        msg = f"{path.name!r} holds {m.filename!r}, a symbolic link; refused"
        raise InterchangeError(msg)
    if m.flag_bits & 0x1:
        msg = f"{path.name!r} holds {m.filename!r}, which is encrypted; refused"
        raise InterchangeError(msg)


def is_junk(m: zipfile.ZipInfo) -> bool:
    """A directory entry, or what macOS and Windows add to archives (`__MACOSX/`, `._x`, `.DS_Store`)."""
    name = m.filename.replace("\\", "/")
    base = PurePosixPath(name).name
    return m.is_dir() or name.startswith("__MACOSX/") or not base or base.startswith(".")


@contextmanager
def open_member(path: Path, m: zipfile.ZipInfo) -> Iterator[IO[bytes]]:
    """A member's stream (bounded by its declared size); damage inside it becomes an error.

    Raises
    ------
    InterchangeError
        When the member's data does not match its header (a lying size, a bad checksum).
    """
    try:
        with zipfile.ZipFile(path) as archive, archive.open(m) as fh:
            yield fh
    except _BROKEN as exc:
        raise _damaged(path, m, exc) from exc


def _damaged(path: Path, m: zipfile.ZipInfo, why: object) -> InterchangeError:
    msg = (
        f"{path.name!r} member {m.filename!r} does not match its declared size of "
        f"{m.file_size} bytes or is damaged ({why}); refused"
    )
    return InterchangeError(msg)


def read_member(path: Path, m: zipfile.ZipInfo, limits: ImportLimits) -> bytes:
    """One member's bytes, read through a capped stream.

    Raises
    ------
    LimitExceeded
        When the member produces more bytes than allowed.
    InterchangeError
        When its data does not match its header.
    """
    with open_member(path, m) as fh:
        data = fh.read(limits.max_expanded_bytes + 1)
    if len(data) > limits.max_expanded_bytes:
        msg = f"{path.name!r} member {m.filename!r} expands past {limits.max_expanded_bytes} bytes"
        raise LimitExceeded(msg)
    if len(data) != m.file_size:
        raise _damaged(path, m, f"it holds {len(data)}")
    return data


def extract(
    path: Path, members: dict[str, zipfile.ZipInfo], target: Path, limits: ImportLimits
) -> None:
    """Write each named member to `target / name`, streaming with a running cap on bytes written.

    The names are the caller's, never the archive's, so nothing lands outside `target`.

    Raises
    ------
    LimitExceeded
        When the members produce more bytes than allowed, whatever their headers declare.
    InterchangeError
        When a member's data does not match its header.
    """
    budget = limits.max_expanded_bytes
    for name, m in members.items():
        written = 0
        with open_member(path, m) as src, (target / name).open("xb") as dst:
            while chunk := src.read(min(MiB, budget + 1)):
                budget -= len(chunk)
                if budget < 0:
                    msg = f"{path.name!r} expands past {limits.max_expanded_bytes} bytes"
                    raise LimitExceeded(msg)
                dst.write(chunk)
                written += len(chunk)
        if written != m.file_size:
            raise _damaged(path, m, f"it holds {written}")
