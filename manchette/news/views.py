from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render

from manchette.news.sitemaps import sitemap_context

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Google News sitemap: articles of the last two days, every edition."""
    return render(
        request,
        "news/news_sitemap.xml",
        sitemap_context(request),
        content_type="application/xml; charset=utf-8",
    )
