"""The tables the application keeps beside the catalogue: facts about the installation
(`catalog.app_state`) and, on PostgreSQL, the search index (`catalog.search_index`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from redres.catalog.models import utcnow


class AppState(SQLModel, table=True):
    """Facts about this installation as key/value pairs, e.g. that `redres demo` loaded the demo."""

    key: str = Field(max_length=64, primary_key=True)
    value: str = Field(max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)


class SearchTerm(SQLModel, table=True):
    """Search index on PostgreSQL: Chinese n-grams and pinyin/English prefixes of a site's text.

    `term` uses the C collation so prefix ranges work. SQLite keeps the same terms in an FTS5
    table instead (`catalog.search_index`); this table does not exist there.
    """

    __table_args__ = (Index("ix_searchterm_kind_term_site", "kind", "term", "site_id"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=4)
    term: str = Field(sa_type=String(200).with_variant(String(200, collation="C"), "postgresql"))
