"""SQLite keeps the search terms in an FTS5 table (one document per site) instead of rows.

PostgreSQL is unchanged. On SQLite the rows of `searchterm` move into `site_search` (see
`redres.catalog.search_index`) and the table goes; the downgrade moves them back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from redres.catalog import search_index

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_MARKS = "CASE kind WHEN 'zh' THEN 'z' WHEN 'py' THEN 'p' WHEN 'in' THEN 'i' ELSE 'e' END"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    search_index.create_fts(conn)
    op.execute(
        f"INSERT INTO {search_index.FTS_TABLE}(rowid, terms) "
        f"SELECT site_id, group_concat({_MARKS} || term, ' ') FROM searchterm GROUP BY site_id"
    )
    op.drop_index('ix_searchterm_kind_term', table_name='searchterm')
    op.drop_index('ix_searchterm_site_id', table_name='searchterm')
    op.drop_table('searchterm')


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    op.create_table(
        'searchterm',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=4), nullable=False),
        sa.Column('term', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_searchterm_kind_term', 'searchterm', ['kind', 'term'], unique=False)
    op.create_index('ix_searchterm_site_id', 'searchterm', ['site_id'], unique=False)
    rows = [
        {"site_id": site_id, "kind": kind, "term": term}
        for site_id, kind, term in sorted(search_index.all_terms(conn))
    ]
    if rows:
        conn.execute(
            sa.text("INSERT INTO searchterm (site_id, kind, term) VALUES (:site_id, :kind, :term)"),
            rows,
        )
    op.execute(f"DROP TRIGGER {search_index.FTS_TABLE}_site_deleted")
    op.execute(f"DROP TABLE {search_index.FTS_TABLE}")
