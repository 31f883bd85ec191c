"""The commemoration calendar: anniversaries of the registry's events and people, and the
statutory days of remembrance, each with the sites, stories and routes worth featuring that day.

Anniversaries come from event dates; an event known only to the year or month still counts in
the yearly list of round anniversaries (逢五逢十), without a day. Round: every 5th year; major:
every 10th. Statutory days are fixed by law or State Council rules; Qingming moves with the
solar term, so its date is computed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import holidays
from sqlmodel import Session, col, select

from redres.catalog.enums import Status
from redres.catalog.models import (
    Event,
    EventSite,
    Person,
    Route,
    Site,
    SiteTheme,
    Story,
    StoryEvent,
    StoryPerson,
    StorySite,
    Theme,
)


@dataclass(frozen=True, slots=True)
class StatutoryDay:
    """A day of remembrance fixed by law, and the themes whose sites fit it."""

    key: str
    name: str
    name_en: str
    month: int
    day: int
    themes: tuple[str, ...]


STATUTORY_DAYS: tuple[StatutoryDay, ...] = (
    StatutoryDay("youth-day", "五四青年节", "May Fourth Youth Day", 5, 4, ("founding",)),
    StatutoryDay(
        "party-founding",
        "中国共产党成立纪念日（七一）",
        "Party founding day",
        7,
        1,
        ("founding", "great-revolution"),
    ),
    StatutoryDay(
        "army-day",
        "中国人民解放军建军纪念日（八一）",
        "Army Day",
        8,
        1,
        ("revolutionary-armed-forces", "agrarian-revolution"),
    ),
    StatutoryDay(
        "victory-day",
        "中国人民抗日战争胜利纪念日",
        "Victory Day of the War of Resistance",
        9,
        3,
        ("war-of-resistance",),
    ),
    StatutoryDay("martyrs-day", "烈士纪念日", "Martyrs' Day", 9, 30, ("martyrs",)),
    StatutoryDay("national-day", "国庆节", "National Day", 10, 1, ("socialist-construction",)),
    StatutoryDay(
        "national-memorial-day",
        "南京大屠杀死难者国家公祭日",
        "National Memorial Day",
        12,
        13,
        ("war-of-resistance", "martyrs"),
    ),
)
QINGMING_THEMES = ("martyrs",)


@dataclass(frozen=True, slots=True)
class Feature:
    """A published site, story or route to feature on a day.

    A story has no page of its own: `site` is the published site whose page tells it.
    """

    kind: str
    slug: str
    name: str
    site: str | None = None
    name_en: str | None = None


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One day to remember in a year; `years` and `round` only for anniversaries."""

    date: dt.date | None
    kind: str  # statutory | anniversary
    key: str
    name: str
    years: int | None = None
    round: bool = False
    major: bool = False
    features: list[Feature] = field(default_factory=list)
    name_en: str | None = None
    """The name in English, where the record has one (English pages say when it has not)."""


def calendar_for(session: Session, year: int) -> list[CalendarEntry]:
    """Every commemoration of `year`, dated ones by date, then undated round anniversaries."""
    entries = [_statutory(session, year, day) for day in STATUTORY_DAYS]
    qingming = qingming_day(year)
    if qingming is not None:
        entries.append(
            CalendarEntry(
                qingming,
                "statutory",
                "qingming",
                "清明节",
                features=_theme_features(session, QINGMING_THEMES),
                name_en="Qingming Festival (Tomb-Sweeping Day)",
            )
        )
    entries.extend(_event_anniversaries(session, year))
    entries.extend(_person_anniversaries(session, year))
    return sorted(entries, key=lambda e: (e.date is None, e.date or dt.date.max, e.key))


def _statutory(session: Session, year: int, day: StatutoryDay) -> CalendarEntry:
    return CalendarEntry(
        dt.date(year, day.month, day.day),
        "statutory",
        day.key,
        day.name,
        features=_theme_features(session, day.themes),
        name_en=day.name_en,
    )


def _event_anniversaries(session: Session, year: int) -> list[CalendarEntry]:
    out = []
    for event in session.exec(select(Event).where(col(Event.date).is_not(None))):
        start = event.date or ""
        years = year - int(start[:4])
        if years <= 0:
            continue
        date = _anniversary_date(start, year)
        if date is None and years % 5:
            continue  # an undated event is listed only on round anniversaries
        out.append(
            CalendarEntry(
                date,
                "anniversary",
                f"event:{event.slug}",
                event.name,
                years=years,
                round=years % 5 == 0,
                major=years % 10 == 0,
                features=[
                    *_event_sites(session, event),
                    *_stories(session, StoryEvent.story_id, StoryEvent.event_id == event.id),
                ],
                name_en=event.name_en,
            )
        )
    return out


