"""Calls counted by rate limits (`ratehit`), shared by every worker process.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 09:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratehit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_ratehit_key_at', 'ratehit', ['key', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ratehit_key_at', table_name='ratehit')
    op.drop_table('ratehit')
