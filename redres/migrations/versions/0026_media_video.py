"""Videos are links to an approved host (bilibili, Tencent Video...), not stored files: a media
row of kind `video` keeps the address in `video_url` and has no file (`original_key` empty).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 15:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(
            sa.Column("video_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.drop_column("video_url")