def _person_anniversaries(session: Session, year: int) -> list[CalendarEntry]:
    out = []
    for person in session.exec(select(Person)):
        for what, value in (("birth", person.born), ("death", person.died)):
            if not value or not value[:4].isdigit():
                continue
            years = year - int(value[:4])
            if years > 0 and years % 5 == 0:
                label = "诞辰" if what == "birth" else "逝世"
                label_en = "birth" if what == "birth" else "death"
                out.append(
                    CalendarEntry(
                        _anniversary_date(value, year),
                        "anniversary",
                        f"{what}:{person.slug}",
                        f"{person.name}{label}{years}周年",
                        years=years,
                        round=True,
                        major=years % 10 == 0,
                        features=_stories(
                            session, StoryPerson.story_id, StoryPerson.person_id == person.id
                        ),
                        name_en=(
                            f"{person.name_en}: {years} years since {label_en}"
                            if person.name_en
                            else None
                        ),
                    )
                )
    return out


def _anniversary_date(value: str, year: int) -> dt.date | None:
    if len(value) != 10:
        return None
    month, day = int(value[5:7]), int(value[8:10])
    if (month, day) == (2, 29) and not _leap(year):
        day = 28
    return dt.date(year, month, day)


def _event_sites(session: Session, event: Event) -> list[Feature]:
    rows = session.exec(
        select(Site.slug, Site.name, Site.name_en)
        .join(EventSite, col(EventSite.site_id) == Site.id)
        .where(EventSite.event_id == event.id, Site.status == Status.published)
        .order_by(col(Site.name))
    ).all()
    return [Feature("site", s, n, name_en=e) for s, n, e in rows]


def _stories(session: Session, story_id: Any, linked: Any, limit: int = 5) -> list[Feature]:
    """Published stories selected by a link table (`story_id` column, `linked` condition),
    each with the first published site that tells it (stories without one are left out)."""
    ids = select(story_id).where(linked)
    rows = session.exec(
        select(Story.slug, Story.title, Site.slug, Story.title_en)
        .join(StorySite, col(StorySite.story_id) == Story.id)
        .join(Site, col(Site.id) == StorySite.site_id)
        .where(col(Story.id).in_(ids), Story.status == Status.published)
        .where(Site.status == Status.published)
        .order_by(col(Story.title), col(Site.slug))
    ).all()
    seen: dict[str, Feature] = {}
    for slug, title, site, title_en in rows:
        seen.setdefault(slug, Feature("story", slug, title, site, name_en=title_en))
    return list(seen.values())[:limit]


def _theme_features(session: Session, themes: tuple[str, ...], limit: int = 8) -> list[Feature]:
    sites = session.exec(
        select(Site.slug, Site.name, Site.name_en)
        .join(SiteTheme, col(SiteTheme.site_id) == Site.id)
        .join(Theme, col(Theme.id) == SiteTheme.theme_id)
        .where(col(Theme.slug).in_(themes), Site.status == Status.published)
        .order_by(col(SiteTheme.weight).desc(), col(Site.name))
    ).all()
    routes = session.exec(
        select(Route.slug, Route.name, Route.name_en)
        .join(Theme, col(Theme.id) == Route.theme_id)
        .where(col(Theme.slug).in_(themes), Route.status == Status.published)
    ).all()
    seen: dict[str, Feature] = {}
    for slug, name, name_en in sites:
        seen.setdefault(slug, Feature("site", slug, name, name_en=name_en))
    return [
        *list(seen.values())[:limit],
        *(Feature("route", s, n, name_en=e) for s, n, e in routes),
    ]


def qingming_day(year: int) -> dt.date | None:
    """The day of the Qingming solar term (not the rest period around it), as `holidays` computes it.

    Examples
    --------
    >>> qingming_day(2026)
    datetime.date(2026, 4, 5)
    """
    days = holidays.country_holidays("CN", years=year, language="zh_CN")
    return next((d for d, name in sorted(days.items()) if name == "清明节"), None)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
