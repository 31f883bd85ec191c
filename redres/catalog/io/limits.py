"""Limits on what an import will read (zip archives are checked against them in `zips`)."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.messages import Message

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
    """Refuse a file over `max_file_bytes`, or anything but a regular file, before reading it.

    A device, a pipe or a directory is no upload; a GDAL name (`/vsicurl/...`) is not a file.

    Raises
    ------
    LimitExceeded
        With the size and the limit.
    InterchangeError
        When the file does not exist or is not a regular file.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise InterchangeError(Message("file_missing", path=str(path))) from exc
    if not stat.S_ISREG(info.st_mode):
        raise InterchangeError(Message("file_not_regular", path=str(path)))
    size = info.st_size
    if size > limits.max_file_bytes:
        said = Message("file_too_large", file=path.name, size=size, limit=limits.max_file_bytes)
        raise LimitExceeded(said)


def remove_tree(path: Path) -> None:
    """Remove a temporary directory, quietly if it is already gone."""
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
