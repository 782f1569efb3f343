"""RFC 7807 ``application/problem+json`` errors for the whole API.

Every error answer is a :class:`ProblemDetail`: ``type`` (a URN naming the
problem), ``title`` (the HTTP reason phrase), ``status``, ``detail`` (a sentence
for people, translated) and ``errors`` (one entry per invalid input field, with
``loc``, ``msg`` and ``type``). Submitted values are never echoed back: a
validation error says *where* and *why*, not *what* was sent, so no address can
leak into an error body.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from manchette.comments.errors import (
    CommentError,
    CommentsClosedError,
    TargetUnavailableError,
)

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:manchette:problem:"


class ProblemFieldError(Schema):
    """One invalid input: where (``loc``), why (``msg``) and a machine code."""

    loc: list[str | int]
    msg: str
    type: str


class ProblemDetail(Schema):
    """The body of every error response (RFC 7807)."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[ProblemFieldError] = []


class ApiProblemError(Exception):
    """Raise from a route to answer with a problem document.

    ``code`` becomes the ``type`` URN (``urn:manchette:problem:<code>``);
    ``headers`` are added to the response (e.g. ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    *,
    status: int,
    code: str,
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Return an ``application/problem+json`` response."""
    problem = ProblemDetail(
        type=PROBLEM_TYPE_PREFIX + code,
        title=_title(status),
        status=status,
        detail=detail,
        errors=[ProblemFieldError(**e) for e in errors or []],
    )
    response = HttpResponse(
        problem.model_dump_json(), status=status, content_type=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep ``loc``, ``msg`` and ``type`` of pydantic errors (drop the input)."""
    return [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "invalid")),
        }
        for e in raw
    ]


def comment_error_problem(error: CommentError) -> ApiProblemError:
    """Translate a comments-app domain error into an :class:`ApiProblemError`."""
    if isinstance(error, TargetUnavailableError):
        return ApiProblemError(404, error.code, str(error.message))
    if isinstance(error, CommentsClosedError):
        return ApiProblemError(403, error.code, str(error.message))
    field_errors = []
    if error.field:
        field_errors.append(
            {
                "loc": ["body", error.field],
                "msg": str(error.message),
                "type": error.code,
            }
        )
    return ApiProblemError(422, error.code, str(error.message), errors=field_errors)


def register_exception_handlers(api: NinjaAPI) -> None:
    """Make every error raised under ``api`` answer ``application/problem+json``."""

    @api.exception_handler(ApiProblemError)
    def _problem(request: HttpRequest, exc: ApiProblemError) -> HttpResponse:
        return problem_response(
            status=exc.status,
            code=exc.code,
            detail=exc.detail,
            errors=exc.errors,
            headers=exc.headers,
        )

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return problem_response(
            status=422,
            code="validation",
            detail=_("The request is invalid."),
            errors=_field_errors(exc.errors),
        )

    @api.exception_handler(CommentError)
    def _comment(request: HttpRequest, exc: CommentError) -> HttpResponse:
        problem = comment_error_problem(exc)
        return _problem(request, problem)

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:
            # ninja wraps a body its parser refused (not JSON, nested too
            # deep...) and, in DEBUG, appends the parser's own message: say
            # what is wrong, never how the parser failed.
            return problem_response(
                status=400,
                code="malformed-body",
                detail=_("The request body is not valid JSON."),
            )
        return problem_response(
            status=exc.status_code, code=f"http-{exc.status_code}", detail=str(exc)
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            status=404, code="not-found", detail=_("Nothing was found here.")
        )

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("Unhandled API error on %s", request.path, exc_info=exc)
        return problem_response(
            status=500, code="server-error", detail=_("Something went wrong.")
        )
