"""The site graph: candidates, start and end as nodes; travel legs and story links as edges.

networkx is the shared shape for what the solver does not need but people do: the maps room
draws legs from it, the handout and teachers follow *links* between sites (shared people,
events or themes, the threads of a lesson that runs across stops). The solver still gets plain
arrays (`ProblemData`); this graph is built from the same candidates and travel matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from redres.routes.model import Candidate, Place
from redres.routes.travel import TravelMatrix


def site_graph(
    candidates: Sequence[Candidate],
    matrix: TravelMatrix,
    *,
    start: Place | None = None,
    end: Place | None = None,
) -> nx.DiGraph:
    """A complete directed graph of travel legs over located candidates, then start and end.

    Nodes are site slugs (and ``"start"``/``"end"``) with ``kind``, ``lon``, ``lat``, ``score``,
    ``visit_minutes``; edges carry ``minutes``, ``metres`` and ``geometry``. `matrix` indexes
    the located candidates in order, then `start`, then `end`, as the planner builds it.

    Examples
    --------
    >>> from redres.geo import LonLat
    >>> from redres.routes.travel import StraightLineTravel
    >>> cs = [Candidate(1, "a", "A", 114.30, 30.58, 1.0, 30), Candidate(2, "b", "B", 114.31, 30.58, 2.0, 30)]
    >>> m = StraightLineTravel().matrix([LonLat(114.30, 30.58), LonLat(114.31, 30.58)], "walk")
    >>> g = site_graph(cs, m)
    >>> sorted(g.nodes), round(g.edges["a", "b"]["minutes"])
    (['a', 'b'], 17)
    """
    graph = nx.DiGraph()
    names: list[str] = []
    for c in candidates:
        if c.point is None:
            continue
        graph.add_node(
            c.slug,
            kind="site",
            id=c.id,
            name=c.name,
            lon=c.lon,
            lat=c.lat,
            score=c.score,
            visit_minutes=c.visit_minutes,
        )
        names.append(c.slug)
    for label, place in (("start", start), ("end", end)):
        if place is not None:
            graph.add_node(label, kind=label, name=place.name, lon=place.lon, lat=place.lat)
            names.append(label)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if i != j and i < matrix.minutes.shape[0] and j < matrix.minutes.shape[0]:
                graph.add_edge(
                    a,
                    b,
                    minutes=float(matrix.minutes[i, j]),
                    metres=float(matrix.metres[i, j]),
                    geometry=matrix.geometry(i, j),
                )
    return graph


def story_links(candidates: Sequence[Candidate]) -> nx.Graph:
    """An undirected graph linking sites that share people, events or themes.

    Each edge's ``people``, ``events`` and ``themes`` attributes list what is shared, and
    ``weight`` counts it, so `nx.connected_components` gives the threads of a lesson.

    Examples
    --------
    >>> a = Candidate(1, "a", "A", None, None, 1.0, 30, people=frozenset({"mao-zedong"}))
    >>> b = Candidate(2, "b", "B", None, None, 1.0, 30, people=frozenset({"mao-zedong"}))
    >>> story_links([a, b]).edges["a", "b"]["people"]
    ['mao-zedong']
    """
    graph = nx.Graph()
    for c in candidates:
        graph.add_node(c.slug, id=c.id, name=c.name)
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            people = sorted(a.people & b.people)
            events = sorted(a.events & b.events)
            themes = sorted(set(a.themes) & set(b.themes))
            weight = len(people) + len(events) + len(themes)
            if weight:
                graph.add_edge(
                    a.slug, b.slug, people=people, events=events, themes=themes, weight=weight
                )
    return graph
