"""Search in Chinese, English and pinyin, ranked the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from redres.catalog import search_index
from redres.catalog.enums import Status
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import Story, StorySite
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.search import SearchText, index_terms, parse_query, rank, syllables
from redres.catalog.search_index import FTS_DDL
from redres.catalog.sites import create_site, reindex_site, update_site
from tests.factories import add_toy_sites


def _search(session: Session, q: str) -> list[str]:
    return [h.site.code or h.site.name for h in list_sites(session, SiteQuery(q=q)).items]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("八七", "WH19"),
        ("五大", "WH01"),
        ("农讲", None),  # not a substring of 中央农民运动讲习所旧址: must not match
        ("农民", "WH03"),
        ("baqi", "WH19"),
        ("bqhy", "WH19"),
        ("BaQi", "WH19"),
        ("shiyang", "WH14"),
        ("August", "WH19"),
        ("wh19", "WH19"),
        ("鄱阳街", "WH19"),
        ("鄱阳街139号", "WH19"),  # digit pairs (13, 39) are not index terms; rank checks them
        ("139号", "WH19"),
        ("都府堤20", "WH01"),
    ],
)
def test_finds_by_chinese_pinyin_initials_english(
    session: Session, query: str, expected_first: str | None
) -> None:
    add_toy_sites(session)
    found = _search(session, query)
    if expected_first is None:
        assert found == []
    else:
        assert found[0] == expected_first


def test_a_long_query_finds_the_sites_holding_all_of_it(session: Session) -> None:
    """Past `MAX_JOINED_GRAMS` bigrams the index finds a superset; `rank` keeps the hits."""
    name = "中共中央长江局旧址纪念馆"
    assert len(name) - 1 > search_index.MAX_JOINED_GRAMS
    for n in (name, "中共中央长江局旧址陈列室", "长江局旧址纪念馆"):
        create_site(session, SiteCreate(name=n, category="museum", status=Status.published))
    session.commit()
    assert [h.site.name for h in list_sites(session, SiteQuery(q=name)).items] == [name]
    assert sorted(_search(session, "旧址纪念馆")) == sorted(["长江局旧址纪念馆", name])


def test_two_character_query_by_alias(session: Session) -> None:
    add_toy_sites(session)
    create_site(
        session,
        SiteCreate(
            name="中央农民运动讲习所",
            category="former_site",
            aliases=["农讲所"],
            status=Status.published,
        ),
    )
    session.commit()
    assert _search(session, "农讲") == ["中央农民运动讲习所"]


def test_ranking_exact_then_prefix_then_contains_then_story(session: Session) -> None:
    contains = create_site(
        session, SiteCreate(name="汉口纪念馆", category="memorial_hall", status=Status.published)
    )
    prefix = create_site(
        session, SiteCreate(name="纪念馆旧址", category="memorial_hall", status=Status.published)
    )
    exact = create_site(
        session, SiteCreate(name="纪念馆", category="memorial_hall", status=Status.published)
    )
    story_only = create_site(
        session, SiteCreate(name="某烈士墓", category="martyrs_cemetery", status=Status.published)
    )
    story = Story(slug="s", title="走进纪念馆", status=Status.published)
    session.add(story)
    session.flush()
    session.add(StorySite(story_id=story.id or 0, site_id=story_only.id or 0))
    session.flush()
    reindex_site(session, story_only)
    session.commit()
    got = _search(session, "纪念馆")
    assert got == [exact.name, prefix.name, contains.name, story_only.name]


def test_drafts_are_not_found_by_anonymous_search(session: Session) -> None:
    add_toy_sites(session, status=Status.draft)
    assert _search(session, "八七") == []


def test_blank_or_punctuation_query_finds_nothing(session: Session) -> None:
    add_toy_sites(session)
    assert _search(session, " ，。 ") == []


@pytest.mark.parametrize("q", ["%%%", "#", "&*+"])
def test_symbol_only_query_finds_nothing(session: Session, q: str) -> None:
    add_toy_sites(session)
    assert _search(session, q) == []


def test_renamed_site_keeps_no_old_terms(session: Session) -> None:
    (site, *_) = add_toy_sites(session)
    assert _search(session, "八七") == ["WH19"]
    update_site(session, site, SiteUpdate(name="汉口新旧址", aliases=[]), actor="editor")
    session.commit()
    assert _search(session, "八七") == []
    assert _search(session, "baqi") == []
    assert _search(session, "汉口新") == ["WH19"]


def test_deleted_site_takes_its_terms_along(session: Session) -> None:
    """A new site that gets the id of a deleted one (SQLite reuses the largest rowid) must not
    inherit the old site's terms."""
    sites = add_toy_sites(session)
    last = max(sites, key=lambda s: s.id or 0)
    old_name, old_id = last.name, last.id or 0
    session.delete(last)
    session.commit()
    assert search_index.terms_of(session.connection(), old_id) == set()
    create_site(
        session, SiteCreate(name="新建纪念碑", category="monument", status=Status.published)
    )
    session.commit()
    assert _search(session, old_name) == []
    assert _search(session, "新建") == ["新建纪念碑"]


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("一号#楼旧址", "#楼"),
        ("纪&念馆", "纪&念"),
        ("[新]四军旧址", "]四"),
        ("省委@旧址", "委@"),
        ("旧~址`馆", "~址`"),
    ],
)
def test_punctuation_inside_a_term_is_part_of_it(session: Session, name: str, query: str) -> None:
    """ASCII punctuation next to Chinese text stays inside the term on both engines."""
    create_site(session, SiteCreate(name=name, category="former_site", status=Status.published))
    create_site(
        session, SiteCreate(name="一号楼旧址", category="former_site", status=Status.published)
    )
    session.commit()
    assert _search(session, query) == [name]


