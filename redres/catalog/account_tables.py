"""The tables of who works on the registry: staff accounts, their API tokens, one-time
password links, and the audit log of what each of them changed (`catalog.accounts`,
`catalog.audit`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from redres.catalog.enums import Role
from redres.catalog.models import enum_field, utcnow


class User(SQLModel, table=True):
    """A staff account; anonymous visitors need none."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    password_hash: str = Field(max_length=300)
    role: Role = enum_field()
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A bearer token: only its SHA-256 is stored, so a leaked database leaks no usable token."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked: bool = False


class AuditLog(SQLModel, table=True):
    """Who changed what and when, with the values before and after."""

    __table_args__ = (Index("ix_auditlog_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    entity: str = Field(max_length=16)
    entity_id: int
    action: str = Field(max_length=16)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


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
