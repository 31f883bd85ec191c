"""The catalogue-with-media zip from the editor's pages: editors download it and import one,
with the CLI's checks (a bundle's catalogue all or none, each file checked, the publishing
rule, a second import changing nothing); others are turned away."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.catalog.accounts import create_user
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Role, Status
from redres.catalog.io.media_bundle import MANIFEST, export_bundle
from redres.catalog.media import add_media, read_fields
from redres.catalog.models import Site
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40, media_dir=tmp_path / "media")


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def catalogue(session: Session, tmp_path: Path) -> None:
    sites = add_toy_sites(session)
    fields = read_fields({"caption": "正门", "credit": "武汉革命博物馆", "licence": "CC0-1.0"})
    add_media(
        session,
        DirectoryStore(tmp_path / "media"),
        sites[0],
        samples.jpeg_with_gps(),
        fields,
        actor="t",
    )
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


def _other_bundle(tmp_path: Path) -> Path:
    """A bundle from another installation: a draft site with a credited and an uncredited photo."""
    engine = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    init_db(engine)
    store = DirectoryStore(tmp_path / "other-media")
    with Session(engine) as s:
        site = create_site(
            s, SiteCreate(name="外地纪念馆", category="memorial_hall", lon=115.9, lat=28.7)
        )
        credited = {"caption": "展厅", "credit": "某馆", "licence": "CC-BY-4.0"}
        add_media(s, store, site, samples.png_with_alpha(), read_fields(credited), actor="t")
        bare = read_fields({"caption": "无署名"})
        add_media(s, store, site, samples.jpeg_with_gps(size=(90, 60)), bare, actor="t")
        s.commit()
        path = tmp_path / "other.zip"
        assert export_bundle(s, store, path).files == 2
    engine.dispose()
    return path


def test_only_editors_reach_the_bundle(client: TestClient) -> None:
    for path in ("/editor/media-bundle", "/editor/media-bundle.zip"):
        r = client.get(path)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login")
    sign_in(client, "teacher", to="/")
    assert client.get("/editor/media-bundle.zip").status_code == 403
    r = client.post(
        "/editor/media-bundle",
        data={"csrf": "x"},
        files=[("file", ("b.zip", b"PK", "application/zip"))],
    )
    assert r.status_code == 403


def test_an_editor_downloads_the_bundle(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/media-bundle")
    assert page.status_code == 200
    assert "下载 zip" in page.text
    r = client.get("/editor/media-bundle.zip")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    assert "no-store" in r.headers["cache-control"]
    assert "attachment" in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        names = z.namelist()
        assert MANIFEST in names
        assert "catalogue.geojson" in names
        assert "正门" in z.read(MANIFEST).decode()
        (photo,) = [n for n in names if n.startswith("media/")]
        assert z.read(photo) == samples.jpeg_with_gps()


def test_an_editor_imports_a_bundle_twice_and_the_second_changes_nothing(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    sign_in(client, "editor")
    token = csrf(client.get("/editor/media-bundle").text)
    bundle = _other_bundle(tmp_path).read_bytes()

    def send(status: str) -> str:
        r = client.post(
            "/editor/media-bundle",
            data={"csrf": token, "status": status},
            files=[("file", ("外地.zip", bundle, "application/zip"))],
        )
        assert r.status_code == 200, r.text
        return r.text

    first = send("published")
    assert "地点：新建 1 处，已有 0 处。文件：新增 1 个，已有 0 个，跳过 1 个。" in first
    # the uncredited photo of a published site, said in Chinese
    assert "media.csv 第 3 行：已发布记录的媒体必须填写署名和许可协议（缺署名、许可协议）" in first
    site = session.exec(select(Site).where(Site.name == "外地纪念馆")).one()
    assert site.status == Status.published
    captions = session.exec(select(Media.caption).where(Media.owner_id == site.id)).all()
    assert list(captions) == ["展厅"]
    again = send("published")
    assert "新建 0 处，已有 1 处。文件：新增 0 个，已有 1 个，跳过 1 个。" in again


def test_what_is_not_a_bundle_is_refused_whole(client: TestClient) -> None:
    sign_in(client, "editor")
    token = csrf(client.get("/editor/media-bundle").text)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("notes.txt", "hello")
    for name, body in (("a.zip", plain.getvalue()), ("b.zip", samples.PDF)):
        r = client.post(
            "/editor/media-bundle",
            data={"csrf": token},
            files=[("file", (name, body, "application/zip"))],
        )
        assert r.status_code == 400, r.text
        assert "这个文件不能导入" in r.text
    forged = client.post(
        "/editor/media-bundle",
        data={"csrf": "forged"},
        files=[("file", ("a.zip", plain.getvalue(), "application/zip"))],
    )
    assert forged.status_code == 403


def _damaged(bundle: Path) -> bytes:
    """`bundle` with its PNG cut short (its hash and name made to match the damaged bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(out, "w") as dst:
        manifest = src.read(MANIFEST).decode()
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".png"):
                data = data[: len(data) // 2]
                old = info.filename.removeprefix("media/").removesuffix(".png")
                new = hashlib.sha256(data).hexdigest()
                manifest = manifest.replace(old, new)
                dst.writestr(f"media/{new}.png", data)
            elif info.filename != MANIFEST:
                dst.writestr(info, data)
        dst.writestr(MANIFEST, manifest)
    return out.getvalue()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "media.csv 第 2 行：图片不完整或已损坏"),
        ("en", "media.csv line 2: the image is truncated or damaged"),
    ],
)
def test_a_refused_file_is_named_with_its_reason_in_the_readers_language(
    client: TestClient, tmp_path: Path, lang: str, said: str
) -> None:
    sign_in(client, "editor")
    client.cookies.set("lang", lang)
    token = csrf(client.get("/editor/media-bundle").text)
    r = client.post(
        "/editor/media-bundle",
        data={"csrf": token, "status": "draft"},
        files=[("file", ("b.zip", _damaged(_other_bundle(tmp_path)), "application/zip"))],
    )
    assert r.status_code == 200, r.text
    assert said in r.text
