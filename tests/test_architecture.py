"""The dependency direction of DESIGN.md: geo <- catalog <- routes <- maps <- api, with the
`hours` room (time: opening hours, holidays, closures) on the bottom floor beside `geo`.

`cli` and its sub-command modules in `commands/` compose the rooms; no room imports them.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "redres"
LAYERS = ["geo", "hours", "catalog", "routes", "maps", "api"]
FORBIDDEN = {room: set(LAYERS[i + 1 :]) | {"cli", "commands"} for i, room in enumerate(LAYERS)}

FOUNDATIONS = {
    "errors",
    "messages",
    "import_messages",
    "plan_messages",
    "labels",
    "markdown",
    "plain_text",
}
"""Modules of plain values and text under every room: they import nothing of redres but each
other, so any room may use them."""

ALLOWED = {"hours": {"hours", "geo", *FOUNDATIONS}, **dict.fromkeys(FOUNDATIONS, FOUNDATIONS)}
"""The bottom floor imports only the floor: no settings, no database, no other room."""

CATALOG_DOORS = {
    "routes/candidates.py": "the adapter: sites, their stories and events as plain candidates",
    "routes/place_names.py": "finds a plan's start, end and stops by the catalogue's site search",
    "routes/plan_save.py": "checks a plan's themes and sites and makes the stops a route stores",
    "routes/road_source.py": "asks whether the Wuhan demo is loaded, to use its road network",
    "routes/stored_routes.py": "reads a stored route's stops (and the plan it came from) to time it",
}
"""The only modules of `routes` that read the catalogue, each with its reason; the rest of the
planner sees sites as plain data (`routes.model`)."""


def _room(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imported_rooms(path: Path) -> set[str]:
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "redres":
            names = [f"redres.{a.name}" for a in node.names]  # from redres import catalog
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        rooms |= {n.split(".")[1] for n in names if n.startswith("redres.") and n.count(".") >= 1}
    return rooms


def _in(*rooms: str) -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if _room(p) in rooms)


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_imports_point_down_the_layers(path: Path) -> None:
    room = _room(path)
    bad = _imported_rooms(path) & FORBIDDEN.get(room, set())
    assert not bad, f"{path.relative_to(PACKAGE)} ({room}) imports {sorted(bad)}"


@pytest.mark.parametrize("path", _in(*ALLOWED), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_bottom_floor_imports_only_the_floor(path: Path) -> None:
    room = _room(path)
    bad = _imported_rooms(path) - ALLOWED[room]
    assert not bad, f"{path.relative_to(PACKAGE)} ({room}) imports {sorted(bad)}"


@pytest.mark.parametrize("path", _in("maps"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_maps_import_no_catalog(path: Path) -> None:
    """Maps draw what they are given (features, itineraries); the api reads the catalogue."""
    assert "catalog" not in _imported_rooms(path), f"{path.relative_to(PACKAGE)} imports catalog"


@pytest.mark.parametrize("path", _in("routes"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_routes_reach_the_catalog_only_through_its_doors(path: Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix()
    if rel not in CATALOG_DOORS:
        assert "catalog" not in _imported_rooms(path), f"{rel} imports catalog: go via candidates"


@pytest.mark.parametrize("rel", sorted(CATALOG_DOORS))
def test_every_catalog_door_is_still_needed(rel: str) -> None:
    """A door that no longer reads the catalogue leaves the list, so the list stays the truth."""
    assert "catalog" in _imported_rooms(PACKAGE / rel), f"{rel} no longer imports catalog"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(room: str | None = None) -> nx.DiGraph:
    """Modules of `room` (of the whole package without one) and the modules among them each
    one imports, wherever the import is: at the top, inside functions, under ``TYPE_CHECKING``,
    relative or absolute."""
    modules = {_module(p): p for p in (PACKAGE / room if room else PACKAGE).rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = imports_of(path.read_text(encoding="utf-8"), package)
        graph.add_edges_from((name, t) for t in targets if t in modules and t != name)
    return graph


def test_import_graph_sees_imports_inside_functions_and_type_checking() -> None:
    graph = import_graph("routes")
    assert graph.has_edge("redres.routes.planner", "redres.routes.itinerary")
    assert graph.has_edge("redres.routes.planner", "redres.routes.solver")
    assert graph.has_edge("redres.routes.itinerary", "redres.routes.timeline")  # TYPE_CHECKING


def test_the_hours_grammar_sits_below_their_meaning() -> None:
    """`syntax` reads the text into plain parts; `opening` gives them meaning and imports it."""
    graph = import_graph("hours")
    assert graph.has_edge("redres.hours.opening", "redres.hours.syntax")
    assert not nx.has_path(graph, "redres.hours.syntax", "redres.hours.opening")


def test_no_import_cycles() -> None:
    """No two modules of `redres` import each other, even by a detour, counting every import:
    a cycle hidden inside a function or under ``TYPE_CHECKING`` is still two modules that
    cannot be read, tested or moved apart."""
    cycles = list(itertools.islice(nx.simple_cycles(import_graph()), 10))
    assert not cycles, f"import cycles in redres: {cycles}"


ROUTERS = PACKAGE / "api" / "routers"


def imports_of(source: str, package: str) -> set[str]:
    """Every module a source imports, wherever the import is (functions and TYPE_CHECKING too),
    and each imported name as a possible module; relative imports resolved against `package`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module) if p)
            found |= {module, *(f"{module}.{a.name}" for a in node.names)}
    return found


def test_imports_of_sees_imports_inside_functions_and_relative_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from redres.api.routers.sites import router\n"
        "def handler():\n    from .stories import story_body\n    from . import pages\n"
        "    from ..restoring import add_history_pages\n"
    )
    found = imports_of(source, "redres.api.routers")
    assert {
        "redres.api.routers.sites",
        "redres.api.routers.stories",
        "redres.api.routers.pages",
        "redres.api.restoring",
    } <= found


@pytest.mark.parametrize(
    "path", sorted(ROUTERS.glob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_routers_never_import_routers(path: Path) -> None:
    """A router is one room of the app: what two routers share lives in a module of `api/`
    (templating, restoring, record_bodies, ...), so routers can be read and moved alone."""
    own = _module(path)
    routers = {_module(p) for p in ROUTERS.glob("*.py")} | {"redres.api.routers"}
    imported = imports_of(path.read_text(encoding="utf-8"), "redres.api.routers")
    bad = sorted(m for m in imported if m in routers and m != own)
    assert not bad, f"{path.relative_to(PACKAGE)} imports routers {bad}"


MAX_LINES = 400
"""A module stays under this many lines: past it, a second concept has moved in (STYLE.md)."""


def _source_modules() -> list[Path]:
    skip = ("migrations", "static")
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if not any(part in skip for part in p.relative_to(PACKAGE).parts)
    ]


@pytest.mark.parametrize("path", _source_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path) -> None:
    rel = str(path.relative_to(PACKAGE))
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_LINES, f"redres/{rel} has {lines} lines, not under {MAX_LINES}: split it"
