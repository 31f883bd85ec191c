"""Record versions: a counter on sites, stories, people, events, themes and routes that moves on
with every change, for ETags and If-Match (existing rows start at 1).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 06:06:07.944815
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ('event', 'person', 'route', 'site', 'story', 'theme')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('version', sa.Integer(), server_default='1', nullable=False)
            )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+) keeps the site table and so its FTS5 trigger, which a
    # batch copy of the table would lose.
    for table in reversed(TABLES):
        op.execute(sa.text(f'ALTER TABLE "{table}" DROP COLUMN version'))
