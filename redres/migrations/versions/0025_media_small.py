"""Images get a list-sized derivative (400 px WebP) beside the thumbnail and the display copy.

A gallery's first view on a phone and the covers in lists need no more; images uploaded before
keep using their thumbnail (`small_key` stays NULL) until re-derived.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(
            sa.Column("small_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
        batch.add_column(sa.Column("small_width", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.drop_column("small_width")
        batch.drop_column("small_key")
