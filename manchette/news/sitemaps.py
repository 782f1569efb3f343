"""Sitemaps: every page of every language edition, and the Google News sitemap."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, override

from django.db.models import Q
from django.utils import timezone
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from manchette.news import selectors, seo

if TYPE_CHECKING:
    from django.http import HttpRequest
    from wagtail.query import PageQuerySet

    from manchette.news.models import ArticlePage

# Google News only wants articles of the last two days.
NEWS_SITEMAP_WINDOW = datetime.timedelta(days=2)
NEWS_SITEMAP_LIMIT = 1000


class AllEditionsSitemap(Sitemap):
    """The pages under the site's root page and under each of its translations."""

    @override
    def items(self) -> PageQuerySet:
        root = self.get_wagtail_site().root_page
        roots = Page.objects.filter(translation_key=root.translation_key)
        under_any_root = Q.create(
            [
                ("path__startswith", path)
                for path in roots.values_list("path", flat=True)
            ],
            Q.OR,
        )
        return (
            Page.objects.filter(under_any_root)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


def news_sitemap_articles(
    request: HttpRequest, *, now: datetime.datetime | None = None
) -> list[tuple[ArticlePage, str]]:
    """Return (article, absolute URL) pairs for the Google News sitemap.

    Articles of every edition published within ``NEWS_SITEMAP_WINDOW`` of
    ``now`` (default: the current time), newest first, at most 1000.
    """
    since = (now or timezone.now()) - NEWS_SITEMAP_WINDOW
    articles = selectors.published_articles(since=since)[:NEWS_SITEMAP_LIMIT]
    return [(article, article.get_full_url(request) or "") for article in articles]


def sitemap_context(request: HttpRequest) -> dict[str, Any]:
    """Template context of ``news/news_sitemap.xml``."""
    return {
        "publication_name": seo.publication_name(request),
        "entries": news_sitemap_articles(request),
    }
