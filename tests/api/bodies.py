"""Checks of response bodies against their pydantic models, shared by the API tests."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def exactly(model: type[BaseModel], data: Any) -> None:
    """`data` is `model`: validating and dumping it again gives the same JSON, key for key."""
    again = model.model_validate(data).model_dump(mode="json", exclude_unset=True, by_alias=True)
    assert again == data
