"""The dependency direction of DESIGN.md: geo <- catalog <- routes <- maps <- api.

`cli` and its sub-command modules in `commands/` compose the rooms; no room imports them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "redres"
LAYERS = ["geo", "catalog", "routes", "maps", "api"]
FORBIDDEN = {room: set(LAYERS[i + 1 :]) | {"cli", "commands"} for i, room in enumerate(LAYERS)}


def _room(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imported_rooms(path: Path) -> set[str]:
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        rooms |= {n.split(".")[1] for n in names if n.startswith("redres.") and n.count(".") >= 1}
    return rooms


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_imports_point_down_the_layers(path: Path) -> None:
    room = _room(path)
    bad = _imported_rooms(path) & FORBIDDEN.get(room, set())
    assert not bad, f"{path.relative_to(PACKAGE)} ({room}) imports {sorted(bad)}"
