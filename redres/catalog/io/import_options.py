"""What an import is told: the coordinates' CRS, what to do with bad and duplicate rows, limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from redres.catalog.enums import Status
from redres.catalog.io.duplicates import DUPLICATE_RADIUS_M
from redres.catalog.io.limits import ImportLimits
from redres.messages import Message

IMPORT_ACTOR = "import"


class OnDuplicate(StrEnum):
    """What to do with a row that duplicates a site (or an earlier row) and differs from it."""

    error = "error"
    skip = "skip"
    update = "update"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to import: CRS of the coordinates, what to do with bad and duplicate rows, limits."""

    crs: str | None = None
    """Coordinates' CRS; None means what the file declares, else WGS-84."""
    dry_run: bool = False
    skip_invalid: bool = False
    on_duplicate: OnDuplicate = OnDuplicate.error
    status: Status = Status.draft
    actor: str = IMPORT_ACTOR
    limits: ImportLimits = field(default_factory=ImportLimits)
    duplicate_radius_m: float = DUPLICATE_RADIUS_M

    def __post_init__(self) -> None:
        if self.status not in (Status.draft, Status.published):
            raise ValueError(Message("file_import_status", status=self.status.value))
