"""Media: photos, recordings and documents attached to sites, stories, people and events.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'media',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('mime', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('caption', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('caption_en', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('alt', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('credit', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('licence', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('date', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('original_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=True),
        sa.Column('height', sa.Integer(), nullable=True),
        sa.Column('duration_seconds', sa.Float(), nullable=True),
        sa.Column('display_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column('display_mime', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('display_width', sa.Integer(), nullable=True),
        sa.Column('thumb_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column('thumb_width', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_media_owner', 'media', ['owner_kind', 'owner_id'])
    op.create_index(op.f('ix_media_status'), 'media', ['status'])


def downgrade() -> None:
    op.drop_index(op.f('ix_media_status'), table_name='media')
    op.drop_index('ix_media_owner', table_name='media')
    op.drop_table('media')
