"""The JSON of the editors' dashboard (`GET /api/dashboard`) as pydantic models."""

from __future__ import annotations

from pydantic import BaseModel


class SiteCounts(BaseModel):
    """Live sites (draft or published), and each state apart."""

    total: int
    published: int
    draft: int


class SurveyProgress(BaseModel):
    """Live sites with and without a survey."""

    surveyed: int
    not_surveyed: int


class NamedSite(BaseModel):
    """A site by slug and name."""

    slug: str
    name: str


class SiteToRepair(NamedSite):
    """A site in poor or critical condition."""

    condition: str


class Gap(BaseModel):
    """How many live sites lack something, and the first of them by name."""

    count: int
    sites: list[NamedSite]


class RouteCoverage(BaseModel):
    """Published routes, and the themes and districts they reach or not."""

    published: int
    themes_covered: list[str]
    themes_uncovered: list[str]
    districts_covered: list[str]


class FeedbackSummary(BaseModel):
    """Feedback per moderation state and the mean approved rating."""

    pending: int
    approved: int
    rejected: int
    mean_rating: float | None


class SiteTeaching(BaseModel):
    """How a site was rated as a stop of field classes: from how many classes and ratings, the
    mean over its criteria, and each criterion's mean (null where nobody rated it)."""

    site: str
    name: str
    classes: int
    ratings: int
    mean: float | None
    criteria: dict[str, float | None]


class DashboardBody(BaseModel):
    """Counts, survey progress, the repair list, data-quality gaps (`no_story`, `no_source`,
    `no_coordinates`, `no_opening_hours`), route coverage, feedback and teaching effect."""

    sites: SiteCounts
    by: dict[str, dict[str, int]]
    survey: SurveyProgress
    needs_repair: list[SiteToRepair]
    gaps: dict[str, Gap]
    routes: RouteCoverage
    feedback: FeedbackSummary
    teaching: list[SiteTeaching]
