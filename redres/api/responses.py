"""Documented answers shared by endpoints, for /openapi.json.

Cached reads answer with a ready `Response` (its ETag is a digest of the exact bytes), so
FastAPI cannot see their model: `ok(Model)` documents it. Writes with `If-Match` document
their 412 with `PRECONDITION`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

Responses = dict[int | str, dict[str, Any]]

PRECONDITION: Responses = {412: {"description": "changed since If-Match"}}
"""The answer of a write whose If-Match names a version that is no longer current."""


def ok(model: type[BaseModel], description: str = "Successful Response") -> Responses:
    """The documented 200 of an endpoint that answers `model` as a cached `Response`."""
    return {200: {"model": model, "description": description}}
