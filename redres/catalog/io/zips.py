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
from redres.messages import Message

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
        raise InterchangeError(Message("zip_unreadable", file=path.name)) from exc
    if len(members) > limits.max_members:
        said = Message("zip_members", file=path.name, count=len(members), limit=limits.max_members)
        raise LimitExceeded(said)
    for m in members:
        _check_member(path, m)
    total = sum(m.file_size for m in members)
    if total > limits.max_expanded_bytes:
        said = Message("zip_expands", file=path.name, size=total, limit=limits.max_expanded_bytes)
        raise LimitExceeded(said)
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > MiB and ratio > limits.max_ratio:
            said = Message(
                "zip_ratio",
                file=path.name,
                member=m.filename,
                ratio=f"{ratio:.0f}",
                packed=m.compress_size,
                size=m.file_size,
                limit=f"{limits.max_ratio:.0f}",
            )
            raise LimitExceeded(said)
    return members


def _check_member(path: Path, m: zipfile.ZipInfo) -> None:
    name = m.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise InterchangeError(Message("zip_outside", file=path.name, member=m.filename))
    if stat.S_ISLNK(m.external_attr >> 16):
        raise InterchangeError(Message("zip_symlink", file=path.name, member=m.filename))
    if m.flag_bits & 0x1:
        raise InterchangeError(Message("zip_encrypted", file=path.name, member=m.filename))


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
        raise _damaged(path, m) from exc


def _damaged(path: Path, m: zipfile.ZipInfo) -> InterchangeError:
    said = Message("zip_damaged", file=path.name, member=m.filename, size=m.file_size)
    return InterchangeError(said)


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
        said = Message(
            "zip_member_past", file=path.name, member=m.filename, limit=limits.max_expanded_bytes
        )
        raise LimitExceeded(said)
    if len(data) != m.file_size:
        raise _damaged(path, m)
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
                    said = Message("zip_past", file=path.name, limit=limits.max_expanded_bytes)
                    raise LimitExceeded(said)
                dst.write(chunk)
                written += len(chunk)
        if written != m.file_size:
            raise _damaged(path, m)
