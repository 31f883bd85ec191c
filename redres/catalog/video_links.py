"""Videos as links to an approved host, never stored: which addresses an editor may give.

Museums and party media publish their films on a handful of Chinese video platforms; a record
links to the film there instead of holding a copy (no licence to copy it, no storage, no
player of ours). Pages show such a link as a card opening the host's page, never an iframe, so
the pages' content security policy stays strict. Nothing is fetched from the host.

An address is taken only when it is https on exactly one of the approved hosts (the setting
`REDRES_MEDIA_VIDEO_HOSTS`): no other scheme (`javascript:`, `http:`), no user or password
before the host, no port but 443, no host that merely ends like an approved one
(`www.bilibili.com.evil.cn`), no non-ASCII host (look-alike letters), no spaces or control
characters.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from redres.catalog.media_files import InvalidMedia
from redres.messages import Message

DEFAULT_VIDEO_HOSTS = "www.bilibili.com,v.qq.com,v.youku.com,tv.cctv.com,www.ixigua.com"
"""bilibili, Tencent Video, Youku, CCTV's video site and Xigua Video: where Chinese museums and
party media publish their films (`REDRES_MEDIA_VIDEO_HOSTS` replaces the list)."""
VIDEO_MIME = "text/uri-list"
"""The type stored for a video link (RFC 2483's type for a list of addresses)."""
MAX_URL = 2000
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
)
_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
"""Printable ASCII without spaces: what a browser's address bar copies (the rest %-encoded)."""
_UNSAFE = set('\\"<>`{}|^')
"""Characters a URL never holds unencoded (RFC 3986): refused, whatever a page would escape."""


def parse_hosts(text: str) -> tuple[str, ...]:
    """The approved hosts from a comma-separated setting, lower-cased, each a plain host name.

    Raises
    ------
    ValueError
        A name that is not a host name (a scheme, a path, a port, a wildcard, non-ASCII).
    """
    hosts = tuple(h.strip().lower() for h in text.split(",") if h.strip())
    for host in hosts:
        if not _HOST.match(host):
            msg = f"{host!r} is not a host name (write e.g. www.bilibili.com)"
            raise ValueError(msg)
    return hosts


def check_video_url(text: str, hosts: Collection[str]) -> str:
    """The video address `text` as stored: https on an approved host, the default port dropped.

    Raises
    ------
    InvalidMedia
        Not such an address (422), with a sentence in the reader's language.
    """
    url = text.strip()
    if not url or len(url) > MAX_URL or not _PRINTABLE.match(url) or _UNSAFE & set(url):
        raise InvalidMedia(Message("e_video_url"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidMedia(Message("e_video_url")) from exc
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise InvalidMedia(Message("e_video_https"))
    host = (parts.hostname or "").lower()
    allowed = tuple(hosts)
    if (
        "@" in parts.netloc
        or port not in (None, 443)
        or host not in allowed
        or parts.netloc.lower() not in (host, f"{host}:443")
    ):
        raise InvalidMedia(Message("e_video_host", hosts=", ".join(allowed)))
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    if rest and rest[0] not in "/?#":
        raise InvalidMedia(Message("e_video_url"))
    return f"https://{host}{rest or '/'}"


def video_host(url: str) -> str:
    """The host name of a stored video address (what a link card names)."""
    return (urlsplit(url).hostname or "").lower()