@settings(max_examples=60, deadline=None)
@given(q=st.text(alphabet=string.punctuation + "旧址 ab1\x01\x1f\x7f\t\u3000", max_size=6))
def test_any_query_of_punctuation_answers(q: str) -> None:
    """Whatever the query holds, search answers (the FTS5 expression is always well formed)."""
    from redres.catalog.search_index import match_expression

    parsed = parse_query(q)
    if parsed is None:
        return
    conn = sqlite3.connect(":memory:")
    conn.execute(FTS_DDL.replace("site_search", "s", 1))
    conn.execute("INSERT INTO s(rowid, terms) VALUES (1, 'z旧址 pjiuzhi')")
    conn.execute("SELECT rowid FROM s WHERE s MATCH ?", (match_expression(parsed),)).fetchall()


NAME_CHARS = "旧址纪念馆八七会议abZ 19#&-'\"（）·、\x01"


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(alphabet=NAME_CHARS, min_size=1, max_size=12),
    address=st.text(alphabet=NAME_CHARS, max_size=12),
    bounds=st.tuples(st.integers(0, 12), st.integers(1, 6)),
)
def test_the_fts5_index_finds_every_site_that_ranks(
    name: str, address: str, bounds: tuple[int, int]
) -> None:
    """No false negatives: whenever `rank` says a query matches a site's text, the index offers
    the site as a candidate (queries are substrings of the name or address, any characters)."""

    text = SearchText(name=name, address=address or None)
    whole = name + address
    start, size = bounds
    q = whole[start : start + size]
    assert _indexed_and_found(q, text), (q, sorted(index_terms(text)))


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(alphabet="旧址纪念馆八七会议长行乐绿abZ 19-·", min_size=1, max_size=10),
    name_en=st.none() | st.text(alphabet="ab Zc-9", max_size=10),
    code=st.none() | st.text(alphabet="WH0-9 ", max_size=6),
    at=st.integers(0, 40),
    size=st.integers(1, 12),
    initials=st.booleans(),
)
def test_the_fts5_index_finds_every_latin_match(
    name: str, name_en: str | None, code: str | None, at: int, size: int, initials: bool
) -> None:
    """The Latin side of the same property: pinyin, initials, English words and codes."""

    text = SearchText(name=name, name_en=name_en, code=code)
    parts = [s[0] for s in syllables(name)] if initials else list(syllables(name))
    words = [*parts, *(name_en or "").split(), code or ""]
    starts = [sum(len(w) for w in words[:i]) for i in range(len(words))]
    q = "".join(words)[starts[at % len(starts)] :][:size]  # from a syllable or word start
    assert _indexed_and_found(q, text), q


def _indexed_and_found(q: str, text: SearchText) -> bool:
    """True when `rank` does not match `q` to `text`, or when the FTS5 index holding only
    `text` offers it as a candidate for `q`."""
    from redres.catalog.search_index import document, match_expression

    parsed = parse_query(q)
    if parsed is None or rank(parsed, text) is None:
        return True
    conn = sqlite3.connect(":memory:")
    conn.execute(FTS_DDL)
    conn.execute("INSERT INTO site_search(rowid, terms) VALUES (1, ?)", (document(text),))
    match = match_expression(parsed)
    hits = conn.execute("SELECT rowid FROM site_search WHERE site_search MATCH ?", (match,))
    return hits.fetchall() == [(1,)]
