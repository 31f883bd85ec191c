"""Route plans: a planned route keeps the plan request it came from (JSON), so it is timed
with that plan's date, day window, lunch break, start and end.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy), which keeps the other tables' triggers untouched.
    op.add_column('route', sa.Column('plan', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text('ALTER TABLE "route" DROP COLUMN plan'))
