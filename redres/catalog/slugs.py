"""URL slugs from Chinese or English names, so pages get readable ASCII addresses."""

from __future__ import annotations

import re
from typing import Any

from pypinyin import Style, lazy_pinyin
from sqlmodel import Session, select

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug; Chinese is written in pinyin.

    Examples
    --------
    >>> slugify("八七会议会址")
    'ba-qi-hui-yi-hui-zhi'
    >>> slugify("Site of the August 7 Conference")
    'site-of-the-august-7-conference'
    """
    words = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    slug = _NON_SLUG.sub("-", " ".join(words).lower().replace("ü", "v")).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "site"


def free_slug(session: Session, column: Any, base: str) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first value not yet used in a slug `column`."""
    slug, n = base, 1
    while session.exec(select(column).where(column == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug
