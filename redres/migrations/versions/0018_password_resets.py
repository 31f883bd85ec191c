"""Password-reset links: an admin issues a one-time, expiring link; only its hash is stored.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 11:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passwordreset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_passwordreset_token_hash", "passwordreset", ["token_hash"], unique=True)
    op.create_index("ix_passwordreset_user_id", "passwordreset", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_passwordreset_user_id", table_name="passwordreset")
    op.drop_index("ix_passwordreset_token_hash", table_name="passwordreset")
    op.drop_table("passwordreset")
