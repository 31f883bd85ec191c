"""Route sharing: an unguessable share token per route, and an index on the owner.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 05:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('route', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('share_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_unique_constraint('uq_route_share_token', ['share_token'])
        batch_op.create_index(batch_op.f('ix_route_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_route_owner_id'))
        batch_op.drop_constraint('uq_route_share_token', type_='unique')
        batch_op.drop_column('share_token')
