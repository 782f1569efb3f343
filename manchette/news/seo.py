"""Machine-readable page metadata: NewsArticle JSON-LD and its safe serialisation."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Site

from manchette.news.models import NewsSettings

if TYPE_CHECKING:
    from django.http import HttpRequest

    from manchette.news.models import ArticlePage, Author, NewsImage

# JSON is safe inside <script> once these cannot close the element or start a
# comment or an entity.
_SCRIPT_ESCAPES = str.maketrans(
    {
        "<": "\\u003C",
        ">": "\\u003E",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)

SHARE_IMAGE_SPEC = "fill-1200x675"


def json_for_script(data: Any) -> SafeString:
    r"""Serialise ``data`` to JSON that cannot break out of a ``<script>`` element.

    ``<``, ``>`` and ``&`` (and the JavaScript line separators) become ``\\uXXXX``
    escapes, which JSON parsers read back as the same characters.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 (escaped above)


def iso_utc(value: datetime.datetime | None) -> str:
    """Return an aware datetime as ISO 8601 in UTC (``2026-11-29T08:30:00Z``)."""
    if value is None:
        return ""
    return (
        value.astimezone(datetime.UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )


def publication_name(request: HttpRequest) -> str:
    """Return the publication's name: the newsroom setting, else the site name."""
    name = NewsSettings.for_request(request).publication_name
    if name:
        return str(name)
    site = Site.find_for_request(request)
    return (
        str(site.site_name) if site and site.site_name else settings.WAGTAIL_SITE_NAME
    )


def share_image_url(request: HttpRequest, image: NewsImage | None) -> str:
    """Return the absolute URL of the image's social-sharing rendition, or ``""``."""
    if image is None:
        return ""
    rendition = image.get_rendition(SHARE_IMAGE_SPEC)
    return request.build_absolute_uri(rendition.url)


def article_jsonld(
    page: ArticlePage,
    request: HttpRequest,
    *,
    image_url: str = "",
    authors: list[Author] | None = None,
) -> dict[str, Any]:
    """Return schema.org ``NewsArticle`` data for ``page`` (a plain dict).

    ``image_url`` is the absolute URL of the sharing image, if any;
    ``authors`` the byline when the caller has it already (default: read it).
    """
    if authors is None:
        authors = page.authors
    publisher = {"@type": "NewsMediaOrganization", "name": publication_name(request)}
    site = Site.find_for_request(request)
    if site is not None:
        publisher["url"] = site.root_url + "/"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": page.standfirst or page.search_description,
        "datePublished": iso_utc(page.publication_date),
        "dateModified": iso_utc(page.modification_date),
        "inLanguage": page.locale.language_code,
        "mainEntityOfPage": page.get_full_url(request),
        "author": [{"@type": "Person", "name": author.name} for author in authors],
        "publisher": publisher,
    }
    if page.kicker:
        data["alternativeHeadline"] = page.kicker
    if image_url:
        data["image"] = [image_url]
    return data
