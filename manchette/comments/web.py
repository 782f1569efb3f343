"""Per-browser state for the comment pages: own comments, notices, author cookie.

Kept apart from the views so the template tags and the views share it. Also
holds the hooks through which a project versions comment threads for the cached
comment list (:func:`set_thread_version_source`) and tells an author what
became of their refused comment (:func:`set_author_notices_source`).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from manchette.comments.conf import comments_settings

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest, HttpResponse

OWN_SESSION_KEY = "comments_own"
NOTICE_SESSION_KEY = "comments_notice"
COOKIE_SIGNING_NAMESPACE = "manchette.comments.author"


def own_comment_ids(request: HttpRequest | None) -> frozenset[int]:
    """Return the ids of comments posted from this browser (kept in the session)."""
    session = getattr(request, "session", None)
    if session is None:
        return frozenset()
    raw = session.get(OWN_SESSION_KEY, [])
    return frozenset(i for i in raw if isinstance(i, int))


def remember_own_comment(request: HttpRequest, comment_id: int) -> None:
    """Record that this browser posted ``comment_id`` (the latest ones are kept)."""
    limit = comments_settings().OWN_COMMENTS_LIMIT
    ids = [i for i in request.session.get(OWN_SESSION_KEY, []) if i != comment_id]
    ids.append(comment_id)
    request.session[OWN_SESSION_KEY] = ids[-limit:]


def set_notice(
    request: HttpRequest,
    *,
    comment_id: int | None,
    held: bool,
    refused: bool = False,
) -> None:
    """Leave a one-time notice for the page the author is redirected to.

    ``comment_id`` is the comment the notice links to; pass ``None`` when this
    reader cannot see it (refused, or held and not theirs): no link then.
    ``held`` says the comment is not published; ``refused`` that moderation
    turned it down for good (rejected or removed), which the author is told.
    A spam verdict is passed as merely ``held``, so it is never disclosed.
    """
    request.session[NOTICE_SESSION_KEY] = {
        "id": comment_id,
        "held": held,
        "refused": refused and held,
    }


def pop_notice(request: HttpRequest | None) -> dict[str, Any] | None:
    """Return and forget the pending notice, if any."""
    session = getattr(request, "session", None)
    if session is None or NOTICE_SESSION_KEY not in session:
        return None
    notice: dict[str, Any] = session.pop(NOTICE_SESSION_KEY)
    return notice


def read_author_cookie(request: HttpRequest | None) -> dict[str, str]:
    """Return the remembered ``author_name``/``author_email``/``author_url``."""
    if request is None:
        return {}
    raw = request.get_signed_cookie(
        comments_settings().COOKIE_NAME, default=None, salt=COOKIE_SIGNING_NAMESPACE
    )
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    keys = ("author_name", "author_email", "author_url")
    return {k: str(data[k]) for k in keys if isinstance(data.get(k), str)}


def update_author_cookie(
    request: HttpRequest,
    response: HttpResponse,
    *,
    remember: bool,
    data: dict[str, Any],
) -> None:
    """Remember the author's name, email and website only if they ticked the box.

    The cookie is signed, HTTP-only and ``SameSite=Lax``; unticking the box
    deletes it.
    """
    conf = comments_settings()
    if not remember:
        if conf.COOKIE_NAME in request.COOKIES:
            response.delete_cookie(conf.COOKIE_NAME, samesite="Lax")
        return
    value = json.dumps(
        {k: data.get(k, "") for k in ("author_name", "author_email", "author_url")}
    )
    response.set_signed_cookie(
        conf.COOKIE_NAME,
        value,
        salt=COOKIE_SIGNING_NAMESPACE,
        max_age=conf.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Return the reader's IP address as text, or ``None`` when unknown.

    With ``COMMENTS_TRUSTED_PROXY_COUNT = 0`` (the default) this is
    ``REMOTE_ADDR``, the socket peer. Behind N trusted reverse proxies (a load
    balancer, a CDN), each appends the address it received the request from to
    ``X-Forwarded-For``; the client is then the N-th address from the right of
    ``X-Forwarded-For`` + ``REMOTE_ADDR``. Entries further left are written by
    the client and never trusted. A malformed trusted entry falls back to
    ``REMOTE_ADDR``; a chain shorter than N gives its leftmost address.
    """
    remote: str | None = request.META.get("REMOTE_ADDR")
    proxies = comments_settings().TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    chain.append(remote or "")
    candidate = chain[max(len(chain) - 1 - proxies, 0)]
    return _valid_ip(candidate) or remote


def target_url(target: Model | Any, request: HttpRequest | None = None) -> str:
    """Return the URL of the page showing ``target``'s comments.

    Uses Wagtail's ``get_url(request)`` when present, then ``get_absolute_url()``;
    ``"/"`` when the target has neither.
    """
    get_url = getattr(target, "get_url", None)
    if get_url is not None:
        url = get_url(request=request)
        if url:
            return str(url)
    get_absolute_url = getattr(target, "get_absolute_url", None)
    if get_absolute_url is not None:
        return str(get_absolute_url())
    return "/"


@dataclasses.dataclass(frozen=True, slots=True)
class ThreadVersion:
    """The cache version of an object's comment thread, from the version source.

    ``token`` changes whenever anything shown in the shared comment list may have
    changed (a comment's status, the page's comment switch); ``timeout`` is how
    long, in seconds, a fragment rendered under it may be kept.
    """

    token: str
    timeout: int


ThreadVersionSource = Callable[[Any], ThreadVersion | None]
_version_source: ThreadVersionSource | None = None


def set_thread_version_source(source: ThreadVersionSource | None) -> None:
    """Install the function that versions comment threads (``None`` removes it).

    The comments app keeps no version counter of its own: a project that bumps
    one when comments change status (``manchette.ops`` does, in its
    ``AppConfig.ready()``) installs it here, and the comment list is then cached
    as a fragment keyed on it. Without a source, nothing is cached.
    """
    global _version_source  # one process-wide hook, like a signal receiver
    _version_source = source


def thread_version(target: Model | Any) -> ThreadVersion | None:
    """Return ``target``'s thread version, or ``None`` when it is not cached."""
    source = _version_source
    return None if source is None else source(target)


AuthorNoticesSource = Callable[["HttpRequest", Any], str]
_notices_source: AuthorNoticesSource | None = None


def set_author_notices_source(source: AuthorNoticesSource | None) -> None:
    """Install the function that renders an author's notices (``None`` removes it).

    Pages hand those notices to ``{% comment_section obj notices=... %}``; the
    in-place (JSON) post has no page, so it asks this source instead:
    ``source(request, target)`` returns safe HTML for the browser of
    ``request`` about its own comments on ``target`` (the statements of
    reasons of ``manchette.moderation``, which installs it in its
    ``AppConfig.ready()``), or ``""``. The comments app imports no moderation
    code; without a source, there are no notices.
    """
    global _notices_source  # one process-wide hook, like a signal receiver
    _notices_source = source


def author_notices(request: HttpRequest, target: Model | Any) -> str:
    """Return the notices HTML for this browser's comments on ``target``, or ``""``."""
    source = _notices_source
    return "" if source is None else str(source(request, target))
