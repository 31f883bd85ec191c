"""Maps filtered on several facets at once read per-cell counts kept per profile
(`catalog.map_profiles`).

A map filtered on two facets (a category and a protection level, a category with a theme
toggled off) still grouped every site of the view per request: 4.4-4.6 s of CPU over all China
at 1,000,000 sites on SQLite (bench/MAPS.md). The table `mapprofile` holds the published
located sites' number and position sums per cell of zooms 8 and 11 and per combination of
category, period, protection, district and set of themes, kept in the same transaction as
every write of a site or of a theme link. Filled here from the sites already held.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 02:20:00.000000
"""

from __future__ import annotations

from alembic import op

from redres.catalog import map_profiles

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    map_profiles.install(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    for stmt in map_profiles.drop_statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
