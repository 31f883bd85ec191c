"""Media get an order, a cover, route stops, transcripts, and may wait for their credit.

A record's media are shown in `position` order, one of them (`is_cover`) the record's picture;
route media belong to the route or, with `stop_site_id`, to its stop at that site (stops are
rewritten on every route edit, the site they stop at is what stays). Credit and licence may
be blank while the record is a draft; publishing then refuses until they are filled in.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 11:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("is_cover", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("stop_site_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("transcript", sa.Text(), nullable=True))
        batch.add_column(sa.Column("transcript_en", sa.Text(), nullable=True))
        batch.alter_column(
            "credit", existing_type=sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True
        )
        batch.alter_column(
            "licence", existing_type=sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
        )


def downgrade() -> None:
    op.execute(sa.text("UPDATE media SET credit = '' WHERE credit IS NULL"))
    op.execute(sa.text("UPDATE media SET licence = '' WHERE licence IS NULL"))
    with op.batch_alter_table("media") as batch:
        batch.alter_column(
            "licence", existing_type=sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        )
        batch.alter_column(
            "credit", existing_type=sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        )
        for name in ("transcript_en", "transcript", "stop_site_id", "is_cover", "position"):
            batch.drop_column(name)
