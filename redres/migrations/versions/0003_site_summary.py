"""Site summary: a short description (简介) in Chinese and English, up to 2000 characters each.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 05:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )
        batch_op.add_column(
            sa.Column('summary_en', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('summary_en')
        batch_op.drop_column('summary')
