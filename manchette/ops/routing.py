"""Wagtail page serving with the URL route remembered in the cache.

Wagtail routes a request by walking the page tree from the site's root: the
site lookup, the active locale, then a child query and a ``.specific`` query
per path segment, and the view-restriction check of the page and its
ancestors — about ten queries before the page's own view runs.
:func:`serve` remembers, per host, port, language and path, which page the walk
ended on (and the request's site), keyed on the site version token
(:func:`manchette.ops.caching.site_version`, replaced when any page is saved,
published, unpublished, moved or deleted, a site, locale or view restriction
changes). On a hit it loads that one page (one query) and hands it to
Wagtail's own ``serve`` as the routing result, so every ``before_serve_page``
and ``on_serve_page`` hook still runs.

Only plain routes are remembered: ``GET``/``HEAD``, an answer of 200, no
route arguments, no view restriction on the page or its ancestors, and page
models that keep Wagtail's ``Page.route``. The page is re-read on every hit,
so a page unpublished since is not served (Wagtail's routing runs instead).
``OPS_FRAGMENT_CACHE = False`` switches it off with the other fragments.
"""

from __future__ import annotations

from functools import cache as memoize
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.url_routing import RouteResult

from manchette.ops.caching import fragment_cache_enabled, fragment_ttl, site_version

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

_UNRESTRICTED = "_ops_unrestricted"
_SITE_FIELDS = (
    "id",
    "hostname",
    "port",
    "site_name",
    "root_page_id",
    "is_default_site",
)


@memoize
def _plain_routing() -> bool:
    """Whether no page model overrides ``Page.route`` (then routes are cacheable)."""
    return all(model.route is Page.route for model in get_page_models())


def route_key(request: HttpRequest, path: str, token: str) -> str:
    """Return the cache key of ``path``'s route for this request's host and language."""
    return (
        f"ops:route:{token}:{request.get_host()}:{request.get_port()}:"
        f"{get_language()}:{path}"
    )


def view_restrictions(page: Page) -> QuerySet[PageViewRestriction] | None:
    """Return an empty queryset when :func:`serve` found ``page`` unrestricted.

    Page models call this from ``get_view_restrictions``; ``None`` means "not
    known here, query as Wagtail does".
    """
    if page.__dict__.get(_UNRESTRICTED):
        return cast("QuerySet[PageViewRestriction]", PageViewRestriction.objects.none())
    return None


def _from_cache(request: HttpRequest, key: str) -> bool:
    entry = cache.get(key)
    if entry is None:
        return False
    site_fields, content_type_id, page_pk = entry
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or not issubclass(model, Page):
        return False
    page = cast(
        "Page | None",
        model._default_manager.select_related("locale").filter(pk=page_pk).first(),
    )
    if page is None or not page.live:
        return False
    page.__dict__[_UNRESTRICTED] = True
    request._wagtail_site = Site(**dict(zip(_SITE_FIELDS, site_fields, strict=True)))  # type: ignore[attr-defined]
    request._wagtail_route_for_request = RouteResult(page)  # type: ignore[attr-defined]
    return True


def _store(request: HttpRequest, key: str, response: HttpResponse) -> None:
    result: Any = getattr(request, "_wagtail_route_for_request", None)
    site: Site | None = getattr(request, "_wagtail_site", None)
    if response.status_code != 200 or result is None or site is None:
        return
    page, args, kwargs = result
    if args or kwargs or page.__dict__.get(_UNRESTRICTED):
        return
    if page.get_view_restrictions():  # evaluated by Wagtail's check already
        return
    site_fields = tuple(getattr(site, name) for name in _SITE_FIELDS)
    cache.set(key, (site_fields, page.content_type_id, page.pk), timeout=fragment_ttl())


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Serve the Wagtail page at ``path``, routing from the cache when possible.

    Same contract as ``wagtail.views.serve`` (raises ``Http404`` for unknown or
    unpublished pages).
    """
    if (
        request.method not in {"GET", "HEAD"}
        or not fragment_cache_enabled()
        or not _plain_routing()
    ):
        return cast("HttpResponse", wagtail_views.serve(request, path))
    key = route_key(request, path, site_version(request))
    hit = _from_cache(request, key)
    response = cast("HttpResponse", wagtail_views.serve(request, path))
    if not hit:
        _store(request, key, response)
    return response
