"""A first solution by cheapest insertion: the baseline that local search improves on."""

from __future__ import annotations

from redres.routes.problem import ProblemData, Solution, limit_breaches, schedule


def greedy_insertion(data: ProblemData) -> Solution:
    """Insert nodes one at a time where they fit best (mandatory first, then by score/time).

    Slow (it re-times whole routes) but independent of the kernels: the fallback of `solve`.
    """
    routes: list[list[int]] = [[] for _ in range(data.num_days)]
    order = sorted(
        range(data.num_nodes),
        key=lambda i: (not data.mandatory[i], -data.scores[i] / (1.0 + data.service[i]), i),
    )
    for node in order:
        if data.scores[node] <= 0 and not data.mandatory[node]:
            continue
        best: tuple[float, int, int] | None = None
        for day, route in enumerate(routes):
            if data.max_stops is not None and len(route) >= int(data.max_stops[day]):
                continue
            if limit_breaches(data, [[*r, node] if d == day else r for d, r in enumerate(routes)]):
                continue
            for pos in range(len(route) + 1):
                trial = [*route[:pos], node, *route[pos:]]
                visits = schedule(data, day, trial)
                if visits is None:
                    continue
                cost = visits[-1].leave
                if best is None or cost < best[0]:
                    best = (cost, day, pos)
        if best is not None:
            _, day, pos = best
            routes[day].insert(pos, node)
    score = float(sum(data.scores[n] for r in routes for n in r))
    return Solution(routes=tuple(tuple(r) for r in routes), score=score)
