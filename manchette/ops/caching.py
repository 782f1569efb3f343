"""Full-page cache for anonymous article views, kept correct by version counters.

How it works
------------
- Every cached object (an article page) has a **version token** in the cache
  (``ops:ver:page:<pk>``), replaced by a new random token whenever the page is
  published or unpublished or one of its comments changes status, after the
  transaction commits (:func:`bump_version`). A replaced token makes every
  entry rendered before it unreachable: nothing has to be deleted.
- :class:`PageCacheMiddleware` serves an anonymous ``GET``/``HEAD`` from the
  entry stored under the request's host and path when the entry's version token
  equals the page's current one (two cache reads). On a miss the page renders
  normally; the ``before_serve_page`` hook (``wagtail_hooks.py``) records the
  page and its version *before* rendering, and the middleware stores the result.
- **Additions are shown one render late, removals at once.** Besides its
  version token, a page has a **base token** (``ops:base:page:<pk>``) that
  every change replaces except a pure addition (a comment approved,
  :func:`bump_version`). An entry whose version is old but whose base is
  still the page's current one lacks only additions: readers keep getting it
  (``X-Page-Cache: stale``) and one of them, holding a refresh key
  (``ops:refresh:<entry key>``, at most ``OPS_PAGE_CACHE_REFRESH_SECONDS``),
  renders the new version after its own answer was sent
  (``response.close()``), the "stale-while-revalidate" of RFC 5861. So no
  reader waits for that render, and it happens once. On Linux the render
  runs in a thread of its own at a lower CPU priority
  (``OPS_PAGE_CACHE_REFRESH_NICE``), so on a busy machine the other
  workers' page views go first. After any other change
  (a comment removed or rejected, an edit, a page published, unpublished or
  restricted, an erasure), even when additions followed it, no older entry
  is served; and when a render stores nothing (an unpublished page, an
  error), the previous version is dropped.
- Personal bits never enter a shared entry: requests carrying a session cookie
  (logged-in users, readers who just posted and see their held comment or a
  notice) or the comments app's remembered-author cookie bypass the cache and
  get the fully personal page. In a cached page, the CSRF token and the comment
  form's signed timestamp are replaced per request, so the form's anti-spam
  timing and CSRF protection behave as on an uncached page.

- The same version token keys the **comment list fragment** of the comments
  app: :func:`thread_version` is installed as its thread version source
  (``OpsConfig.ready``), so a page rendered without the page cache (a reader
  with a session, ``PAGE_CACHE=0``) reuses the list rendered for everyone and
  only renders the article and the form. Deleting a comment row also replaces
  the token (``post_delete``), as an author deleting their own reply-less
  comment changes no status.

Settings (read lazily): ``OPS_FRAGMENT_CACHE`` (bool, default ``True``: cache
the comment list fragment), ``OPS_FRAGMENT_CACHE_SECONDS`` (int, default 600:
lifetime of a fragment), ``OPS_PAGE_CACHE`` (bool, default ``True``: set ``False``
to disable; the ``PAGE_CACHE`` environment variable in production),
``OPS_PAGE_CACHE_SECONDS`` (int, default 600: lifetime of an entry),
``OPS_PAGE_CACHE_REFRESH_SECONDS`` (int, default 5: longest time one
request holds the refresh of an entry after an addition),
``OPS_PAGE_CACHE_REFRESH_NICE`` (int, default 10: the niceness of the
refresh's thread, see :func:`at_lower_priority`; 0 renders in the worker's
own thread),
``OPS_PAGE_CACHE_MODELS`` (labels of cacheable page models, default
``["news.articlepage"]``), ``OPS_PAGE_CACHE_QUERY_KEYS`` (query parameters that
select a different rendering and are part of the key, default ``["cpage"]``;
any other parameter, except ``utm_*``, ``fbclid`` and ``gclid`` which are
ignored, bypasses the cache).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import secrets
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, override
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.encoding import iri_to_uri
from wagtail.models import Page

from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.forms import make_security_token
from manchette.comments.web import ThreadVersion

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import Model

logger = logging.getLogger(__name__)

_IGNORED_QUERY = re.compile(r"^(utm_[a-z]+|fbclid|gclid)$")
_REQUEST_PAGE = "_ops_cache_page"
_REQUEST_SITE_VERSION = "_ops_site_version"
_MIDDLEWARE_PATH = "manchette.ops.caching.PageCacheMiddleware"


@dataclass(frozen=True, slots=True)
class _Marked:
    """What the ``before_serve_page`` hook learned about the page being served."""

    content_type_id: int
    pk: int
    version: str
    base: str


def _enabled() -> bool:
    return bool(getattr(settings, "OPS_PAGE_CACHE", True))


def _ttl() -> int:
    return int(getattr(settings, "OPS_PAGE_CACHE_SECONDS", 600))


def _models() -> set[str]:
    return {
        label.lower()
        for label in getattr(settings, "OPS_PAGE_CACHE_MODELS", ["news.ArticlePage"])
    }


def refresh_key(entry_key: str) -> str:
    """Return the key held while one request renders a new version of an entry."""
    return f"ops:refresh:{entry_key}"


def stored_key(entry_key: str) -> str:
    """Return the key of the version of the entry stored under ``entry_key``.

    A small value next to the entry's body: a worker holding an outdated
    local copy reads it to learn whether a newer rendering was stored since,
    instead of reading the body.
    """
    return f"ops:stored:{entry_key}"


def _refresh_seconds() -> int:
    return int(getattr(settings, "OPS_PAGE_CACHE_REFRESH_SECONDS", 5))


def _refresh_nice() -> int:
    return int(getattr(settings, "OPS_PAGE_CACHE_REFRESH_NICE", 10))


def at_lower_priority(work: Callable[[], None], nice: int) -> None:
    """Run ``work`` in a new thread whose niceness is raised by ``nice``; wait.

    The point is the CPU priority of one thread: on Linux (NPTL) the nice
    value is a per-thread attribute, and ``setpriority(PRIO_PROCESS, tid)``
    changes that thread's alone (``setpriority(2)``, "Bugs"). Raising it needs
    no privilege and the thread ends with the work, so the worker's own
    priority never changes. The thread runs in the caller's language and
    closes the database connections it opened. With ``nice`` 0, or off Linux
    (where that call would name a process), ``work`` runs in the calling
    thread. Exceptions raised by ``work`` are re-raised in the caller.
    """
    if nice <= 0 or not sys.platform.startswith("linux"):
        work()
        return
    language = translation.get_language()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            tid = threading.get_native_id()
            lower = min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice)
            os.setpriority(os.PRIO_PROCESS, tid, lower)
            with translation.override(language):
                work()
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            failure.append(error)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name="page-cache-refresh")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def version_key(obj_pk: int | str) -> str:
    """Return the cache key of a page's version token."""
    return f"ops:ver:page:{obj_pk}"


