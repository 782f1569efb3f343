"""The ``/v1alpha1/`` NinjaAPI: Perspective's two methods, Google-style errors.

A separate :class:`~ninja.NinjaAPI` from ``manchette.api`` so that its error
format (``{"error": {...}}``, see :mod:`manchette.perspective.errors`) stays
scoped to these paths while the rest of the API keeps RFC 7807. Views are
CSRF-exempt (ninja's default for non-cookie auth): callers authenticate with an
API key, never with a session.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, override

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyQuery

from manchette.perspective import services
from manchette.perspective.errors import (
    BAD_REQUEST_TYPE,
    PerspectiveError,
    error_response,
)
from manchette.perspective.schemas import (
    AnalyzeCommentIn,
    AnalyzeCommentOut,
    ErrorOut,
    SuggestCommentScoreIn,
    SuggestCommentScoreOut,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from manchette.perspective.models import ApiKey

logger = logging.getLogger(__name__)

ERRORS = frozenset({400, 403, 429})


class PerspectiveKeyAuth(APIKeyQuery):
    """API key in ``?key=`` (as Perspective), ``X-Goog-Api-Key`` or ``Bearer``.

    Also counts the request against the key's per-minute quota.
    """

    param_name = "key"

    @override
    def __call__(self, request: HttpRequest) -> ApiKey:
        """Return the request's active key, counted against its quota."""
        raw = services.key_from_request(
            request.GET.get("key"),
            request.headers.get("X-Goog-Api-Key"),
            request.headers.get("Authorization"),
        )
        api_key = services.authenticate(raw)
        services.enforce_rate_limit(api_key)
        return api_key

    @override
    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey:
        """Return the active key for ``key`` (see :func:`services.authenticate`)."""
        return services.authenticate(key)


api = NinjaAPI(
    title="Manchette Perspective-compatible API",
    version="v1alpha1",
    description=(
        "Drop-in replacement for Google's Perspective Comment Analyzer API "
        "(comments:analyze, comments:suggestscore), scored by manchette's "
        "moderation engine. Errors are Google-style {error: {code, message, "
        "status, details}} bodies."
    ),
    urls_namespace="perspective",
    docs_url=None,
    auth=PerspectiveKeyAuth(),
)


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload")]
    return ".".join(parts)


@api.exception_handler(PerspectiveError)
def _perspective_error(request: HttpRequest, exc: PerspectiveError) -> HttpResponse:
    return error_response(exc)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    violations = [
        {"field": _field(error.get("loc", ())), "description": str(error.get("msg"))}
        for error in exc.errors
    ]
    return error_response(
        PerspectiveError(
            400,
            "Invalid request: "
            + "; ".join(f"{v['field']}: {v['description']}" for v in violations),
            details=[{"@type": BAD_REQUEST_TYPE, "fieldViolations": violations}],
        )
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Raised by ninja for a body that is not JSON.
    message = "Invalid JSON payload received." if exc.status_code == 400 else str(exc)
    return error_response(PerspectiveError(exc.status_code, message))


@api.exception_handler(AuthenticationError)
def _authentication_error(
    request: HttpRequest, exc: AuthenticationError
) -> HttpResponse:
    return error_response(PerspectiveError(403, "The API key was refused."))


@api.exception_handler(Exception)
def _unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The comment text is not logged: only the exception and its traceback.
    logger.error("perspective API failure: %s", type(exc).__name__, exc_info=exc)
    return error_response(PerspectiveError(500, "Internal error."))


@api.post(
    "/comments:analyze",
    response={200: AnalyzeCommentOut, frozenset(ERRORS): ErrorOut},
    operation_id="perspective_comments_analyze",
    url_name="analyze",
    by_alias=True,
    exclude_none=True,
    summary="Score a comment (AnalyzeComment)",
)
def analyze(request: HttpRequest, payload: AnalyzeCommentIn) -> dict[str, Any]:
    """Score ``comment.text`` for the requested attributes."""
    return services.analyze_comment(payload, api_key=request.auth)  # type: ignore[attr-defined]


@api.post(
    "/comments:suggestscore",
    response={200: SuggestCommentScoreOut, frozenset(ERRORS): ErrorOut},
    operation_id="perspective_comments_suggestscore",
    url_name="suggestscore",
    by_alias=True,
    exclude_none=True,
    summary="Suggest a score for a comment (SuggestCommentScore)",
)
def suggestscore(
    request: HttpRequest, payload: SuggestCommentScoreIn
) -> dict[str, Any]:
    """Store the client's suggested scores as feedback for the learning loop."""
    services.suggest_comment_score(payload, api_key=request.auth)  # type: ignore[attr-defined]
    return {"clientToken": payload.client_token}
