"""The map's low zooms read per-cell counts kept by triggers on `site` (`catalog.map_cells`).

Grouping a million sites per request cost about a second of CPU for the first view of all
China after every change (bench/MAPS.md); the table `mapcell` holds the published sites'
number and position sums per tile of zoom 11, kept in the same transaction as every write of
a site, and the coarser tiles are sums of its rows. Filled here from the sites already held.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 18:00:00.000000
"""

from __future__ import annotations

from alembic import op

from redres.catalog import map_cells

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    map_cells.install(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    for stmt in map_cells.drop_statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