def current_version(obj_pk: int | str) -> str:
    """Return the page's version token, creating one when the cache has none.

    A missing token (never set, or evicted) is replaced by a fresh random one,
    never by a predictable value, so an old entry cannot match it again.
    """
    return _token(version_key(obj_pk))


def _token(key: str) -> str:
    """Return the token under ``key``, first storing a random one if missing."""
    token = cache.get(key)
    if token is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        token = cache.get(key)
    return str(token)


def base_key(obj_pk: int | str) -> str:
    """Return the cache key of a page's base token (replaced by removals only)."""
    return f"ops:base:page:{obj_pk}"


def current_base(obj_pk: int | str) -> str:
    """Return the page's base token, creating one when the cache has none.

    The base token changes with every change that is not a pure addition (see
    :func:`bump_version`). An entry rendered under the current base shows
    nothing that was removed since, so it may be served while the new version
    renders; one rendered under an older base may not.
    """
    return _token(base_key(obj_pk))


def bump_version(obj_pk: int | str, *, addition: bool = False) -> None:
    """Give the page a new version token once the current transaction commits.

    Bumping after the commit matters: a render that read the old rows while the
    transaction was open would otherwise be stored under the new token.
    ``addition`` marks a change that only adds to what strangers see (a
    comment approved): the base token is kept, so readers may get the
    previous version while the new one renders. Any other change replaces
    the base token too, and no older entry is served again.
    """
    tokens = {version_key(obj_pk): secrets.token_hex(8)}
    if not addition:
        tokens[base_key(obj_pk)] = secrets.token_hex(8)

    def _bump() -> None:
        cache.set_many(tokens, timeout=None)

    transaction.on_commit(_bump)


