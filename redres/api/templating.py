"""Pages in the reader's language: the one Jinja environment, its filters and `render`.

Every router that answers with HTML renders through here, so no router imports another.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from redres.api.bilingual import localized, name_in, name_text, text_lang
from redres.api.history_lines import beijing
from redres.api.i18n import pick_language, translator
from redres.api.links import absolute
from redres.api.media_bodies import image_srcset
from redres.api.page_account import header_account, sign_in_link
from redres.api.source_links import source_link
from redres.catalog.media import media_json
from redres.config import Settings
from redres.hours.words import hours_in_words
from redres.labels import label
from redres.markdown import render_inline, render_markdown

SIGNED_IN_HEADER = "X-Redres-Signed-In"
"""Set on a page whose header greets a signed-in reader: routes saved for offline use keep none."""
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
TEMPLATES.env.globals["label"] = label
TEMPLATES.env.globals["beijing"] = beijing  # stored UTC times as Beijing wall time (editors)
TEMPLATES.env.globals["hours_in_words"] = hours_in_words
TEMPLATES.env.globals["localized"] = localized  # the reader's version, or "no translation yet"
TEMPLATES.env.filters["text_lang"] = text_lang
TEMPLATES.env.globals["name_in"] = name_in
TEMPLATES.env.globals["name_text"] = name_text  # the same, as plain text (titles)
TEMPLATES.env.globals["source_link"] = source_link  # every list of sources
TEMPLATES.env.filters["markdown"] = render_markdown
TEMPLATES.env.filters["markdown_inline"] = render_inline
TEMPLATES.env.filters["media_item"] = media_json  # the gallery of site pages (_gallery.html)
TEMPLATES.env.filters["srcset"] = image_srcset  # an image's derivatives, each width once


def compile_templates() -> None:
    """Compile every page template now, so a new worker's first visitors wait for no parser
    (the site page and its includes took ~0.3 s of CPU to compile on first use)."""
    for name in TEMPLATES.env.list_templates(extensions=["html"]):
        TEMPLATES.env.get_template(name)


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page in the caller's language; the language sticks in a cookie once chosen."""
    lang = pick_language(request)
    account = header_account(request)
    response = TEMPLATES.TemplateResponse(
        request=request,
        name=name,
        context={
            "lang": lang,
            "_": translator(lang),
            "lang_suffix": "?lang=en" if lang == "en" else "",
            "account": account,
            "sign_in_href": sign_in_link(request),
            "page_url": absolute(request, request.url.path + ("?lang=en" if lang == "en" else "")),
            "in_wechat": in_wechat(request),
            "filing": filing_numbers(request.app.state.settings),
            **context,
        },
        status_code=status_code,
    )
    if account is not None:  # the saved-for-offline copies never keep such a page (sw.js)
        response.headers[SIGNED_IN_HEADER] = "1"
    if request.query_params.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def in_wechat(request: Request) -> bool:
    """Whether the page is opened in WeChat's in-app browser, where most QR codes are scanned.

    Links to map apps and downloads often do nothing there, so pages say how to open them in
    the phone's own browser.
    """
    return "micromessenger" in request.headers.get("user-agent", "").lower()


def filing_numbers(settings: Settings) -> dict[str, str]:
    """The footer's filing numbers (ICP备案, 公安备案) and their links; empty when unset.

    Examples
    --------
    >>> filing_numbers(Settings(psb_number="京公网安备 11010502030143号"))["psb_url"]
    'https://beian.mps.gov.cn/#/query/webSearch?code=11010502030143'
    """
    out: dict[str, str] = {}
    if settings.icp_number and settings.icp_number.strip():
        out["icp"] = settings.icp_number.strip()
        out["icp_url"] = "https://beian.miit.gov.cn/"
    if settings.psb_number and settings.psb_number.strip():
        out["psb"] = settings.psb_number.strip()
        code = "".join(_DIGITS.findall(out["psb"]))
        out["psb_url"] = (
            f"https://beian.mps.gov.cn/#/query/webSearch?code={code}"
            if code
            else "https://beian.mps.gov.cn/"
        )
    return out


_DIGITS = re.compile(r"\d+")


def is_page_request(request: Request) -> bool:
    """Whether an error should be answered with a page rather than JSON."""
    path = request.url.path
    return not (path.startswith(("/api/", "/maps/", "/static/")) or path in ("/healthz", "/docs"))
