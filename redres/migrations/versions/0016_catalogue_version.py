"""The catalogue's version (`catalogueversion`, one row): caches of pages and reads are keyed
by it, in every worker (`redres.catalogue_version`).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 11:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogueversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO catalogueversion (id, version) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("catalogueversion")
