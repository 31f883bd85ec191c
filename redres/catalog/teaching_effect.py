"""Teaching effect per site over classes: how the stops of every class were rated, for the
editors' dashboard (a site's mean per criterion, and from how many classes and ratings)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from redres.catalog.class_evaluations import CRITERIA
from redres.catalog.class_tables import ClassEvaluation
from redres.catalog.models import Site


def teaching_effect(session: Session) -> list[dict[str, Any]]:
    """Per rated site, best mean first: classes, ratings, and the mean of each criterion over
    every rater role (None where nobody rated it)."""
    rows = session.exec(
        select(ClassEvaluation.site_id, ClassEvaluation.class_id, ClassEvaluation.scores)
    ).all()
    classes: dict[int, set[int]] = defaultdict(set)
    ratings: dict[int, int] = defaultdict(int)
    scores: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for site_id, class_id, given in rows:
        classes[site_id].add(class_id)
        ratings[site_id] += 1
        for key in CRITERIA:
            if key in given:
                scores[site_id][key].append(int(given[key]))
    names = {
        s.id: s for s in session.exec(select(Site).where(col(Site.id).in_(list(classes)))).all()
    }
    out = []
    for site_id in classes:
        site = names.get(site_id)
        if site is None:
            continue
        means = {k: _mean(scores[site_id][k]) for k in CRITERIA}
        present = [m for m in means.values() if m is not None]
        out.append(
            {
                "site": site.slug,
                "name": site.name,
                "classes": len(classes[site_id]),
                "ratings": ratings[site_id],
                "mean": _mean(present),
                "criteria": means,
            }
        )
    return sorted(out, key=lambda r: (-(r["mean"] or 0), r["name"]))


def _mean(values: list[int] | list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None
