"""The closed vocabularies of the registry, as string enums so they store and serialise as text."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What kind of place a site is."""

    former_site = "former_site"
    former_residence = "former_residence"
    memorial_hall = "memorial_hall"
    museum = "museum"
    martyrs_cemetery = "martyrs_cemetery"
    monument = "monument"
    education_base = "education_base"
    other = "other"


class Period(StrEnum):
    """The historical period a site is significant for (the usual party-history periodisation)."""

    old_democratic = "old_democratic"
    founding = "founding"
    great_revolution = "great_revolution"
    agrarian_revolution = "agrarian_revolution"
    anti_japanese_war = "anti_japanese_war"
    liberation_war = "liberation_war"
    socialist_construction = "socialist_construction"
    reform_opening = "reform_opening"
    new_era = "new_era"


class Protection(StrEnum):
    """Cultural-relic protection level; unknown is None, `none` means surveyed and unprotected."""

    national = "national"
    provincial = "provincial"
    municipal = "municipal"
    county = "county"
    registered = "registered"
    none = "none"


class Status(StrEnum):
    """Publishing workflow state; only `published` is visible to anonymous readers."""

    draft = "draft"
    published = "published"
    archived = "archived"


PUBLIC = frozenset({Status.published})
"""The statuses anonymous readers may see."""

STAFF = frozenset(Status)
"""The statuses editors may see."""


class Reservation(StrEnum):
    """Whether a group must book ahead."""

    none = "none"
    recommended = "recommended"
    required = "required"


class Condition(StrEnum):
    """Survey finding on the physical state of a site."""

    good = "good"
    fair = "fair"
    poor = "poor"
    critical = "critical"


class Role(StrEnum):
    """What a user may do; anonymous visitors have no role."""

    admin = "admin"
    editor = "editor"
    teacher = "teacher"


STAFF_ROLES = frozenset({Role.editor, Role.admin})
"""Roles that manage the registry: they see drafts and archives, and publish."""


class TravelMode(StrEnum):
    """How a group moves between stops."""

    walk = "walk"
    bike = "bike"
    bus = "bus"
    coach = "coach"
    drive = "drive"


class RouteKind(StrEnum):
    """Curated routes are ordered by an editor; planned ones come from the solver."""

    curated = "curated"
    planned = "planned"


class CourseFormat(StrEnum):
    """The teaching formats of on-site lessons (现场教学)."""

    on_site_lecture = "on_site_lecture"
    situational = "situational"
    interview = "interview"
    audio_visual = "audio_visual"
    other = "other"


class FeedbackStatus(StrEnum):
    """Moderation state of a visitor's feedback."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
