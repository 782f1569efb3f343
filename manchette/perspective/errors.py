"""Google-style API errors, the format Perspective clients parse.

Every error answer of ``/v1alpha1/`` is::

    {"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT",
               "details": [{"@type": "...", ...}]}}

``code`` is the HTTP status, ``status`` the ``google.rpc.Code`` name. Perspective's
own errors carry a ``google.commentanalyzer.v1alpha1.Error`` detail with an
``errorType`` (``COMMENT_EMPTY``, ``COMMENT_TOO_LONG``, ``NO_REQUESTED_ATTRIBUTES``,
``INVALID_REQUEST``, ...); key and quota errors carry a ``google.rpc.ErrorInfo``
detail with a ``reason``; malformed input a ``google.rpc.BadRequest`` detail
with ``fieldViolations``. Messages are English, like Perspective's, whatever
the request's language: clients match on them. The comment text is never
echoed in an error.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

__all__ = [
    "ANALYZER_ERROR_TYPE",
    "BAD_REQUEST_TYPE",
    "ERROR_INFO_TYPE",
    "PerspectiveError",
    "analyzer_error",
    "error_response",
]

ANALYZER_ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
DOMAIN = "manchette.perspective"

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "INVALID_ARGUMENT",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class PerspectiveError(Exception):
    """Raise from the API to answer with a Google-style error body.

    Parameters
    ----------
    code : int
        HTTP status (400, 403, 429, ...).
    message : str
        English sentence for people; never contains the comment text.
    details : list of dict
        ``google.rpc`` detail objects, each with an ``@type``.
    headers : dict
        Extra response headers (e.g. ``Retry-After``).
    """

    def __init__(
        self,
        code: int,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}

    @property
    def status(self) -> str:
        """Return the ``google.rpc.Code`` name of :attr:`code`."""
        return _STATUS_NAMES.get(self.code, "UNKNOWN")

    def body(self) -> dict[str, Any]:
        """Return the JSON body ``{"error": {...}}``."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "status": self.status,
                "details": self.details,
            }
        }


def analyzer_error(
    error_type: str, message: str, *, code: int = 400, **extra: Any
) -> PerspectiveError:
    """Return a :class:`PerspectiveError` with a Comment Analyzer ``errorType``.

    ``extra`` adds fields to the detail object, for instance
    ``unknownAttributeError={"attribute": "FOO"}``.
    """
    detail: dict[str, Any] = {"@type": ANALYZER_ERROR_TYPE, "errorType": error_type}
    detail.update(extra)
    return PerspectiveError(code, message, details=[detail])


def error_response(error: PerspectiveError) -> JsonResponse:
    """Return the HTTP response for ``error`` (``application/json``)."""
    response = JsonResponse(
        error.body(), status=error.code, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in error.headers.items():
        response[name] = value
    return response
