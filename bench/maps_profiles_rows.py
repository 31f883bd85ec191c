"""How many rows ``mapprofile`` would hold per level of cells, and without district or themes.

Counts, from the published located sites of a catalogue, the distinct (cell, profile) pairs
at zooms 5-11: what deciding the kept levels (`catalog._profile_sql.LEVELS`) weighed. In one
rolled-back transaction (a temporary table of each site's cell and profile). SQLite only
(``group_concat``).

Usage::

    PYTHONPATH=$PWD python bench/maps_profiles_rows.py sqlite:////tmp/mapscale/f1m.db
"""

from __future__ import annotations

import sys

from sqlalchemy import text

from redres.catalog._profile_sql import morton_sql
from redres.catalog.map_cells import cell_sql
from redres.db import make_engine

LEVELS = (5, 6, 7, 8, 9, 11)


def main(url: str) -> None:
    """Print each level's cells and rows: full profile, without district, without themes."""
    engine = make_engine(url)
    x, y = cell_sql(engine.dialect.name, "site")
    with engine.begin() as conn:
        conn.execute(
            text(
                f"CREATE TEMP TABLE src AS SELECT {morton_sql(x, y)} AS m, category, "
                "COALESCE(period, '') AS period, COALESCE(protection, '') AS protection, "
                "COALESCE(district, '') AS district, COALESCE((SELECT group_concat(theme_id) "
                "FROM sitetheme WHERE site_id = site.id), '') AS themes FROM site "
                "WHERE status = 'published' AND lat IS NOT NULL AND lon IS NOT NULL"
            )
        )
        for level in LEVELS:
            cell = f"m >> {2 * (11 - level)}"
            counts = [
                conn.execute(
                    text(f"SELECT count(*) FROM (SELECT DISTINCT {cols} FROM src)")
                ).scalar_one()
                for cols in (
                    cell,
                    f"{cell}, category, period, protection, district, themes",
                    f"{cell}, category, period, protection, themes",
                    f"{cell}, category, period, protection, district",
                )
            ]
            print(
                f"level {level}: cells {counts[0]}, full profile {counts[1]}, "
                f"without district {counts[2]}, without themes {counts[3]}",
                flush=True,
            )
        conn.rollback()
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