def thread_version(target: Any) -> ThreadVersion | None:
    """Return the version of a page's comment thread for the list fragment.

    Only pages are versioned (their token changes on publish, unpublish and
    every comment status change); any other commented object, or
    ``OPS_FRAGMENT_CACHE = False``, returns ``None`` (no fragment caching).
    """
    if not isinstance(target, Page) or not getattr(
        settings, "OPS_FRAGMENT_CACHE", True
    ):
        return None
    return ThreadVersion(
        token=current_version(target.pk),
        timeout=int(getattr(settings, "OPS_FRAGMENT_CACHE_SECONDS", 600)),
    )


SITE_VERSION_KEY = "ops:ver:site"

#: Models whose rows shape what every page shows around its own content:
#: menus, footers, language links, related articles, ads, bylines, images and
#: the URL routes. Page subclasses are always included.
SITE_VERSION_MODELS = (
    "wagtailcore.site",
    "wagtailcore.locale",
    "wagtailcore.pageviewrestriction",
    "news.newssettings",
    "news.articlepageauthor",
    "news.articlerelatedlink",
    "news.articlepagetag",
    "news.adslot",
    "news.author",
    "news.newsimage",
    "taggit.tag",
)


def site_version(request: HttpRequest | None = None) -> str:
    """Return the site-wide version token (a random hex string).

    It is replaced whenever a page is saved, published, unpublished, moved or
    deleted, or a row of :data:`SITE_VERSION_MODELS` is saved or deleted
    (:func:`on_site_content_changed`). Fragments that depend on more than one
    page (site chrome, related articles, routes, the article's own rendering)
    put it in their keys. A missing token is replaced by a fresh random one.
    With ``request``, the token is read once per request (kept on it).
    """
    if request is not None:
        known = getattr(request, _REQUEST_SITE_VERSION, None)
        if known is not None:
            return str(known)
    token = cache.get(SITE_VERSION_KEY)
    if token is None:
        cache.add(SITE_VERSION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(SITE_VERSION_KEY)
    if request is not None:
        setattr(request, _REQUEST_SITE_VERSION, str(token))
    return str(token)


def bump_site_version() -> None:
    """Replace the site-wide version token now and again after the commit.

    The immediate replacement makes a change visible to the next render in the
    same transaction (and in tests, where the outer transaction never commits);
    the second one, after the commit, makes unreachable whatever a concurrent
    render stored while it still read the rows from before the change.
    """

    def _bump() -> None:
        cache.set(SITE_VERSION_KEY, secrets.token_hex(8), timeout=None)

    _bump()
    transaction.on_commit(_bump)


def fragment_cache_enabled() -> bool:
    """Return ``OPS_FRAGMENT_CACHE`` (default ``True``): cache fragments or not."""
    return bool(getattr(settings, "OPS_FRAGMENT_CACHE", True))


def fragment_ttl() -> int:
    """Return the lifetime of a cached fragment in seconds (0 when disabled)."""
    if not fragment_cache_enabled():
        return 0
    return int(getattr(settings, "OPS_FRAGMENT_CACHE_SECONDS", 600))


#: Models whose rows are about one page (``content_type_id``, ``object_pk``):
#: saving or deleting one also replaces that page's own version token. A
#: moderator closing comments through the page's moderation mode switches
#: ``comments_enabled`` with a queryset update, which sends no page signal.
PAGE_VERSION_MODELS = ("moderation.moderationmode",)


def _watched(instance: object) -> bool:
    if isinstance(instance, Page):
        return True
    meta = getattr(instance, "_meta", None)
    return meta is not None and (
        meta.label_lower in SITE_VERSION_MODELS
        or meta.label_lower in PAGE_VERSION_MODELS
    )


def on_site_content_changed(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    """Receive ``post_save``/``post_delete`` (any model) and Wagtail's page signals.

    Replaces the site version token when ``instance`` is a page or a row of
    :data:`SITE_VERSION_MODELS`, and also the page's own token for a row of
    :data:`PAGE_VERSION_MODELS` about a page; ignores every other model, and
    the newsroom settings row Wagtail creates with its defaults on first read.
    """
    if instance is None or not _watched(instance):
        return
    label = instance._meta.label_lower
    if kwargs.get("created") and label == "news.newssettings":
        return  # created with its defaults on first use: nothing shown changes
    if label in PAGE_VERSION_MODELS:
        content_type = ContentType.objects.get_for_id(instance.content_type_id)
        if not _is_page_model(content_type.model_class()):
            return
        bump_version(instance.object_pk)
    if label == "wagtailcore.pageviewrestriction":
        # A restriction covers the page and everything below it: their
        # cached copies must not be served to anyone once it is added.
        page = Page.objects.filter(pk=instance.page_id).first()
        if page is not None:
            for pk in Page.objects.descendant_of(page, inclusive=True).values_list(
                "pk", flat=True
            ):
                bump_version(pk)
    bump_site_version()


def _is_page_model(model: type[Model] | None) -> bool:
    return model is not None and issubclass(model, Page)


def on_page_changed(instance: Page, **kwargs: Any) -> None:
    """Receive ``page_published``/``page_unpublished``: drop the page's entries.

    Also replaces the site version token (menus, related lists and routes may
    show the page).
    """
    bump_version(instance.pk)
    bump_site_version()


def _seen_by_strangers(comment: Any, old_status: str, new_status: str) -> bool:
    """Return whether a status change can alter what an anonymous reader sees.

    Strangers see approved comments, and a placeholder for a comment of any
    other status that has replies (``comments.selectors.build_tree``). So a
    change that neither enters nor leaves ``approved``, of a comment without
    replies (the moderation engine turning a new comment from pending into
    spam, the usual case in a spam wave), shows nobody anything new: its
    author sees it through their own session, which bypasses these caches.
    """
    approved = str(CommentStatus.APPROVED)
    if approved in {old_status, new_status}:
        return True
    return bool(type(comment).objects.filter(parent_id=comment.pk).exists())


def on_comment_status_changed(comment: Any, **kwargs: Any) -> None:
    """Receive ``comment_status_changed``: drop the commented page's entries.

    Also asks Wagtail's frontend cache (CDN) to purge the page when one is
    configured (``WAGTAILFRONTENDCACHE``); the purge itself runs as a task.
    Nothing is dropped when the change is invisible to strangers (see
    :func:`_seen_by_strangers`); a call without ``old_status`` and
    ``new_status`` (a deletion, an import) always drops.
    """
    content_type = ContentType.objects.get_for_id(comment.content_type_id)
    if not _is_page_model(content_type.model_class()):
        return
    old_status, new_status = kwargs.get("old_status"), kwargs.get("new_status")
    known = old_status is not None and new_status is not None
    if known and not _seen_by_strangers(comment, str(old_status), str(new_status)):
        return
    approved = str(CommentStatus.APPROVED)
    bump_version(
        comment.object_pk,
        addition=known and str(new_status) == approved and old_status != approved,
    )
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        object_pk = comment.object_pk

        def _purge() -> None:
            from wagtail.contrib.frontend_cache.utils import (
                purge_page_from_cache,
            )

            page = Page.objects.filter(pk=object_pk).first()
            if page is not None:
                purge_page_from_cache(page.specific)

        transaction.on_commit(_purge)


def on_comments_changed(comments: list[Any], **kwargs: Any) -> None:
    """Receive ``comments_changed`` (erasure, import): drop each page's entries."""
    seen: set[tuple[int, str]] = set()
    for comment in comments:
        key = (comment.content_type_id, str(comment.object_pk))
        if key not in seen:
            seen.add(key)
            on_comment_status_changed(comment)


def on_comment_deleted(instance: Any, **kwargs: Any) -> None:
    """Receive ``post_delete`` of the comment model: drop the page's entries."""
    on_comment_status_changed(instance)


def _cacheable_request(request: HttpRequest) -> str | None:
    """Return the entry key for ``request``, or ``None`` when it must bypass."""
    if request.method not in {"GET", "HEAD"} or not _enabled():
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return None
    if comments_settings().COOKIE_NAME in cookies:
        return None
    kept: list[tuple[str, str]] = []
    allowed = set(getattr(settings, "OPS_PAGE_CACHE_QUERY_KEYS", ["cpage"]))
    for name, values in request.GET.lists():
        if _IGNORED_QUERY.match(name):
            continue
        if name not in allowed or len(values) != 1:
            return None
        kept.append((name, values[0]))
    query = urlencode(sorted(kept))
    path = iri_to_uri(request.path)
    return f"ops:page:{request.get_host()}:{path}?{query}"


def mark_page(page: Page, request: HttpRequest) -> None:
    """Record, before rendering, that ``request`` renders a cacheable page.

    Called by the ``before_serve_page`` hook. Pages of other models, pages under
    a view restriction and previews are not marked (so not stored). Nothing is
    done (no view-restriction query) when :class:`PageCacheMiddleware` is not
    installed, as nobody would store the page.
    """
    if _MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        return
    if _cacheable_request(request) is None:
        return
    if f"{page._meta.app_label}.{page._meta.model_name}" not in _models():
        return
    if getattr(request, "is_preview", False) or page.get_view_restrictions():
        return
    setattr(
        request,
        _REQUEST_PAGE,
        _Marked(
            content_type_id=page.content_type_id,
            pk=page.pk,
            version=current_version(page.pk),
            base=current_base(page.pk),
        ),
    )


_TOKEN_VALUE = re.compile(
    rb'(name="(csrfmiddlewaretoken|security_token)" value=")[^"]*(")'
)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A stored page, cut around its per-request token values.

    ``parts`` are the bytes between the values; ``fields`` names the value
    that goes after each part but the last (``csrfmiddlewaretoken`` or
    ``security_token``). Joining them with fresh values costs one copy.
    """

    content_type_id: int
    pk: int
    version: str
    content_type: str
    parts: tuple[bytes, ...]
    fields: tuple[str, ...]
    base: str = ""
    stored_at: float = 0.0

    @property
    def size(self) -> int:
        """Bytes held (the body, roughly)."""
        return sum(len(part) for part in self.parts)


def _cut(content: bytes) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    parts: list[bytes] = []
    fields: list[str] = []
    start = 0
    for match in _TOKEN_VALUE.finditer(content):
        parts.append(content[start : match.end(1)])
        fields.append(match[2].decode())
        start = match.start(3)
    parts.append(content[start:])
    return tuple(parts), tuple(fields)


@lru_cache(maxsize=1024)
def _form_target(content_type_id: int, pk: int) -> Model | None:
    """Return an unsaved stand-in of the commented object, for the form token."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return None if model is None else model(pk=pk)


def _personalise(request: HttpRequest, entry: _Entry) -> bytes:
    """Return the entry's body with this request's CSRF token and a fresh form token."""
    if not entry.fields:
        return entry.parts[0]
    values: dict[str, bytes] = {}
    out = [entry.parts[0]]
    for field_name, part in zip(entry.fields, entry.parts[1:], strict=True):
        value = values.get(field_name)
        if value is None:
            if field_name == "csrfmiddlewaretoken":
                value = get_token(request).encode()
            else:
                target = _form_target(entry.content_type_id, entry.pk)
                value = make_security_token(target).encode() if target else b""
            values[field_name] = value
        out.append(value)
        out.append(part)
    return b"".join(out)


class _LocalEntries:
    """Entries kept in this process too, least recently used dropped first.

    A local entry is served as a hit only while its version token is the
    page's current one in the shared cache (one small read per request), so
    invalidation is as immediate as with the shared entry alone; what it saves
    is reading and unpickling a body of a few hundred kilobytes from Redis on
    every hit. An outdated one stands for the shared entry while that is the
    same rendering (:func:`stored_key`), and is served stale or not by the
    same rule.
    """

    def __init__(self) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> _Entry | None:
        """Return the entry for ``key``, or ``None`` once it is older than the TTL.

        The shared entry expires after ``OPS_PAGE_CACHE_SECONDS``; a local
        copy must not outlive it (changes that replace no page token, such as
        a renamed author, reach cached pages when entries expire).
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            # getattr: entries pickled before ``stored_at`` existed expire.
            if time.time() - getattr(entry, "stored_at", 0.0) >= _ttl():
                del self._entries[key]
                self._bytes -= entry.size
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: _Entry, budget: int) -> None:
        if entry.size > budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > budget and self._entries:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    def drop(self, key: str) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


_local = _LocalEntries()


def _local_budget() -> int:
    return int(getattr(settings, "OPS_PAGE_CACHE_LOCAL_BYTES", 16 * 1024 * 1024))


class _ThenResponse(HttpResponse):
    """A response that runs ``then`` once it has been sent.

    The WSGI server calls ``close()`` after the last byte of the body
    (Django's documented contract for ``HttpResponse.close``); ``then`` runs
    there, before Django's own clean-up (``request_finished``).
    """

    def __init__(self, *args: Any, then: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._then: Callable[[], None] | None = then

    @override
    def close(self) -> None:
        """Run ``then`` once, then Django's clean-up."""
        then, self._then = self._then, None
        try:
            if then is not None:
                then()
        finally:
            super().close()


class PageCacheMiddleware:
    """Serve and store anonymous article pages (see the module docstring).

    Place it after ``CsrfViewMiddleware``, ``LocaleMiddleware`` and the security
    header middlewares, so a cached answer gets the same headers and CSRF cookie
    as a rendered one. Responses carry ``X-Page-Cache: hit|stale|miss``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Wrap ``get_response`` (the rest of the middleware chain and the view)."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer from the cache, or render and store when the page is cacheable."""
        key = _cacheable_request(request)
        if key is None:
            return self.get_response(request)
        entry, version = self._lookup(key)
        if entry is not None and entry.version == version:
            return self._answer(request, entry, "hit")
        if entry is not None and getattr(entry, "base", "") == current_base(entry.pk):
            # Only additions since: answer with the previous version, and let
            # one request render the new one after its answer is sent.
            refreshing = refresh_key(key)
            after = None
            if cache.add(refreshing, 1, timeout=_refresh_seconds()):
                after = functools.partial(self._refresh, request, key, refreshing)
            return self._answer(request, entry, "stale", after=after)
        response = self.get_response(request)
        if not self._store_marked(request, key, response) and entry is not None:
            self._forget(key)
        return response

    def _store_marked(self, request: HttpRequest, key: str, response: Any) -> bool:
        marked_page: _Marked | None = getattr(request, _REQUEST_PAGE, None)
        return marked_page is not None and self._store(key, marked_page, response)

    @staticmethod
    def _forget(key: str) -> None:
        # Unpublished, moved, an error: the previous version must not be
        # served again.
        cache.delete_many([key, stored_key(key)])
        _local.drop(key)

    def _refresh(self, request: HttpRequest, key: str, refreshing: str) -> None:
        """Render and store the page after the reader got the previous version.

        Called by the WSGI server through ``response.close()``, once the
        answer is sent; the render runs at a lower CPU priority
        (:func:`at_lower_priority`). Never raises: a failure is logged and the previous
        version is dropped.
        """

        def render() -> None:
            rendered = self.get_response(request)
            if not self._store_marked(request, key, rendered):
                self._forget(key)

        try:
            at_lower_priority(render, _refresh_nice())
        except Exception:
            logger.exception("Page cache: refreshing %s failed", key)
            self._forget(key)
        finally:
            cache.delete(refreshing)

    @staticmethod
    def _answer(
        request: HttpRequest,
        entry: _Entry,
        state: str,
        *,
        after: Callable[[], None] | None = None,
    ) -> HttpResponse:
        body = _personalise(request, entry)
        response = (
            HttpResponse(body, content_type=entry.content_type)
            if after is None
            else _ThenResponse(body, content_type=entry.content_type, then=after)
        )
        response["X-Page-Cache"] = state
        return response

    def _lookup(self, key: str) -> tuple[_Entry | None, str]:
        """Return the stored entry for ``key`` and the page's current version.

        The entry is current when its ``version`` equals the one returned; an
        older one is returned too, for :meth:`__call__` to decide whether it
        may still be served.
        """
        budget = _local_budget()
        local = _local.get(key) if budget else None
        version = current_version(local.pk) if local is not None else None
        if local is not None and local.version == version:
            return local, version
        if local is not None and cache.get(stored_key(key)) == local.version:
            # Outdated, and nobody has stored a newer rendering yet: the
            # shared entry is this one (no body to read and unpickle).
            return local, version or ""
        entry = cache.get(key)
        if not isinstance(entry, _Entry):
            return local, version or ""
        if local is None or version is None or local.pk != entry.pk:
            version = current_version(entry.pk)  # the URL may show another page
        if budget:
            _local.put(key, entry, budget)
        return entry, version

    def _store(self, key: str, marked: _Marked, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming:
            return False
        cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        if cookies or "private" in response.get("Cache-Control", ""):
            return False
        parts, fields = _cut(response.content)
        entry = _Entry(
            content_type_id=marked.content_type_id,
            pk=marked.pk,
            version=marked.version,
            content_type=response["Content-Type"],
            parts=parts,
            fields=fields,
            base=marked.base,
            stored_at=time.time(),
        )
        cache.set_many({key: entry, stored_key(key): entry.version}, timeout=_ttl())
        response["X-Page-Cache"] = "miss"
        return True
