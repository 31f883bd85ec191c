"""Polls: a short questionnaire on a class or a route, and learners' answers per class.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 11:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("route_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["fieldclass.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["route_id"], ["route.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_poll_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_poll_route_id"), ["route_id"], unique=False)

    op.create_table(
        "pollanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("rater_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["fieldclass.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "class_id", "rater_key"),
    )
    with op.batch_alter_table("pollanswer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pollanswer_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pollanswer_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pollanswer_poll_id"), ["poll_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pollanswer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pollanswer_poll_id"))
        batch_op.drop_index(batch_op.f("ix_pollanswer_created_at"))
        batch_op.drop_index(batch_op.f("ix_pollanswer_class_id"))
    op.drop_table("pollanswer")
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_route_id"))
        batch_op.drop_index(batch_op.f("ix_poll_owner_id"))
        batch_op.drop_index(batch_op.f("ix_poll_class_id"))
    op.drop_table("poll")
