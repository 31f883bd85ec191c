"""Text in both languages: a site's hours note and a story's summary get an English column.

The existing columns hold the Chinese (the reader's first language); a page shows the
reader's language or says the translation is missing, never the other language instead.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hours_note_en", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
        )
    with op.batch_alter_table("story", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("summary_en", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("story", schema=None) as batch_op:
        batch_op.drop_column("summary_en")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("hours_note_en")
