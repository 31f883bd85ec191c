"""Site closures: temporary closures (临时闭馆) as a JSON list of {start, end, note}.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 07:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy), so the site table keeps its FTS5 trigger on SQLite.
    op.add_column(
        'site', sa.Column('closures', sa.JSON(), server_default='[]', nullable=False)
    )


def downgrade() -> None:
    op.execute(sa.text('ALTER TABLE "site" DROP COLUMN closures'))
