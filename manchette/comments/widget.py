"""Cross-origin rules for the embeddable comment widget (``static/comments/widget.js``).

A site that is not ours loads the widget script and calls the JSON API from its
own origin. The browser lets it read the answers only when the response carries
``Access-Control-Allow-Origin`` for that origin: :func:`cors_headers` gives those
headers for the origins listed in ``COMMENTS_WIDGET_ALLOWED_ORIGINS`` and nothing
for any other origin. Credentials (cookies) are never allowed cross-origin: the
API ignores them anyway.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from manchette.comments.conf import comments_settings

#: Methods and request headers the widget uses.
ALLOWED_METHODS = ("GET", "POST", "OPTIONS")
ALLOWED_HEADERS = ("Content-Type", "Idempotency-Key", "Accept", "Accept-Language")
PREFLIGHT_MAX_AGE = 600


def normalise_origin(origin: str) -> str | None:
    """Return ``scheme://host[:port]`` in lower case, or ``None`` if not an origin.

    Only http(s) origins with a host and no path, query or user info count.
    """
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return None
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        return None
    if parts.username or parts.password:
        return None
    default_port = 443 if scheme == "https" else 80
    host = parts.hostname.lower()
    suffix = f":{port}" if port is not None and port != default_port else ""
    return f"{scheme}://{host}{suffix}"


def allowed_origins() -> frozenset[str]:
    """Return the normalised ``COMMENTS_WIDGET_ALLOWED_ORIGINS`` (bad ones dropped)."""
    configured = comments_settings().WIDGET_ALLOWED_ORIGINS
    normalised = (normalise_origin(str(o)) for o in configured)
    return frozenset(o for o in normalised if o)


def origin_allowed(origin: str | None) -> bool:
    """Return whether a request's ``Origin`` header names an allowed widget host."""
    if not origin:
        return False
    normalised = normalise_origin(origin)
    return normalised is not None and normalised in allowed_origins()


def cors_headers(origin: str | None, *, preflight: bool = False) -> dict[str, str]:
    """Return the CORS response headers for ``origin`` (empty when not allowed).

    A preflight answer also lists the allowed methods and headers. The caller
    adds ``Vary: Origin`` to every answer, allowed or not, so shared caches keep
    one copy per origin.
    """
    if not origin_allowed(origin):
        return {}
    assert origin is not None  # noqa: S101 - narrowed by origin_allowed()
    headers = {
        "Access-Control-Allow-Origin": origin.strip(),
    }
    if preflight:
        headers["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
        headers["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
        headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    else:
        headers["Access-Control-Expose-Headers"] = "Content-Type"
    return headers
