"""A site's ticket price per person (CNY, 0 when free), what the planner's ticket budget counts.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy), so the site table keeps its FTS5 trigger on SQLite.
    op.add_column('site', sa.Column('ticket_price', sa.Float(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text('ALTER TABLE "site" DROP COLUMN ticket_price'))
