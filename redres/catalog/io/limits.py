"""Limits on what an import will read, and zip archives opened without trusting them.

XLSX, KMZ and zipped Shapefiles are zip archives; a zip bomb (a few kilobytes that expand to
gigabytes) must fail before anything is expanded. The central directory declares each member's
sizes, so those are checked first (total, count and compression ratio); members are then read
through a stream that stops at the declared size plus a cap, so a lying header cannot push past it.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from redres.catalog.io.errors import InterchangeError, LimitExceeded

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """How much an import may read; the defaults fit a province's registry with room to spare."""

    max_file_bytes: int = 200 * MiB
    max_rows: int = 200_000
    max_expanded_bytes: int = 1024 * MiB
    max_ratio: float = 200.0
    """Largest uncompressed/compressed ratio of a zip member; XML compresses ~10-30x, bombs ~1000x."""
    max_members: int = 1000

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_rows", "max_expanded_bytes", "max_members"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value > 0):
                msg = f"{name} must be a positive integer, not {value!r}"
                raise ValueError(msg)
        if not self.max_ratio > 1:
            msg = f"max_ratio must be greater than 1, not {self.max_ratio!r}"
            raise ValueError(msg)


def check_file_size(path: Path, limits: ImportLimits) -> None:
    """Refuse a file over `max_file_bytes` before reading any of it.

    Raises
    ------
    LimitExceeded
        With the size and the limit.
    InterchangeError
        When the file does not exist.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        msg = f"cannot read {str(path)!r}: {exc.strerror}"
        raise InterchangeError(msg) from exc
    if size > limits.max_file_bytes:
        msg = f"{path.name!r} is {size} bytes; the import limit is {limits.max_file_bytes} bytes"
        raise LimitExceeded(msg)


def check_zip(path: Path, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    """The members of a zip archive, after checking its declared sizes against the limits.

    Raises
    ------
    LimitExceeded
        For too many members, too much declared content, or a member compressed suspiciously well.
    InterchangeError
        When the file is not a zip archive.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        msg = f"{path.name!r} is not a readable zip archive: {exc}"
        raise InterchangeError(msg) from exc
    if len(members) > limits.max_members:
        msg = f"{path.name!r} holds {len(members)} files; the limit is {limits.max_members}"
        raise LimitExceeded(msg)
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


def read_member(path: Path, name: str, limits: ImportLimits) -> bytes:
    """One member's bytes, read through a capped stream.

    Raises
    ------
    LimitExceeded
        When the member produces more bytes than allowed.
    """
    with zipfile.ZipFile(path) as archive, archive.open(name) as fh:
        data = fh.read(limits.max_expanded_bytes + 1)
    if len(data) > limits.max_expanded_bytes:
        msg = f"{path.name!r} member {name!r} expands past {limits.max_expanded_bytes} bytes"
        raise LimitExceeded(msg)
    return data


def extract(path: Path, target: Path, limits: ImportLimits) -> list[Path]:
    """Extract a checked archive into `target`, streaming with a running cap on bytes written.

    Member names are flattened to their base name, so `../` paths cannot escape `target`.

    Raises
    ------
    LimitExceeded
        When the members produce more bytes than allowed, whatever their headers declare.
    """
    members = check_zip(path, limits)
    budget = limits.max_expanded_bytes
    out: list[Path] = []
    with zipfile.ZipFile(path) as archive:
        for m in members:
            base = PurePosixPath(m.filename.replace("\\", "/")).name
            if m.is_dir() or not base or base.startswith("."):
                continue
            dest = target / base
            with archive.open(m) as src, dest.open("wb") as dst:
                while chunk := src.read(min(MiB, budget + 1)):
                    budget -= len(chunk)
                    if budget < 0:
                        msg = f"{path.name!r} expands past {limits.max_expanded_bytes} bytes"
                        raise LimitExceeded(msg)
                    dst.write(chunk)
            out.append(dest)
    return out


def remove_tree(path: Path) -> None:
    """Remove a temporary directory, quietly if it is already gone."""
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
