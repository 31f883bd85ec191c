"""Errors of the registry, each also the builtin it specialises so plain callers can catch it."""

from __future__ import annotations

from redres.errors import InvalidRequest, RedresError


class CatalogError(RedresError):
    """Base of the registry's errors."""


class NotFound(CatalogError, LookupError):
    """No record with that id or slug is visible to the caller."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!r} not found")


class Conflict(CatalogError, ValueError):
    """A write would break a uniqueness rule (slug, registry code) or an invalid transition:
    people must act on it, so the API says it in the reader's language (`detail`, with
    `detail_en`); raise it with a `redres.messages.Message`."""

    localized = True


class InvalidQuery(CatalogError, InvalidRequest):
    """A list or search request whose parameters cannot be honoured."""


class InvalidChange(CatalogError, InvalidRequest):
    """A write whose content breaks a rule of the registry (e.g. a parent that makes a loop)."""


class Forbidden(CatalogError, PermissionError):
    """The caller may read the record but not make this change to it (e.g. a published route)."""
