"""Searches with more candidates than `RANK_CAP`: names equal to or starting with the query
first, the rest in index (id) order in pages that neither skip nor repeat a hit, a story-only hit kept,
totals counted up to `COUNT_CAP` and flagged approximate beyond it (both engines)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from redres.catalog import large_search, listing, search_count
from redres.catalog.enums import STAFF, Status
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import Story, StorySite
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site, reindex_site
from redres.geo import LonLat

NAMES = [
    "东山长征纪念碑",
    "长征",
    "西山长征旧址",
    "长征纪念馆",
    "北坡长征陵园",
    "南岭长征故居",
    "白水长征会址",
    "青石长征桥",
]


@pytest.fixture
def marchers(session: Session) -> dict[str, int]:
    """Eight sites with 长征 in the name, one hit only through a story, one unrelated site."""
    ids = {}
    for i, name in enumerate(NAMES):
        site = create_site(
            session,
            SiteCreate(
                name=name,
                category="former_site",
                status=Status.published,
                lon=114.0 + i * 0.01,
                lat=30.0,
            ),
        )
        ids[name] = site.id or 0
    other = create_site(
        session, SiteCreate(name="某烈士墓", category="martyrs_cemetery", status=Status.published)
    )
    create_site(
        session, SiteCreate(name="无关旧址", category="former_site", status=Status.published)
    )
    story = Story(slug="s", title="长征路上", status=Status.published)
    session.add(story)
    session.flush()
    session.add(StorySite(story_id=story.id or 0, site_id=other.id or 0))
    session.flush()
    reindex_site(session, other)
    session.commit()
    ids["某烈士墓"] = other.id or 0
    return ids


def _names(page: listing.SitePage) -> list[str]:
    return [h.site.name for h in page.items]


def test_small_caps_take_the_large_path(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = list_sites(session, SiteQuery(q="长征", limit=50))
    assert not exact.total_approximate
    assert exact.total == 9
    monkeypatch.setattr(listing, "RANK_CAP", 3)
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    page = list_sites(session, SiteQuery(q="长征", limit=50))
    assert page.total_approximate
    assert page.total == 5
    names = _names(page)
    assert names[:2] == ["长征", "长征纪念馆"]  # exact, then prefix, as the exact ranking
    assert names[:2] == _names(exact)[:2]
    assert sorted(names) == sorted(_names(exact))  # every hit, the story-only one too
    ids = [h.site.id or 0 for h in page.items]
    assert ids[2:] == sorted(ids[2:])  # the rest in the search index's order (site id)


def test_large_pages_neither_skip_nor_repeat(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = _names(list_sites(session, SiteQuery(q="长征", limit=50)))
    monkeypatch.setattr(listing, "RANK_CAP", 3)
    paged: list[str] = []
    for offset in range(0, 12, 2):
        paged += _names(list_sites(session, SiteQuery(q="长征", limit=2, offset=offset)))
    assert len(paged) == len(set(paged)) == len(everything)
    assert set(paged) == set(everything)


def test_large_path_with_a_radius_orders_by_distance(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    query = SiteQuery(q="长征", near=LonLat(114.05, 30.0), radius_m=3_000, limit=50)
    exact = list_sites(session, query)
    monkeypatch.setattr(listing, "RANK_CAP", 2)
    large = list_sites(session, query)
    distances = [h.distance_m or 0.0 for h in large.items]
    assert distances == sorted(distances)
    assert all(d <= 3_000 for d in distances)
    assert {h.site.id for h in large.items} == {h.site.id for h in exact.items}


def test_drafts_stay_hidden_on_the_large_path(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    create_site(session, SiteCreate(name="长征草稿", category="former_site"))
    session.commit()
    monkeypatch.setattr(listing, "RANK_CAP", 3)
    assert "长征草稿" not in _names(list_sites(session, SiteQuery(q="长征", limit=50)))


def test_filtered_lists_count_up_to_the_cap(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list without a search (a category) counts its total up to `COUNT_CAP` and says so
    beyond; its pages are the same, in name order."""
    query = SiteQuery(category="former_site", limit=3)
    exact = list_sites(session, query)
    assert (exact.total, exact.total_approximate) == (9, False)
    everything = _names(list_sites(session, SiteQuery(category="former_site", limit=50)))
    monkeypatch.setattr(listing, "COUNT_CAP", 9)  # exactly the cap: still exact
    assert (list_sites(session, query).total, list_sites(session, query).total_approximate) == (
        9,
        False,
    )
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    page = list_sites(session, query)
    assert (page.total, page.total_approximate) == (5, True)
    paged: list[str] = []
    for offset in range(0, 12, 3):
        paged += _names(
            list_sites(session, SiteQuery(category="former_site", limit=3, offset=offset))
        )
    assert paged == everything


@pytest.mark.parametrize("q", ["changzheng", "长征纪念"])
def test_pinyin_and_longer_queries_on_the_large_path(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch, q: str
) -> None:
    """A pinyin prefix and a query of several bigrams (on PostgreSQL: candidate ids gathered
    from the index, then joined to sites in id order) page in id order, each hit once, even
    a site that matches through its name and its alias; drafts stay hidden."""
    create_site(
        session,
        SiteCreate(
            name="长征纪念亭",
            aliases=["长征纪念小亭"],
            category="former_site",
            status=Status.published,
        ),
    )
    create_site(session, SiteCreate(name="长征纪念草稿", category="former_site"))
    session.commit()
    exact = list_sites(session, SiteQuery(q=q, limit=50))
    assert not exact.total_approximate
    monkeypatch.setattr(listing, "RANK_CAP", 2)
    paged: list[int] = []
    for offset in range(0, 14, 3):
        page = list_sites(session, SiteQuery(q=q, limit=3, offset=offset))
        assert (page.total, page.total_approximate) == (exact.total, False)
        paged += [h.site.id or 0 for h in page.items]
    assert len(paged) == len(set(paged)) == exact.total
    assert set(paged) == {h.site.id for h in exact.items}
    head = 2 if q == "长征纪念" else 0  # Chinese: names starting with the query come first
    assert paged[head:] == sorted(paged[head:])
    assert "长征纪念草稿" not in _names(exact)


@pytest.mark.parametrize("probe", [search_count.HIDDEN_PROBE, 1])
def test_totals_leave_out_hidden_sites(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch, probe: int
) -> None:
    """A search's total is the same counted from the indexes less the hidden sites among the
    candidates (few hidden: PostgreSQL) or through `site` (more than `HIDDEN_PROBE`)."""
    monkeypatch.setattr(search_count, "HIDDEN_PROBE", probe)
    for name in ("长征草稿", "长征二稿"):
        create_site(session, SiteCreate(name=name, category="former_site"))  # drafts
    session.commit()
    for q, drafts in (("长征", 2), ("changzheng", 2), ("长征纪念", 0)):
        public = list_sites(session, SiteQuery(q=q, limit=50))
        assert public.total == len(public.items)
        staff = list_sites(session, SiteQuery(q=q, limit=50), visible=STAFF)
        assert staff.total == public.total + drafts
        only = SiteQuery(q=q, status=Status.draft, limit=50)
        assert list_sites(session, only, visible=STAFF).total == drafts
    monkeypatch.setattr(listing, "RANK_CAP", 2)
    monkeypatch.setattr(listing, "COUNT_CAP", 8)
    assert list_sites(session, SiteQuery(q="长征")).total == 8  # 9 shown: over the cap
    assert list_sites(session, SiteQuery(q="长征", category="former_site")).total == 8
    monkeypatch.setattr(listing, "COUNT_CAP", 9)
    capped = list_sites(session, SiteQuery(q="长征"))
    assert (capped.total, capped.total_approximate) == (9, False)


def test_a_head_cut_between_equal_names_leaves_them_all_out(
    session: Session, marchers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head is the first `HEAD_CAP` names by code point; when the cap falls between two
    sites of the same name, both follow in id order, so every page sees the same head."""
    for _ in range(2):
        create_site(
            session, SiteCreate(name="长征亭", category="former_site", status=Status.published)
        )
    session.commit()
    everything = {h.site.id for h in list_sites(session, SiteQuery(q="长征", limit=50)).items}
    monkeypatch.setattr(listing, "RANK_CAP", 3)
    monkeypatch.setattr(large_search, "HEAD_CAP", 2)  # 长征, 长征亭 | 长征亭, 长征纪念馆
    paged: list[int] = []
    for offset in range(12):
        paged += [
            h.site.id or 0
            for h in list_sites(session, SiteQuery(q="长征", limit=1, offset=offset)).items
        ]
    assert paged[0] == marchers["长征"]
    assert paged[1:] == sorted(paged[1:])  # the tied 长征亭 sites are not in the head
    assert len(paged) == len(set(paged)) == len(everything)
    assert set(paged) == everything


def test_pages_skip_sites_whose_pieces_are_found_apart(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Chinese query's pieces found apart (长征, 征纪 and 纪念 in 长征纪律征纪念, which
    does not hold 长征纪念) are not hits: later pages still neither skip nor repeat one."""
    names = []
    for i in range(12):
        real = i % 3 != 1
        names.append(
            f"{'东西南北中'[i % 5]}{i}长征纪念{'馆碑'[i % 2]}" if real else f"长征纪律征纪念{i}"
        )
        create_site(
            session,
            SiteCreate(name=names[-1], category="former_site", status=Status.published),
        )
    session.commit()
    hits = {n for n in names if "长征纪念" in n}
    monkeypatch.setattr(listing, "RANK_CAP", 2)
    paged: list[str] = []
    for offset in range(0, 12, 3):
        paged += _names(list_sites(session, SiteQuery(q="长征纪念", limit=3, offset=offset)))
    assert len(paged) == len(set(paged)), paged
    assert set(paged) == hits
