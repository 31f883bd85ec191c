"""Domain errors mapped to HTTP statuses once, so handlers never build error responses."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from redres.api import templating
from redres.api.deps import SignInRequired
from redres.api.i18n import pick_language, translator
from redres.api.invalid_input import invalid_input
from redres.catalog.accounts import AuthenticationError
from redres.catalog.errors import Conflict, Forbidden, NotFound
from redres.catalog.media_files import MediaRefused
from redres.catalog.versions import StaleVersion
from redres.errors import InvalidRequest, RedresError
from redres.messages import Message

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[Exception], int]] = [
    (NotFound, 404),
    (Conflict, 409),
    (StaleVersion, 412),
    (InvalidRequest, 422),
    (AuthenticationError, 401),
    (Forbidden, 403),
    (RedresError, 400),
]


def said_to(request: Request, said: BaseException | str) -> dict[str, str]:
    """`{"detail": <the reader's language>, "detail_en": <English>}` for an error or sentence:
    a `Message` is translated; other text (not yet a message) is the same in both."""
    text = said.args[0] if isinstance(said, BaseException) and said.args else said
    english = str(said)
    if isinstance(text, Message):
        return {"detail": translator(pick_language(request))(text), "detail_en": english}
    return {"detail": english, "detail_en": english}


def install(app: FastAPI) -> None:
    """Register the handlers: JSON `{"detail": ...}` for every error, never a stack trace."""

    @app.exception_handler(RedresError)
    async def _domain(request: Request, exc: RedresError) -> Response:
        status = (
            exc.status  # 415 or 422: the file checker's own answer
            if isinstance(exc, MediaRefused)
            else next(code for kind, code in _STATUS if isinstance(exc, kind))
        )
        if templating.is_page_request(request):
            return templating.render(request, "error.html", {"status_code": status}, status)
        if getattr(exc, "localized", False):
            # a rule people must act on (media credits, a taken slug): in the reader's language
            return JSONResponse(said_to(request, exc), status_code=status)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        said = invalid_input(exc.errors(), pick_language(request), body=exc.body)
        if templating.is_page_request(request):  # a bad link or form value: a page, not JSON
            context = {"status_code": 422, "said": said["detail"]}
            return templating.render(request, "error.html", context, 422)
        return JSONResponse(said, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and templating.is_page_request(request):
            return templating.render(request, "error.html", {"status_code": 404}, 404)
        return JSONResponse(
            {"detail": exc.detail},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(SignInRequired)
    async def _sign_in(_request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.path)}", status_code=303)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, _exc: IntegrityError) -> JSONResponse:
        # A concurrent write won the race for a unique slug or code.
        return JSONResponse(said_to(request, Message("e_db_conflict")), status_code=409)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value that validation let through (e.g. NUL on PostgreSQL).
        log.warning(
            "database refused a value on %s %s: %s", request.method, request.url.path, exc.orig
        )
        return JSONResponse({"detail": "a value cannot be stored or searched"}, status_code=422)

    @app.exception_handler(OperationalError)
    async def _unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        # The database could not be reached, or could not take the write (locked, full, gone):
        # nothing was saved, and the client is told so rather than getting a 2xx.
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
        return JSONResponse(
            {"detail": "the database is unavailable; nothing was saved, try again"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error"}, status_code=500)
