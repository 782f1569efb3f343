"""Lazily computed parts of an article page, and the key of its cached fragments.

``article_page.html`` wraps the article (head metadata, body with its ads,
related articles) in ``{% cache %}`` fragments keyed on
:func:`fragment_version`; the queries behind each part run only when a
fragment is rendered, i.e. on a fragment miss.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from manchette.news import ads, selectors, seo

if TYPE_CHECKING:
    from django.http import HttpRequest

    from manchette.news.models import ArticlePage


def fragment_version(page: ArticlePage, request: HttpRequest) -> str:
    """Return what the article's cached fragments are keyed on (a string).

    The site version token (replaced when any page is saved, published,
    unpublished, moved or deleted, or a site, locale, ad slot, newsroom setting,
    author, image or tag changes: ``manchette.ops.caching.site_version``), the
    page's live revision, host, port, scheme, language and time zone. Previews
    and ``OPS_FRAGMENT_CACHE = False`` get a random, never-reused value.
    """
    from manchette.ops.caching import fragment_cache_enabled, site_version

    if getattr(request, "is_preview", False) or not fragment_cache_enabled():
        return "once:" + secrets.token_hex(8)
    return ":".join(
        (
            site_version(request),
            str(page.pk),
            str(page.live_revision_id),
            request.get_host(),
            request.get_port(),
            request.scheme or "",
            get_language() or "",
            get_current_timezone_name(),
        )
    )


class ArticleParts:
    """The parts of an article page that need queries, computed on first use."""

    def __init__(self, page: ArticlePage, request: HttpRequest) -> None:
        """Bind to ``page`` as served to ``request``; nothing is queried yet."""
        self.page = page
        self.request = request

    @cached_property
    def placement(self) -> ads.AdPlacement:
        """The active ad slots of the request's site."""
        return ads.placement_for(self.request)

    @cached_property
    def body_items(self) -> list[ads.BodyItem]:
        """The body's blocks interleaved with the ads placed between them."""
        return ads.body_items(self.page.body, self.placement)

    @property
    def ads_after_body(self) -> list[Any]:
        """Ad slots shown after the body."""
        return self.placement.after_body

    @property
    def ads_sidebar(self) -> list[Any]:
        """Ad slots shown in the sidebar."""
        return self.placement.sidebar

    @cached_property
    def related_articles(self) -> list[ArticlePage]:
        """Up to three related articles (``selectors.related_articles``)."""
        return selectors.related_articles(self.page)

    @cached_property
    def share_image_url(self) -> str:
        """Absolute URL of the sharing image, or ``""``."""
        return seo.share_image_url(self.request, self.page.hero_image)

    @cached_property
    def jsonld(self) -> dict[str, Any]:
        """The page's schema.org ``NewsArticle`` data."""
        return seo.article_jsonld(
            self.page,
            self.request,
            image_url=self.share_image_url,
            authors=self.authors,
        )

    @cached_property
    def authors(self) -> list[Any]:
        """The byline, in editor order (one query, authors joined)."""
        return self.page.authors

    @cached_property
    def tags(self) -> list[Any]:
        """The article's tags (one query)."""
        return list(self.page.tags.all())
