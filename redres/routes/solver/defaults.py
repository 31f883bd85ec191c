"""The search's measured defaults: settings that depend on the time limit or the days.

Each was chosen on the TOPTW benchmark (``bench/ROUTES.md``, the version named in its
docstring). They depend on the limit asked for, not on the clock, so the same seed and
iterations give the same routes on any machine.
"""

from __future__ import annotations

SHORT_SEARCH = 2.0
"""Seconds up to which a search counts as short (the web planner asks for about one)."""

POOL = 8
"""Solutions the elite pool holds in a long search (`default_pool`)."""


def default_kmax(days: int) -> int:
    """Most stops one perturbation removes: 15 with two days, 30 otherwise.

    Measured, not derived (``bench/ROUTES.md``, v5). With one day the larger kicks get out of
    traps (pr19, pr20); with 3-4 days the split kick already takes only k/days per day. With two
    days 30 was too much (likely because the one-day kick, 2k stops, can take most of a route,
    half the solution): 15 gave better scores and ~20 % cheaper iterations on `pr`.
    """
    return 15 if days == 2 else 30


def default_accept(time_limit: float, days: int) -> tuple[float, float]:
    """Record-to-record thresholds at the start and at the end of a search: from 3 % of the
    best down to 0 in a search of 2 s or less with two days or more, 1 % throughout one with
    one day, 2 % throughout a longer search.

    Measured, not derived (``bench/ROUTES.md``, v15; v9 and v10 before): in one second the
    search makes about a tenth of the iterations of a 10 s run. Fixed thresholds of 0.5, 2
    and 4 % did no better than 1 % there, but one that starts wide and closes over the second
    (crossing plateaus first, then keeping to the best) did better on `pr` at m = 2, 3 and 4.
    With one day it did worse on `pr`, so one day keeps 1 %. Which thresholds apply depends on
    the limit asked for, not on the clock; without an iteration limit the clock says how far
    along the search is (`redres.routes.solver.search.run`).
    """
    if time_limit > SHORT_SEARCH:
        return (0.02, 0.02)
    return (0.03, 0.0) if days >= 2 else (0.01, 0.01)


def default_neighbours(time_limit: float, days: int) -> int:
    """Candidates per place for repair's granular scan: 60 for a search of 2 s or less, except
    with two days, else 40.

    Measured, not derived (``bench/ROUTES.md``, v12): at 1 s on `pr` 60 scored better than
    40 at m = 1 and 4 in every seed tried, for 10-20 % more time an iteration; at m = 2 it was
    no better at 1 s and lost pr06 in three seeds of three at 10 s, so two days and longer
    searches keep 40 (and v11's routes). Like `default_accept` it depends on the limit asked
    for, not the clock, so the same seed and iterations still give the same routes.
    """
    return 60 if time_limit <= SHORT_SEARCH and days != 2 else 40


def default_pool(time_limit: float, days: int) -> int:
    """Elite pool size: 8 for a search longer than 2 s with three days or more, else none.

    Measured, not derived (``bench/ROUTES.md``, v14): at 10 s on `pr` with three and four
    days, restarts from a crossover of pooled solutions cut the mean gap in each of five
    seeds; at 1 s they made it worse. A child mixes whole days, so one day has nothing to
    mix, and two days were not measured: both keep v13's search.
    """
    return POOL if time_limit > SHORT_SEARCH and days >= 3 else 0


def default_restart(pool: int) -> int:
    """Iterations without a better solution before a restart: 40 with a pool, else 150.

    Measured, not derived (``bench/ROUTES.md``, v14): with a pool, short stretches (40) did
    better than 75 and 300; without one, 150 (v3) sends the search back to its best.
    """
    return 40 if pool > 0 else 150
