"""Filtered maps read per-cell counts kept per facet by triggers (`catalog.map_facets`).

A map filtered by category, period, protection, district or the layer control's themes was
grouped from every site of the view per request: 4.5 s of CPU for ``category=museum`` over all
China at 1,000,000 sites (bench/MAPS.md). The table `mapfacet` holds the published sites'
number and position sums per tile of zoom 11 and per value of each filter (a site's set of
themes counted as one value), kept in the same transaction as every write of a site or of a
theme link. Filled here from the sites already held.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 20:40:00.000000
"""

from __future__ import annotations

from alembic import op

from redres.catalog import map_facets

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    map_facets.install(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    for stmt in map_facets.drop_statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
