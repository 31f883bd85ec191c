"""PostgreSQL: a common word's hits read in site id order, counted from indexes alone, and
name prefixes found on an index.

A common word (纪念, 革命) is a term of a quarter of all sites. The large-search path
(`listing.large_search`) counts its hits up to a cap and reads them a page at a time in site
id order (`search_index.fts_join`). At 100,000 sites it took 155 ms a query on PostgreSQL
against 24 ms on SQLite (bench/SCALE.md), for three reasons, one index each:

- `searchterm (kind, term, site_id)` replaces `(kind, term)`: a term's rows come in site id
  order, so a page stops where it ends instead of sorting every row of the term;
- `site (id, status)`: the capped count merges those ids with the visible sites from an
  index, without reading the site rows;
- `site ((name COLLATE "C"))`: the head of a large search is a code-point range of names
  (`name COLLATE "C" >= q`), which the `name` index in the database's collation cannot serve.

SQLite needs none of them: its terms are in FTS5, whose posting lists are in rowid order, and
its default collation is by code point.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 15:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("ix_searchterm_kind_term_site", "searchterm", ["kind", "term", "site_id"])
    op.drop_index("ix_searchterm_kind_term", table_name="searchterm")
    op.create_index("ix_site_id_status", "site", ["id", "status"])
    op.create_index("ix_site_name_c", "site", [sa.text('(name COLLATE "C")')])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_site_name_c", table_name="site")
    op.drop_index("ix_site_id_status", table_name="site")
    op.create_index("ix_searchterm_kind_term", "searchterm", ["kind", "term"])
    op.drop_index("ix_searchterm_kind_term_site", table_name="searchterm")
