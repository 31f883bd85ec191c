"""Route texts in both languages: a route's description and a stop's lesson note get an English
column, as sites' and stories' texts did in 0015.

The existing columns hold the Chinese; a page shows the reader's language or says the
translation is missing, never the other language instead.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 15:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch copy), as in 0015.
    op.add_column(
        "route", sa.Column("description_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
    )
    op.add_column(
        "routestop", sa.Column("note_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
    )


def downgrade() -> None:
    op.execute(sa.text('ALTER TABLE "routestop" DROP COLUMN note_en'))
    op.execute(sa.text('ALTER TABLE "route" DROP COLUMN description_en'))
