"""The site maps' tiles group published sites by position from one covering index.

`/api/map/clusters` counts a tile's published sites per grid cell (docs/map-tiles.md). With
only the (lat, lon) index every site in the tile was read from the table for its status:
5.3 s of CPU for the view of all China at 1,000,000 sites; from this index, 1.7 s
(bench/MAPS.md).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 15:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_site_status_lat_lon", "site", ["status", "lat", "lon", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_site_status_lat_lon", table_name="site")
