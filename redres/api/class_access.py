"""What the class API and the class pages share: the learner's token check, the evaluation
form, and the no-store headers of every class answer (they carry tokens and learners' names)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import HTTPException, Request, status
from sqlmodel import Session

from redres.api.i18n import translator
from redres.catalog import class_evaluations as ev
from redres.catalog.class_tables import FieldClass
from redres.catalog.classes import class_by_token, stops

PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Authorization, Cookie"}


def form_json(session: Session, fc: FieldClass, lang: str) -> dict[str, Any]:
    """What the API and the learner page both show: criteria, roles, stops."""
    zh, en, here = translator("zh"), translator("en"), translator(lang)
    return {
        "class": {"slug": fc.slug, "name": fc.name},
        "criteria": [
            {
                "key": k,
                "label": here(f"class.criterion.{k}"),
                "label_zh": zh(f"class.criterion.{k}"),
                "label_en": en(f"class.criterion.{k}"),
            }
            for k in ev.CRITERIA
        ],
        "roles": [r.value for r in ev.RaterRole],
        "scale": {"min": 1, "max": 5},
        "sites": [
            {"slug": s.site.slug, "name": s.site.name, "date": s.date.isoformat()}
            for s in stops(session, fc)
        ],
    }


def learner_class(request: Request, session: Session, slug: str, token: str | None) -> FieldClass:
    """The class a learner's token opens, within the class's hourly allowance.

    401 without a token, 404 for a wrong or revoked one (not told apart from no class), 429
    once the whole class has sent more than the setting allows in an hour.
    """
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the class token is required")
    fc = class_by_token(session, slug, token)
    limit = request.app.state.settings.class_submissions_per_hour
    if ev.recent_submissions(session, fc, within=dt.timedelta(hours=1)) >= limit:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "this class has sent too many answers this hour; try again later",
            headers={"Retry-After": "60"},
        )
    return fc
