"""Sources on public pages read as labels: a title, a host or a repository and file name; the
full address is only the link target, so no commit hash, raw URL or path is visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.io.citations import SITE, SourceRef, cite
from tests.factories import add_toy_sites

SHA = "641020c1b8a077454b9741a3f5149189e7b3408f"
BLOB = f"https://github.com/obtito/GTA-WH/blob/{SHA}/data/wikidata-coords.json"
HASH = re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
PAYLOAD = '<img src=x onerror=alert(1)>"'
AUG7 = "site-of-the-august-7-conference"


class _Text(HTMLParser):
    """The text a reader sees: every text node outside scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style", "template")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "template")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's visible text, one space between text nodes."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def sources_html(page: str) -> str:
    """The page's lists of sources."""
    return "".join(re.findall(r'<ol class="sources">.*?</ol>', page, re.S))


@pytest.fixture
def catalogue(session: Session) -> None:
    """A toy site citing a bare GitHub address, a file name, a Chinese title and markup."""
    site = add_toy_sites(session)[0]
    assert site.slug == AUG7
    refs = [
        SourceRef(BLOB, BLOB),
        SourceRef("wikidata-coords.json", BLOB.replace("GTA-WH", "other-repo")),
        SourceRef("湖北党史网", "http://www.hbdsw.org.cn/mag/s06/files/basic-html/page54.html"),
        SourceRef("http://www.gov.cn/test/2008-11/27/content_1161327.htm", None),
        SourceRef(PAYLOAD, "javascript:alert(1)"),
    ]
    cite(session, SITE, {int(site.id or 0): refs}, replace=True)
    session.commit()


def test_site_sources_are_labels_linked_to_their_address(client: TestClient) -> None:
    for lang, colon in (("zh", "："), ("en", ": ")):
        page = client.get(f"/sites/{AUG7}", params={"lang": lang}).text
        listed = sources_html(page)
        text = visible_text(listed)
        assert f"GitHub{colon}obtito/GTA-WH · wikidata-coords.json" in text
        assert f"GitHub{colon}obtito/other-repo · wikidata-coords.json" in text
        assert "湖北党史网" in text
        assert "www.gov.cn" in text
        assert f'href="{BLOB}"' in listed  # the full address stays the link target
        assert not HASH.search(visible_text(page)), lang
        assert "://" not in text
        assert "content_1161327" not in text
        # markup in a title is text; a javascript: address is never a link
        assert PAYLOAD not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in listed
        assert "javascript:" not in listed


def test_demo_site_page_names_data_files_by_repository(demo: TestClient) -> None:
    """The Chinese page of a site whose point comes from a data file at a commit."""
    page = demo.get("/sites/cpc-5th-congress-site").text
    assert not HASH.search(visible_text(page))
    listed = visible_text(sources_html(page))
    assert "GitHub：Epawse/wuhan-red-tourism-map · place.csv" in listed
    assert "GitHub：obtito/GTA-WH · wikidata-coords.json" in listed
    assert "湖北党史网 (hbdsw.org.cn) page on the CPC 5th Congress site" in listed  # a title
    assert "://" not in listed
    assert "@" not in listed


@pytest.mark.slow
def test_no_demo_site_page_shows_a_hash_or_address_as_a_source(demo: TestClient) -> None:
    """Every demo site page (45 pages, several seconds)."""
    sites = demo.get("/api/sites", params={"limit": 100}).json()["features"]
    for slug in [f["properties"]["slug"] for f in sites]:
        page = demo.get(f"/sites/{slug}").text
        assert not HASH.search(visible_text(page)), slug
        listed = visible_text(sources_html(page))
        assert "://" not in listed, slug
        assert "@" not in listed, slug
