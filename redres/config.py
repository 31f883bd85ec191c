"""Settings read once from the environment (REDRES_*) and passed explicitly from there on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of redres; each field can be set as REDRES_<FIELD> in the environment."""

    model_config = SettingsConfigDict(env_prefix="REDRES_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///redres.db"
    """SQLAlchemy URL: a SQLite file (default) or postgresql+psycopg://..."""

    data_dir: Path = Path(__file__).resolve().parent.parent / "data"
    """Where the bundled demo data lives."""

    holiday_dir: Path = Path("holidays")
    """Official holiday schedules added by an admin (`redres holidays load FILE`), one JSON a year."""

    sql_echo: bool = False

    token_ttl_minutes: int = 8 * 60
    """How long an API bearer token stays valid."""

    max_body_bytes: int = 1 << 20
    """Largest JSON or form body; larger ones get 413 before they are read whole."""

    max_upload_bytes: int = 50 << 20
    """Largest import upload."""

    import_background_bytes: int = Field(default=2 << 20, ge=0)
    """Imports over HTTP of files larger than this (2 MiB, about 10,000 CSV rows) run as
    background jobs: the request answers 202 at once with the job's address (docs/imports.md)."""

    job_dir: Path = Path("jobs")
    """Where uploads wait for their background import (shared by every worker process)."""

    db_connections: int = Field(default=10, ge=1, le=500)
    """Database connections each worker process keeps open, and so the requests it works on at
    once; the rest wait their turn in order (docs/deploy.md: PostgreSQL's `max_connections`
    must cover the workers' connections, plus 5 each for background work)."""

    page_cache_mb: int = Field(default=64, ge=0, le=4096)
    """Rendered anonymous pages and reads kept per worker process, in MiB (0: keep none).
    Keyed by the catalogue's version, so every committed change is seen at once."""

    map_server_threshold: int = Field(default=50_000, ge=0)
    """Above this many published sites with a point, the site maps stop sending every site to
    the browser and ask `/api/map/clusters` for the clusters of the tiles in view (0: always)."""

    media_dir: Path = Path("media")
    """Where uploaded media files live (originals privately, and their public derivatives)."""

    media_video_hosts: str = Field(default_factory=lambda: _default_video_hosts())
    """The hosts a video link may point at, comma-separated, matched exactly (docs/media.md):
    bilibili, Tencent Video, Youku, CCTV's video site and Xigua Video by default."""

    @field_validator("media_video_hosts")
    @classmethod
    def _video_hosts(cls, value: str) -> str:
        from redres.catalog.video_links import parse_hosts

        return ",".join(parse_hosts(value))

    @property
    def video_hosts(self) -> tuple[str, ...]:
        """The approved video hosts as a tuple."""
        from redres.catalog.video_links import parse_hosts

        return parse_hosts(self.media_video_hosts)

    public_url: str | None = None
    """The deployment's address (https://red.example.cn): the base of every absolute link the
    app makes (QR codes, share links, embed snippets). Unset, `redres serve` uses the address it
    listens on and warns."""

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.query
            or parts.fragment
        ):
            msg = f"REDRES_PUBLIC_URL must be an http(s) address like https://red.example.cn, not {value!r}"
            raise ValueError(msg)
        return value.strip().rstrip("/")

    road_network: str | None = None
    """The road network plans travel on: a line layer (.gpkg/.geojson/.shp) or an .osm extract,
    or ``none`` for straight lines. Unset: the bundled Wuhan network when `redres demo` loaded
    the demo, straight lines otherwise."""

    solver_warm_up: bool = True
    """Compile (first start) or load the planner's kernels in the background when serving."""

    client_idle_seconds: float = 20.0
    """How long a client may stall while sending a body or reading a response (408 / dropped)."""

    client_body_seconds: float = 60.0
    """How long a client may take to send a whole JSON or form body (uploads get 15 minutes)."""

    frame_ancestors: str = "'self'"
    """Who may embed our pages in a frame (CSP frame-ancestors), e.g. "'self' https://example.gov.cn"."""

    csp_img_src: str = "https:"
    """Where map tiles and images may come from (CSP img-src, besides our own host)."""

    login_attempts_per_minute: int = 10
    """Sign-in attempts allowed per client address and minute."""

    secret_key: str | None = None
    """Signs CSRF tokens; when unset, one is generated into `secret_file` on first run."""

    secret_file: Path = Path(".redres-secret")
    """Where a generated secret key is kept (never in the repository)."""

    cookie_secure: bool = False
    """Always mark the session cookie Secure; it is Secure anyway when the request is HTTPS."""

    map_basemaps: str = "osm,amap,tencent"
    """Basemaps offered on maps, the default first: osm, amap, tencent, tianditu, custom."""

    map_tianditu_key: str | None = None
    """Tianditu API key (needed for the tianditu basemap)."""

    map_tiles_url: str | None = None
    """A self-hosted XYZ tile URL for intranets (the `custom` basemap)."""

    map_tiles_attribution: str = "本地瓦片"
    map_tiles_crs: str = "wgs84"
    """The CRS of the self-hosted tiles: wgs84 or gcj02."""

    map_tiles_title: str = "本地地图"
    map_approval_number: str | None = None
    """The map approval number (审图号) shown in the lower left of published maps."""
    map_basemap_approvals: str | None = None
    """Each basemap provider's own approval number, ``basemap=number`` pairs separated by
    ``;`` (e.g. ``tianditu=GS(…)…号`` as Tianditu publishes it): shown in that basemap's
    attribution as ``审图号：<number>``. Copy the provider's number; never make one up."""

    @field_validator("map_basemap_approvals")
    @classmethod
    def _basemap_approvals(cls, value: str | None) -> str | None:
        if value is not None:
            from redres.maps.basemaps import parse_approvals  # folium only when it is set

            parse_approvals(value)
        return value

    icp_number: str | None = Field(default=None, max_length=100)
    """The site's ICP filing number (ICP备案号, e.g. ``京ICP备12345678号-1``): every page's
    footer shows it, linked to https://beian.miit.gov.cn/ as the rules ask; unset, nothing."""
    psb_number: str | None = Field(default=None, max_length=100)
    """The public security filing number (公安备案号, e.g. ``京公网安备 11010502030143号``),
    shown in the footer beside the ICP number; unset, nothing."""

    map_assets: str = "local"
    """Where map pages get Leaflet from: local (served by the app) or inline."""

    feedback_per_hour: int = 20
    """Feedback submissions allowed per client address and hour."""

    class_retention_days: int = Field(default=30, ge=0, le=3650)
    """Days after a field class ends that its learners' names and comments are kept."""

    class_submissions_per_hour: int = Field(default=2000, ge=1)
    """Check-ins and evaluations allowed per class token and hour (all learners together)."""

    imports_per_hour: int = 30
    """Import uploads allowed per client address and hour."""

    plan_requests_per_minute: int = Field(default=20, ge=1)
    """Plan requests (API, planner pages, plan maps and downloads, checks) allowed per anonymous
    client address and minute; signed-in accounts are not limited."""

    plan_time_limit_anonymous: float = Field(default=2.0, gt=0, allow_inf_nan=False)
    """Most solver seconds an anonymous plan request gets; a larger `time_limit` is lowered."""

    plan_time_limit_max: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    """Most solver seconds any plan request gets, signed-in staff included."""

    plan_concurrency: int = Field(default=1, ge=1)
    """Plans solved at once in one process. The solver's kernels hold Python's GIL, so a second
    solve in the same process would only take turns with the first and with the pages; run more
    processes (one per core) to solve more plans at once."""

    plan_queue_seconds: float = Field(default=2.0, ge=0, allow_inf_nan=False)
    """How long a plan request waits for a free solve before it is answered 503 (Retry-After)."""

    plan_cache_entries: int = Field(default=64, ge=0)
    """Solved plans the planner pages keep in process, so the page, its map frame and its
    downloads share one solve (0 turns the cache off: each of them solves again)."""

    plan_cache_seconds: float = Field(default=300.0, ge=0, allow_inf_nan=False)
    """How long a kept plan is reused; after that (or when the cache is full) it is solved anew,
    so catalogue edits show up in plans within this time."""


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()


def _default_video_hosts() -> str:
    from redres.catalog.video_links import DEFAULT_VIDEO_HOSTS

    return DEFAULT_VIDEO_HOSTS
