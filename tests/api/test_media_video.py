"""Videos as links to an approved host, never stored: the address checked (https, exact host,
no user, no other port), the same fields and publishing rule as files, a link card on pages
(no iframe), the editor's plain form, the bundle's `url` column."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.backup_media import media_keys
from redres.catalog.accounts import create_user
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Role
from redres.catalog.io.media_bundle import MANIFEST, Exported, export_bundle, import_bundle
from redres.catalog.media_files import InvalidMedia
from redres.catalog.video_links import DEFAULT_VIDEO_HOSTS, check_video_url, parse_hosts
from redres.config import Settings
from redres.media_store import DirectoryStore
from tests.api.forms import PASSWORD, bearer, csrf, sign_in
from tests.factories import add_themes

HOSTS = parse_hosts(DEFAULT_VIDEO_HOSTS)
FILM = "https://www.bilibili.com/video/BV1xx411c7mD?p=2#t=30"
SITE = {"name": "施洋烈士墓", "category": "martyrs_cemetery", "lon": 114.33583, "lat": 30.53972}
CREDITED = {
    "caption": "纪录片《施洋》",
    "credit": "武汉革命博物馆",
    "licence": "rights-reserved-with-permission",
}

HOSTILE = [
    "javascript:alert(1)",
    "JAVASCRIPT://www.bilibili.com/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://www.bilibili.com/video/BV1",  # not https
    "//www.bilibili.com/video/BV1",  # no scheme
    "https://www.youtube.com/watch?v=x",  # not an approved host
    "https://bilibili.com/video/BV1",  # a sibling of an approved host is not it
    "https://www.bilibili.com.evil.cn/video/BV1",  # an approved host as a prefix
    "https://evil.cn/www.bilibili.com/video",  # ... or in the path
    "https://evilwww.bilibili.com/video/BV1",
    "https://m.www.bilibili.com/video/BV1",  # a subdomain
    "https://www.bilibili.com@evil.cn/video/BV1",  # userinfo: the host is evil.cn
    "https://user:pw@www.bilibili.com/video/BV1",
    "https://www.bilibili.com:8443/video/BV1",  # another port
    "https://www.bilibili.com:x/video",
    "https://www.bilibili.com./video/BV1",  # a trailing dot
    "https://www.bіlibili.com/video/BV1",  # a Cyrillic і: an IDN look-alike
    "https://xn--www.bilibli-xyz.com/video/BV1",
    "https://www.bilibili.com\\@evil.cn/",
    'https://www.bilibili.com/video/"onmouseover=alert(1)',
    "https://www.bilibili.com/video/<script>",
    "https://www.bilibili.com/video/a b",
    "https://www.bilibili.com/\x00",
    "",
    "https://" + "a" * 2000,
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_addresses_are_refused(url: str) -> None:
    with pytest.raises(InvalidMedia):
        check_video_url(url, HOSTS)


def test_approved_addresses_are_kept_as_given() -> None:
    assert check_video_url(f"  {FILM} ", HOSTS) == FILM
    assert check_video_url("HTTPS://WWW.BILIBILI.COM:443/video/BV1", HOSTS) == (
        "https://www.bilibili.com/video/BV1"
    )
    assert check_video_url("https://v.qq.com", HOSTS) == "https://v.qq.com/"
    for host in ("v.qq.com", "v.youku.com", "tv.cctv.com", "www.ixigua.com"):
        assert check_video_url(f"https://{host}/x.html", HOSTS) == f"https://{host}/x.html"
    with pytest.raises(InvalidMedia):  # a deployment that approves no host takes no video
        check_video_url(FILM, ())


def test_the_setting_takes_plain_host_names_only() -> None:
    assert Settings(media_video_hosts=" V.QQ.com , tv.cctv.com").video_hosts == (
        "v.qq.com",
        "tv.cctv.com",
    )
    assert Settings().video_hosts == HOSTS
    for bad in ("https://v.qq.com", "v.qq.com:443", "*.qq.com", "v.qq.com/x", "视频.cn"):
        with pytest.raises(ValueError, match="host name"):
            Settings(media_video_hosts=bad)


@pytest.fixture
def catalogue(session: Session) -> None:
    add_themes(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40, media_dir=tmp_path / "media")


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def editor(client: TestClient) -> dict[str, str]:
    return bearer(client, "editor")


@pytest.fixture
def slug(client: TestClient, editor: dict[str, str]) -> str:
    r = client.post("/api/sites", json={**SITE, "status": "published"}, headers=editor)
    assert r.status_code == 201, r.text
    return str(r.json()["properties"]["slug"])


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("teacher", 403), ("editor", 201)])
def test_only_editors_link_videos(
    client: TestClient, slug: str, who: str | None, code: int
) -> None:
    headers = bearer(client, who) if who else {}
    r = client.post(
        f"/api/sites/{slug}/media", data={**CREDITED, "video_url": FILM}, headers=headers
    )
    assert r.status_code == code, r.text
    listed = client.get(f"/api/sites/{slug}").json()["properties"]["media"]
    assert len(listed) == (1 if code == 201 else 0)
    if code == 201:
        (item,) = listed
        assert (item["kind"], item["url"], item["host"]) == ("video", FILM, "www.bilibili.com")
        assert item["thumb_url"] is None
        assert (item["credit"], item["licence"]) == (CREDITED["credit"], CREDITED["licence"])
        # nothing is served for it, nothing stored
        assert client.get(f"/media/{item['id']}/file").status_code == 404


def test_refusals_are_said_in_the_readers_language_and_nothing_is_kept(
    client: TestClient, slug: str, editor: dict[str, str]
) -> None:
    url = f"/api/sites/{slug}/media"
    for hostile in ("https://www.bilibili.com.evil.cn/v", "https://a@www.bilibili.com/v"):
        r = client.post(url, data={**CREDITED, "video_url": hostile}, headers=editor)
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == f"只能链接这些网站上的视频：{', '.join(HOSTS)}"
        assert r.json()["detail_en"].startswith("videos are linked only from www.bilibili.com")
    r = client.post(
        url,
        data={**CREDITED, "video_url": "javascript:alert(1)"},
        headers={**editor, "Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "a video link must start with https://"
    both = client.post(
        url,
        data={**CREDITED, "video_url": FILM},
        files={"file": ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        headers=editor,
    )
    assert both.status_code == 422
    assert "不要同时" in both.json()["detail"]
    # a public site's video needs credit and licence, as a photo does
    bare = client.post(url, data={"caption": "片段", "video_url": FILM}, headers=editor)
    assert bare.status_code == 422
    assert "署名" in bare.json()["detail"]
    assert client.get(f"/api/sites/{slug}").json()["properties"]["media"] == []


def test_a_draft_with_an_uncredited_video_will_not_publish(
    client: TestClient, editor: dict[str, str]
) -> None:
    slug = client.post("/api/sites", json=SITE, headers=editor).json()["properties"]["slug"]
    r = client.post(
        f"/api/sites/{slug}/media", data={"caption": "纪录片", "video_url": FILM}, headers=editor
    )
    assert r.status_code == 201, r.text
    video = r.json()
    refused = client.patch(f"/api/sites/{slug}", json={"status": "published"}, headers=editor)
    assert refused.status_code == 422
    assert f"#{video['id']}“纪录片”（缺署名、许可协议）" in refused.json()["detail"]
    fill = {"credit": "湖北广播电视台", "licence": "rights-reserved-with-permission"}
    assert client.patch(f"/api/media/{video['id']}", json=fill, headers=editor).status_code == 200
    ok = client.patch(f"/api/sites/{slug}", json={"status": "published"}, headers=editor)
    assert ok.status_code == 200, ok.text
    # a video is never a record's cover (a cover is a picture)
    r = client.patch(f"/api/media/{video['id']}", json={"is_cover": True}, headers=editor)
    assert r.json()["is_cover"] is False


def test_pages_show_a_link_card_escaped_and_without_iframe(
    client: TestClient, slug: str, editor: dict[str, str]
) -> None:
    fields = {**CREDITED, "caption": "纪录片 <script>alert(1)</script>", "credit": "馆 & <b>"}
    r = client.post(f"/api/sites/{slug}/media", data={**fields, "video_url": FILM}, headers=editor)
    assert r.status_code == 201, r.text
    person = client.post("/api/people", json={"name": "施洋"}, headers=editor).json()["slug"]
    qq = "https://v.qq.com/x/cover/abc.html"
    r = client.post(
        f"/api/people/{person}/media", data={**CREDITED, "video_url": qq}, headers=editor
    )
    assert r.status_code == 201, r.text
    html = client.get(f"/sites/{slug}").text
    href = FILM.replace("&", "&amp;")
    assert f'<a class="video-card" href="{href}" rel="noopener nofollow" target="_blank">' in html
    assert "在哔哩哔哩观看" in html
    assert "www.bilibili.com</small>" in html
    assert "<script>alert(1)" not in html
    assert "纪录片 &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "馆 &amp; &lt;b&gt;" in html
    assert "<iframe" not in html
    en = client.get(f"/sites/{slug}?lang=en").text
    assert "Watch on bilibili" in en
    page = client.get(f"/people/{person}?lang=zh").text
    assert 'href="https://v.qq.com/x/cover/abc.html" rel="noopener nofollow"' in page
    assert "在腾讯视频观看" in page
    assert client.get(f"/api/people/{person}").json()["media"][0]["kind"] == "video"


def test_the_editor_links_a_video_with_a_plain_form(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/sites/new")
    made = client.post(
        "/editor/sites/new",
        data={
            "csrf": csrf(page.text),
            "name": "农讲所",
            "category": "former_site",
            "lon": "114.3",
            "lat": "30.5",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    where = made.headers["location"]
    editor_page = client.get(where).text
    assert 'name="video_url"' in editor_page
    assert "www.bilibili.com, v.qq.com" in editor_page  # the approved hosts are named
    token = csrf(editor_page)
    r = client.post(
        f"{where}/media",
        data={"csrf": token, "caption": "纪录片", "video_url": "https://evil.cn/v"},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "只能链接这些网站上的视频" in r.text
    r = client.post(
        f"{where}/media",
        data={"csrf": token, "caption": "纪录片", "video_url": FILM, "credit": "某馆"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    shown = client.get(where).text
    assert f'href="{FILM}" rel="noopener nofollow" target="_blank"' in shown
    forged = client.post(
        f"{where}/media", data={"csrf": "forged", "caption": "x", "video_url": FILM}
    )
    assert forged.status_code == 403


def test_bundles_carry_the_address_and_backups_have_nothing_to_copy(
    client: TestClient,
    slug: str,
    editor: dict[str, str],
    session: Session,
    tmp_path: Path,
    engine: object,
) -> None:
    r = client.post(
        f"/api/sites/{slug}/media", data={**CREDITED, "video_url": FILM}, headers=editor
    )
    assert r.status_code == 201, r.text
    store = DirectoryStore(tmp_path / "media")
    path = tmp_path / "b.zip"
    assert export_bundle(session, store, path) == Exported(files=0, videos=1)
    with zipfile.ZipFile(path) as z:
        (row,) = csv.DictReader(io.StringIO(z.read(MANIFEST).decode()))
        assert not [n for n in z.namelist() if n.startswith("media/")]
    assert (row["kind"], row["url"], row["file"]) == ("video", FILM, "")
    assert media_keys(engine) == []  # type: ignore[arg-type]
    again = import_bundle(session, store, path, actor="t")
    assert (again.videos_added, again.videos_unchanged, again.skipped) == (0, 1, [])
    assert (again.added, again.unchanged) == (0, 0)  # a link is no file
    # another installation approving other hosts skips the row, saying why
    session.exec(select(Media)).one().status = "archived"  # type: ignore[assignment]
    session.flush()
    narrow = import_bundle(session, store, path, actor="t", video_hosts=("v.qq.com",))
    assert narrow.videos_added == 0
    (why,) = narrow.skipped
    assert why.startswith("media.csv line 2: videos are linked only from v.qq.com")
    wide = import_bundle(session, store, path, actor="t")
    assert (wide.videos_added, wide.added) == (1, 0)
    session.rollback()
