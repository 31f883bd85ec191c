"""The table of password-reset links: an admin hands a user a one-time link instead of a
password. Kept apart from `models.py`, which is long enough; `redres.tables` lists it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from redres.catalog.models import utcnow


class PasswordReset(SQLModel, table=True):
    """A one-time link to set a new password: only the token's SHA-256 is stored, it expires,
    and it works once (`used_at`)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
