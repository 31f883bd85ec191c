"""Where each site's point came from: source, coordinate system given, note, approximate flag.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch copy), so the site table keeps its FTS5 trigger on SQLite.
    op.add_column('site', sa.Column('point_source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    op.add_column('site', sa.Column('point_crs', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.add_column('site', sa.Column('point_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    op.add_column('site', sa.Column('point_approximate', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    for column in ('point_approximate', 'point_note', 'point_crs', 'point_source'):
        op.execute(sa.text(f'ALTER TABLE "site" DROP COLUMN {column}'))
