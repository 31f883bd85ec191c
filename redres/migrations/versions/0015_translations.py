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
    # Plain ADD COLUMNs (no batch copy), so the site table keeps its FTS5 triggers on SQLite.
    op.add_column(
        "site", sa.Column("hours_note_en", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
    )
    op.add_column(
        "story", sa.Column("summary_en", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
    )


def downgrade() -> None:
    op.execute(sa.text('ALTER TABLE "story" DROP COLUMN summary_en'))
    op.execute(sa.text('ALTER TABLE "site" DROP COLUMN hours_note_en'))
