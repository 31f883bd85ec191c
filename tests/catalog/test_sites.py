"""Registry writes: validation, uniqueness, audit entries, archive and restore, on both engines."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from redres.catalog.audit import history
from redres.catalog.enums import PUBLIC, STAFF, Status
from redres.catalog.errors import Conflict, InvalidChange, NotFound
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import (
    archive_site,
    create_site,
    get_site,
    restore_site,
    restore_version,
    site_theme_weights,
    update_site,
)
from tests.factories import add_themes, add_toy_sites


def test_create_assigns_slug_and_defaults_to_draft(session: Session) -> None:
    site = create_site(session, SiteCreate(name="八七会议会址", category="former_site"))
    session.commit()
    assert site.slug == "ba-qi-hui-yi-hui-zhi"
    assert site.status == Status.draft
    with pytest.raises(NotFound):
        get_site(session, site.slug)  # anonymous readers never see drafts
    assert get_site(session, site.slug, visible=STAFF).id == site.id


def test_get_by_id_or_slug(session: Session) -> None:
    sites = add_toy_sites(session)
    assert get_site(session, str(sites[0].id)).slug == sites[0].slug
    assert get_site(session, sites[1].slug).id == sites[1].id
    with pytest.raises(NotFound, match="nope"):
        get_site(session, "nope")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  ", "category": "museum"}, "at least 1 character"),
        ({"name": "x", "category": "temple"}, "category"),
        ({"name": "x", "category": "museum", "lon": 190.0, "lat": 30.0}, "lon 190.0"),
        ({"name": "x", "category": "museum", "lon": 114.0, "lat": -91.0}, "lat -91.0"),
        ({"name": "x", "category": "museum", "lon": 114.0}, "together"),
        ({"name": "x", "category": "museum", "opening_hours": "Mx-Fr 09:00-17:00"}, "Mx"),
        ({"name": "x", "category": "museum", "slug": "Not A Slug"}, "slug"),
    ],
)
def test_invalid_input_is_refused_before_any_write(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SiteCreate(**fields)  # type: ignore[arg-type]


def test_slug_and_registry_code_are_unique(session: Session) -> None:
    add_toy_sites(session)
    with pytest.raises(Conflict, match="registry code 'WH19'"):
        create_site(session, SiteCreate(name="另一个", category="other", code="WH19"))
    session.rollback()
    with pytest.raises(Conflict, match="slug"):
        create_site(
            session, SiteCreate(name="x", category="other", slug="site-of-the-august-7-conference")
        )


def test_update_writes_audit_with_before_and_after(session: Session) -> None:
    add_themes(session)
    site = create_site(
        session,
        SiteCreate(name="施洋烈士墓", category="martyrs_cemetery", themes={"martyrs": 1.0}),
        actor="alice",
    )
    update_site(session, site, SiteUpdate(district="洪山区", themes={"martyrs": 0.5}), actor="bob")
    session.commit()
    entries = history(session, entity="site", entity_id=site.id or 0)
    assert [(e.action, e.actor) for e in entries] == [("create", "alice"), ("update", "bob")]
    assert entries[0].before is None
    assert entries[0].after is not None
    assert entries[0].after["name"] == "施洋烈士墓"
    assert entries[1].before == {"district": None, "themes": {"martyrs": 1.0}}
    assert entries[1].after == {"district": "洪山区", "themes": {"martyrs": 0.5}}
    assert site_theme_weights(session, site.id or 0) == {"martyrs": 0.5}


def test_update_without_change_writes_no_audit(session: Session) -> None:
    site = create_site(session, SiteCreate(name="起义门", category="monument"))
    update_site(session, site, SiteUpdate(name="起义门"))
    session.commit()
    assert len(history(session, entity="site", entity_id=site.id or 0)) == 1


def test_archive_hides_and_restore_brings_back_as_draft(session: Session) -> None:
    site = add_toy_sites(session)[0]
    archive_site(session, site, actor="carol")
    session.commit()
    with pytest.raises(NotFound):
        get_site(session, site.slug, visible=PUBLIC)
    assert get_site(session, site.slug, visible=STAFF).status == Status.archived
    restore_site(session, site, actor="carol")
    session.commit()
    assert site.status == Status.draft
    actions = [e.action for e in history(session, entity="site", entity_id=site.id or 0)]
    assert actions == ["create", "archive", "restore"]
    with pytest.raises(Conflict, match="not archived"):
        restore_site(session, site)


def test_unknown_theme_is_a_conflict(session: Session) -> None:
    with pytest.raises(Conflict, match="unknown theme 'nosuch'"):
        create_site(session, SiteCreate(name="x", category="other", themes={"nosuch": 1.0}))


def test_lon_lat_must_change_together() -> None:
    with pytest.raises(ValidationError, match="together"):
        SiteUpdate(lon=114.0)
    with pytest.raises(ValidationError, match="cannot be cleared"):
        SiteUpdate(name=None)


def test_restore_an_earlier_version(session: Session) -> None:
    add_themes(session)
    site = create_site(
        session,
        SiteCreate(
            name="施洋烈士墓",
            category="martyrs_cemetery",
            district="洪山区",
            themes={"martyrs": 1.0},
        ),
    )
    update_site(
        session,
        site,
        SiteUpdate(district="武昌区", lon=114.3, lat=30.5, themes={"martyrs": 0.5}),
        actor="bob",
    )
    archive_site(session, site, actor="bob")
    session.commit()
    first = history(session, entity="site", entity_id=site.id or 0)[0]
    restore_version(session, site, first.id or 0, actor="carol")
    session.commit()
    assert (site.district, site.lon, site.lat) == ("洪山区", None, None)
    assert site_theme_weights(session, site.id or 0) == {"martyrs": 1.0}
    assert site.status == Status.archived  # the status is not part of a version
    last = history(session, entity="site", entity_id=site.id or 0)[-1]
    assert (last.action, last.actor) == ("revert", "carol")
    assert last.before is not None
    assert last.before["district"] == "武昌区"
    with pytest.raises(NotFound):
        restore_version(session, site, 10**9)


def test_a_parent_that_closes_a_loop_is_refused_naming_it(session: Session) -> None:
    """旧址群 → 会址 → 陈列馆: making 旧址群 a member of 陈列馆 would loop; the error names the
    loop in order, and nothing changes."""

    def new(name: str, parent: int | None = None) -> int:
        site = create_site(session, SiteCreate(name=name, category="former_site", parent_id=parent))
        assert site.id is not None
        return site.id

    group = new("旧址群")
    hall = new("会址", group)
    exhibit = new("陈列馆", hall)
    session.commit()
    with pytest.raises(InvalidChange) as refused:
        update_site(session, get_site(session, group, visible=STAFF), SiteUpdate(parent_id=exhibit))
    assert str(refused.value) == "that parent would make a loop: 旧址群 → 陈列馆 → 会址 → 旧址群"
    session.rollback()
    assert get_site(session, group, visible=STAFF).parent_id is None
    with pytest.raises(InvalidChange, match="own parent"):
        update_site(session, get_site(session, hall, visible=STAFF), SiteUpdate(parent_id=hall))
    session.rollback()
    moved = update_site(
        session, get_site(session, exhibit, visible=STAFF), SiteUpdate(parent_id=group)
    )
    assert moved.parent_id == group  # a change that makes no loop is fine
