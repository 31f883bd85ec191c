"""A site list filtered by category reads its page in name order from one index.

At 1,000,000 sites a category holds ~140,000; without this index every page sorted all of
them by name (bench/SCALE.md). The status is in the index too, as every public list filters
on it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_site_category_status_name", "site", ["category", "status", "name", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_site_category_status_name", table_name="site")
